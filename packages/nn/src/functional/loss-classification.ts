/**
 * Classification losses over class scores: `nllLoss` and `crossEntropy` (class-index targets with
 * `weight`, `ignoreIndex` and `labelSmoothing`, or class-probability targets), as PyTorch 1.13
 * computes them, composed of differentiable core ops.
 *
 * @module
 */
import { Tensor, isFloatingPoint } from '@typetorch/core';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { checkReduction, type Reduction } from './reduction.js';
import { checkClassBounds, checkIndexDtype, checkSameDtype, scalarTypeName } from './targets.js';

/** Options of {@link nllLoss}. */
export interface NllLossOptions {
  /** A manual rescaling weight per class (1-D, `C` elements). */
  weight?: Tensor | null;
  /** A target value that is ignored and does not contribute to the input gradient (default -100). */
  ignoreIndex?: number;
  /** `'mean'` (weighted mean over non-ignored targets, the default), `'sum'` or `'none'`. */
  reduction?: Reduction;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** Amount of smoothing in `[0, 1]`: targets become `(1 - s) * target + s / C` (default 0). */
  labelSmoothing?: number;
}

function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function checkWeight(op: string, weight: Tensor | null | undefined, numClasses: number): Tensor | null {
  if (weight === null || weight === undefined) return null;
  if (!(weight instanceof Tensor)) throw new Error(`[${op}] weight must be a Tensor or null`);
  if (weight.shape.length !== 1 || weight.shape[0] !== numClasses) {
    throw new Error(
      `[${op}] weight tensor should be defined either for all ${numClasses} classes or no classes but got weight tensor of shape: ${showShape(weight.shape)}`,
    );
  }
  return weight;
}

/** Checks the shapes of class scores and class-index targets as PyTorch's `nll_loss_nd`. */
function checkIndexTargetShape(op: string, input: Tensor, target: Tensor): void {
  const rank = input.shape.length;
  if (rank < 1) throw new Error(`[${op}] Expected 1 or more dimensions (got ${rank})`);
  if (rank === 1) {
    if (target.shape.length !== 0) {
      throw new Error(`[${op}] size mismatch (got input: ${showShape(input.shape)}, target: ${showShape(target.shape)}): unbatched scores [C] take a 0-d target`);
    }
    return;
  }
  const targetBatch = target.shape.length === 0 ? 1 : target.shape[0];
  if (input.shape[0] !== targetBatch) {
    throw new Error(`[${op}] Expected input batch_size (${input.shape[0]}) to match target batch_size (${targetBatch}).`);
  }
  const expected = [input.shape[0], ...input.shape.slice(2)];
  if (target.shape.length !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw new Error(`[${op}] Expected target size ${showShape(expected)}, got ${showShape(target.shape)}`);
  }
}

/**
 * The per-element values `-w[t] * input[t]` (zero where `t == ignoreIndex`) and the weights
 * `w[t]` (zero there too), both in the target's shape; `input` holds log-probabilities with
 * classes in dim 1, or dim 0 when unbatched.
 */
function pickedLoss(op: string, input: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): [Tensor, Tensor] {
  const classDim = input.shape.length === 1 ? 0 : 1;
  const numClasses = input.shape[classDim];
  checkClassBounds(op, target, numClasses, ignoreIndex);
  const index = target.dtype === 'int64' ? target : target.long();
  const keep = index.ne(ignoreIndex);
  const safe = index.maskedFill(keep.logicalNot(), 0);
  const picked = input.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
  const classWeight = weight === null ? null : weight.indexSelect(0, safe.flatten()).view([...target.shape]);
  const w = classWeight === null ? keep.to(input.dtype) : classWeight.where(keep, 0);
  // `where` (not a product with the mask) so that ignored elements get an exact zero gradient even
  // when the mean divides by a total weight of 0 (PyTorch: NaN loss, zero gradient).
  const loss = (classWeight === null ? picked : picked.mul(classWeight)).neg().where(keep, 0);
  return [loss, w];
}

/**
 * The negative log likelihood loss (PyTorch's `F.nll_loss`): `input` holds log-probabilities
 * `[N, C]`, `[N, C, d1, ...]` or `[C]`; `target` holds class indices `[N]`, `[N, d1, ...]` or `[]`.
 * The `'mean'` reduction divides by the sum of the weights of the non-ignored targets. The class
 * `weight` goes positionally (`nllLoss(x, t, w)`) or by name; the other options by name only,
 * since PyTorch's next positional parameter is the deprecated `size_average`.
 */
export function nllLoss(input: Tensor, target: Tensor, ...args: OptionalArgs<[weight: Tensor | null], NllLossOptions>): Tensor {
  const op = 'nllLoss';
  const options = mergeArgs<NllLossOptions>(op, ['weight'], args);
  const { ignoreIndex = -100 } = options;
  const reduction = checkReduction(op, options.reduction);
  checkIndexDtype(op, target);
  checkIndexTargetShape(op, input, target);
  const weight = checkWeight(op, options.weight, input.shape[input.shape.length === 1 ? 0 : 1]);
  checkSameDtype(op, 'weight', weight, input);
  const [loss, w] = pickedLoss(op, input, target, weight, ignoreIndex);
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  return loss.sum().div(w.sum());
}

