/**
 * The safetensors format, both ways: an 8-byte little-endian header length N, N bytes of JSON
 * (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__":
 * {string: string}}`, padded with spaces to a multiple of 8), then the tensors' row-major
 * little-endian bytes. Written as the reference implementation (the `safetensors` crate) writes
 * it: tensors sorted by descending dtype alignment, then by name; `__metadata__` first. Read with
 * its checks: the offsets must tile the data buffer exactly.
 *
 * @module
 */
import { getBackend } from '../backend/registry.js';
import { itemSize, type DType } from '../dtype.js';
import { contiguousStrides, numelOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { storageFromHost } from './storage-io.js';
import { littleEndianBytes, typedArrayFromBytes, utf8, type ByteChunks } from './byte-io.js';

const NAME_OF: Readonly<Record<DType, string>> = { float32: 'F32', float64: 'F64', int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'BOOL' };
const DTYPE_OF: Readonly<Record<string, DType>> = { F32: 'float32', F64: 'float64', I64: 'int64', I32: 'int32', U8: 'uint8', BOOL: 'bool' };
/** The crate's Dtype enum, in its (alignment) order; files sort tensors by it, descending. */
const ORDER = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'];
const MAX_HEADER = 100_000_000; // the crate refuses larger headers
const METADATA = '__metadata__';

/** The tensors and metadata of a safetensors file. */
export interface Safetensors {
  /** The tensors by name, in header order. */
  readonly tensors: Record<string, Tensor>;
  /** The `__metadata__` map, or null when the file has none. */
  readonly metadata: Record<string, string> | null;
}

function compareUtf8(a: string, b: string): number {
  const x = utf8(a);
  const y = utf8(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Tensor) return 'a Tensor';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function checkTensorRecord(value: unknown): Record<string, Tensor> {
  const fail: (what: string) => never = (what) => {
    throw new Error(`[save] a .safetensors file holds a flat Record<string, Tensor> (such as a module's stateDict()); ${what}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Tensor) {
    fail(`got ${describe(value)}`);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) fail(`got a ${(value as object).constructor?.name ?? 'object'}`);
  const record = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(record)) {
    if (key === METADATA) fail(`the name '${METADATA}' is reserved; pass metadata with { metadata }`);
    if (!(v instanceof Tensor)) fail(`'${key}' is ${describe(v)}, not a Tensor`);
  }
  return record as Record<string, Tensor>;
}

/** Serializes a flat record of tensors (and optional string metadata) as a safetensors file. */
export async function encodeSafetensors(value: unknown, metadata?: Record<string, string>): Promise<ByteChunks> {
  const tensors = checkTensorRecord(value);
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`[save] safetensors metadata values are strings; '${k}' is a ${typeof v}`);
    }
  }
  const entries = Object.entries(tensors).sort(
    ([an, a], [bn, b]) => ORDER.indexOf(NAME_OF[b.dtype]) - ORDER.indexOf(NAME_OF[a.dtype]) || compareUtf8(an, bn),
  );
  const datas = await Promise.all(entries.map(([, t]) => t.data()));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header[METADATA] = { ...metadata };
  let offset = 0;
  const blobs = datas.map((data, i) => {
    const [name, t] = entries[i];
    const bytes = littleEndianBytes(data);
    Object.defineProperty(header, name, {
      value: { dtype: NAME_OF[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.length] },
      enumerable: true, writable: true, configurable: true,
    });
    offset += bytes.length;
    return bytes;
  });
  let text = JSON.stringify(header);
  const length = utf8(text).length;
  text += ' '.repeat((8 - (length % 8)) % 8);
  const headerBytes = utf8(text);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  return { chunks: [prefix, headerBytes, ...blobs.filter((b) => b.length > 0)], byteLength: 8 + headerBytes.length + offset };
}

interface HeaderEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** Reads the header: the tensor entries (validated) and the metadata. */
function readHeader(bytes: Uint8Array, op: string): { entries: HeaderEntry[]; metadata: Record<string, string> | null; dataStart: number } {
  const fail: (message: string) => never = (message) => {
    throw new Error(`[${op}] ${message}`);
  };
  if (bytes.length < 8) fail(`the file is too short (${bytes.length} bytes) to be a safetensors file`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) {
    fail(`safetensors header length ${declared} runs past the end of the file (${bytes.length} bytes): the file is truncated or not a safetensors file`);
  }
  const n = Number(declared);
  if (n > MAX_HEADER) fail(`the safetensors header is ${n} bytes, more than the format allows (${MAX_HEADER})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    fail(`the safetensors header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail('the safetensors header is not a JSON object');
  let metadata: Record<string, string> | null = null;
  const entries: HeaderEntry[] = [];
  for (const [name, info] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === METADATA) {
      if (info === null || typeof info !== 'object' || Array.isArray(info) || !Object.values(info).every((v) => typeof v === 'string')) {
        fail(`the safetensors ${METADATA} must map strings to strings`);
      }
      metadata = { ...(info as Record<string, string>) };
      continue;
    }
    const entry = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (entry === null || typeof entry !== 'object') fail(`the header entry of '${name}' is not an object`);
    const dtypeName = entry.dtype;
    if (typeof dtypeName !== 'string') fail(`'${name}' has no dtype`);
    const dtype = DTYPE_OF[dtypeName];
    if (dtype === undefined) {
      fail(ORDER.includes(dtypeName)
        ? `'${name}' has safetensors dtype ${dtypeName}, which typetorch does not support (it reads F32, F64, I64, I32, U8 and BOOL)`
        : `'${name}' has an unknown safetensors dtype ${JSON.stringify(dtypeName)}`);
    }
    const shape = entry.shape;
    const offsets = entry.data_offsets;
    const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`'${name}' has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      fail(`'${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as number[];
    const needed = numelOf(shape as number[]) * itemSize(dtype);
    if (end - begin !== needed) {
      fail(`'${name}' has data_offsets [${begin}, ${end}] (${end - begin} bytes), but shape [${(shape as number[]).join(', ')}] of ${dtypeName} needs ${needed} bytes`);
    }
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }
  const dataStart = 8 + n;
  const available = bytes.length - dataStart;
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of sorted) {
    if (e.begin !== covered) fail(`the data of '${e.name}' starts at ${e.begin}, not at ${covered}: the data offsets must tile the buffer without gaps or overlaps`);
    covered = e.end;
  }
  if (covered > available) fail(`the tensors need ${covered} bytes of data but the file holds ${available}: the file is truncated`);
  if (covered !== available) fail(`the file has ${available - covered} bytes after the last tensor's data: it is corrupt`);
  return { entries, metadata, dataStart };
}

/** Reads a safetensors file; tensors go to `device`, each with its own storage. */
export function decodeSafetensors(bytes: Uint8Array, options: { device: string; op: string }): Safetensors {
  const { entries, metadata, dataStart } = readHeader(bytes, options.op);
  getBackend(options.device, options.op); // an unknown device fails before any work
  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    const data = typedArrayFromBytes(e.dtype, bytes.subarray(dataStart + e.begin, dataStart + e.end));
    const storage = storageFromHost(options.device, e.dtype, data, options.op);
    const t = new Tensor(storage, e.shape, contiguousStrides(e.shape), 0);
    Object.defineProperty(tensors, e.name, { value: t, enumerable: true, writable: true, configurable: true });
  }
  return { tensors, metadata };
}

/** The `__metadata__` of a safetensors file (null when it has none), without reading any tensor. */
export function readSafetensorsMetadata(bytes: Uint8Array): Record<string, string> | null {
  return readHeader(bytes, 'load').metadata;
}

/** True when `bytes` start like a safetensors file: a plausible header length, then `{`. */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 9 || bytes[8] !== 0x7b) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return n >= 2n && n <= BigInt(MAX_HEADER);
}
