/**
 * A user-defined factor per epoch (PyTorch 1.13's `LambdaLR`).
 *
 * @module
 */
import { LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './scheduler.js';
import type { Optimizer } from '../optimizer.js';

/** A function from the epoch to a multiplicative factor of the initial rate. */
export type LrLambda = (epoch: number) => number;

/** Options of {@link LambdaLR}. */
export interface LambdaLROptions extends LRSchedulerOptions {
  /** One function for all groups, or one per group. */
  lrLambda: LrLambda | LrLambda[];
}

/** Sets each group's rate to its initial rate times `lrLambda(epoch)` (PyTorch's `LambdaLR`). */
export class LambdaLR extends LRScheduler {
  /** The factor functions, one per group. */
  lrLambdas: LrLambda[];

  /** Creates the scheduler and performs its first step. */
  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    super('LambdaLR', optimizer, options);
    const given = options.lrLambda;
    const groups = optimizer.paramGroups.length;
    if (Array.isArray(given)) {
      if (given.length !== groups) throw new Error(`[LambdaLR] Expected ${groups} lr_lambdas, but got ${given.length}`);
      this.lrLambdas = [...given];
    } else {
      if (typeof given !== 'function') throw new Error(`[LambdaLR] expected lrLambda to be a function or an array of functions, got ${typeof given}`);
      this.lrLambdas = new Array<LrLambda>(groups).fill(given);
    }
    this._initialStep();
  }

  /** The rates of epoch `lastEpoch`. */
  getLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }

  /**
   * The state dict; `lr_lambdas` holds null per function, as PyTorch saves nothing for plain
   * functions (only callable objects' attributes).
   */
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), lr_lambdas: this.lrLambdas.map(() => null) };
  }
}
