/**
 * Binary and distribution losses: `binaryCrossEntropy` (log clamped at -100 and PyTorch's
 * gradient, finite at 0 and 1), `binaryCrossEntropyWithLogits` (stable, with `posWeight`) and
 * `klDiv` (with `logTarget` and the `'batchmean'` reduction).
 *
 * @module
 */
import { Tensor, backendOf } from '@typetorch/core';
import { Function, type Context } from '@typetorch/autograd';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { checkReduction, reduce, sameShape, torchSize, warnOnce, type Reduction } from './reduction.js';
import { scalarTypeName } from './targets.js';

/** Options of {@link binaryCrossEntropy}. */
export interface BinaryCrossEntropyOptions {
  /** A rescaling weight, broadcast to the input's shape. */
  weight?: Tensor | null;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction;
}

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** A weight of positive examples, broadcast along the last dims (one value per class). */
  posWeight?: Tensor | null;
}

/** Options of {@link klDiv}. */
export interface KlDivOptions {
  /** `'mean'` (default: over all elements, as PyTorch), `'batchmean'` (sum / batch size), `'sum'` or `'none'`. */
  reduction?: Reduction | 'batchmean';
  /** Whether `target` holds log-probabilities (default false). */
  logTarget?: boolean;
}

/** Elementwise `max(log(v), -100)`, PyTorch's clamp that keeps BCE finite at 0 and 1. */
function clampedLog(v: Tensor): Tensor {
  return v.log().clamp({ min: -100 });
}

/**
 * The elementwise binary cross entropy as one autograd node with PyTorch's derivatives:
 * `d/dx = (x - t) / max(x (1 - x), 1e-12)` (finite where `x` is exactly 0 or 1) and
 * `d/dt = -logit(x) = log((1 - x) / x)` (unclamped, as PyTorch: infinite at 0 and 1).
 */
class BinaryCrossEntropy extends Function {
  static forward(ctx: Context, input: Tensor, target: Tensor): Tensor {
    ctx.saveForBackward(input, target);
    const logX = clampedLog(input);
    const log1mX = clampedLog(input.neg().add(1));
    return target.mul(logX).add(target.neg().add(1).mul(log1mX)).neg();
  }

  static backward(ctx: Context, grad: Tensor): (Tensor | null)[] {
    const [input, target] = ctx.savedTensors;
    const [needInput, needTarget] = ctx.needsInputGrad;
    const gradInput = needInput ? grad.mul(input.sub(target)).div(input.mul(input.neg().add(1)).clamp({ min: 1e-12 })) : null;
    const gradTarget = needTarget ? grad.mul(input.div(input.neg().add(1)).log().neg()) : null;
    return [gradInput, gradTarget];
  }
}

/** Throws PyTorch's error when an input of `binaryCrossEntropy` lies outside [0, 1] (or is NaN). */
function checkProbabilities(input: Tensor): void {
  if (input.numel() === 0 || backendOf(input).readSync === undefined) return;
  const data = input.dataSync();
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!(v >= 0 && v <= 1)) throw new Error('[binaryCrossEntropy] all elements of input should be between 0 and 1');
  }
}

/**
 * Binary cross entropy between probabilities `input` and `target` of the same shape (PyTorch's
 * `F.binary_cross_entropy`): `-w (t log(x) + (1 - t) log(1 - x))`, each log clamped at -100.
 * `weight` goes positionally or by name; `reduction` by name (PyTorch's next positional
 * parameter is the deprecated `size_average`).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...args: OptionalArgs<[weight: Tensor | null], BinaryCrossEntropyOptions>): Tensor {
  const op = 'binaryCrossEntropy';
  const options = mergeArgs<BinaryCrossEntropyOptions>(op, ['weight'], args);
  const reduction = checkReduction(op, options.reduction);
  if (!sameShape(input, target)) {
    throw new Error(
      `[${op}] Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
  if (target.dtype !== input.dtype) {
    throw new Error(`[${op}] Found dtype ${scalarTypeName(target.dtype)} but expected ${scalarTypeName(input.dtype)}: the target must have the input's dtype`);
  }
  checkProbabilities(input);
  let loss = BinaryCrossEntropy.apply<Tensor>(input, target);
  if (options.weight !== null && options.weight !== undefined) loss = loss.mul(options.weight);
  return reduce(op, loss, reduction);
}

/**
 * `log(sigmoid(x))` (PyTorch's `F.logsigmoid`), computed stably with the right derivative everywhere (`1 - sigmoid(x)`, 0.5
 * at 0): each branch sees its input clamped to its side, so the branch that `where` discards
 * stays finite and contributes an exact zero to the gradient.
 */
export function logSigmoid(x: Tensor): Tensor {
  const negative = x.clamp({ max: 0 });
  const positive = x.clamp({ min: 0 });
  const left = negative.sub(negative.exp().log1p());
  const right = positive.neg().exp().log1p().neg();
  return left.where(x.lt(0), right);
}

/**
 * Binary cross entropy on logits (PyTorch's `F.binary_cross_entropy_with_logits`), computed
 * stably: `(1 - t) x - (1 + (posWeight - 1) t) logSigmoid(x)`, times `weight`. `weight` goes
 * positionally or by name; `reduction` and `posWeight` by name (PyTorch's next positional
 * parameter is the deprecated `size_average`).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor, target: Tensor, ...args: OptionalArgs<[weight: Tensor | null], BinaryCrossEntropyWithLogitsOptions>
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const options = mergeArgs<BinaryCrossEntropyWithLogitsOptions>(op, ['weight'], args);
  const reduction = checkReduction(op, options.reduction);
  if (!sameShape(input, target)) {
    throw new Error(`[${op}] Target size (${torchSize(target.shape)}) must be the same as input size (${torchSize(input.shape)})`);
  }
  const { weight, posWeight } = options;
  const ls = logSigmoid(input);
  const logWeight = posWeight === null || posWeight === undefined ? null : posWeight.sub(1).mul(target).add(1);
  let loss = target.neg().add(1).mul(input).sub(logWeight === null ? ls : logWeight.mul(ls));
  if (weight !== null && weight !== undefined) loss = loss.mul(weight);
  return reduce(op, loss, reduction);
}

/**
 * The Kullback-Leibler divergence loss (PyTorch's `F.kl_div`): `input` holds log-probabilities;
 * pointwise `t (log t - input)` (zero where `t` is 0), or `exp(t) (t - input)` with `logTarget`.
 * `'batchmean'` divides the sum by the batch size (the mathematically correct KL); `'mean'`
 * averages over all elements, with PyTorch's warning. Options by name only: PyTorch's first
 * optional positional parameter is the deprecated `size_average`.
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const op = 'klDiv';
  const reduction = checkReduction(op, options.reduction, ['mean', 'batchmean', 'sum', 'none']);
  let pointwise: Tensor;
  if (options.logTarget) {
    pointwise = target.exp().mul(target.sub(input));
  } else {
    // xlogy(t, t): zero where t == 0; the log reads 1 there so no NaN reaches the gradient.
    const positive = target.gt(0);
    const safe = target.where(positive, 1);
    pointwise = target.mul(safe.log()).sub(target.mul(input));
  }
  if (reduction === 'batchmean') {
    const sum = pointwise.sum();
    return input.shape.length === 0 ? sum : sum.div(input.shape[0]);
  }
  if (reduction === 'mean') {
    warnOnce(
      "[klDiv] reduction: 'mean' divides the total loss by both the batch size and the support size." +
        "'batchmean' divides only by the batch size, and aligns with the KL div math definition." +
        "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
    );
  }
  return reduce(op, pointwise, reduction);
}
