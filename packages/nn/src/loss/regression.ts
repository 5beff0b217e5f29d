/**
 * Regression loss modules: MSELoss, L1Loss, SmoothL1Loss, HuberLoss.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from '../functional/loss-regression.js';
import type { Reduction } from '../functional/reduction.js';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { _Loss, type LossOptions } from './loss.js';

/** Options of {@link SmoothL1Loss}. */
export interface SmoothL1LossLayerOptions extends LossOptions {
  /** Where the loss changes from quadratic to linear (default 1). */
  beta?: number;
}

/** Options of {@link HuberLoss}. */
export interface HuberLossLayerOptions extends LossOptions {
  /** Where the loss changes from quadratic to linear (default 1). */
  delta?: number;
}

/**
 * Mean squared error `(input - target)^2` (PyTorch's `nn.MSELoss`).
 *
 * @example
 * ```ts
 * const criterion = new nn.MSELoss();
 * criterion.call(prediction, target).backward();
 * ```
 */
export class MSELoss extends _Loss {
  /** @param options - `reduction`, by name only (PyTorch's first positional parameter is the deprecated `size_average`) */
  constructor(options: LossOptions = {}) {
    super(options.reduction);
  }

  /** The squared errors, reduced. */
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction as Reduction });
  }
}

/** Mean absolute error `|input - target|` (PyTorch's `nn.L1Loss`). */
export class L1Loss extends _Loss {
  /** @param options - `reduction`, by name only (PyTorch's first positional parameter is the deprecated `size_average`) */
  constructor(options: LossOptions = {}) {
    super(options.reduction);
  }

  /** The absolute errors, reduced. */
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction as Reduction });
  }
}

/** Smooth L1 loss: quadratic below `beta`, linear above (PyTorch's `nn.SmoothL1Loss`). */
export class SmoothL1Loss extends _Loss {
  /** The threshold between the quadratic and linear parts. */
  beta: number;

  /** @param options - `reduction`, `beta` (default 1), by name only (PyTorch's first positional parameter is the deprecated `size_average`) */
  constructor(options: SmoothL1LossLayerOptions = {}) {
    super(options.reduction);
    this.beta = options.beta ?? 1;
  }

  /** The smooth L1 errors, reduced. */
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction as Reduction, beta: this.beta });
  }
}

/**
 * Huber loss: quadratic below `delta`, linear (slope delta) above (PyTorch's `nn.HuberLoss`):
 * `new nn.HuberLoss('sum', 0.5)` or `new nn.HuberLoss({ reduction: 'sum', delta: 0.5 })`.
 */
export class HuberLoss extends _Loss {
  /** The threshold between the quadratic and linear parts. */
  delta: number;

  /** @param args - `reduction`, `delta` (default 1), positionally (PyTorch's order) or by name */
  constructor(...args: OptionalArgs<[reduction: Reduction, delta: number], HuberLossLayerOptions>) {
    const options = mergeArgs<HuberLossLayerOptions>('HuberLoss', ['reduction', 'delta'], args);
    super(options.reduction);
    this.delta = options.delta ?? 1;
  }

  /** The Huber errors, reduced. */
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction as Reduction, delta: this.delta });
  }
}
