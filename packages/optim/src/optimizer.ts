/**
 * The `Optimizer` base class: parameter groups, per-parameter state, `zeroGrad`, `step` and state
 * dicts in PyTorch 1.13's layout (see torch/optim/optimizer.py).
 *
 * @module
 */
import { Tensor, enableGrad, keep, noGrad } from '@typetorch/core';
import { toCamelCase, toSnakeCase } from './naming.js';
import { pyRepr } from './py-format.js';

/**
 * One parameter group as the optimizer holds it: the parameters, the learning rate and every other
 * option of the optimizer under its camelCase name (`weightDecay`). Schedulers add their own keys
 * (`initialLr`, `maxLr`, ...), as PyTorch's do.
 */
export type ParamGroup<O extends object = object> = ParamGroupBase & O & { [key: string]: unknown };

/** The entries every {@link ParamGroup} has. */
export interface ParamGroupBase {
  /** The group's parameters. */
  params: Tensor[];
  /** The group's learning rate. */
  lr: number;
}

/** A parameter group as given to a constructor or {@link Optimizer.addParamGroup}: options left out take the defaults. */
export type ParamGroupInput<O extends object = object> = ParamGroupInputBase & Partial<O> & { [key: string]: unknown };

/** The entries of a {@link ParamGroupInput} that every optimizer knows. */
export interface ParamGroupInputBase {
  /** The parameters: an iterable of tensors (not a Set), or one tensor. */
  params: Iterable<Tensor> | Tensor;
  /** The group's learning rate (default: the optimizer's). */
  lr?: number;
}

/** The learning rate among an optimizer's defaults: undefined when every group must give one (SGD). */
export interface LrDefault {
  /** The default learning rate. */
  lr?: number;
}

/** What an optimizer optimizes: tensors (one group), or parameter groups with their own options. */
export type Params<O extends object = object> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** One parameter's optimizer state, under PyTorch's names (`exp_avg`, `momentum_buffer`, `step`, ...). */
export type ParamState = Record<string, unknown>;

/** A parameter group in a state dict: PyTorch's snake_case option names, and the parameters' indices. */
export type StateDictGroup = StateDictGroupBase & { [key: string]: unknown };

/** The entry every {@link StateDictGroup} has. */
export interface StateDictGroupBase {
  /** The indices of the group's parameters. */
  params: number[];
}

/**
 * An optimizer's state dict, in PyTorch's layout: `state` maps a parameter's index (in order of
 * appearance across the groups) to its state; `param_groups` holds each group's options with
 * PyTorch's key names and the parameters' indices. `torch.save` writes it as PyTorch does.
 */
export interface OptimizerStateDict {
  /** Per-parameter state, keyed by parameter index. */
  state: { [index: string]: ParamState };
  /** The groups' options (snake_case) and parameter indices. */
  param_groups: StateDictGroup[];
}

/** Options of {@link Optimizer.zeroGrad}. */
export interface ZeroGradOptions {
  /** Set `.grad` to null instead of zeroing it (PyTorch 1.13's default: false). */
  setToNone?: boolean;
}

/**
 * Base class of all optimizers (PyTorch's `torch.optim.Optimizer`). Subclasses define their
 * defaults and {@link Optimizer._stepGroup}, the update of one group, which runs without recording
 * gradients and only for parameters that have a `.grad`.
 */
export abstract class Optimizer<O extends object = object> {
  /** The default options (camelCase), used for every option a group leaves out; `lr` undefined means required. */
  readonly defaults: Readonly<O & LrDefault>;
  /** The parameter groups, each with its own options. */
  paramGroups: ParamGroup<O>[] = [];
  /**
   * Per-parameter state, created when a parameter is first updated (Adagrad: at construction).
   * Entries of a loaded state dict that name no parameter are kept under their original key.
   */
  state: Map<Tensor | string, ParamState> = new Map();
  /** The class name used in messages (`[SGD] ...`) and in {@link toString}. */
  protected readonly _name: string;

