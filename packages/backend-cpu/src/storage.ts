/**
 * Storage of the CPU device: one typed array per storage, in the dtype's host representation
 * (bool and uint8 as `Uint8Array`, int64 as `BigInt64Array`).
 *
 * Every allocation goes through {@link allocate}, so that storage can later be carved out of a
 * (shared) `WebAssembly.Memory` arena for SIMD kernels and worker threads without touching the
 * kernels: they only ever see typed arrays.
 *
 * @module
 */
import { contiguousStrides, numelOf, type DType, type StorageHandle, type TypedArray, type View } from '@typetorch/core';

/** Typed arrays whose elements are JavaScript numbers: every dtype except int64. */
export type NumberArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A storage handle of the CPU backend: a box around the typed array, so that `free` can empty it. */
export class CpuStorage {
  constructor(
    /** The elements; an empty array once the storage is freed. */
    public data: TypedArray,
  ) {}
}

const FREED = new Uint8Array(0);

/** A new zero-filled typed array of `numel` elements of `dtype`: the one place memory comes from. */
export function allocate(dtype: DType, numel: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(numel);
    case 'float64': return new Float64Array(numel);
    case 'int32': return new Int32Array(numel);
    case 'int64': return new BigInt64Array(numel);
    case 'uint8': case 'bool': return new Uint8Array(numel);
  }
}

/** True when `data` is the host representation of `dtype`. */
export function holdsDType(data: TypedArray, dtype: DType): boolean {
  switch (dtype) {
    case 'float32': return data instanceof Float32Array;
    case 'float64': return data instanceof Float64Array;
    case 'int32': return data instanceof Int32Array;
    case 'int64': return data instanceof BigInt64Array;
    case 'uint8': case 'bool': return data instanceof Uint8Array;
  }
}

/** The storage behind a handle, checked: kernels of this backend only accept its own handles. */
export function storageOf(handle: StorageHandle): CpuStorage {
  if (!(handle instanceof CpuStorage)) {
    throw new Error('[cpu] expected a storage handle allocated by the cpu backend');
  }
  if (handle.data === FREED) throw new Error('[cpu] storage was used after it was freed');
  return handle;
}

/** The typed array a view reads or writes. */
export function arrayOf(view: View): TypedArray {
  return storageOf(view.handle).data;
}

/** Drops the storage's array so the garbage collector can reclaim it. */
export function release(handle: StorageHandle): void {
  storageOf(handle).data = FREED;
}

/** A contiguous view over a fresh zeroed array, for kernels that accumulate before converting. */
export function scratchView(dtype: DType, shape: readonly number[]): View {
  const handle = new CpuStorage(allocate(dtype, numelOf(shape)));
  return { handle, dtype, shape, strides: contiguousStrides(shape), offset: 0 };
}
