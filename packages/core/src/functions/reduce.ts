/**
 * `torch.*` reductions and linear algebra, mirroring the Tensor methods.
 *
 * @module
 */
import { Tensor, type ReduceOptions, type ValuesIndices } from '../tensor.js';
import type { DType } from '../dtype.js';
import type { VarOptions } from '../ops/reduce.js';

/** One dim, several dims, or null for all. */
export type Dims = number | readonly number[] | null;

/** Sum over all or some dims. */
export function sum(x: Tensor, dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor {
  return x.sum(dim, options);
}

/** Mean over all or some dims. */
export function mean(x: Tensor, dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor {
  return x.mean(dim, options);
}

/** Product over all elements or one dim. */
export function prod(x: Tensor, dim?: number | null | ReduceOptions, options?: ReduceOptions): Tensor {
  return x.prod(dim, options);
}

/** Maximum of all elements, `{ values, indices }` along a dim, or the elementwise maximum of two tensors. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, options?: { keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim?: number | Tensor, options?: { keepdim?: boolean }): Tensor | ValuesIndices {
  return dim === undefined ? x.max() : dim instanceof Tensor ? x.max(dim) : x.max(dim, options);
}

/** Minimum of all elements, `{ values, indices }` along a dim, or the elementwise minimum of two tensors. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, options?: { keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim?: number | Tensor, options?: { keepdim?: boolean }): Tensor | ValuesIndices {
  return dim === undefined ? x.min() : dim instanceof Tensor ? x.min(dim) : x.min(dim, options);
}

/** Maximum over dims. */
export function amax(x: Tensor, dim?: number | readonly number[], options?: { keepdim?: boolean }): Tensor {
  return x.amax(dim, options);
}

/** Minimum over dims. */
export function amin(x: Tensor, dim?: number | readonly number[], options?: { keepdim?: boolean }): Tensor {
  return x.amin(dim, options);
}

/** Index of the maximum. */
export function argmax(x: Tensor, dim?: number | null, options?: { keepdim?: boolean }): Tensor {
  return x.argmax(dim, options);
}

/** Index of the minimum. */
export function argmin(x: Tensor, dim?: number | null, options?: { keepdim?: boolean }): Tensor {
  return x.argmin(dim, options);
}

/** Standard deviation. */
export function std(x: Tensor, dim?: Dims | VarOptions, options?: VarOptions): Tensor {
  return x.std(dim, options);
}

/** Variance. */
export function variance(x: Tensor, dim?: Dims | VarOptions, options?: VarOptions): Tensor {
  return x.var(dim, options);
}
export { variance as var };

/** `log(sum(exp(x)))` over dims. */
export function logsumexp(x: Tensor, dim: number | readonly number[], options?: { keepdim?: boolean }): Tensor {
  return x.logsumexp(dim, options);
}

/** Vector p-norm. */
export function norm(x: Tensor, p?: number | 'fro' | null, dim?: Dims, options?: { keepdim?: boolean }): Tensor {
  return x.norm(p, dim, options);
}

/** True when all elements (along a dim) are nonzero. */
export function all(x: Tensor, dim?: number | null, options?: { keepdim?: boolean }): Tensor {
  return x.all(dim, options);
}

/** True when any element (along a dim) is nonzero. */
export function any(x: Tensor, dim?: number | null, options?: { keepdim?: boolean }): Tensor {
  return x.any(dim, options);
}

/** Cumulative sum. */
export function cumsum(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return x.cumsum(dim, options);
}

/** Cumulative product. */
export function cumprod(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return x.cumprod(dim, options);
}

/** Softmax along a dim. */
export function softmax(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return x.softmax(dim, options);
}

/** Log-softmax along a dim. */
export function logSoftmax(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return x.logSoftmax(dim, options);
}

/** Matrix product with PyTorch's rules for 1-D, 2-D and batched operands. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return a.matmul(b);
}

/** 2-D matrix product. */
export function mm(a: Tensor, b: Tensor): Tensor {
  return a.mm(b);
}

/** Batched 3-D matrix product. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  return a.bmm(b);
}

/** Matrix-vector product. */
export function mv(a: Tensor, b: Tensor): Tensor {
  return a.mv(b);
}

/** Dot product of 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  return a.dot(b);
}

/** Outer product of 1-D tensors. */
export function outer(a: Tensor, b: Tensor): Tensor {
  return a.outer(b);
}

