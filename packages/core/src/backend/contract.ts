/**
 * The backend contract: the only thing a device must implement, and the only way core touches data.
 *
 * A backend owns opaque storage handles and runs a small set of primitive kernels on strided views.
 * Every other operation (softmax, std, indexing, conv, ...) is a composite written in core on top of
 * these. Kernels always write into an output view that core has allocated; output views are
 * contiguous unless a kernel's doc says otherwise, inputs may have any strides (a zero stride is a
 * broadcast dimension).
 *
 * Errors that depend on data (integer division by zero, an index out of bounds) can only be raised
 * by devices that run kernels synchronously on the host; other devices leave such results
 * unspecified, and core checks what it can before dispatching.
 *
 * @module
 */
import type { DType } from '../dtype.js';

/** A typed array of any dtype's host representation. */
export type TypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** A scalar as kernels receive it: numbers for floating and 32-bit types, bigint for int64, 0/1 for bool. */
export type Scalar = number | bigint;

/** An opaque handle to a block of device memory that a backend allocated. */
export type StorageHandle = unknown;

/** A strided view of a storage: the shape of a tensor as a kernel sees it. */
export interface View {
  /** The storage the view reads or writes. */
  readonly handle: StorageHandle;
  /** The dtype of the storage's elements. */
  readonly dtype: DType;
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** Step in elements between neighbours along each dimension (0 for a broadcast dimension). */
  readonly strides: readonly number[];
  /** Index of the first element in the storage, in elements. */
  readonly offset: number;
}

/** Elementwise functions of one argument. The output dtype is chosen by core. */
export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'exp2' | 'expm1' | 'log' | 'log2' | 'log10' | 'log1p'
  | 'sqrt' | 'rsqrt' | 'reciprocal' | 'sin' | 'cos' | 'tan' | 'asin' | 'acos' | 'atan'
  | 'sinh' | 'cosh' | 'tanh' | 'sigmoid' | 'relu' | 'erf' | 'floor' | 'ceil' | 'round' | 'trunc'
  | 'logicalNot' | 'isnan' | 'isinf' | 'isfinite';

/**
 * Elementwise functions of two arguments. Both inputs have the same dtype (core promotes first),
 * except for comparisons and logical ops whose output is bool.
 * `floorDivide` and `remainder` follow Python (the result of `remainder` has the divisor's sign).
 */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'floorDivide' | 'remainder' | 'pow' | 'atan2'
  | 'minimum' | 'maximum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
  | 'logicalAnd' | 'logicalOr' | 'logicalXor';

/**
 * Reductions over a set of axes. The output view has the input's rank, with size 1 on reduced axes.
 * `argmax`/`argmin` reduce exactly one axis, write int64 indices and return the first extreme
 * (NaN counts as the extreme, as in PyTorch). `max`/`min` propagate NaN. `any`/`all` write bool.
 */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin' | 'any' | 'all';

/** Inclusive scans along one axis. */
export type ScanOp = 'cumsum' | 'cumprod';

/**
 * What a device must implement. Kernels are synchronous from core's point of view: they may queue
 * work (as WebGPU does) as long as later kernels and reads observe the results in order.
 */
export interface Backend {
  /** Short name used in error messages. */
  readonly name: string;

  // ---- memory ----
  /** Allocates storage for `numel` elements of `dtype`. Contents are unspecified. */
  alloc(dtype: DType, numel: number): StorageHandle;
  /** Releases a storage. Core never uses a handle after freeing it. */
  free(handle: StorageHandle): void;
  /** Copies host data into a storage starting at element `offset`. `data` has the storage's dtype. */
  write(handle: StorageHandle, dtype: DType, data: TypedArray, offset: number): void;
  /**
   * Reads a view into a new contiguous host array (row-major order of the view's shape). The result
   * reflects every kernel issued before the call, and none issued after it.
   */
  read(view: View): Promise<TypedArray>;
  /** Synchronous form of `read`, for devices that can. Devices that cannot leave it undefined. */
  readSync?(view: View): TypedArray;
  /**
   * Returns the host array that backs a storage when the device keeps it in host memory, so that
   * `fromTypedArray` can share memory. Devices with their own memory leave it undefined.
   */
  hostArray?(handle: StorageHandle, dtype: DType): TypedArray;
  /** Wraps an existing host array as a storage without copying (see `hostArray`). */
  wrapHostArray?(data: TypedArray, dtype: DType): StorageHandle;

