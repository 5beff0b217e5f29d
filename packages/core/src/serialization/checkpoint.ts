/**
 * `torch.save` / `torch.load` for TypeScript: checkpoints in PyTorch's own zip format (read and
 * written by PyTorch's `torch.save`/`torch.load`) or in the safetensors format, to and from files
 * (Node) or `Uint8Array`s (browsers).
 *
 * @module
 */
import { getBackend } from '../backend/registry.js';
import { concatChunks, plainBytes, type ByteChunks } from './byte-io.js';
import { getFileSystem, writeFileAtomic, type CheckpointFileSystem } from './fs.js';
import { decodePytorchCheckpoint, encodePytorchCheckpoint } from './pytorch-archive.js';
import { decodeSafetensors, encodeSafetensors, looksLikeSafetensors } from './safetensors.js';

/**
 * A checkpoint file format: `'pytorch'` is PyTorch's zip format (what `torch.save` writes since
 * 1.6; any object), `'safetensors'` the safetensors format (a flat `Record<string, Tensor>`).
 */
export type CheckpointFormat = 'pytorch' | 'safetensors';

/** Options of {@link saveToBytes}. */
export interface SaveToBytesOptions {
  /** The file format. Default `'pytorch'`. */
  format?: CheckpointFormat;
  /** String metadata stored as the safetensors `__metadata__` (safetensors only). */
  metadata?: Record<string, string>;
}

/** Options of {@link save}. */
export interface SaveOptions {
  /** The file format. Default: `'safetensors'` for names ending in `.safetensors`, `'pytorch'` otherwise. */
  format?: CheckpointFormat;
  /** String metadata stored as the safetensors `__metadata__` (safetensors only). */
  metadata?: Record<string, string>;
  /** The file system to write through (default: Node's `node:fs/promises`). */
  fs?: CheckpointFileSystem;
}

/** Options of {@link loadFromBytes}. */
export interface LoadFromBytesOptions {
  /** The file format. Default: recognised from the bytes (a zip archive is `'pytorch'`). */
  format?: CheckpointFormat;
  /** The device tensors go to, like PyTorch's `map_location`. Default `'cpu'`. */
  device?: string;
}

/** Options of {@link load}. */
export interface LoadOptions {
  /** The file format. Default: `'safetensors'` for names ending in `.safetensors`, `'pytorch'` otherwise. */
  format?: CheckpointFormat;
  /** The device tensors go to, like PyTorch's `map_location`. Default `'cpu'`. */
  device?: string;
  /** The file system to read through (default: Node's `node:fs/promises`). */
  fs?: CheckpointFileSystem;
}

function checkFormat(op: string, format: unknown): CheckpointFormat | undefined {
  if (format === undefined || format === 'pytorch' || format === 'safetensors') return format;
  throw new Error(`[${op}] unknown format ${JSON.stringify(format)}: expected 'pytorch' or 'safetensors'`);
}

function formatOfPath(path: string): CheckpointFormat {
  return /\.safetensors$/i.test(path) ? 'safetensors' : 'pytorch';
}

