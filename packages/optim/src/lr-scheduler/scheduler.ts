/**
 * The base of the epoch-based learning-rate schedulers: PyTorch 1.13's `_LRScheduler`
 * (torch/optim/lr_scheduler.py), exported as `LRScheduler`.
 *
 * @module
 */
import { Optimizer, type ParamGroup } from '../optimizer.js';
import { pyEpoch, pyExp4 } from '../py-format.js';

/** Options every {@link LRScheduler} accepts. */
export interface LRSchedulerOptions {
  /** The index of the last epoch when resuming (default -1: start; then the groups need `initialLr`). */
  lastEpoch?: number;
  /** Print a message for each update, as PyTorch does (default false). */
  verbose?: boolean;
}

/** A scheduler's state dict: PyTorch's snake_case keys (`base_lrs`, `last_epoch`, `_step_count`, ...). */
export type SchedulerStateDict = Record<string, unknown>;

/**
 * Base class of learning-rate schedulers. Each `step()` advances `lastEpoch` and sets every group's
 * `lr` to {@link getLr}'s value. As in PyTorch, constructing a scheduler performs the first step
 * (epoch 0) and records each group's starting rate as `initialLr`.
 *
 * Subclasses set their own fields after `super(...)` and then call {@link _initialStep} at the end
 * of their constructor (PyTorch sets them before calling the base constructor, which JavaScript
 * does not allow).
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: Optimizer;
  /** Each group's `initialLr`, the rate the schedule starts from. */
  baseLrs: number[];
  /** The index of the last epoch (the number of `step()` calls since construction, minus one). */
  lastEpoch: number;
  /** Whether each update prints a message. */
  verbose: boolean;
  /** How many times `step()` ran, including the constructor's (PyTorch's `_step_count`). */
  _stepCount = 0;
  /** True while `step()` calls {@link getLr} (PyTorch's `_get_lr_called_within_step`). */
  _getLrCalledWithinStep = false;
  /** The rates set by the last `step()` (PyTorch's `_last_lr`). */
  _lastLr: number[] = [];
  /** The class name used in messages. */
  protected readonly _name: string;

  /**
   * @param name - the scheduler's name, for messages
   * @param optimizer - the optimizer to schedule
   * @param options - `lastEpoch` and `verbose`
   */
  protected constructor(name: string, optimizer: Optimizer, options: LRSchedulerOptions = {}) {
    this._name = name;
    if (!(optimizer instanceof Optimizer)) {
      throw new TypeError(`[${name}] ${describe(optimizer)} is not an Optimizer`);
    }
    this.optimizer = optimizer;
    const lastEpoch = options.lastEpoch ?? -1;
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups) if (!('initialLr' in group)) group.initialLr = group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (!('initialLr' in group)) {
          throw new Error(`[${name}] param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((group) => group.initialLr as number);
    this.lastEpoch = lastEpoch;
    this.verbose = options.verbose ?? false;
  }

  /** The constructor's step: resets the step counts and computes epoch `lastEpoch + 1`'s rates. */
  protected _initialStep(): void {
    this._stepCount = 0;
    this.step();
  }

  /** The groups this scheduler sets. */
  protected get _groups(): ParamGroup[] {
    return this.optimizer.paramGroups as ParamGroup[];
  }

  /**
   * The rates of epoch `lastEpoch`, one per group, computed from the groups' current rates
   * (PyTorch's chainable form). Called by {@link step}; read the current rates with {@link getLastLr}.
   */
  abstract getLr(): number[];

  /** The closed form used by the deprecated `step(epoch)`; schedulers without one use {@link getLr}. */
  protected _getClosedFormLr(): number[] | undefined {
    return undefined;
  }

  /** The rates the last `step()` set, one per group. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /**
   * Advances one epoch and sets each group's `lr`. Passing `epoch` (deprecated in PyTorch) jumps to
   * that epoch, using the closed form where the scheduler has one.
   */
  step(epoch?: number): void {
    this._stepCount += 1;
    let values: number[];
    this._getLrCalledWithinStep = true;
    try {
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        this.lastEpoch = epoch;
        values = this._getClosedFormLr() ?? this.getLr();
      }
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this._groups.forEach((group, i) => {
      group.lr = values[i];
      this._printLr(i, values[i], epoch);
    });
    this._lastLr = this._groups.map((group) => group.lr);
  }

  /** Prints PyTorch's verbose message for one group. */
  protected _printLr(group: number, lr: number, epoch?: number): void {
    if (!this.verbose) return;
    if (epoch === undefined) console.log(`Adjusting learning rate of group ${group} to ${pyExp4(lr)}.`);
    else console.log(`Epoch ${pyEpoch(epoch)}: adjusting learning rate of group ${group} to ${pyExp4(lr)}.`);
  }

  /**
   * The scheduler's own options in its state dict: PyTorch's key → the property holding the value
   * (`{ T_max: 'TMax', eta_min: 'etaMin' }`), in PyTorch's attribute order. The default
   * {@link LRScheduler._ownState} and {@link LRScheduler._loadOwnState} save and restore exactly these.
   */
  /** @internal State-dict keys (PyTorch's) and the properties they hold, for subclasses' own state. */
  protected readonly _stateKeys: Readonly<Record<string, string>> = {};

  /** The scheduler's own entries of the state dict, before the common ones (PyTorch's attribute order). */
  protected _ownState(): SchedulerStateDict {
    const self = this as unknown as Record<string, unknown>;
    return Object.fromEntries(Object.entries(this._stateKeys).map(([key, property]) => [key, self[property]]));
  }

  /** Restores the scheduler's own entries from a state dict (those it has; others keep their values). */
  protected _loadOwnState(stateDict: SchedulerStateDict): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [key, property] of Object.entries(this._stateKeys)) if (stateDict[key] !== undefined) self[property] = stateDict[key];
  }

  /**
   * The scheduler's state, without the optimizer, under PyTorch's keys (`base_lrs`, `last_epoch`,
   * `verbose`, `_step_count`, `_get_lr_called_within_step`, `_last_lr`, and the scheduler's options).
   */
  stateDict(): SchedulerStateDict {
    return {
      ...this._ownState(),
      base_lrs: [...this.baseLrs],
      last_epoch: this.lastEpoch,
      verbose: this.verbose,
      _step_count: this._stepCount,
      _get_lr_called_within_step: this._getLrCalledWithinStep,
      _last_lr: [...this._lastLr],
    };
  }

  /** Restores the state from {@link LRScheduler.stateDict | stateDict()} (load the optimizer's state dict too: it holds the rates). */
  loadStateDict(stateDict: SchedulerStateDict): void {
    if (stateDict === null || typeof stateDict !== 'object') {
      throw new Error(`[${this._name}] expected a scheduler state dict (an object), got ${describe(stateDict)}`);
    }
    const sd = stateDict as Record<string, unknown>;
    if (sd.base_lrs !== undefined) this.baseLrs = [...(sd.base_lrs as number[])];
    if (sd.last_epoch !== undefined) this.lastEpoch = sd.last_epoch as number;
    if (sd.verbose !== undefined) this.verbose = sd.verbose as boolean;
    if (sd._step_count !== undefined) this._stepCount = sd._step_count as number;
    if (sd._get_lr_called_within_step !== undefined) this._getLrCalledWithinStep = sd._get_lr_called_within_step as boolean;
    if (sd._last_lr !== undefined) this._lastLr = [...(sd._last_lr as number[])];
    this._loadOwnState(sd);
  }
}

/** Python's `%`: the result has the divisor's sign. */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

/** A short description of a value for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
