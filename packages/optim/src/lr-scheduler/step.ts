/**
 * Decay by a factor at fixed epochs: StepLR, MultiStepLR and ExponentialLR (PyTorch 1.13's
 * chainable forms, so sequences match to the last bit).
 *
 * @module
 */
import { LRScheduler, pyMod, type LRSchedulerOptions, type SchedulerStateDict } from './scheduler.js';
import type { Optimizer } from '../optimizer.js';

/** Options of {@link StepLR}. */
export interface StepLROptions extends LRSchedulerOptions {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** Factor applied every `stepSize` epochs (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies each group's rate by `gamma` every `stepSize` epochs (PyTorch's `StepLR`).
 *
 * ```ts
 * new optim.lrScheduler.StepLR(optimizer, { stepSize: 10, gamma: 0.1 });
 * ```
 */
export class StepLR extends LRScheduler {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** The decay factor. */
  gamma: number;

  /** Creates the scheduler and performs its first step. */
  constructor(optimizer: Optimizer, options: StepLROptions) {
    super('StepLR', optimizer, options);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    if (!(Number.isInteger(this.stepSize) && this.stepSize > 0)) {
      throw new Error(`[StepLR] expected stepSize to be a positive integer, got ${String(options.stepSize)}`);
    }
    this._initialStep();
  }

  /** The rates of epoch `lastEpoch`. */
  getLr(): number[] {
    if (this.lastEpoch === 0 || pyMod(this.lastEpoch, this.stepSize) !== 0) return this._groups.map((g) => g.lr);
    return this._groups.map((g) => g.lr * this.gamma);
  }

  protected override _getClosedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }

  /** @internal State-dict keys (PyTorch's) and the properties they hold. */
  protected override readonly _stateKeys = { step_size: 'stepSize', gamma: 'gamma' };
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions extends LRSchedulerOptions {
  /** Epochs at which the rate decays (a repeated epoch decays once per occurrence). */
  milestones: number[];
  /** Factor applied at each milestone (default 0.1). */
  gamma?: number;
}

/** Multiplies each group's rate by `gamma` at each milestone epoch (PyTorch's `MultiStepLR`). */
export class MultiStepLR extends LRScheduler {
  /** How many times each milestone epoch was given (PyTorch's `Counter`). */
  milestones: Map<number, number>;
  /** The decay factor. */
  gamma: number;

  /** Creates the scheduler and performs its first step. */
  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    super('MultiStepLR', optimizer, options);
    if (!Array.isArray(options.milestones)) {
      throw new Error(`[MultiStepLR] expected milestones to be an array of epochs, got ${String(options.milestones)}`);
    }
    this.milestones = new Map();
    for (const m of options.milestones) this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    this.gamma = options.gamma ?? 0.1;
    this._initialStep();
  }

  /** The rates of epoch `lastEpoch`. */
  getLr(): number[] {
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return this._groups.map((g) => g.lr);
    return this._groups.map((g) => g.lr * this.gamma ** count);
  }

  protected override _getClosedFormLr(): number[] {
    let passed = 0;
    for (const [m, count] of this.milestones) if (m <= this.lastEpoch) passed += count;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }

  protected override _ownState(): SchedulerStateDict {
    return { milestones: Object.fromEntries(this.milestones), gamma: this.gamma };
  }

  protected override _loadOwnState(sd: SchedulerStateDict): void {
    if (sd.milestones !== undefined) {
      const given = sd.milestones;
      const entries = given instanceof Map ? [...given] : Object.entries(given as Record<string, number>);
      this.milestones = new Map(entries.map(([k, v]) => [Number(k), Number(v)]));
    }
    if (sd.gamma !== undefined) this.gamma = sd.gamma as number;
  }
}

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions extends LRSchedulerOptions {
  /** Factor applied every epoch. */
  gamma: number;
}

/** Multiplies each group's rate by `gamma` every epoch (PyTorch's `ExponentialLR`). */
export class ExponentialLR extends LRScheduler {
  /** The decay factor. */
  gamma: number;

  /** Creates the scheduler and performs its first step. */
  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    super('ExponentialLR', optimizer, options);
    this.gamma = options.gamma;
    if (typeof this.gamma !== 'number') throw new Error(`[ExponentialLR] expected gamma to be a number, got ${typeof options.gamma}`);
    this._initialStep();
  }

  /** The rates of epoch `lastEpoch`. */
  getLr(): number[] {
    if (this.lastEpoch === 0) return this._groups.map((g) => g.lr);
    return this._groups.map((g) => g.lr * this.gamma);
  }

  protected override _getClosedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }

  /** @internal State-dict keys (PyTorch's) and the properties they hold. */
  protected override readonly _stateKeys = { gamma: 'gamma' };
}
