// The hand-written zip container and CRC-32 of PyTorch checkpoints.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32 } from '../src/serialization/crc32.js';
import { ZipArchive, writeZip } from '../src/serialization/zip.js';
import { concatChunks, utf8 } from '../src/serialization/byte-io.js';

const fixtures = fileURLToPath(new URL('../../typetorch/test/fixtures/checkpoints/', import.meta.url));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const u32At = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
const u16At = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint16(at, true);

function zipOf(entries: { name: string; data: Uint8Array }[], forceZip64 = false): Uint8Array {
  return concatChunks('test', writeZip(entries, { forceZip64 }));
}

/** Local header offsets and data starts, by walking the local headers as a streaming reader would. */
function localHeaders(bytes: Uint8Array): { name: string; dataStart: number; extra: Uint8Array }[] {
  const out = [];
  let at = 0;
  while (u32At(bytes, at) === 0x04034b50) {
    const nameLength = u16At(bytes, at + 26);
    const extraLength = u16At(bytes, at + 28);
    const name = text(bytes.subarray(at + 30, at + 30 + nameLength));
    const dataStart = at + 30 + nameLength + extraLength;
    let size = u32At(bytes, at + 22);
    const extra = bytes.subarray(at + 30 + nameLength, dataStart);
    if (size === 0xffffffff) size = Number(new DataView(extra.buffer, extra.byteOffset).getBigUint64(4, true));
    out.push({ name, dataStart, extra });
    at = dataStart + size;
  }
  return out;
}

