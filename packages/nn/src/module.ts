/**
 * `nn.Module`: the base class of layers and models, with PyTorch's registration of parameters,
 * buffers and submodules from plain assignments (and class fields), in definition order.
 *
 * How registration works: the Module constructor returns a Proxy of the instance. Its `set` and
 * `defineProperty` traps do what PyTorch's `Module.__setattr__` does (class fields use [[Define]]
 * semantics in ES2022, hence the `defineProperty` trap), its `get` trap serves registered names from
 * the `_parameters` / `_buffers` / `_modules` maps when ordinary lookup finds nothing (PyTorch's
 * `__getattr__`), and `deleteProperty` unregisters (PyTorch's `__delattr__`). Methods and getters of
 * subclasses run with `this` bound to the proxy, so `this.conv1` works everywhere; `#private`
 * fields do not work through a Proxy, so subclasses use ordinary fields.
 *
 * @module
 */
import { Tensor, keep, noGrad } from '@typetorch/core';
import { Parameter } from './parameter.js';
import { RemovableHandle, globalForwardHooks, globalForwardPreHooks, type ForwardHook, type ForwardPreHook } from './hooks.js';
import { formatModule } from './module-repr.js';
import { parseModuleTarget, type ModuleTarget } from './module-util.js';
import { addModuleOn, createModuleProxy, moduleBrand, proxyOfInstance, rawOf, registerBufferOn, registerParameterOn } from './module-attrs.js';
import {
  collectStateDict, loadOwnState, loadStateDictInto, type LoadStateDictOptions, type IncompatibleKeys, type StateDict,
  type StateDictMetadata, type StateDictOptions,
} from './module-state.js';

export type { LoadStateDictOptions, IncompatibleKeys, StateDict, StateDictOptions, StateDictMetadata, ModuleTarget };

/** The callback of {@link Module.apply}. */
export type ModuleFn = (module: Module) => void;

/** A module type that declares a `forward` method. */
export interface HasForward {
  /** The module's computation. */
  forward(...args: never[]): unknown;
}

