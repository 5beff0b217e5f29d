/**
 * The base classes of the loss modules (PyTorch's `_Loss` and `_WeightedLoss`).
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Module } from '../module.js';
import { checkReduction, type Reduction } from '../functional/reduction.js';

/** The option every loss module takes. */
export interface LossOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction;
}

/** Options of the losses with a per-class `weight` buffer. */
export interface WeightedLossOptions extends LossOptions {
  /** A manual rescaling weight (per class); registered as the `weight` buffer. */
  weight?: Tensor | null;
}

/** A loss module (PyTorch's `_Loss`): holds the `reduction`; `forward(input, target)` computes the loss. */
export abstract class _Loss extends Module {
  /** How the elementwise losses are reduced. */
  reduction: string;

  /**
   * @param reduction - `'mean'` (default), `'sum'` or `'none'` (KLDivLoss also `'batchmean'`)
   * @param allowed - the reductions this loss accepts
   */
  constructor(reduction: string | undefined, allowed: readonly string[] = ['mean', 'sum', 'none']) {
    super();
    this.reduction = checkReduction(this._getName(), reduction, allowed);
  }

  /** The loss of `input` against `target`. */
  abstract forward(input: Tensor, target: Tensor): Tensor;
}

/** A loss with a per-class `weight` buffer (PyTorch's `_WeightedLoss`). */
export abstract class _WeightedLoss extends _Loss {
  /** The per-class weight (the `weight` buffer), or null. */
  declare weight: Tensor | null;

  /**
   * @param weight - the per-class weight (registered as the `weight` buffer; null for none)
   * @param reduction - `'mean'` (default), `'sum'` or `'none'`
   */
  constructor(weight: Tensor | null | undefined, reduction: string | undefined) {
    super(reduction);
    this.registerBuffer('weight', weight ?? null);
  }
}
