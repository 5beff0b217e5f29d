/**
 * The 1cycle policy (PyTorch 1.13's `OneCycleLR`): warm up to `maxLr`, anneal far below the start,
 * cycling the momentum (SGD's `momentum` or Adam's `betas[0]`) the other way.
 *
 * @module
 */
import { LRScheduler, describe, type LRSchedulerOptions, type SchedulerStateDict } from './scheduler.js';
import { Optimizer, type ParamGroup } from '../optimizer.js';
import { toCamelCase } from '../naming.js';

/** Options of {@link OneCycleLR}: `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions extends LRSchedulerOptions {
  /** Peak learning rate, for all groups or one per group. */
  maxLr: number | number[];
  /** Number of steps in the cycle (or give `epochs` and `stepsPerEpoch`). */
  totalSteps?: number;
  /** Number of epochs, with `stepsPerEpoch`. */
  epochs?: number;
  /** Steps per epoch, with `epochs`. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the rate (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum inversely to the rate (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum, reached at the peak rate (default 0.85). */
  baseMomentum?: number | number[];
  /** Highest momentum, at the start and end (default 0.95). */
  maxMomentum?: number | number[];
  /** The initial rate is `maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** The final rate is the initial rate / `finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Use a third phase that anneals from the initial rate to the final one (default false). */
  threePhase?: boolean;
}

/** One phase of the cycle, with PyTorch's key names: the group keys it anneals between. */
export interface OneCyclePhase {
  /** The last step of the phase. */
  end_step: number;
  /** Group key of the starting rate. */
  start_lr: string;
  /** Group key of the final rate. */
  end_lr: string;
  /** Group key of the starting momentum. */
  start_momentum: string;
  /** Group key of the final momentum. */
  end_momentum: string;
}

function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2.0) * cosOut;
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

/**
 * PyTorch's `OneCycleLR`: call `step()` after every batch. The rate goes from `maxLr / divFactor`
 * to `maxLr` in the first `pctStart` of the steps, then down to `initial / finalDivFactor` (with
 * `threePhase`, back to the initial rate first). With `cycleMomentum`, the groups' momentum (or
 * Adam's `betas[0]`) goes from `maxMomentum` to `baseMomentum` and back.
 */
export class OneCycleLR extends LRScheduler {
  /** Number of steps in the cycle. */
  totalSteps: number;
  /** The phases, as PyTorch stores them. */
  _schedulePhases: OneCyclePhase[];
  /** The annealing strategy. */
  annealStrategy: 'cos' | 'linear';
  /** Whether the momentum cycles. */
  cycleMomentum: boolean;
  /** True when the optimizer has `betas` (Adam): the momentum is `betas[0]`. */
  useBeta1: boolean;

