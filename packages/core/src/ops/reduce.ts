/**
 * Reductions with PyTorch's argument forms and dtype rules: `sum`, `mean`, `prod`, `all`, `any`,
 * and the scans `cumsum`, `cumprod`. Max/min, statistics and softmax live in sibling modules and are
 * re-exported here, so `Tensor` reaches every reduction through this one module.
 *
 * @module
 */
import type { ScanOp } from '../backend/contract.js';
import { isFloatingPoint, type DType } from '../dtype.js';
import { backendOf, castTo, checkTensor, differentiable, emptyTensor, viewOf } from '../dispatch.js';
import type { ReduceOptions, Tensor } from '../tensor.js';
import {
  parseDims, parseDtype, parseKeepdim, parseOneDim, reduceInto, reducedCount, splitDimAndOptions,
} from './reduction.js';

export { max, min, amax, amin, argmax, argmin } from './minmax.js';
export { std, variance, logsumexp, norm, type VarOptions } from './statistics.js';
export { softmax, logSoftmax } from './softmax.js';

/** The dims argument of `sum` and `mean`: one dim, a list of dims, or null for all. */
export type DimArg = number | readonly number[] | null;

/** The dtype `sum`, `prod`, `cumsum` and `cumprod` produce without a `dtype` option: bool and integers widen to int64. */
function accumulationDtype(dtype: DType): DType {
  return isFloatingPoint(dtype) ? dtype : 'int64';
}

/**
 * Sum over all dims or the given ones: `sum()`, `sum(dim)`, `sum([d0, d1])`,
 * `sum(dim, { keepdim, dtype })`, `sum({ dtype })`. Bool and integer inputs give int64 unless `dtype`
 * is given; the sum of nothing is 0.
 */
export function sum(x: Tensor, dim?: DimArg | ReduceOptions, options?: ReduceOptions): Tensor {
  checkTensor('sum', x);
  const [dimArg, opts] = splitDimAndOptions('sum', dim, options);
  const { dims, allDims } = parseDims('sum', x.ndim, dimArg);
  const keepdim = parseKeepdim('sum', opts);
  const dtype = parseDtype('sum', opts) ?? accumulationDtype(x.dtype);
  return differentiable('sum', [x], { dims, keepdim, allDims }, () =>
    reduceInto('sum', castTo(x, dtype), dims, dtype, keepdim),
  );
}

/**
 * Mean over all dims or the given ones (same argument forms as {@link sum}). Needs a floating-point
 * input or `dtype`, as in PyTorch; the mean of nothing is NaN.
 */
export function mean(x: Tensor, dim?: DimArg | ReduceOptions, options?: ReduceOptions): Tensor {
  checkTensor('mean', x);
  const [dimArg, opts] = splitDimAndOptions('mean', dim, options);
  const { dims, allDims } = parseDims('mean', x.ndim, dimArg);
  const keepdim = parseKeepdim('mean', opts);
  const requested = parseDtype('mean', opts);
  if (requested !== undefined && !isFloatingPoint(requested)) {
    throw new Error(
      `[mean] could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: ${requested}`,
    );
  }
  if (requested === undefined && !isFloatingPoint(x.dtype)) {
    throw new Error(
      `[mean] could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`,
    );
  }
  const dtype = requested ?? x.dtype;
  const count = reducedCount(x.shape, dims);
  return differentiable('mean', [x], { dims, keepdim, allDims }, () =>
    reduceInto('sum', castTo(x, dtype), dims, dtype, keepdim).div(count),
  );
}

/**
 * Product of all elements, or along one dim: `prod()`, `prod(dim, { keepdim, dtype })`,
 * `prod({ dtype })`. Bool and integer inputs give int64 unless `dtype` is given; the product of
 * nothing is 1.
 */
export function prod(x: Tensor, dim?: number | null | ReduceOptions, options?: ReduceOptions): Tensor {
  checkTensor('prod', x);
  const [dimArg, opts] = splitDimAndOptions('prod', dim, options);
  if (Array.isArray(dimArg)) throw new Error(`[prod] expected dim to be one integer, got a list; prod reduces one dim or all`);
  const { dims } = parseDims('prod', x.ndim, dimArg);
  const keepdim = parseKeepdim('prod', opts);
  const dtype = parseDtype('prod', opts) ?? accumulationDtype(x.dtype);
  const attrDim = dimArg === undefined || dimArg === null ? null : parseOneDim('prod', x.ndim, dimArg);
  return differentiable('prod', [x], { dim: attrDim, dims, keepdim }, () =>
    reduceInto('prod', castTo(x, dtype), dims, dtype, keepdim),
  );
}

/** `all`/`any`: PyTorch 1.13 keeps uint8 for uint8 inputs and gives bool for every other dtype. */
function logicalReduction(op: 'all' | 'any', x: Tensor, dim: number | null | undefined, options?: { keepdim?: boolean }): Tensor {
  checkTensor(op, x);
  if (Array.isArray(dim)) throw new Error(`[${op}] expected dim to be one integer or null, got a list`);
  const { dims } = parseDims(op, x.ndim, dim);
  const keepdim = parseKeepdim(op, options);
  const out = reduceInto(op, castTo(x, 'bool'), dims, 'bool', keepdim);
  return x.dtype === 'uint8' ? castTo(out, 'uint8') : out;
}

/** True when every element (along `dim`, if given) is nonzero; NaN counts as nonzero. Not differentiable. */
export function all(x: Tensor, dim?: number | null, options?: { keepdim?: boolean }): Tensor {
  return logicalReduction('all', x, dim, options);
}

/** True when some element (along `dim`, if given) is nonzero; NaN counts as nonzero. Not differentiable. */
export function any(x: Tensor, dim?: number | null, options?: { keepdim?: boolean }): Tensor {
  return logicalReduction('any', x, dim, options);
}

function scan(op: ScanOp, x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  checkTensor(op, x);
  const axis = parseOneDim(op, x.ndim, dim);
  const dtype = parseDtype(op, options) ?? accumulationDtype(x.dtype);
  return differentiable(op, [x], { dim: axis }, () => {
    const input = castTo(x, dtype);
    const out = emptyTensor(x.shape, dtype, x.device);
    if (out.numel() === 0) return out;
    if (x.ndim === 0) backendOf(x).copy(viewOf(out), viewOf(input));
    else backendOf(x).scan(op, viewOf(out), viewOf(input), axis);
    return out;
  });
}

/** Inclusive cumulative sum along `dim`; bool and integer inputs give int64 unless `dtype` is given. */
export function cumsum(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return scan('cumsum', x, dim, options);
}

/** Inclusive cumulative product along `dim`; bool and integer inputs give int64 unless `dtype` is given. */
export function cumprod(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return scan('cumprod', x, dim, options);
}
