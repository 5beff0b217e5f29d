/**
 * Activation functions (PyTorch's `F.relu`, `F.leaky_relu`, `F.elu`, `F.gelu`, `F.silu`,
 * `F.sigmoid`, `F.tanh`, `F.softmax`, `F.log_softmax`, `F.softplus`), composed of core ops so
 * autograd differentiates them. Branches that `where` discards are fed clamped inputs, so they
 * stay finite and their (masked) gradients are exact zeros, never `0 * inf = NaN`.
 *
 * @module
 */
import type { DType, Tensor } from '@typetorch/core';

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

/** `max(x, 0)`. */
export function relu(x: Tensor, options: InplaceOptions = {}): Tensor {
  return options.inplace ? x.relu_() : x.relu();
}

/** `x` where positive, else `negativeSlope * x` (default slope 0.01). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01, options: InplaceOptions = {}): Tensor {
  return apply(x, options.inplace, (t) => t.where(t.gt(0), t.mul(negativeSlope)));
}

/** `x` where positive, else `alpha * (exp(x) - 1)` (default alpha 1). */
export function elu(x: Tensor, alpha = 1, options: InplaceOptions = {}): Tensor {
  return apply(x, options.inplace, (t) => t.where(t.gt(0), t.clamp({ max: 0 }).expm1().mul(alpha)));
}

/** Options of {@link gelu}. */
export interface GeluOptions {
  /** `'none'` (default: the exact `x Φ(x)` with erf) or `'tanh'` (the tanh approximation). */
  approximate?: 'none' | 'tanh';
}

/** The Gaussian error linear unit `x Φ(x)`, exact (erf) or with the tanh approximation. */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  const { approximate = 'none' } = options;
  if (approximate === 'tanh') {
    // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
    const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(inner.tanh().add(1)).mul(0.5);
  }
  if (approximate !== 'none') throw new Error(`[gelu] approximate argument must be either none or tanh, got '${String(approximate)}'`);
  return x.mul(x.mul(Math.SQRT1_2).erf().add(1)).mul(0.5);
}

/** `x * sigmoid(x)` (also called swish). */
export function silu(x: Tensor, options: InplaceOptions = {}): Tensor {
  return apply(x, options.inplace, (t) => t.mul(t.sigmoid()));
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
  /** Casts the input to this dtype first. */
  dtype?: DType;
}

/**
 * The dim PyTorch picks when softmax gets none (deprecated in PyTorch): 0 for 0-, 1- and 3-D
 * inputs, else 1.
 */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** Softmax along `dim` (PyTorch's `F.softmax`); `dim` null picks PyTorch's implicit dim. */
export function softmax(x: Tensor, dim: number | null = null, options: SoftmaxOptions = {}): Tensor {
  return x.softmax(dim ?? implicitSoftmaxDim(x.ndim), options);
}

/** Log-softmax along `dim` (PyTorch's `F.log_softmax`); `dim` null picks PyTorch's implicit dim. */
export function logSoftmax(x: Tensor, dim: number | null = null, options: SoftmaxOptions = {}): Tensor {
  return x.logSoftmax(dim ?? implicitSoftmaxDim(x.ndim), options);
}

/**
 * `log(1 + exp(beta x)) / beta`, reverting to `x` where `beta x > threshold` for numerical
 * stability (defaults: beta 1, threshold 20).
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const scaled = x.mul(beta);
  const smooth = scaled.clamp({ max: threshold }).exp().log1p().div(beta);
  return x.where(scaled.gt(threshold), smooth);
}
