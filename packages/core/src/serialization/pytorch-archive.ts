/**
 * PyTorch's checkpoint file (what `torch.save` writes since 1.6): a zip archive with
 * `archive/data.pkl` (the pickled object), one `archive/data/<key>` record per storage (raw
 * little-endian elements, 64-byte aligned), `archive/byteorder` (`little`, which PyTorch 2.1+
 * writes and 1.13 ignores) and `archive/version` (`3\n`, as PyTorch 1.13 writes).
 *
 * @module
 */
import { Tensor } from '../tensor.js';
import { fromUtf8, littleEndianBytes, utf8, type ByteChunks } from './byte-io.js';
import { pickleCheckpoint } from './torch-pickle.js';
import { unpickleCheckpoint } from './torch-unpickle.js';
import { ZipArchive, writeZip, type ZipEntry } from './zip.js';

/** Options of {@link encodePytorchCheckpoint}. */
export interface PytorchEncodeOptions {
  /** Write ZIP64 records even for small files (for testing readers). */
  readonly forceZip64?: boolean;
}

/** Serializes a checkpoint object into PyTorch's zip format; reads every storage's data asynchronously. */
export async function encodePytorchCheckpoint(value: unknown, options: PytorchEncodeOptions = {}): Promise<ByteChunks> {
  const { pickle, storages } = pickleCheckpoint(value);
  // The whole storage is written, as PyTorch does, so that every view of it can be rebuilt.
  const records = await Promise.all(storages.map((storage) => new Tensor(storage, [storage.numel], [1], 0).data()));
  const entries: ZipEntry[] = [
    { name: 'archive/data.pkl', data: pickle },
    { name: 'archive/byteorder', data: utf8('little') },
    ...records.map((data, key) => ({ name: `archive/data/${key}`, data: littleEndianBytes(data) })),
    { name: 'archive/version', data: utf8('3\n') },
  ];
  return writeZip(entries, { forceZip64: options.forceZip64 });
}

/** Options of {@link decodePytorchCheckpoint}. */
export interface PytorchDecodeOptions {
  /** The device tensors go to. */
  readonly device: string;
  /** The operation named in error messages. */
  readonly op: string;
}

// A legacy (pre-1.6) checkpoint starts with the pickled magic number 0x1950a86a20f9469cfc6c.
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

function isLegacy(bytes: Uint8Array): boolean {
  return bytes.length >= LEGACY_MAGIC.length && LEGACY_MAGIC.every((b, i) => bytes[i] === b);
}

/** Reads a checkpoint in PyTorch's zip format; tensors go to `options.device`. */
export function decodePytorchCheckpoint(bytes: Uint8Array, options: PytorchDecodeOptions): unknown {
  const { op, device } = options;
  if (isLegacy(bytes)) {
    throw new Error(
      `[${op}] this is PyTorch's legacy (before 1.6) checkpoint format, which typetorch does not read; ` +
        `load it in PyTorch and save it again with torch.save (the zip format is the default since 1.6)`,
    );
  }
  const zip = new ZipArchive(bytes, op);
  const names = zip.names();
  const pickleName = names.find((name) => /^[^/]+\/data\.pkl$/.test(name)) ?? names.find((name) => name === 'data.pkl');
  if (pickleName === undefined) {
    const torchScript = names.some((name) => name.endsWith('/constants.pkl'));
    throw new Error(
      torchScript
        ? `[${op}] this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint`
        : `[${op}] the zip archive has no data.pkl record: it is not a torch.save checkpoint`,
    );
  }
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  let littleEndian = true;
  if (zip.has(`${prefix}byteorder`)) {
    const order = fromUtf8(zip.read(`${prefix}byteorder`)).trim();
    if (order !== 'little' && order !== 'big') throw new Error(`[${op}] unknown byteorder record '${order}'`);
    littleEndian = order === 'little';
  }
  return unpickleCheckpoint(zip.read(pickleName), {
    device,
    op,
    littleEndian,
    readRecord: (key) => {
      const name = `${prefix}data/${key}`;
      if (!zip.has(name)) throw new Error(`[${op}] missing storage record '${name}': the file is incomplete or corrupt`);
      return zip.read(name);
    },
  });
}