describe('crc32', () => {
  it('gives the standard check value and continues across chunks', () => {
    expect(crc32(utf8('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
    expect(crc32(data.subarray(500), crc32(data.subarray(0, 500)))).toBe(crc32(data));
  });

  it('matches the CRC-32 values PyTorch stored in a checkpoint', () => {
    const zip = new ZipArchive(readFileSync(`${fixtures}dtypes_and_views.pt`));
    for (const name of zip.names()) expect(() => zip.read(name)).not.toThrow();
    expect(zip.names().length).toBeGreaterThan(10);
  });
});

describe('writeZip', () => {
  const entries = [
    { name: 'archive/data.pkl', data: utf8('pickle bytes') },
    { name: 'archive/data/0', data: Uint8Array.from({ length: 37 }, (_, i) => i) },
    { name: 'archive/empty', data: new Uint8Array(0) },
    { name: 'archive/version', data: utf8('3\n') },
  ];

  it('stores entries uncompressed with data aligned to 64 bytes, using PyTorch’s FB padding field', () => {
    const bytes = zipOf(entries);
    const headers = localHeaders(bytes);
    expect(headers.map((h) => h.name)).toEqual(entries.map((e) => e.name));
    for (const h of headers) {
      expect(h.dataStart % 64).toBe(0);
      expect(text(h.extra.subarray(0, 2))).toBe('FB');
      expect(Array.from(h.extra.subarray(4)).every((b) => b === 0x5a)).toBe(true); // 'Z' padding
    }
    expect(bytes[8] | (bytes[9] << 8)).toBe(0); // method 0: stored
  });

  it('reads back every entry with its exact bytes', () => {
    const zip = new ZipArchive(zipOf(entries));
    expect(zip.names()).toEqual(entries.map((e) => e.name));
    for (const e of entries) expect(zip.read(e.name)).toEqual(e.data);
    expect(zip.has('archive/missing')).toBe(false);
  });

  it('writes ZIP64 records (sizes, offsets, end record and locator) that it reads back', () => {
    const bytes = zipOf(entries, true);
    const eocd = bytes.length - 22;
    expect(u32At(bytes, eocd - 20)).toBe(0x07064b50); // ZIP64 locator
    expect(u32At(bytes, eocd - 20 - 56)).toBe(0x06064b50); // ZIP64 end record
    expect(u32At(bytes, 18)).toBe(0xffffffff); // local header sizes live in the ZIP64 field
    const zip = new ZipArchive(bytes);
    for (const e of entries) expect(zip.read(e.name)).toEqual(e.data);
    for (const h of localHeaders(bytes)) expect(h.dataStart % 64).toBe(0);
  });

  it('marks non-ASCII names as UTF-8', () => {
    const zip = new ZipArchive(zipOf([{ name: 'archive/ü', data: utf8('x') }]));
    expect(zip.names()).toEqual(['archive/ü']);
  });
});

describe('ZipArchive reads PyTorch’s archives and reports damage', () => {
  const pytorch = readFileSync(`${fixtures}dtypes_and_views.pt`);

  it('reads the records of a file torch.save wrote (data descriptors, ZIP64 end record, archive named after the file)', () => {
    const zip = new ZipArchive(pytorch);
    expect(zip.names()[0]).toBe('dtypes_and_views/data.pkl');
    expect(text(zip.read('dtypes_and_views/version'))).toBe('3\n');
    const int64 = zip.read('dtypes_and_views/data/0');
    expect(new BigInt64Array(new Uint8Array(int64).buffer)[2]).toBe(2n ** 53n + 1n);
  });

  it('says a cut file is truncated', () => {
    for (const keep of [10, 100, Math.floor(pytorch.length / 2), pytorch.length - 1]) {
      expect(() => new ZipArchive(pytorch.subarray(0, keep))).toThrow(/^\[load\] .*truncated/);
    }
  });

  it('detects a changed byte with the CRC-32', () => {
    const bytes = zipOf([{ name: 'archive/data/0', data: utf8('weights!') }]);
    const start = localHeaders(bytes)[0].dataStart;
    bytes[start + 3] ^= 1;
    const zip = new ZipArchive(bytes);
    expect(() => zip.read('archive/data/0')).toThrow(/^\[load\] CRC-32 mismatch in 'archive\/data\/0' \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\): the file is corrupt$/);
  });

  it('refuses compressed entries and says why', () => {
    const bytes = zipOf([{ name: 'archive/data.pkl', data: utf8('x') }]);
    const central = bytes.length - 22 - (46 + 'archive/data.pkl'.length);
    expect(u32At(bytes, central)).toBe(0x02014b50);
    bytes[central + 10] = 8; // deflate
    expect(() => new ZipArchive(bytes).read('archive/data.pkl')).toThrow("[load] entry 'archive/data.pkl' is compressed (method 8)");
  });

  it('says when bytes are not a zip archive, or name a missing entry', () => {
    expect(() => new ZipArchive(utf8('definitely not a checkpoint, just some text'))).toThrow('[load] not a zip archive');
    expect(() => new ZipArchive(new Uint8Array(5))).toThrow('[load] the file is too short (5 bytes) to be a zip archive');
    expect(() => new ZipArchive(zipOf([])).read('archive/data.pkl')).toThrow("[load] the archive has no entry 'archive/data.pkl'");
  });
});

/** One central directory record, as a hostile writer might make it. */
interface CentralRecord { name: string; crc: number; size: number; offset: number; extra?: Uint8Array }

/** The records of a zip's central directory, and the bytes before it (the local headers and data). */
function splitZip(bytes: Uint8Array): { local: Uint8Array; records: CentralRecord[] } {
  const end = bytes.length - 22;
  const count = u16At(bytes, end + 10);
  const centralOffset = u32At(bytes, end + 16);
  const records: CentralRecord[] = [];
  for (let i = 0, at = centralOffset; i < count; i++) {
    const nameLength = u16At(bytes, at + 28);
    const extraLength = u16At(bytes, at + 30);
    records.push({ name: text(bytes.subarray(at + 46, at + 46 + nameLength)), crc: u32At(bytes, at + 16), size: u32At(bytes, at + 24), offset: u32At(bytes, at + 42) });
    at += 46 + nameLength + extraLength + u16At(bytes, at + 32);
  }
  return { local: bytes.subarray(0, centralOffset), records };
}

/** `local` followed by a central directory of `records` and the end record. */
function zipWithDirectory(local: Uint8Array, records: CentralRecord[]): Uint8Array {
  const parts: Uint8Array[] = [local];
  let centralSize = 0;
  for (const r of records) {
    const name = utf8(r.name);
    const extra = r.extra ?? new Uint8Array(0);
    const head = new Uint8Array(46);
    const v = new DataView(head.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 20, true);
    v.setUint32(16, r.crc, true);
    v.setUint32(20, r.size, true);
    v.setUint32(24, r.size, true);
    v.setUint16(28, name.length, true);
    v.setUint16(30, extra.length, true);
    v.setUint32(42, r.offset, true);
    parts.push(head, name, extra);
    centralSize += 46 + name.length + extra.length;
  }
  const endRecord = new Uint8Array(22);
  const e = new DataView(endRecord.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, records.length, true);
  e.setUint16(10, records.length, true);
  e.setUint32(12, centralSize, true);
  e.setUint32(16, local.length, true);
  parts.push(endRecord);
  return concatChunks('test', { chunks: parts, byteLength: parts.reduce((n, p) => n + p.length, 0) });
}

describe('ZipArchive refuses hostile directories with [load] errors', () => {
  it('says a ZIP64 field that claims more than its record holds is too short (instead of reading past the file)', () => {
    const { local, records } = splitZip(zipOf([{ name: 'a', data: utf8('xyz') }]));
    // every field overflows, so the ZIP64 field must hold 24 bytes; it says so but holds none, at the very end of the directory
    const hostile = zipWithDirectory(local, [{ ...records[0], size: 0xffffffff, offset: 0xffffffff, extra: Uint8Array.of(1, 0, 24, 0) }]);
    expect(() => new ZipArchive(hostile)).toThrow("[load] corrupt zip archive: the ZIP64 field of 'a' is too short");
  });

  it('refuses entries that share bytes, so a small file cannot load as many copies of one large record', () => {
    const { local, records } = splitZip(zipOf([{ name: 'archive/data/0', data: new Uint8Array(1 << 20) }]));
    const copies = Array.from({ length: 100 }, (_, key) => ({ ...records[0], name: `archive/data/${key}` }));
    expect(() => new ZipArchive(zipWithDirectory(local, copies))).toThrow(
      '[load] corrupt zip archive: its entries hold 104857600 bytes in all, more than the whole file (1054752 bytes), so they overlap or the file is truncated',
    );
    expect(new ZipArchive(zipWithDirectory(local, copies.slice(0, 1))).read('archive/data/0').length).toBe(1 << 20);
  });

  it('fails with [load] errors only when any byte of a ZIP64 archive is changed (3000 random changes)', () => {
    const bytes = zipOf([{ name: 'archive/data.pkl', data: utf8('pickle') }, { name: 'archive/data/0', data: utf8('tensor bytes') }], true);
    let seed = 777;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const failures = new Set<string>();
    for (let trial = 0; trial < 3000; trial++) {
      const damaged = bytes.slice();
      damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      try {
        const zip = new ZipArchive(damaged);
        for (const name of zip.names()) zip.read(name);
      } catch (error) {
        if (!(error as Error).message.startsWith('[load] ')) failures.add(String(error));
      }
    }
    expect([...failures]).toEqual([]);
  });
});
