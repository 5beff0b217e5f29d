/**
 * Regression losses: `mseLoss`, `l1Loss`, `smoothL1Loss`, `huberLoss` (PyTorch's formulas; input
 * and target broadcast, with PyTorch's warning when their shapes differ). The options of
 * `mseLoss`, `l1Loss` and `smoothL1Loss` go by name only (PyTorch's first optional positional
 * parameter is the deprecated `size_average`); `huberLoss` takes `reduction` and `delta` either way.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { reduce, warnIfBroadcast, type Reduction } from './reduction.js';

/** Options of the regression losses. */
export interface RegressionLossOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction;
}

/** Options of {@link smoothL1Loss}. */
export interface SmoothL1LossOptions extends RegressionLossOptions {
  /** Where the loss changes from quadratic to linear (default 1; 0 gives the L1 loss). */
  beta?: number;
}

/** Options of {@link huberLoss}. */
export interface HuberLossOptions extends RegressionLossOptions {
  /** Where the loss changes from quadratic to linear (default 1, must be positive). */
  delta?: number;
}

/** Mean squared error `(input - target)^2`, reduced (PyTorch's `F.mse_loss`). */
export function mseLoss(input: Tensor, target: Tensor, options: RegressionLossOptions = {}): Tensor {
  warnIfBroadcast('mseLoss', input, target);
  const d = input.sub(target);
  return reduce('mseLoss', d.mul(d), options.reduction);
}

/** Mean absolute error `|input - target|`, reduced (PyTorch's `F.l1_loss`). */
export function l1Loss(input: Tensor, target: Tensor, options: RegressionLossOptions = {}): Tensor {
  warnIfBroadcast('l1Loss', input, target);
  return reduce('l1Loss', input.sub(target).abs(), options.reduction);
}

/**
 * Smooth L1 loss (PyTorch's `F.smooth_l1_loss`): `0.5 d^2 / beta` where `|d| < beta`, else
 * `|d| - 0.5 beta`, with `d = input - target`.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const { beta = 1 } = options;
  if (beta < 0) throw new Error('[smoothL1Loss] smooth_l1_loss does not support negative values for beta.');
  warnIfBroadcast('smoothL1Loss', input, target);
  const d = input.sub(target);
  const a = d.abs();
  if (beta === 0) return reduce('smoothL1Loss', a, options.reduction);
  const loss = d.mul(d).mul(0.5 / beta).where(a.lt(beta), a.sub(0.5 * beta));
  return reduce('smoothL1Loss', loss, options.reduction);
}

/**
 * Huber loss (PyTorch's `F.huber_loss`): `0.5 d^2` where `|d| < delta`, else
 * `delta (|d| - 0.5 delta)`, with `d = input - target`; `reduction` and `delta` positionally
 * (`huberLoss(x, t, 'sum', 0.5)`) or by name.
 */
export function huberLoss(input: Tensor, target: Tensor, ...args: OptionalArgs<[reduction: Reduction, delta: number], HuberLossOptions>): Tensor {
  const options = mergeArgs<HuberLossOptions>('huberLoss', ['reduction', 'delta'], args);
  const { delta = 1 } = options;
  if (!(delta > 0)) throw new Error('[huberLoss] huber_loss does not support non-positive values for delta.');
  warnIfBroadcast('huberLoss', input, target);
  const d = input.sub(target);
  const a = d.abs();
  const loss = d.mul(d).mul(0.5).where(a.lt(delta), a.sub(0.5 * delta).mul(delta));
  return reduce('huberLoss', loss, options.reduction);
}
