/**
 * Statistical reductions built from the sum/max kernels: `variance` and `std` (with Bessel's
 * `correction`), the stable `logsumexp`, and the vector p-`norm`. Each records one graph node.
 *
 * @module
 */
import { isFloatingPoint } from '../dtype.js';
import { getDefaultDtype } from '../defaults.js';
import { backendOf, castTo, checkTensor, differentiable, emptyTensor, toKernelScalar, viewOf } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import {
  dropDims, keptShape, parseDims, parseKeepdim, reduceInto, reducedCount, splitDimAndOptions,
} from './reduction.js';

/** Options of `std` and `var`. */
export interface VarOptions {
  /** Subtracted from the number of elements in the divisor: 1 (default) is Bessel's correction, 0 the population statistic. */
  correction?: number;
  /** The older form of `correction`: `true` is 1, `false` is 0. Give one of the two. */
  unbiased?: boolean;
  /** Keep reduced dims with size 1. */
  keepdim?: boolean;
}

type DimArg = number | readonly number[] | null;

function parseCorrection(op: string, options: VarOptions): number {
  const { correction, unbiased } = options;
  if (correction !== undefined && correction !== null && unbiased !== undefined && unbiased !== null) {
    throw new Error(`[${op}] expected only one of correction and unbiased, got both`);
  }
  if (unbiased !== undefined && unbiased !== null) {
    if (typeof unbiased !== 'boolean') throw new Error(`[${op}] expected unbiased to be a boolean, got ${String(unbiased)}`);
    return unbiased ? 1 : 0;
  }
  if (correction === undefined || correction === null) return 1;
  if (typeof correction !== 'number' || !Number.isFinite(correction)) {
    throw new Error(`[${op}] expected correction to be a finite number, got ${String(correction)}`);
  }
  return correction;
}

/** The sum of squared deviations from the mean over `dims`, divided by `max(N - correction, 0)`. */
function varianceOf(x: Tensor, dims: number[], correction: number, keepdim: boolean): Tensor {
  const count = reducedCount(x.shape, dims);
  const mean = reduceInto('sum', x, dims, x.dtype, true).div(count);
  const deviation = x.sub(mean);
  const squares = reduceInto('sum', deviation.mul(deviation), dims, x.dtype, keepdim);
  // Like PyTorch, a divisor at or below zero gives inf (or NaN for 0/0), not an error.
  return squares.div(Math.max(count - correction, 0));
}

function parseVarArgs(op: 'var' | 'std', x: Tensor, dim: unknown, options: VarOptions | undefined) {
  checkTensor(op, x);
  const [dimArg, opts] = splitDimAndOptions<VarOptions>(op, dim, options);
  if (!isFloatingPoint(x.dtype)) {
    throw new Error(`[${op}] std and var only support floating point and complex dtypes, got ${x.dtype}`);
  }
  const { dims } = parseDims(op, x.ndim, dimArg);
  return { dims, correction: parseCorrection(op, opts), keepdim: parseKeepdim(op, opts) };
}

/**
 * Variance over all dims or the given ones: `var()`, `var(dim, { correction, keepdim })`,
 * `var({ unbiased: false })`. Needs a floating-point input.
 */
export function variance(x: Tensor, dim?: DimArg | VarOptions, options?: VarOptions): Tensor {
  const { dims, correction, keepdim } = parseVarArgs('var', x, dim, options);
  return differentiable('var', [x], { dims, correction, keepdim }, () => varianceOf(x, dims, correction, keepdim));
}

/** Standard deviation: the square root of {@link variance}, with the same arguments. */
export function std(x: Tensor, dim?: DimArg | VarOptions, options?: VarOptions): Tensor {
  const { dims, correction, keepdim } = parseVarArgs('std', x, dim, options);
  return differentiable('std', [x], { dims, correction, keepdim }, () => varianceOf(x, dims, correction, keepdim).sqrt());
}

/**
 * `log(sum(exp(x)))` over `dim`, computed stably by shifting by the maximum. Slices of only `-inf`
 * give `-inf` (not NaN), `+inf` gives `+inf`. Integer and bool inputs give the default float dtype.
 */
export function logsumexp(x: Tensor, dim: number | readonly number[], options?: { keepdim?: boolean }): Tensor {
  checkTensor('logsumexp', x);
  if (dim === undefined) throw new Error(`[logsumexp] expected dim to be given (an integer or a list of integers)`);
  const { dims } = parseDims('logsumexp', x.ndim, dim);
  const keepdim = parseKeepdim('logsumexp', options);
  const dtype = isFloatingPoint(x.dtype) ? x.dtype : getDefaultDtype();
  return differentiable('logsumexp', [x], { dims, keepdim }, () => {
    const input = castTo(x, dtype);
    if (reducedCount(x.shape, dims) === 0 || input.numel() === 0) {
      return reduceInto('sum', input.exp(), dims, dtype, keepdim).log();
    }
    // An infinite maximum would turn x - max into NaN; shift by 0 there instead.
    const maxes = reduceInto('max', input, dims, dtype, true);
    const shift = maxes.maskedFill(maxes.isinf(), 0);
    const sums = reduceInto('sum', input.sub(shift).exp(), dims, dtype, keepdim);
    return sums.log().add(keepdim ? shift : dropDims(shift, dims));
  });
}

function parseP(p: unknown): number {
  if (p === undefined || p === null || p === 'fro') return 2;
  if (typeof p === 'number' && !Number.isNaN(p)) return p;
  throw new Error(`[norm] expected p to be a number, Infinity, -Infinity or 'fro', got ${JSON.stringify(p)}`);
}

/**
 * The vector p-norm over all dims or the given ones: p = 2 (default, also `'fro'`), 1, `Infinity`
 * (largest absolute value), `-Infinity` (smallest), 0 (number of nonzeros) or any other p
 * (`sum(|x|^p)^(1/p)`). Needs a floating-point input. Reducing over no elements gives 0 for every p,
 * as in PyTorch.
 */
export function norm(
  x: Tensor,
  p?: number | 'fro' | null,
  dim?: DimArg,
  options?: { keepdim?: boolean },
): Tensor {
  checkTensor('norm', x);
  const order = parseP(p);
  if (!isFloatingPoint(x.dtype)) {
    throw new Error(`[norm] input dtype should be either floating point or complex. Got ${x.dtype} instead.`);
  }
  const { dims } = parseDims('norm', x.ndim, dim);
  const keepdim = parseKeepdim('norm', options);
  const dtype = x.dtype;
  return differentiable('norm', [x], { p: order, dims, keepdim }, () => {
    if (reducedCount(x.shape, dims) === 0) {
      const zeros = emptyTensor(keptShape(x.shape, dims), dtype, x.device);
      backendOf(x).fill(viewOf(zeros), toKernelScalar(0, dtype));
      return keepdim ? zeros : dropDims(zeros, dims);
    }
    const magnitude = x.abs();
    if (order === 2) return reduceInto('sum', magnitude.mul(magnitude), dims, dtype, keepdim).sqrt();
    if (order === 1) return reduceInto('sum', magnitude, dims, dtype, keepdim);
    if (order === Infinity) return reduceInto('max', magnitude, dims, dtype, keepdim);
    if (order === -Infinity) return reduceInto('min', magnitude, dims, dtype, keepdim);
    if (order === 0) return reduceInto('sum', castTo(x.ne(0), dtype), dims, dtype, keepdim);
    return reduceInto('sum', magnitude.pow(order), dims, dtype, keepdim).pow(1 / order);
  });
}
