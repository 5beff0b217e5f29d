/**
 * The zip container of PyTorch checkpoints, hand-written (core has no runtime dependencies).
 * PyTorch never compresses: every entry is stored, so this handles stored entries only, with
 * CRC-32 checks, the 64-byte alignment of record data that PyTorch uses (a padding extra field
 * `FB` filled with `Z`, as PyTorch's writer makes it), data descriptors (PyTorch's writer emits
 * them), and ZIP64 for files, entries or offsets past 4 GiB.
 *
 * @module
 */
import { ByteWriter, fromUtf8, plainBytes, utf8, type ByteChunks } from './byte-io.js';
import { crc32 } from './crc32.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const PADDING_EXTRA = 0x4246; // 'FB', PyTorch's alignment padding
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1; // a fixed timestamp keeps output deterministic

/** One file to put in a zip archive. */
export interface ZipEntry {
  /** The entry's path inside the archive, e.g. `archive/data.pkl`. */
  readonly name: string;
  /** Its contents (stored as they are). */
  readonly data: Uint8Array;
}

/** Options of {@link writeZip}. */
export interface ZipWriteOptions {
  /** Entry data starts at a multiple of this many bytes (PyTorch: 64). Default 64. */
  readonly alignment?: number;
  /** Write ZIP64 records even when nothing needs them (for testing readers). Default false. */
  readonly forceZip64?: boolean;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Writes stored (uncompressed) entries as a zip archive. The result references each entry's data
 * without copying it; join the chunks with `concatChunks` or write them to a file one by one.
 */
export function writeZip(entries: readonly ZipEntry[], options: ZipWriteOptions = {}): ByteChunks {
  const alignment = options.alignment ?? 64;
  const force = options.forceZip64 ?? false;
  const chunks: Uint8Array[] = [];
  const central = new ByteWriter();
  let offset = 0;

  for (const entry of entries) {
    const name = utf8(entry.name);
    const flags = isAscii(entry.name) ? 0 : 0x0800; // bit 11: the name is UTF-8
    const size = entry.data.length;
    const crc = crc32(entry.data);
    const bigSize = force || size >= U32_MAX;
    const bigOffset = force || offset >= U32_MAX;
    const versionNeeded = bigSize || bigOffset ? 45 : 20;

    // Local header: the ZIP64 extra (sizes) when needed, then padding so that data is aligned.
    const zip64LocalLength = bigSize ? 20 : 0;
    const unpaddedStart = offset + 30 + name.length + zip64LocalLength + 4;
    const padding = (alignment - (unpaddedStart % alignment)) % alignment;
    const local = new ByteWriter()
      .u32(LOCAL_HEADER).u16(versionNeeded).u16(flags).u16(0).u16(0).u16(DOS_DATE_1980_01_01)
      .u32(crc).u32(bigSize ? U32_MAX : size).u32(bigSize ? U32_MAX : size)
      .u16(name.length).u16(zip64LocalLength + 4 + padding)
      .bytes(name);
    if (bigSize) local.u16(ZIP64_EXTRA).u16(16).u64(size).u64(size);
    local.u16(PADDING_EXTRA).u16(padding);
    for (let i = 0; i < padding; i++) local.u8(0x5a); // 'Z'
    const header = local.toBytes();
    chunks.push(header);
    if (size > 0) chunks.push(entry.data);

    // Central directory record: the ZIP64 extra holds whichever fields overflow (all when forced).
    const zip64Central = new ByteWriter();
    if (bigSize) zip64Central.u64(size).u64(size);
    if (bigOffset) zip64Central.u64(offset);
    const zip64CentralLength = zip64Central.length > 0 ? zip64Central.length + 4 : 0;
    central
      .u32(CENTRAL_HEADER).u16(versionNeeded).u16(versionNeeded).u16(flags).u16(0).u16(0).u16(DOS_DATE_1980_01_01)
      .u32(crc).u32(bigSize ? U32_MAX : size).u32(bigSize ? U32_MAX : size)
      .u16(name.length).u16(zip64CentralLength).u16(0).u16(0).u16(0).u32(0)
      .u32(bigOffset ? U32_MAX : offset)
      .bytes(name);
    if (zip64CentralLength > 0) central.u16(ZIP64_EXTRA).u16(zip64Central.length).bytes(zip64Central.toBytes());

    offset += header.length + size;
  }

  const centralOffset = offset;
  const centralSize = central.length;
  const count = entries.length;
  const tail = new ByteWriter().bytes(central.toBytes());
  const needZip64 = force || count >= U16_MAX || centralOffset >= U32_MAX || centralSize >= U32_MAX;
  if (needZip64) {
    const zip64EndOffset = centralOffset + centralSize;
    tail
      .u32(ZIP64_END).u64(44).u16(45).u16(45).u32(0).u32(0)
      .u64(count).u64(count).u64(centralSize).u64(centralOffset)
      .u32(ZIP64_LOCATOR).u32(0).u64(zip64EndOffset).u32(1);
  }
  tail
    .u32(END_OF_CENTRAL_DIRECTORY).u16(0).u16(0)
    .u16(Math.min(count, U16_MAX)).u16(Math.min(count, U16_MAX))
    .u32(centralSize >= U32_MAX ? U32_MAX : centralSize)
    .u32(centralOffset >= U32_MAX ? U32_MAX : centralOffset)
    .u16(0);
  const tailBytes = tail.toBytes();
  chunks.push(tailBytes);
  return { chunks, byteLength: offset + tailBytes.length };
}

/** Where one entry of a zip archive lies. */
interface EntryInfo {
  name: string;
  flags: number;
  method: number;
  crc: number;
  size: number;
  compressedSize: number;
  headerOffset: number;
}

/** Random access to the stored entries of a zip archive held in memory. */
export class ZipArchive {
  private readonly view: DataView;
  private readonly entries = new Map<string, EntryInfo>();
  private readonly checked = new Set<string>();

