/**
 * Activation functions (PyTorch's `F.relu`, `F.leaky_relu`, `F.elu`, `F.gelu`, `F.silu`,
 * `F.sigmoid`, `F.tanh`, `F.softmax`, `F.log_softmax`, `F.softplus`), composed of core ops so
 * autograd differentiates them. Branches that `where` discards are fed clamped inputs, so they
 * stay finite and their (masked) gradients are exact zeros, never `0 * inf = NaN`.
 *
 * @module
 */
import type { DType, Tensor } from '@typetorch/core';
import { mergeArgs, type OptionalArgs } from '../args.js';

/** The `inplace` flag of PyTorch's activations. */
export interface InplaceOptions {
  /** Overwrites the input with the result (default false). */
  inplace?: boolean;
}

/**
 * `compute(x)`, written into `x` when `inplace` is set (PyTorch's `inplace=True`). With autograd
 * recording, the result is computed from a clone, so the tensors its backward saves are not the
 * ones the write changes.
 */
function apply(x: Tensor, inplace: boolean | undefined, compute: (t: Tensor) => Tensor): Tensor {
  if (!inplace) return compute(x);
  return x.copy_(compute(x.requiresGrad ? x.clone() : x));
}

/** Options of {@link leakyRelu}. */
export interface LeakyReluOptions extends InplaceOptions {
  /** The slope for negative inputs (default 0.01). */
  negativeSlope?: number;
}

/** Options of {@link elu}. */
export interface EluOptions extends InplaceOptions {
  /** The scale of the negative part (default 1). */
  alpha?: number;
}

/** `max(x, 0)`: `relu(x)`, `relu(x, true)` or `relu(x, { inplace: true })`. */
export function relu(x: Tensor, ...args: OptionalArgs<[inplace: boolean], InplaceOptions>): Tensor {
  const { inplace = false } = mergeArgs<InplaceOptions>('relu', ['inplace'], args);
  return inplace ? x.relu_() : x.relu();
}

/**
 * `x` where positive, else `negativeSlope * x` (default slope 0.01): `leakyRelu(x, 0.2)` or
 * `leakyRelu(x, { negativeSlope: 0.2, inplace: true })`.
 */
export function leakyRelu(x: Tensor, ...args: OptionalArgs<[negativeSlope: number, inplace: boolean], LeakyReluOptions>): Tensor {
  const { negativeSlope = 0.01, inplace } = mergeArgs<LeakyReluOptions>('leakyRelu', ['negativeSlope', 'inplace'], args);
  return apply(x, inplace, (t) => t.where(t.gt(0), t.mul(negativeSlope)));
}

/** `x` where positive, else `alpha * (exp(x) - 1)` (default alpha 1): `elu(x, 0.5)` or `elu(x, { alpha: 0.5 })`. */
export function elu(x: Tensor, ...args: OptionalArgs<[alpha: number, inplace: boolean], EluOptions>): Tensor {
  const { alpha = 1, inplace } = mergeArgs<EluOptions>('elu', ['alpha', 'inplace'], args);
  return apply(x, inplace, (t) => t.where(t.gt(0), t.clamp({ max: 0 }).expm1().mul(alpha)));
}

/** Options of {@link gelu}. */
export interface GeluOptions {
  /** `'none'` (default: the exact `x Φ(x)` with erf) or `'tanh'` (the tanh approximation). */
  approximate?: 'none' | 'tanh';
}

/**
 * The Gaussian error linear unit `x Φ(x)`, exact (erf) or with the tanh approximation:
 * `gelu(x, 'tanh')` or `gelu(x, { approximate: 'tanh' })`.
 */
export function gelu(x: Tensor, ...args: OptionalArgs<[approximate: 'none' | 'tanh'], GeluOptions>): Tensor {
  const { approximate = 'none' } = mergeArgs<GeluOptions>('gelu', ['approximate'], args);
  if (approximate === 'tanh') {
    // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
    const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(inner.tanh().add(1)).mul(0.5);
  }
  if (approximate !== 'none') throw new Error(`[gelu] approximate argument must be either none or tanh, got '${String(approximate)}'`);
  return x.mul(x.mul(Math.SQRT1_2).erf().add(1)).mul(0.5);
}

/** `x * sigmoid(x)` (also called swish): `silu(x)`, `silu(x, true)` or `silu(x, { inplace: true })`. */
export function silu(x: Tensor, ...args: OptionalArgs<[inplace: boolean], InplaceOptions>): Tensor {
  const { inplace } = mergeArgs<InplaceOptions>('silu', ['inplace'], args);
  return apply(x, inplace, (t) => t.mul(t.sigmoid()));
}

/** The logistic sigmoid `1 / (1 + exp(-x))`. */
export function sigmoid(x: Tensor): Tensor {
  return x.sigmoid();
}

/** The hyperbolic tangent. */
export function tanh(x: Tensor): Tensor {
  return x.tanh();
}

/** Options of {@link softmax} and {@link logSoftmax}. */
export interface SoftmaxOptions {
  /** The dim to normalise along (default null: PyTorch's implicit choice, deprecated there). */
  dim?: number | null;
  /** Casts the input to this dtype first (by name only, as in PyTorch). */
  dtype?: DType;
}

/**
 * The dim PyTorch picks when softmax gets none (deprecated in PyTorch): 0 for 0-, 1- and 3-D
 * inputs, else 1.
 */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** The dim and the cast of a softmax call, with PyTorch's implicit dim when none is given. */
function softmaxArgs(op: string, x: Tensor, args: readonly unknown[]): [number, { dtype?: DType }] {
  const { dim = null, dtype } = mergeArgs<SoftmaxOptions>(op, ['dim'], args);
  return [dim ?? implicitSoftmaxDim(x.ndim), dtype === undefined ? {} : { dtype }];
}

/**
 * Softmax along `dim` (PyTorch's `F.softmax`): `softmax(x, 1)` or `softmax(x, { dim: 1, dtype })`;
 * `dim` null picks PyTorch's implicit dim.
 */
export function softmax(x: Tensor, ...args: OptionalArgs<[dim: number | null], SoftmaxOptions>): Tensor {
  return x.softmax(...softmaxArgs('softmax', x, args));
}

/**
 * Log-softmax along `dim` (PyTorch's `F.log_softmax`): `logSoftmax(x, 1)` or
 * `logSoftmax(x, { dim: 1 })`; `dim` null picks PyTorch's implicit dim.
 */
export function logSoftmax(x: Tensor, ...args: OptionalArgs<[dim: number | null], SoftmaxOptions>): Tensor {
  return x.logSoftmax(...softmaxArgs('logSoftmax', x, args));
}

/** Options of {@link softplus}. */
export interface SoftplusOptions {
  /** The sharpness (default 1). */
  beta?: number;
  /** Above `beta * x > threshold` the function is the identity (default 20). */
  threshold?: number;
}

/**
 * `log(1 + exp(beta x)) / beta`, reverting to `x` where `beta x > threshold` for numerical
 * stability (defaults: beta 1, threshold 20): `softplus(x, 2)` or `softplus(x, { beta: 2 })`.
 */
export function softplus(x: Tensor, ...args: OptionalArgs<[beta: number, threshold: number], SoftplusOptions>): Tensor {
  const { beta = 1, threshold = 20 } = mergeArgs<SoftplusOptions>('softplus', ['beta', 'threshold'], args);
  const scaled = x.mul(beta);
  const smooth = scaled.clamp({ max: threshold }).exp().log1p().div(beta);
  return x.where(scaled.gt(threshold), smooth);
}