  /** Creates the scheduler, stores its settings in the groups and performs its first step. */
  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`[OneCycleLR] ${describe(optimizer)} is not an Optimizer`);
    const o = options;
    const lastEpoch = o.lastEpoch ?? -1;
    const isPositiveInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
    let totalSteps: number;
    if (o.totalSteps === undefined && o.epochs === undefined && o.stepsPerEpoch === undefined) {
      throw new Error(`[OneCycleLR] You must define either total_steps OR (epochs AND steps_per_epoch)`);
    } else if (o.totalSteps !== undefined) {
      if (!isPositiveInt(o.totalSteps)) throw new Error(`[OneCycleLR] Expected positive integer total_steps, but got ${o.totalSteps}`);
      totalSteps = o.totalSteps;
    } else {
      if (!isPositiveInt(o.epochs)) throw new Error(`[OneCycleLR] Expected positive integer epochs, but got ${o.epochs}`);
      if (!isPositiveInt(o.stepsPerEpoch)) throw new Error(`[OneCycleLR] Expected positive integer steps_per_epoch, but got ${o.stepsPerEpoch}`);
      totalSteps = o.epochs! * o.stepsPerEpoch!;
    }
    const pctStart = o.pctStart ?? 0.3;
    const phases: OneCyclePhase[] = o.threePhase
      ? [
          { end_step: pctStart * totalSteps - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
          { end_step: 2 * pctStart * totalSteps - 2, start_lr: 'max_lr', end_lr: 'initial_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
          { end_step: totalSteps - 1, start_lr: 'initial_lr', end_lr: 'min_lr', start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
        ]
      : [
          { end_step: pctStart * totalSteps - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
          { end_step: totalSteps - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
        ];
    if (typeof pctStart !== 'number' || pctStart < 0 || pctStart > 1) {
      throw new Error(`[OneCycleLR] Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    }
    const annealStrategy = o.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new Error(`[OneCycleLR] anneal_strategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }
    const groups = optimizer.paramGroups as ParamGroup[];
    const maxLrs = formatParam('max_lr', groups.length, o.maxLr);
    if (lastEpoch === -1) {
      groups.forEach((group, i) => {
        group.initialLr = maxLrs[i] / (o.divFactor ?? 25);
        group.maxLr = maxLrs[i];
        group.minLr = (group.initialLr as number) / (o.finalDivFactor ?? 1e4);
      });
    }
    const cycleMomentum = o.cycleMomentum ?? true;
    let useBeta1 = false;
    if (cycleMomentum) {
      const defaults = optimizer.defaults as Record<string, unknown>;
      if (!('momentum' in defaults) && !('betas' in defaults)) {
        throw new Error(`[OneCycleLR] optimizer must support momentum with \`cycle_momentum\` option enabled`);
      }
      useBeta1 = 'betas' in defaults;
      const maxMomentums = formatParam('max_momentum', groups.length, o.maxMomentum ?? 0.95);
      const baseMomentums = formatParam('base_momentum', groups.length, o.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        groups.forEach((group, i) => {
          if (useBeta1) group.betas = [maxMomentums[i], ...(group.betas as number[]).slice(1)];
          else group.momentum = maxMomentums[i];
          group.maxMomentum = maxMomentums[i];
          group.baseMomentum = baseMomentums[i];
        });
      }
    }
    super('OneCycleLR', optimizer, options);
    this.totalSteps = totalSteps;
    this._schedulePhases = phases;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this._initialStep();
  }

  /** The rates of step `lastEpoch` (also sets the groups' momentum when it cycles). */
  getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new Error(`[OneCycleLR] Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    return this._groups.map((group) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      const phases = this._schedulePhases;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        const endStep = phase.end_step;
        if (stepNum <= endStep || i === phases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          lr = anneal(groupValue(group, phase.start_lr), groupValue(group, phase.end_lr), pct);
          if (this.cycleMomentum) momentum = anneal(groupValue(group, phase.start_momentum), groupValue(group, phase.end_momentum), pct);
          break;
        }
        startStep = phase.end_step;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) group.betas = [momentum, ...(group.betas as number[]).slice(1)];
        else group.momentum = momentum;
      }
      return lr;
    });
  }

  /**
   * PyTorch's keys; `anneal_func` holds the strategy's name (`'cos'` or `'linear'`) where PyTorch
   * keeps a bound method, and `use_beta1` is present only when the momentum cycles.
   */
  protected override _ownState(): SchedulerStateDict {
    const own: SchedulerStateDict = {
      total_steps: this.totalSteps,
      _schedule_phases: this._schedulePhases.map((p) => ({ ...p })),
      anneal_func: this.annealStrategy,
      cycle_momentum: this.cycleMomentum,
    };
    if (this.cycleMomentum) own.use_beta1 = this.useBeta1;
    return own;
  }

  protected override _loadOwnState(sd: SchedulerStateDict): void {
    if (sd.total_steps !== undefined) this.totalSteps = sd.total_steps as number;
    if (sd._schedule_phases !== undefined) this._schedulePhases = (sd._schedule_phases as OneCyclePhase[]).map((p) => ({ ...p }));
    if (sd.anneal_func === 'cos' || sd.anneal_func === 'linear') this.annealStrategy = sd.anneal_func;
    if (sd.cycle_momentum !== undefined) this.cycleMomentum = sd.cycle_momentum as boolean;
    if (sd.use_beta1 !== undefined) this.useBeta1 = sd.use_beta1 as boolean;
  }
}

function formatParam(name: string, groups: number, value: number | number[]): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) throw new Error(`[OneCycleLR] expected ${groups} values for ${name}, got ${value.length}`);
    return [...value];
  }
  return new Array<number>(groups).fill(value);
}

/** A group's value under PyTorch's key (`'initial_lr'` is the group's `initialLr`). */
function groupValue(group: ParamGroup, snakeKey: string): number {
  return group[toCamelCase(snakeKey)] as number;
}