  // ---- elementwise ----
  /**
   * `out[i] = x[i]`, converting between dtypes (float to int truncates toward zero; to bool is `!= 0`).
   * `out` may be any view (in-place ops write through views).
   */
  copy(out: View, x: View): void;
  /** `out[i] = value`; `out` may be any view. The value is already in the output's dtype domain. */
  fill(out: View, value: Scalar): void;
  /** `out[i] = op(x[i])`. `x` and `out` have the same shape; dtypes as core decided. */
  unary(op: UnaryOp, out: View, x: View): void;
  /** `out[i] = op(a[i], b[i])` with `a` and `b` already broadcast to `out`'s shape by strides. */
  binary(op: BinaryOp, out: View, a: View, b: View): void;
  /** `out[i] = cond[i] ? a[i] : b[i]`, all views broadcast to `out`'s shape; `cond` is bool. */
  where(out: View, cond: View, a: View, b: View): void;

  // ---- reductions and scans ----
  /** Reduces `x` over `axes` into `out` (same rank, size 1 on reduced axes). */
  reduce(op: ReduceOp, out: View, x: View, axes: readonly number[]): void;
  /** Inclusive scan of `x` along `axis` into `out` (same shape); a rank-0 `x` is copied. */
  scan(op: ScanOp, out: View, x: View, axis: number): void;

  // ---- linear algebra ----
  /**
   * Batched matrix product: `a` is `[...batch, M, K]`, `b` is `[...batch, K, N]`, `out` is
   * `[...batch, M, N]`, with the batch dimensions already broadcast by strides. Operands may be
   * transposed views (any strides); a kernel should read them in place.
   */
  matmul(out: View, a: View, b: View): void;

  // ---- indexing ----
  /** `out[...i, j, k...] = x[...i, index[...i, j, k...], k...]` along `dim`; `index` is int64 or int32. */
  gather(out: View, x: View, dim: number, index: View): void;
  /** `out[...i, index[...i, j, k...], k...] += src[...i, j, k...]` along `dim` (in place on `out`, which may be any view). */
  scatterAdd(out: View, dim: number, index: View, src: View): void;
  /**
   * `out[...i, index[...i, j, k...], k...] = src[...i, j, k...]` along `dim` (in place on `out`, which may be any view).
   * With duplicate indices the last write wins on CPU; other devices may pick any.
   */
  scatter(out: View, dim: number, index: View, src: View): void;

  // ---- randomness ----
  /**
   * Fills `out` (float32 or float64) with uniform numbers in [0, 1) from the counter-based
   * generator: element `i` (in row-major order) is `uniformAt(key, counter, i, out.dtype === 'float64')`
   * (random/philox.ts). Every backend produces the same stream for the same key and counter.
   */
  uniform(out: View, key: readonly [number, number], counter: number): void;

  // ---- optional introspection ----
  /** What the device's allocator keeps for reuse, for `memory()`; devices without a pool leave it undefined. */
  memoryStats?(): {
    /** Bytes of freed blocks the allocator keeps for reuse. */
    readonly pooledBytes: number;
  };

  // ---- optional fused kernels (core falls back to composites when absent) ----
  /** Optional fused kernels, looked up by name (e.g. `'softmax'`, `'conv2d'`). */
  readonly fused?: Readonly<Record<string, (...args: never[]) => unknown>>;
}