  /**
   * @param name - the optimizer's name, for messages
   * @param params - tensors, or parameter groups
   * @param defaults - every option with its default, in PyTorch's order (`lr: undefined` when required)
   */
  protected constructor(name: string, params: Params<O>, defaults: O & LrDefault) {
    this._name = name;
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new TypeError(`[${name}] params argument given to the optimizer should be an iterable of Tensors or dicts, but got Tensor`);
    }
    if (params === null || params === undefined || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`[${name}] params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${describe(params)}`);
    }
    let groups = Array.from(params as Iterable<Tensor | ParamGroupInput<O>>);
    if (groups.length === 0) throw new Error(`[${name}] optimizer got an empty parameter list`);
    if (groups[0] instanceof Tensor || !isPlainGroup(groups[0])) groups = [{ params: groups as Tensor[] } as unknown as ParamGroupInput<O>];
    for (const group of groups) this.addParamGroup(group as ParamGroupInput<O>);
  }

  /**
   * Adds a parameter group, e.g. layers unfrozen during fine tuning; options it leaves out take the
   * defaults. A parameter may belong to one group only.
   */
  addParamGroup(paramGroup: ParamGroupInput<O>): void {
    const name = this._name;
    if (!isPlainGroup(paramGroup)) throw new TypeError(`[${name}] param group must be a dict`);
    const given = paramGroup.params;
    let params: Tensor[];
    if (given instanceof Tensor) params = [given];
    else if (given instanceof Set) {
      throw new TypeError(
        `[${name}] optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets ` +
          `will change between runs. Please use a list instead.`,
      );
    } else if (given !== null && given !== undefined && typeof (given as Iterable<Tensor>)[Symbol.iterator] === 'function') {
      params = Array.from(given as Iterable<Tensor>);
    } else throw new TypeError(`[${name}] param group 'params' must be a Tensor or an iterable of Tensors, got ${describe(given)}`);
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`[${name}] optimizer can only optimize Tensors, but one of the params is ${describe(p)}`);
      if (!(p.isLeaf || p.retainsGrad)) throw new Error(`[${name}] can't optimize a non-leaf Tensor`);
    }
    // Key order as PyTorch's dict: params, the group's own options, then the defaults it lacks.
    const group: Record<string, unknown> = { params };
    for (const [key, value] of Object.entries(paramGroup)) if (key !== 'params') group[key] = value;
    for (const [key, value] of Object.entries(this.defaults as Record<string, unknown>)) {
      if (key in group && group[key] !== undefined) continue;
      if (value === undefined) {
        throw new Error(`[${name}] parameter group didn't specify a value of required optimization parameter ${key}`);
      }
      group[key] = Array.isArray(value) ? [...value] : value;
    }
    if (new Set(params).size !== params.length) {
      console.warn(
        `[${name}] optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; ` +
          `see github.com/pytorch/pytorch/issues/40967 for more information`,
      );
    }
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => existing.has(p))) throw new Error(`[${name}] some parameters appear in more than one parameter group`);
    this.paramGroups.push(group as ParamGroup<O>);
  }

  /**
   * Resets the gradients of all optimized parameters: to zero (detached from any graph), or to null
   * with `setToNone` (PyTorch 1.13's default is to zero them).
   */
  zeroGrad(options: ZeroGradOptions = {}): void {
    const setToNone = options.setToNone ?? false;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        if (setToNone) {
          p.grad = null;
          continue;
        }
        if (grad.gradFn !== null) grad.detach_();
        else grad.requiresGrad_(false);
        noGrad(() => grad.zero_());
      }
    }
  }

  /**
   * Performs one optimization step. The optional `closure` re-evaluates the model and returns the
   * loss; it runs with gradient recording on, before the update, and its loss is returned.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    let loss: Tensor | undefined;
    if (closure !== undefined) loss = enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups) {
        const params = group.params.filter((p) => p.grad !== null);
        this._stepGroup(group, params);
        // State made during a step (momentum buffers, moments) outlives any tidy() around the step.
        for (const p of params) for (const value of Object.values(this.state.get(p) ?? {})) if (value instanceof Tensor) keep(value);
      }
    });
    return loss;
  }

  /**
   * Updates the parameters of one group that have a gradient (`params`, in group order), in place and
   * without recording gradients.
   */
  protected abstract _stepGroup(group: ParamGroup<O>, params: Tensor[]): void;

  /** The state of `param`, created empty on first use (PyTorch's `defaultdict(dict)`). */
  protected _stateOf(param: Tensor): ParamState {
    let entry = this.state.get(param);
    if (entry === undefined) {
      entry = {};
      this.state.set(param, entry);
    }
    return entry;
  }

  /**
   * The optimizer's state in PyTorch's layout (see {@link OptimizerStateDict}). State tensors are
   * shared with the optimizer, not copied, as in PyTorch.
   */
  stateDict(): OptimizerStateDict {
    const mapping = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) {
        if (key !== 'params') packed[toSnakeCase(key)] = Array.isArray(value) ? [...value] : value;
      }
      group.params.forEach((p, i) => {
        if (!mapping.has(p)) mapping.set(p, start + i);
      });
      packed.params = group.params.map((p) => mapping.get(p)!);
      start += group.params.length;
      return packed as StateDictGroup;
    });
    const state: { [index: string]: ParamState } = {};
    for (const [key, value] of this.state) {
      state[key instanceof Tensor ? String(mapping.get(key)) : key] = { ...value };
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Loads a state dict (from {@link Optimizer.stateDict | stateDict()}, or PyTorch's `optimizer.state_dict()` through
   * `torch.load`). It is deep-copied; floating-point state tensors take their parameter's dtype and
   * all state tensors its device, except `step`, as in PyTorch.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const sd = deepCopy(stateDict) as OptimizerStateDict;
    if (sd === null || typeof sd !== 'object' || !Array.isArray(sd.param_groups) || sd.state === null || typeof sd.state !== 'object') {
      throw new Error(`[loadStateDict] expected an optimizer state dict with 'state' and 'param_groups', got ${describe(stateDict)}`);
    }
    const groups = this.paramGroups;
    const savedGroups = sd.param_groups;
    if (groups.length !== savedGroups.length) {
      throw new Error(`[loadStateDict] loaded state dict has a different number of parameter groups`);
    }
    if (groups.some((g, i) => g.params.length !== (savedGroups[i].params?.length ?? -1))) {
      throw new Error(`[loadStateDict] loaded state dict contains a parameter group that doesn't match the size of optimizer's group`);
    }
    const idMap = new Map<number, Tensor>();
    savedGroups.forEach((saved, i) => saved.params.forEach((id, j) => idMap.set(Number(id), groups[i].params[j])));

    const state = new Map<Tensor | string, ParamState>();
    const entries = sd.state instanceof Map ? [...(sd.state as Map<unknown, ParamState>)] : Object.entries(sd.state);
    for (const [key, value] of entries) {
      const param = idMap.get(Number(key));
      if (param !== undefined) state.set(param, castState(param, value) as ParamState);
      else state.set(String(key), value);
    }
    this.paramGroups = groups.map((group, i) => {
      const loaded: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(savedGroups[i])) loaded[key === 'params' ? 'params' : toCamelCase(key)] = key === 'params' ? group.params : value;
      return loaded as ParamGroup<O>;
    });
    this.state = state;
    this._afterLoad();
  }

  /** Called after {@link loadStateDict}: fills options that older state dicts lack (PyTorch's `__setstate__`). */
  protected _afterLoad(): void {}

  /** Sets `group[key]` to `value` unless the group has it (PyTorch's `group.setdefault`). */
  protected static _setDefault(group: Record<string, unknown>, key: string, value: unknown): void {
    if (!(key in group)) group[key] = value;
  }

  /** PyTorch's repr: the class name and each group's options, sorted by name. */
  toString(): string {
    let text = `${this._name} (`;
    this.paramGroups.forEach((group, i) => {
      text += `\nParameter Group ${i}\n`;
      const keys = Object.keys(group).filter((k) => k !== 'params').map((k) => [toSnakeCase(k), k] as const);
      keys.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (const [snake, key] of keys) text += `    ${snake}: ${pyRepr(group[key])}\n`;
    });
    return text + ')';
  }
}

function isPlainGroup(value: unknown): value is ParamGroupInput {
  return typeof value === 'object' && value !== null && !(value instanceof Tensor) && 'params' in value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Tensor) return 'Tensor';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/**
 * PyTorch's `deepcopy` of a state dict: tensors cloned, containers copied. Integers that a
 * checkpoint reader gave as bigints (Python ints) become numbers, as the optimizers compute with them.
 */
function deepCopy(value: unknown): unknown {
  if (value instanceof Tensor) return noGrad(() => value.detach().clone());
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(deepCopy);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, deepCopy(v)]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
    return out;
  }
  return value;
}

/**
 * Casts loaded state to its parameter as PyTorch's `load_state_dict` does: floating-point
 * parameters give their dtype to every state tensor, and every state tensor moves to the
 * parameter's device, except the one under the key `step`.
 */
function castState(param: Tensor, value: unknown, key?: string): unknown {
  if (value instanceof Tensor) {
    if (key === 'step') return value;
    let out = value;
    if (param.isFloatingPoint()) out = out.to(param.dtype);
    return out.to(param.device);
  }
  if (Array.isArray(value)) return value.map((v) => castState(param, v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = castState(param, v, k);
    return out;
  }
  return value;
}
