/**
 * Cosine annealing (PyTorch 1.13's `CosineAnnealingLR`, in its recursive form).
 *
 * @module
 */
import { LRScheduler, pyMod, type LRSchedulerOptions } from './scheduler.js';
import type { Optimizer } from '../optimizer.js';

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  /** Half period, in epochs (PyTorch's `T_max`). */
  TMax: number;
  /** Minimum learning rate (default 0). */
  etaMin?: number;
}

/**
 * Anneals each group's rate from its initial value to `etaMin` along half a cosine over `TMax`
 * epochs, then back up, and so on (PyTorch's `CosineAnnealingLR`). Uses PyTorch's recursive update,
 * `lr ← (1 + cos(π·t/T)) / (1 + cos(π·(t−1)/T)) · (lr − ηmin) + ηmin`, so the sequence equals
 * PyTorch's to float precision.
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Half period, in epochs. */
  TMax: number;
  /** Minimum learning rate. */
  etaMin: number;

  /** Creates the scheduler and performs its first step. */
  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', optimizer, options);
    this.TMax = options.TMax;
    this.etaMin = options.etaMin ?? 0;
    if (typeof this.TMax !== 'number' || !(this.TMax > 0)) {
      throw new Error(`[CosineAnnealingLR] expected TMax to be a positive number, got ${String(options.TMax)}`);
    }
    this._initialStep();
  }

  /** The rates of epoch `lastEpoch`. */
  getLr(): number[] {
    const t = this.lastEpoch;
    const T = this.TMax;
    const etaMin = this.etaMin;
    if (t === 0) return this._groups.map((g) => g.lr);
    if (this._stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / T))) / 2);
    }
    if (pyMod(t - 1 - T, 2 * T) === 0) {
      return this._groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this._groups.map(
      (g) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected override _getClosedFormLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2);
  }

  /** @internal State-dict keys (PyTorch's) and the properties they hold. */
  protected override readonly _stateKeys = { T_max: 'TMax', eta_min: 'etaMin' };
}
