/**
 * Reduce the learning rate when a metric stops improving (PyTorch 1.13's `ReduceLROnPlateau`).
 *
 * @module
 */
import { Tensor } from '@typetorch/core';
import { Optimizer, type ParamGroup } from '../optimizer.js';
import { pyEpoch, pyExp4 } from '../py-format.js';
import { describe, type SchedulerStateDict } from './scheduler.js';

/** Options of {@link ReduceLROnPlateau}, with PyTorch's defaults. */
export interface ReduceLROnPlateauOptions {
  /** `'min'`: the metric should decrease (default); `'max'`: increase. */
  mode?: 'min' | 'max';
  /** Factor applied to the rate on a plateau; must be < 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** `'rel'`: relative to the best value (default); `'abs'`: absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound of the rate, for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
  /** Print a message for each reduction (default false). */
  verbose?: boolean;
}

/**
 * Multiplies each group's rate by `factor` once the metric passed to `step(metric)` has not improved
 * for more than `patience` epochs (PyTorch's `ReduceLROnPlateau`).
 */
export class ReduceLROnPlateau {
  /** The optimizer whose groups' `lr` this scheduler reduces. */
  readonly optimizer: Optimizer;
  /** The reduction factor. */
  factor: number;
  /** Lower bound of each group's rate. */
  minLrs: number[];
  /** Epochs without improvement tolerated. */
  patience: number;
  /** Whether reductions print a message. */
  verbose: boolean;
  /** Epochs of cooldown after a reduction. */
  cooldown: number;
  /** Cooldown epochs left. */
  cooldownCounter = 0;
  /** Whether the metric should decrease or increase. */
  mode: 'min' | 'max';
  /** Minimum change that counts as an improvement. */
  threshold: number;
  /** How `threshold` applies. */
  thresholdMode: 'rel' | 'abs';
  /** The best metric so far. */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** The worst value for the mode (`Infinity` for `'min'`). */
  modeWorse: number;
  /** Reductions smaller than this are skipped. */
  eps: number;
  /** The number of `step()` calls (or the epoch last passed). */
  lastEpoch = 0;
  /** The rates after the last `step()`; undefined before the first, as in PyTorch 1.13. */
  _lastLr: number[] | undefined = undefined;

  /** Creates the scheduler; throws PyTorch's messages for invalid options. */
  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const factor = options.factor ?? 0.1;
    if (factor >= 1.0) throw new Error(`[ReduceLROnPlateau] Factor should be < 1.0.`);
    this.factor = factor;
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`[ReduceLROnPlateau] ${describe(optimizer)} is not an Optimizer`);
    this.optimizer = optimizer;
    const minLr = options.minLr ?? 0;
    const groups = optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups) throw new Error(`[ReduceLROnPlateau] expected ${groups} min_lrs, got ${minLr.length}`);
      this.minLrs = [...minLr];
    } else {
      this.minLrs = new Array<number>(groups).fill(minLr);
    }
    this.patience = options.patience ?? 10;
    this.verbose = options.verbose ?? false;
    this.cooldown = options.cooldown ?? 0;
    this.mode = options.mode ?? 'min';
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.best = Infinity;
    this.modeWorse = Infinity;
    this.eps = options.eps ?? 1e-8;
    this._initIsBetter(this.mode, this.threshold, this.thresholdMode);
    this._reset();
  }

  private get _groups(): ParamGroup[] {
    return this.optimizer.paramGroups as ParamGroup[];
  }

  private _reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  /**
   * Records one epoch's metric (a number, or a one-element tensor read synchronously, CPU only:
   * pass `await loss.item()` on other devices) and reduces the rates on a plateau.
   */
  step(metric: number | Tensor, epoch?: number): void {
    const current = metric instanceof Tensor ? Number(metric.itemSync()) : Number(metric);
    const e = epoch ?? this.lastEpoch + 1;
    this.lastEpoch = e;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this._reduceLr(e);
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this._groups.map((g) => g.lr);
  }

  private _reduceLr(epoch: number): void {
    this._groups.forEach((group, i) => {
      const oldLr = Number(group.lr);
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) {
        group.lr = newLr;
        if (this.verbose) console.log(`Epoch ${pyEpoch(epoch)}: reducing learning rate of group ${i} to ${pyExp4(newLr)}.`);
      }
    });
  }

  /** True while cooling down after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether metric `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min' && this.thresholdMode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  private _initIsBetter(mode: string, threshold: number, thresholdMode: string): void {
    if (mode !== 'min' && mode !== 'max') throw new Error(`[ReduceLROnPlateau] mode ${mode} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new Error(`[ReduceLROnPlateau] threshold mode ${thresholdMode} is unknown!`);
    this.modeWorse = mode === 'min' ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
  }

  /** The groups' rates after the last `step()` (their current rates before the first). */
  getLastLr(): number[] {
    return this._lastLr === undefined ? this._groups.map((g) => g.lr) : [...this._lastLr];
  }

  /** The state under PyTorch's keys, in its order; `_last_lr` appears after the first `step()`. */
  stateDict(): SchedulerStateDict {
    const sd: SchedulerStateDict = {
      factor: this.factor,
      min_lrs: [...this.minLrs],
      patience: this.patience,
      verbose: this.verbose,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      mode: this.mode,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      mode_worse: this.modeWorse,
      eps: this.eps,
      last_epoch: this.lastEpoch,
    };
    if (this._lastLr !== undefined) sd._last_lr = [...this._lastLr];
    return sd;
  }

  /** Restores the state from {@link ReduceLROnPlateau.stateDict | stateDict()}. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    if (stateDict === null || typeof stateDict !== 'object') {
      throw new Error(`[ReduceLROnPlateau] expected a scheduler state dict (an object), got ${describe(stateDict)}`);
    }
    const fields: Array<[string, (v: unknown) => void]> = [
      ['factor', (v) => (this.factor = v as number)],
      ['min_lrs', (v) => (this.minLrs = [...(v as number[])])],
      ['patience', (v) => (this.patience = v as number)],
      ['verbose', (v) => (this.verbose = v as boolean)],
      ['cooldown', (v) => (this.cooldown = v as number)],
      ['cooldown_counter', (v) => (this.cooldownCounter = v as number)],
      ['mode', (v) => (this.mode = v as 'min' | 'max')],
      ['threshold', (v) => (this.threshold = v as number)],
      ['threshold_mode', (v) => (this.thresholdMode = v as 'rel' | 'abs')],
      ['best', (v) => (this.best = v as number)],
      ['num_bad_epochs', (v) => (this.numBadEpochs = v as number)],
      ['mode_worse', (v) => (this.modeWorse = v as number)],
      ['eps', (v) => (this.eps = v as number)],
      ['last_epoch', (v) => (this.lastEpoch = v as number)],
      ['_last_lr', (v) => (this._lastLr = [...(v as number[])])],
    ];
    for (const [key, set] of fields) if (stateDict[key] !== undefined) set(stateDict[key]);
    this._initIsBetter(this.mode, this.threshold, this.thresholdMode);
  }
}
