/**
 * How each dtype lives in a GPU buffer. WGSL storage buffers hold 32-bit words only, so:
 * float32 is `f32`, int32 is `i32`, int64 is kept in an `i32` (API.md: WebGPU keeps int64 in 32 bits;
 * an upload outside that range is an error), and uint8 and bool take one `u32` word per element
 * (a packed byte layout would need atomics for every write). float64 has no WGSL type and is refused.
 *
 * @module
 */
import type { DType, TypedArray } from '@typetorch/core';

/** The WGSL scalar type that stores a dtype's elements. */
export type WgslScalar = 'f32' | 'i32' | 'u32';

/** Every element takes one 32-bit word. */
export const BYTES_PER_ELEMENT = 4;

/** The WGSL type of `dtype`'s elements; float64 is refused with an error that names float32. */
export function wgslType(dtype: DType, op = 'webgpu'): WgslScalar {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'int32':
    case 'int64':
      return 'i32';
    case 'uint8':
    case 'bool':
      return 'u32';
    default:
      throw new Error(
        `[${op}] float64 is not supported on WebGPU (WGSL has no 64-bit floats): use float32, e.g. x.to('webgpu', { dtype: 'float32' }) or x.float()`,
      );
  }
}

const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;

/** Converts host data of `dtype` into the 32-bit words the GPU stores. */
export function toDeviceWords(dtype: DType, data: TypedArray): Float32Array | Int32Array | Uint32Array {
  switch (dtype) {
    case 'float32':
      return data as Float32Array;
    case 'int32':
      return data as Int32Array;
    case 'int64': {
      const source = data as BigInt64Array;
      const words = new Int32Array(source.length);
      for (let i = 0; i < source.length; i++) {
        const v = source[i]!;
        if (v < INT32_MIN || v > INT32_MAX) {
          throw new Error(
            `[webgpu] int64 value ${v} at element ${i} is outside the 32-bit range WebGPU keeps int64 in ([-2147483648, 2147483647])`,
          );
        }
        words[i] = Number(v);
      }
      return words;
    }
    case 'uint8':
    case 'bool':
      return Uint32Array.from(data as Uint8Array);
    default:
      wgslType(dtype, 'webgpu.write');
      throw new Error('unreachable');
  }
}

/** Converts the 32-bit words read back from the GPU into the host array of `dtype`. */
export function fromDeviceWords(dtype: DType, words: ArrayBuffer, numel: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(words, 0, numel).slice();
    case 'int32':
      return new Int32Array(words, 0, numel).slice();
    case 'int64': {
      const source = new Int32Array(words, 0, numel);
      const out = new BigInt64Array(numel);
      for (let i = 0; i < numel; i++) out[i] = BigInt(source[i]!);
      return out;
    }
    case 'uint8':
      return Uint8Array.from(new Uint32Array(words, 0, numel));
    case 'bool': {
      const source = new Uint32Array(words, 0, numel);
      const out = new Uint8Array(numel);
      for (let i = 0; i < numel; i++) out[i] = source[i] === 0 ? 0 : 1;
      return out;
    }
    default:
      wgslType(dtype, 'webgpu.read');
      throw new Error('unreachable');
  }
}
