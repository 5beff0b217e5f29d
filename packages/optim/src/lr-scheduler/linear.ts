/**
 * Linear warm-up or decay of a multiplicative factor (PyTorch 1.13's `LinearLR`).
 *
 * @module
 */
import { LRScheduler, type LRSchedulerOptions } from './scheduler.js';
import type { Optimizer } from '../optimizer.js';

/** Options of {@link LinearLR}. */
export interface LinearLROptions extends LRSchedulerOptions {
  /** Factor of the first epoch, in [0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor reached after `totalIters` epochs, in [0, 1] (default 1). */
  endFactor?: number;
  /** Number of epochs of the linear change (default 5). */
  totalIters?: number;
}

/**
 * Scales each group's rate by a factor that changes linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs, then stays (PyTorch's `LinearLR`).
 */
export class LinearLR extends LRScheduler {
  /** Factor of the first epoch. */
  startFactor: number;
  /** Final factor. */
  endFactor: number;
  /** Number of epochs of the linear change. */
  totalIters: number;

  /** Creates the scheduler and performs its first step. */
  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    super('LinearLR', optimizer, options);
    const startFactor = options.startFactor ?? 1 / 3;
    const endFactor = options.endFactor ?? 1;
    if (startFactor > 1 || startFactor < 0) throw new Error(`[LinearLR] Starting multiplicative factor expected to be between 0 and 1.`);
    if (endFactor > 1 || endFactor < 0) throw new Error(`[LinearLR] Ending multiplicative factor expected to be between 0 and 1.`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = options.totalIters ?? 5;
    this._initialStep();
  }

  /** The rates of epoch `lastEpoch`. */
  getLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    if (t === 0) return this._groups.map((g) => g.lr * s);
    if (t > n) return this._groups.map((g) => g.lr);
    return this._groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override _getClosedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    return this.baseLrs.map((lr) => lr * (s + ((e - s) * Math.min(n, t)) / n));
  }

  /** @internal State-dict keys (PyTorch's) and the properties they hold. */
  protected override readonly _stateKeys = { start_factor: 'startFactor', end_factor: 'endFactor', total_iters: 'totalIters' };
}