/** The parameters of `M`'s `forward` (any arguments for a module whose type declares none). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ForwardArgs<M> = M extends HasForward ? Parameters<M['forward']> : any[];
/** The return type of `M`'s `forward` (`any` for a module whose type declares none). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ForwardResult<M> = M extends HasForward ? ReturnType<M['forward']> : any;

/**
 * Base class of all neural network modules (PyTorch's `torch.nn.Module`).
 *
 * Subclass it, assign layers, parameters and buffers to fields (class fields or in the
 * constructor), and implement `forward`; call the module with `call(...)`, which runs forward hooks
 * around `forward` as PyTorch's `module(x)` does.
 *
 * @example
 * ```ts
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 1);
 *   forward(x: torch.Tensor): torch.Tensor { return this.fc2.call(F.relu(this.fc1.call(x))); }
 * }
 * const net = new Net();
 * Object.keys(net.stateDict()); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export class Module {
  /** The version written to a state dict's metadata (PyTorch's `_version`); layers whose layout changed raise it. */
  static _version = 1;

  /** Whether the module is in training mode (see {@link train} and {@link eval}). */
  training = true;
  /** Parameters registered on this module (not its children), in registration order; `null` entries are placeholders. */
  readonly _parameters = new Map<string, Parameter | null>();
  /** Buffers registered on this module, in registration order; `null` entries are placeholders. */
  readonly _buffers = new Map<string, Tensor | null>();
  /** Names of buffers left out of the state dict. */
  readonly _nonPersistentBuffers = new Set<string>();
  /** Direct submodules, in registration order; `null` entries are placeholders. */
  readonly _modules = new Map<string, Module | null>();
  /** Forward pre-hooks by handle id. */
  readonly _forwardPreHooks = new Map<number, ForwardPreHook>();
  /** Forward hooks by handle id. */
  readonly _forwardHooks = new Map<number, ForwardHook>();

  /** Creates an empty module; the object returned is a Proxy that registers assigned values. */
  constructor() {
    return createModuleProxy(this);
  }

  // ---- forward and hooks ----

  /**
   * Runs the module as PyTorch's `module(*args)`: forward pre-hooks (global ones first), the
   * subclass's `forward(...args)`, then forward hooks. The arguments and result are typed by the
   * subclass's `forward`.
   *
   * `forward` is deliberately not declared on Module: subclasses define it as a new method (no
   * `override` keyword needed, as in PyTorch), and a module without one fails here with PyTorch's
   * message.
   */
  call<M extends Module>(this: M, ...args: ForwardArgs<M>): ForwardResult<M> {
    const forward = (this as { forward?: unknown }).forward;
    if (typeof forward !== 'function') {
      throw new Error(`[forward] Module [${this._getName()}] is missing the required "forward" function`);
    }
    const hasHooks = this._forwardPreHooks.size > 0 || this._forwardHooks.size > 0 ||
      globalForwardPreHooks.size > 0 || globalForwardHooks.size > 0;
    if (!hasHooks) return forward.apply(this, args) as ForwardResult<M>;
    let input: unknown[] = args;
    for (const hook of [...globalForwardPreHooks.values(), ...this._forwardPreHooks.values()]) {
      const result = hook(this, input);
      if (result !== undefined && result !== null) input = Array.isArray(result) ? result : [result];
    }
    let output: unknown = forward.apply(this, input);
    for (const hook of [...globalForwardHooks.values(), ...this._forwardHooks.values()]) {
      const result = hook(this, input, output);
      if (result !== undefined && result !== null) output = result;
    }
    return output as ForwardResult<M>;
  }

  /**
   * Registers `hook(module, args)` to run before `forward` on each {@link call}; it may return new
   * arguments (an array) or a single replacement argument.
   */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    const handle = new RemovableHandle(this._forwardPreHooks);
    this._forwardPreHooks.set(handle.id, hook as ForwardPreHook);
    return handle;
  }

  /** Registers `hook(module, args, output)` to run after `forward` on each {@link call}; it may return a new output. */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    const handle = new RemovableHandle(this._forwardHooks);
    this._forwardHooks.set(handle.id, hook as ForwardHook);
    return handle;
  }

  // ---- registration ----

  /**
   * Adds a parameter under `name` (PyTorch's `register_parameter`); `null` registers a placeholder
   * that `parameters()` and `stateDict()` skip. Assigning a {@link Parameter} to a field does the same.
   */
  registerParameter(name: string, param: Parameter | null): void {
    registerParameterOn(rawOf(this), name, param);
  }

  /**
   * Adds a buffer: a tensor that is part of the module's state but not a parameter, such as
   * BatchNorm's `running_mean` (PyTorch's `register_buffer`). Persistent buffers (the default) are
   * in the state dict; `null` registers a placeholder. Assigning a tensor to a registered buffer's
   * name replaces it.
   */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    registerBufferOn(rawOf(this), name, tensor, options.persistent ?? true);
  }

  /** Adds a child module under `name` (PyTorch's `add_module`); `null` registers a placeholder. */
  addModule(name: string, module: Module | null): void {
    addModuleOn(rawOf(this), name, module);
  }

  /** Alias of {@link addModule} (PyTorch's `register_module`). */
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  /** The submodule at a dotted path such as `'net.fc1'` (`''` is this module). */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    return target.split('.').reduce<Module>((module, item) => {
      const child = module._modules.get(item);
      if (child === null || child === undefined) {
        throw new Error(`[getSubmodule] ${module._getName()} has no attribute \`${item}\``);
      }
      return child;
    }, this);
  }

  /** The parameter at a dotted path such as `'fc1.weight'`. */
  getParameter(target: string): Parameter {
    const dot = target.lastIndexOf('.');
    const module = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    const param = module._parameters.get(name);
    if (!(param instanceof Parameter)) {
      throw new Error(`[getParameter] ${module._getName()} has no parameter \`${name}\``);
    }
    return param;
  }

  /** The buffer at a dotted path such as `'bn.running_mean'`. */
  getBuffer(target: string): Tensor {
    const dot = target.lastIndexOf('.');
    const module = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    const buffer = module._buffers.get(name);
    if (!(buffer instanceof Tensor)) throw new Error(`[getBuffer] ${module._getName()} has no buffer \`${name}\``);
    return buffer;
  }

  // ---- traversal ----

  /** The parameters of this module and (with `recurse`, the default) its descendants, each once. */
  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(options).map(([, p]) => p);
  }

  /** `[name, parameter]` pairs with dotted names (`'fc1.weight'`), each parameter once, in PyTorch's order. */
  namedParameters(options: { prefix?: string; recurse?: boolean } = {}): [string, Parameter][] {
    return this._namedMembers((m) => m._parameters, options) as [string, Parameter][];
  }

  /** The buffers of this module and (with `recurse`, the default) its descendants, each once. */
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, b]) => b);
  }

  /** `[name, buffer]` pairs with dotted names, each buffer once. */
  namedBuffers(options: { prefix?: string; recurse?: boolean } = {}): [string, Tensor][] {
    return this._namedMembers((m) => m._buffers, options);
  }

  /** The direct submodules, each once. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** `[name, module]` pairs of the direct submodules, each module once. */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, module] of this._modules) {
      if (module === null || seen.has(module)) continue;
      seen.add(module);
      out.push([name, module]);
    }
    return out;
  }

  /** This module and all its descendants, depth first, each once. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * `[name, module]` pairs of this module (named `prefix`, `''` by default) and its descendants
   * (`'features.0'`), depth first; a module reachable twice is listed once unless
   * `removeDuplicate` is false.
   */
  namedModules(options: { prefix?: string; removeDuplicate?: boolean } = {}): [string, Module][] {
    const out: [string, Module][] = [];
    const memo = new Set<Module>();
    const removeDuplicate = options.removeDuplicate ?? true;
    const visit = (module: Module, prefix: string) => {
      if (memo.has(module)) return;
      if (removeDuplicate) memo.add(module);
      out.push([prefix, module]);
      for (const [name, child] of module._modules) {
        if (child !== null) visit(child, prefix === '' ? name : `${prefix}.${name}`);
      }
    };
    visit(this, options.prefix ?? '');
    return out;
  }

  /** PyTorch's `_named_members`: members of each module, skipping nulls and repeats. */
  private _namedMembers<T extends Tensor>(
    membersOf: (m: Module) => Map<string, T | null>,
    options: { prefix?: string; recurse?: boolean },
  ): [string, T][] {
    const prefix = options.prefix ?? '';
    const modules: [string, Module][] = (options.recurse ?? true) ? this.namedModules({ prefix }) : [[prefix, this]];
    const memo = new Set<Tensor>();
    const out: [string, T][] = [];
    for (const [modulePrefix, module] of modules) {
      for (const [name, value] of membersOf(module)) {
        if (value === null || memo.has(value)) continue;
        memo.add(value);
        out.push([modulePrefix === '' ? name : `${modulePrefix}.${name}`, value]);
      }
    }
    return out;
  }

  // ---- modes and bulk operations ----

  /** Sets training mode (`true`, the default) or evaluation mode on this module and its descendants; returns this. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError('[train] training mode is expected to be boolean');
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** Evaluation mode (`train(false)`): Dropout does nothing, BatchNorm uses its running statistics; returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` on every parameter (freezing with `false`); returns this. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Resets the gradients of all parameters. As in PyTorch 1.13, the default (`setToNone: false`)
   * zeroes each existing `.grad` in place (detached from any graph); `setToNone: true` sets them to
   * null instead.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? false;
    for (const p of this.parameters()) {
      const grad = p.grad;
      if (grad === null) continue;
      if (setToNone) {
        p.grad = null;
        continue;
      }
      if (grad.gradFn !== null) grad.detach_();
      else grad.requiresGrad_(false);
      grad.zero_();
    }
  }

  /** Calls `fn` on every descendant (children first, post-order) and then on this module; returns this. */
  apply(fn: ModuleFn): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Converts every parameter and buffer with `fn` (PyTorch's `_apply`): children first, then own
   * parameters (in place: a parameter keeps its identity, its `.data` is replaced, and so is its
   * gradient's), then own buffers (replaced). Returns this.
   */
  _apply(fn: (t: Tensor) => Tensor): this {
    for (const child of this.children()) child._apply(fn);
    for (const param of this._parameters.values()) {
      if (param === null) continue;
      param.data = noGrad(() => fn(param));
      const grad = param.grad;
      if (grad !== null) grad.data = noGrad(() => fn(grad));
    }
    for (const [name, buffer] of this._buffers) {
      if (buffer !== null) this._buffers.set(name, keep(fn(buffer)));
    }
    return this;
  }

  /**
   * Moves and/or converts the parameters and buffers in place, like PyTorch's `module.to(...)`: a
   * device (`'cpu'`), a floating point dtype (`'float64'`; integer tensors keep their dtype),
   * `{ device, dtype }`, or a tensor whose device and dtype to use. Returns this.
   */
  to(target: ModuleTarget): this {
    const { device, dtype } = parseModuleTarget(target);
    return this._apply((t) => {
      const convertDtype = dtype !== undefined && t.isFloatingPoint() ? dtype : undefined;
      if ((device === undefined || device === t.device) && (convertDtype === undefined || convertDtype === t.dtype)) return t;
      return t.to({ device, dtype: convertDtype });
    });
  }

  /**
   * {@link to} for devices that cannot be read synchronously (moving a WebGPU model back to the
   * CPU): reads every parameter, gradient and buffer with `await`, then moves them in place as
   * `to` does. Works for every move, so device-agnostic code can always use it.
   */
  async toAsync(target: ModuleTarget): Promise<this> {
    const { device, dtype } = parseModuleTarget(target);
    const moved = new Map<Tensor, Tensor>();
    const visit = async (t: Tensor | null) => {
      if (t === null || moved.has(t)) return;
      const convertDtype = dtype !== undefined && t.isFloatingPoint() ? dtype : undefined;
      if ((device === undefined || device === t.device) && (convertDtype === undefined || convertDtype === t.dtype)) return;
      moved.set(t, await noGrad(() => t.toAsync({ device: device ?? t.device, dtype: convertDtype })));
    };
    for (const module of this.modules()) {
      for (const param of module._parameters.values()) {
        await visit(param);
        await visit(param?.grad ?? null);
      }
      for (const buffer of module._buffers.values()) await visit(buffer);
    }
    return this._apply((t) => moved.get(t) ?? t);
  }

  /** Moves everything to the CPU (`to('cpu')`). */
  cpu(): this {
    return this.to('cpu');
  }

  /** Converts floating point parameters and buffers to float32. */
  float(): this {
    return this._apply((t) => (t.isFloatingPoint() ? t.float() : t));
  }

  /** Converts floating point parameters and buffers to float64. */
  double(): this {
    return this._apply((t) => (t.isFloatingPoint() ? t.double() : t));
  }

  /** Converts every parameter and buffer to `dtype` (PyTorch's `module.type(dst_type)`; all of them, integers included). */
  type(dtype: Parameters<Tensor['type']>[0]): this {
    return this._apply((t) => t.type(dtype));
  }

  // ---- state dict ----

  /**
   * The module's state as a plain object: own parameters, own persistent buffers, then each child's
   * entries under `name.`, recursively, with PyTorch's keys and order. Values are detached tensors
   * sharing storage with the parameters (the parameters themselves with `keepVars`). The object also
   * carries PyTorch's per-module metadata as a non-enumerable `_metadata` property.
   */
  stateDict(options: StateDictOptions = {}): StateDict {
    return collectStateDict(this, options);
  }

  /**
   * Writes this module's own entries (not its children's) into `destination` (PyTorch's
   * `_save_to_state_dict`); layers with extra state override it.
   */
  _saveToStateDict(destination: StateDict, prefix: string, keepVars: boolean): void {
    for (const [name, param] of this._parameters) {
      if (param !== null) destination[prefix + name] = keepVars ? param : param.detach();
    }
    for (const [name, buffer] of this._buffers) {
      if (buffer !== null && !this._nonPersistentBuffers.has(name)) {
        destination[prefix + name] = keepVars ? buffer : buffer.detach();
      }
    }
  }

  /**
   * Copies parameters and buffers from `stateDict` into this module and its descendants, in place
   * and without recording gradients (PyTorch's `load_state_dict`). With `strict` (the default) the
   * keys must match {@link Module.stateDict}'s exactly; shape mismatches are always errors. Errors list
   * every problem as PyTorch does (`Error(s) in loading state_dict for Net: ...`). Returns the
   * missing and unexpected keys. `strict` may also be given as a boolean (`loadStateDict(sd, false)`),
   * and the state dict as a Map.
   */
  loadStateDict(
    stateDict: Record<string, unknown> | ReadonlyMap<string, unknown>, options: LoadStateDictOptions | boolean = {},
  ): IncompatibleKeys {
    const strict = typeof options === 'boolean' ? options : options.strict ?? true;
    return loadStateDictInto(this, stateDict instanceof Map ? Object.fromEntries(stateDict) : stateDict as Record<string, unknown>, strict);
  }

  /**
   * Copies this module's own entries (not its children's) from `stateDict`, which holds only keys
   * under `prefix` (PyTorch's `_load_from_state_dict`); layers override it for backward-compatible
   * loading, using `localMetadata.version`. Problems are appended to the three lists.
   */
  _loadFromStateDict(
    stateDict: Record<string, unknown>, prefix: string, localMetadata: Record<string, unknown>, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[],
  ): void {
    loadOwnState(this, stateDict, prefix, strict, missingKeys, unexpectedKeys, errorMsgs);
    void localMetadata;
  }

  // ---- printing ----

  /** The class name shown by {@link toString} (PyTorch's `_get_name`). */
  _getName(): string {
    return this.constructor.name;
  }

  /**
   * The text inside this module's parentheses in {@link toString}, e.g. `'in_features=2,
   * out_features=8, bias=True'` for Linear (PyTorch's `extra_repr`); layers override it.
   */
  extraRepr(): string {
    return '';
  }

  /** The module tree exactly as PyTorch's `repr(module)` prints it. */
  toString(): string {
    return formatModule(this);
  }

  /** Node's `console.log` prints the same tree as {@link toString}. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    // Node inspects a Proxy's target directly; print through the proxy so registered names resolve.
    return formatModule(proxyOfInstance(this));
  }
}

// The brand lets module-attrs.ts recognise modules without importing this file at runtime.
Object.defineProperty(Module.prototype, moduleBrand, { value: true });
