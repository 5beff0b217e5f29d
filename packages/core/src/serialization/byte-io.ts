/**
 * Byte-level helpers shared by the checkpoint formats: a growable little-endian byte writer,
 * UTF-8 text, and the conversion between typed arrays and the little-endian bytes that PyTorch
 * and safetensors files hold.
 *
 * @module
 */
import type { TypedArray } from '../backend/contract.js';
import { arrayConstructor, itemSize, type DType } from '../dtype.js';

/** A list of byte chunks written in order; `byteLength` is their total (may exceed what one array holds). */
export interface ByteChunks {
  /** The chunks, in file order. Large tensor data is referenced, not copied. */
  readonly chunks: readonly Uint8Array[];
  /** The sum of the chunks' lengths. */
  readonly byteLength: number;
}

/** Joins chunks into one array (`op` names the caller in the error for outputs too large for one array). */
export function concatChunks(op: string, { chunks, byteLength }: ByteChunks): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let out: Uint8Array;
  try {
    out = new Uint8Array(byteLength);
  } catch (_error) {
    throw new Error(`[${op}] the checkpoint is ${byteLength} bytes, more than one Uint8Array can hold here; save it to a file instead`);
  }
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** An append-only byte buffer that grows by doubling, with little-endian integer writers. */
export class ByteWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  /** Number of bytes written so far. */
  length = 0;

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Appends one byte. */
  u8(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  /** Appends an unsigned 16-bit little-endian integer. */
  u16(value: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
    return this;
  }

  /** Appends an unsigned 32-bit little-endian integer. */
  u32(value: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0, true);
    this.length += 4;
    return this;
  }

  /** Appends a signed 32-bit little-endian integer. */
  i32(value: number): this {
    this.reserve(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
    return this;
  }

  /** Appends an unsigned 64-bit little-endian integer given as a safe non-negative number. */
  u64(value: number): this {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(value), true);
    this.length += 8;
    return this;
  }

  /** Appends a float64 in big-endian order (pickle's BINFLOAT). */
  f64be(value: number): this {
    this.reserve(8);
    this.view.setFloat64(this.length, value, false);
    this.length += 8;
    return this;
  }

  /** Appends raw bytes. */
  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** The bytes written so far (a copy). */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/**
 * A plain `Uint8Array` view of the same bytes. Node's `Buffer` (a subclass) has a `slice` that does
 * not copy, so values handed out from a Buffer could alias it; a plain view behaves as specified.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// Created on first use, so that importing the package never needs them.
let encoder: TextEncoder | undefined;
let decoder: TextDecoder | undefined;

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return (encoder ??= new TextEncoder()).encode(text);
}

/** A string from UTF-8 bytes (invalid sequences become U+FFFD). */
export function fromUtf8(bytes: Uint8Array): string {
  return (decoder ??= new TextDecoder('utf-8')).decode(bytes);
}

/** A string from Latin-1 bytes (each byte one code point), as Python's `encoding='latin1'`. */
export function fromLatin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 8192)));
  }
  return out;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/**
 * The little-endian bytes of a host array. On little-endian hosts (all common ones) this is a view
 * of the same memory, so large tensors are not copied; big-endian hosts get a byte-swapped copy.
 */
export function littleEndianBytes(data: TypedArray): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const width = data.BYTES_PER_ELEMENT;
  if (littleEndianHost || width === 1) return view;
  const copy = view.slice();
  swapBytes(copy, width);
  return copy;
}

/**
 * A new host array of `dtype` holding the values of `bytes` (little-endian unless `littleEndian` is
 * false; the length must be a multiple of the element size). Bools other than 0 become 1.
 */
export function typedArrayFromBytes(dtype: DType, bytes: Uint8Array, littleEndian = true): TypedArray {
  const width = itemSize(dtype);
  const out = new (arrayConstructor(dtype))(bytes.length / width);
  const target = new Uint8Array(out.buffer);
  target.set(bytes);
  if (littleEndian !== littleEndianHost && width > 1) swapBytes(target, width);
  if (dtype === 'bool') {
    const flags = out as Uint8Array;
    for (let i = 0; i < flags.length; i++) if (flags[i] > 1) flags[i] = 1;
  }
  return out;
}