  /**
   * Reads the central directory of `bytes`. `op` prefixes error messages (`[load] ...`).
   * Throws a clear error when the bytes are not a zip archive or are cut short.
   */
  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array, private readonly op = 'load') {
    this.bytes = plainBytes(bytes);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.readDirectory();
  }

  private fail(message: string): never {
    throw new Error(`[${this.op}] ${message}`);
  }

  private u16(at: number): number { return this.view.getUint16(at, true); }
  private u32(at: number): number { return this.view.getUint32(at, true); }
  private u64(at: number, what: string): number {
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`corrupt zip archive: ${what} ${value} is impossibly large`);
    return Number(value);
  }

  private findEnd(): number {
    const n = this.bytes.length;
    const lowest = Math.max(0, n - 22 - U16_MAX);
    let found = -1;
    for (let at = n - 22; at >= lowest; at--) {
      if (this.u32(at) !== END_OF_CENTRAL_DIRECTORY) continue;
      if (at + 22 + this.u16(at + 20) === n) return at; // the comment length agrees: the real record
      if (found < 0) found = at;
    }
    if (found >= 0) return found;
    const looksLikeZip = n >= 4 && this.u32(0) === LOCAL_HEADER;
    this.fail(
      looksLikeZip
        ? `the zip archive is truncated: its end-of-central-directory record is missing (${n} bytes)`
        : `not a zip archive (no end-of-central-directory record in ${n} bytes): the file is truncated or not a PyTorch checkpoint`,
    );
  }

  private readDirectory(): void {
    const n = this.bytes.length;
    if (n < 22) this.fail(`the file is too short (${n} bytes) to be a zip archive: it is truncated or not a PyTorch checkpoint`);
    const end = this.findEnd();
    let count = this.u16(end + 10);
    let centralSize = this.u32(end + 12);
    let centralOffset = this.u32(end + 16);
    let centralLimit = end;
    if (end >= 20 && this.u32(end - 20) === ZIP64_LOCATOR) {
      const zip64End = this.u64(end - 12, 'ZIP64 end record offset');
      if (zip64End + 56 > end || this.u32(zip64End) !== ZIP64_END) {
        this.fail(`corrupt zip archive: the ZIP64 end record is missing at byte ${zip64End}`);
      }
      count = this.u64(zip64End + 32, 'entry count');
      centralSize = this.u64(zip64End + 40, 'central directory size');
      centralOffset = this.u64(zip64End + 48, 'central directory offset');
      centralLimit = zip64End;
    }
    if (centralOffset + centralSize > centralLimit) {
      this.fail(`the zip archive is truncated or corrupt: its central directory (bytes ${centralOffset}..${centralOffset + centralSize}) lies past its end record at byte ${centralLimit}`);
    }
    let at = centralOffset;
    let claimed = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > centralOffset + centralSize || this.u32(at) !== CENTRAL_HEADER) {
        this.fail(`corrupt zip central directory: entry ${i} of ${count} is missing at byte ${at}`);
      }
      const nameLength = this.u16(at + 28);
      const extraLength = this.u16(at + 30);
      const commentLength = this.u16(at + 32);
      const next = at + 46 + nameLength + extraLength + commentLength;
      if (next > centralOffset + centralSize) this.fail(`corrupt zip central directory: entry ${i} runs past its end`);
      const info: EntryInfo = {
        name: fromUtf8(this.bytes.subarray(at + 46, at + 46 + nameLength)),
        flags: this.u16(at + 8),
        method: this.u16(at + 10),
        crc: this.u32(at + 16),
        compressedSize: this.u32(at + 20),
        size: this.u32(at + 24),
        headerOffset: this.u32(at + 42),
      };
      this.applyZip64Extra(info, at + 46 + nameLength, extraLength);
      this.entries.set(info.name, info);
      claimed += info.size;
      at = next;
    }
    // Stored entries that do not overlap fit in the file. Entries that share bytes (many names for
    // one record) could make a small file load as many copies of one large record: refuse them.
    if (claimed > n) {
      this.fail(`corrupt zip archive: its entries hold ${claimed} bytes in all, more than the whole file (${n} bytes), so they overlap or the file is truncated`);
    }
  }

  /** Replaces the 0xFFFFFFFF placeholders of an entry with the values of its ZIP64 extra field. */
  private applyZip64Extra(info: EntryInfo, start: number, length: number): void {
    const needs = info.size === U32_MAX || info.compressedSize === U32_MAX || info.headerOffset === U32_MAX;
    if (!needs) return;
    for (let at = start; at + 4 <= start + length;) {
      const id = this.u16(at);
      const size = this.u16(at + 2);
      if (id === ZIP64_EXTRA) {
        const fieldEnd = Math.min(at + 4 + size, start + length);
        let field = at + 4;
        // Each value is read only once it is known to lie inside the field (and so inside the file).
        const next = (what: string): number => {
          if (field + 8 > fieldEnd) this.fail(`corrupt zip archive: the ZIP64 field of '${info.name}' is too short`);
          const value = this.u64(field, what);
          field += 8;
          return value;
        };
        if (info.size === U32_MAX) info.size = next('entry size');
        if (info.compressedSize === U32_MAX) info.compressedSize = next('entry size');
        if (info.headerOffset === U32_MAX) info.headerOffset = next('entry offset');
        return;
      }
      at += 4 + size;
    }
    this.fail(`corrupt zip archive: '${info.name}' needs a ZIP64 field and has none`);
  }

  /** The names of all entries, in directory order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** True when the archive has an entry of this name. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * The contents of an entry (a view of the archive's bytes, not a copy), after checking that it
   * lies inside the file and that its CRC-32 matches.
   */
  read(name: string): Uint8Array {
    const info = this.entries.get(name);
    if (info === undefined) this.fail(`the archive has no entry '${name}' (the file is incomplete or corrupt)`);
    if (info.flags & 1) this.fail(`entry '${name}' is encrypted; checkpoints are never encrypted`);
    if (info.method !== 0) {
      this.fail(`entry '${name}' is compressed (method ${info.method}); PyTorch stores checkpoint entries uncompressed — re-save the file with torch.save`);
    }
    if (info.compressedSize !== info.size) this.fail(`corrupt zip archive: stored entry '${name}' has two different sizes`);
    const at = info.headerOffset;
    if (at + 30 > this.bytes.length) this.fail(`entry '${name}' starts past the end of the file (the file is truncated)`);
    if (this.u32(at) !== LOCAL_HEADER) this.fail(`corrupt zip archive: the local header of '${name}' is missing at byte ${at}`);
    const start = at + 30 + this.u16(at + 26) + this.u16(at + 28);
    const end = start + info.size;
    if (end > this.bytes.length) {
      this.fail(`entry '${name}' runs past the end of the file (bytes ${start}..${end} of ${this.bytes.length}): the file is truncated`);
    }
    const data = this.bytes.subarray(start, end);
    if (!this.checked.has(name)) {
      const actual = crc32(data);
      if (actual !== info.crc) {
        this.fail(`CRC-32 mismatch in '${name}' (stored 0x${info.crc.toString(16).padStart(8, '0')}, computed 0x${actual.toString(16).padStart(8, '0')}): the file is corrupt`);
      }
      this.checked.add(name);
    }
    return data;
  }
}