/**
 * Cross entropy between class scores (logits) and targets (PyTorch's `F.cross_entropy`).
 *
 * - Class-index targets (an integer tensor `[N]`, `[N, d1, ...]`, or `[]` for unbatched `[C]`
 *   scores): `nllLoss(logSoftmax(input, classDim), target)` with `weight` and `ignoreIndex`.
 * - Class-probability targets (a float tensor of the input's shape): `-sum(w * target * logp)`
 *   over classes; the `'mean'` reduction divides by the number of samples (`numel / C`).
 * - `labelSmoothing` mixes the target with the uniform distribution, exactly as PyTorch 1.13
 *   (for class indices the smoothing term of ignored targets is zero, and the `'mean'` reduction
 *   divides both terms by the total weight of the non-ignored targets).
 *
 * The class `weight` goes positionally (`crossEntropy(x, t, w)`) or by name; the other options by
 * name only, since PyTorch's next positional parameter is the deprecated `size_average`.
 */
export function crossEntropy(input: Tensor, target: Tensor, ...args: OptionalArgs<[weight: Tensor | null], CrossEntropyOptions>): Tensor {
  const op = 'crossEntropy';
  const options = mergeArgs<CrossEntropyOptions>(op, ['weight'], args);
  const { ignoreIndex = -100, labelSmoothing = 0 } = options;
  const reduction = checkReduction(op, options.reduction);
  if (!(input instanceof Tensor) || !(target instanceof Tensor)) throw new Error(`[${op}] input and target must be Tensors`);
  if (input.shape.length < 1) throw new Error(`[${op}] Expected 1 or more dimensions (got 0)`);
  const classDim = input.shape.length === 1 ? 0 : 1;
  const numClasses = input.shape[classDim];
  const weight = checkWeight(op, options.weight, numClasses);
  const sameShape = input.shape.length === target.shape.length && input.shape.every((d, i) => d === target.shape[i]);
  if (sameShape) return probabilityCrossEntropy(input, target, weight, reduction, labelSmoothing, ignoreIndex);

  checkIndexDtype(op, target);
  checkIndexTargetShape(op, input, target);
  checkSameDtype(op, 'weight', weight, input);
  const logp = input.logSoftmax(classDim);
  const [nll, w] = pickedLoss(op, logp, target, weight, ignoreIndex);
  const nllReduced = reduction === 'none' ? nll : reduction === 'sum' ? nll.sum() : nll.sum().div(w.sum());
  if (!(labelSmoothing > 0)) return nllReduced;

  // PyTorch's cross_entropy_loss_label_smoothing: the uniform part, -sum_c(w_c * logp_c), zero at ignored targets.
  const keep = target.ne(ignoreIndex);
  const weighted = weight === null ? logp : logp.mul(weight.view(logp.shape.map((d, i) => (i === classDim ? d : 1))));
  const smooth = weighted.sum(classDim).neg().where(keep, 0);
  let smoothReduced: Tensor;
  if (reduction === 'none') smoothReduced = smooth;
  else if (reduction === 'sum') smoothReduced = smooth.sum();
  else smoothReduced = smooth.sum().div(w.sum());
  return nllReduced.mul(1 - labelSmoothing).add(smoothReduced.mul(labelSmoothing / numClasses));
}

function probabilityCrossEntropy(
  input: Tensor, target: Tensor, weight: Tensor | null, reduction: string, labelSmoothing: number, ignoreIndex: number,
): Tensor {
  const op = 'crossEntropy';
  if (!isFloatingPoint(target.dtype)) {
    throw new Error(`[${op}] Expected floating point type for target with class probabilities, got ${scalarTypeName(target.dtype)}`);
  }
  if (ignoreIndex >= 0) throw new Error(`[${op}] ignore_index is not supported for floating point target`);
  const classDim = input.shape.length === 1 ? 0 : 1;
  const numClasses = input.shape[classDim];
  let t = target;
  if (labelSmoothing > 0) {
    if (labelSmoothing > 1) throw new Error(`[${op}] label_smoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
    t = target.mul(1 - labelSmoothing).add(labelSmoothing / numClasses);
  }
  let terms = input.logSoftmax(classDim).mul(t);
  // Probability targets promote like PyTorch's composite (a float64 weight or target gives float64).
  if (weight !== null) terms = terms.mul(weight.view(input.shape.map((d, i) => (i === classDim ? d : 1))));
  if (reduction === 'none') return terms.sum(classDim).neg();
  if (reduction === 'sum') return terms.sum().neg();
  // numel / C samples; an empty input gives NaN as in PyTorch (0 / 0).
  return terms.sum().neg().div(input.numel() / numClasses);
}