async function encode(obj: unknown, format: CheckpointFormat, metadata: Record<string, string> | undefined): Promise<ByteChunks> {
  if (format === 'safetensors') return encodeSafetensors(obj, metadata);
  if (metadata !== undefined) throw new Error(`[save] metadata is a safetensors feature; the 'pytorch' format stores it in the object itself`);
  return encodePytorchCheckpoint(obj);
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

function decode(bytes: Uint8Array, format: CheckpointFormat | undefined, device: string, where: string): unknown {
  const op = 'load';
  getBackend(device, op);
  if (format === undefined) {
    if (looksLikeSafetensors(bytes) && !isZip(bytes)) format = 'safetensors';
    else format = 'pytorch';
  }
  if (format === 'safetensors') return decodeSafetensors(bytes, { device, op }).tensors;
  if (!isZip(bytes) && looksLikeSafetensors(bytes)) {
    throw new Error(`[${op}] ${where} is a safetensors file, not a PyTorch zip checkpoint: name it .safetensors or pass { format: 'safetensors' }`);
  }
  return decodePytorchCheckpoint(bytes, { device, op });
}

/**
 * Serializes a checkpoint to bytes, for browsers and other places without files (PyTorch's
 * `torch.save` into a `BytesIO`). Asynchronous because tensor data is read with `await t.data()`,
 * which works on every device.
 *
 * The `'pytorch'` format (default) writes what `torch.save` writes, so `torch.load` in PyTorch
 * reads it: plain objects become dicts (a plain object whose values are all tensors, such as a
 * module's `stateDict()`, becomes the `collections.OrderedDict` that `state_dict()` returns, except
 * under an integer key, where PyTorch's optimizers keep plain dicts), object keys that are canonical
 * integers (`'0'`, `'12'`) become int keys (optimizer state is keyed by parameter index), `Map`s
 * dicts, arrays lists, safe integers and bigints ints, other numbers floats, strings, booleans,
 * `null` None, and tensors of float32, float64, int64, int32, uint8 and bool PyTorch tensors. A
 * tensor's whole storage is written once however many tensors view it, so views that share memory
 * load in PyTorch as views that share memory, with their offsets and strides.
 *
 * The `'safetensors'` format takes a flat `Record<string, Tensor>` (and optional string
 * `metadata`); each tensor is stored contiguously on its own.
 *
 * ```ts
 * const bytes = await torch.saveToBytes(net.stateDict());
 * net.loadStateDict(torch.loadFromBytes(bytes));
 * ```
 */
export async function saveToBytes(obj: unknown, options: SaveToBytesOptions = {}): Promise<Uint8Array> {
  const format = checkFormat('save', options.format) ?? 'pytorch';
  return concatChunks('save', await encode(obj, format, options.metadata));
}

/**
 * Reads a checkpoint from bytes (PyTorch's `torch.load` of a `BytesIO`). Synchronous: the bytes
 * are already in memory and tensors are created directly on the target device.
 *
 * Never executes anything: a pickle that names any global outside the tensor-rebuilding whitelist
 * is refused, as with PyTorch's `weights_only=True`. Truncated or corrupt data fails with an error
 * that says what is wrong, and hostile data cannot make loading take memory or time out of
 * proportion to its size (lengths are checked against the data before anything is allocated, zip
 * entries that overlap are refused, nesting depth is not limited by the stack). Dicts (and
 * OrderedDicts) become plain objects (int keys become their decimal strings; a key named
 * `__proto__` stays an ordinary key), lists and tuples arrays, sets `Set`s, ints numbers (bigints
 * beyond 2**53), floats numbers, bytes `Uint8Array`s, and tensors `Tensor`s on `options.device`
 * (default `'cpu'`); tensors that share a storage in the file share memory again. The type
 * parameter names what you expect.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- like torch.load, the result is whatever the file holds
export function loadFromBytes<T = any>(bytes: Uint8Array | ArrayBuffer, options: LoadFromBytesOptions = {}): T {
  const data = bytes instanceof Uint8Array ? plainBytes(bytes) : new Uint8Array(bytes);
  return decode(data, checkFormat('load', options.format), options.device ?? 'cpu', 'the data') as T;
}

/**
 * Saves a checkpoint to a file, like `torch.save(obj, path)`: PyTorch's zip format, or safetensors
 * for names ending in `.safetensors` (a flat `Record<string, Tensor>` only). See
 * {@link saveToBytes} for how values map to Python's. The write is atomic: a temporary file is
 * written, flushed and renamed over `path`, so a crash never leaves a half-written checkpoint.
 *
 * ```ts
 * await torch.save(net.stateDict(), 'net.pt');          // torch.load('net.pt') in PyTorch reads it
 * await torch.save(net.stateDict(), 'net.safetensors');
 * ```
 */
export async function save(obj: unknown, path: string, options: SaveOptions = {}): Promise<void> {
  const format = checkFormat('save', options.format) ?? formatOfPath(path);
  const data = await encode(obj, format, options.metadata);
  const fs = options.fs ?? (await getFileSystem('save'));
  await writeFileAtomic(fs, path, data);
}

/**
 * Loads a checkpoint file, like `torch.load(path, weights_only=True)`: safetensors for names
 * ending in `.safetensors`, PyTorch's zip format otherwise (files written by `torch.save` since
 * PyTorch 1.6, or by {@link save}). See {@link loadFromBytes} for the values it returns and its
 * safety guarantees.
 *
 * ```ts
 * net.loadStateDict(await torch.load('net.pt'));
 * const sgdState = await torch.load('optimizer.pt', { device: 'cpu' });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- like torch.load, the result is whatever the file holds
export async function load<T = any>(path: string, options: LoadOptions = {}): Promise<T> {
  const format = checkFormat('load', options.format) ?? formatOfPath(path);
  const fs = options.fs ?? (await getFileSystem('load'));
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    throw new Error(`[load] could not read '${path}': ${(error as Error).message}`, { cause: error });
  }
  return decode(plainBytes(bytes), format, options.device ?? 'cpu', `'${path}'`) as T;
}
