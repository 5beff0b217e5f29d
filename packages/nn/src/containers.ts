/**
 * Container modules: `Sequential`, `ModuleList` and `ModuleDict`, with PyTorch's indexing (negative
 * indices, `'start:stop:step'` slices), numbering and printing.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Module } from './module.js';
import { typeName } from './module-util.js';

/** A Python slice written as in PyTorch indexing: `'1:3'`, `'::2'`, `'-2:'`. */
export type SliceString = `${string}:${string}`;

/** The positions `0..length-1` that the Python slice `text` selects, in order. */
function sliceIndices(op: string, text: string, length: number): number[] {
  const parts = text.split(':');
  if (parts.length > 3) throw new Error(`[${op}] invalid slice '${text}': expected 'start:stop' or 'start:stop:step'`);
  const parse = (s: string | undefined): number | undefined => {
    if (s === undefined || s.trim() === '') return undefined;
    const n = Number(s);
    if (!Number.isInteger(n)) throw new Error(`[${op}] invalid slice '${text}': '${s}' is not an integer`);
    return n;
  };
  const [start, stop, step = 1] = [parse(parts[0]), parse(parts[1]), parse(parts[2])];
  if (step === 0) throw new Error(`[${op}] slice step cannot be zero`);
  // Python's slice.indices(length).
  const clamp = (v: number | undefined, dflt: number, lo: number, hi: number) => {
    if (v === undefined) return dflt;
    const w = v < 0 ? v + length : v;
    return Math.min(Math.max(w, lo), hi);
  };
  const out: number[] = [];
  if (step > 0) {
    for (let i = clamp(start, 0, 0, length); i < clamp(stop, length, 0, length); i += step) out.push(i);
  } else {
    for (let i = clamp(start, length - 1, -1, length - 1); i > clamp(stop, -1, -1, length - 1); i += step) out.push(i);
  }
  return out;
}

/** PyTorch's `_get_item_by_idx`: the non-negative position of `idx` (negative counts from the end). */
function positionOf(op: string, idx: number, length: number): number {
  if (!Number.isInteger(idx)) throw new TypeError(`[${op}] index must be an integer or a slice string, got ${String(idx)}`);
  if (idx < -length || idx >= length) throw new RangeError(`[${op}] index ${idx} is out of range`);
  return idx < 0 ? idx + length : idx;
}

function checkModule(op: string, module: unknown): asserts module is Module {
  if (!(module instanceof Module)) throw new TypeError(`[${op}] ${typeName(module)} is not a Module subclass`);
}

/** Renumbers the children `'0'..'n-1'` in their current order (after a deletion, as PyTorch does). */
function renumber(modules: Map<string, Module | null>): void {
  const values = [...modules.values()];
  modules.clear();
  values.forEach((m, i) => modules.set(String(i), m));
}

/**
 * PyTorch's `del container[idx]` of Sequential and ModuleList: removes the entry at position `idx`
 * (negative counts from the end) or the entries of a slice, then renumbers the rest `'0'..'n-1'`.
 */
function deleteEntries(op: string, modules: Map<string, Module | null>, idx: number | SliceString): void {
  const keys = [...modules.keys()];
  const doomed = typeof idx === 'string' ? sliceIndices(op, idx, keys.length).map((i) => keys[i]) : [keys[positionOf(op, idx, keys.length)]];
  for (const key of doomed) modules.delete(key);
  renumber(modules);
}

function isNamedModules(arg: unknown): arg is Record<string, Module> | Map<string, Module> {
  if (arg instanceof Map) return true;
  return typeof arg === 'object' && arg !== null && !(arg instanceof Module) && !Array.isArray(arg);
}

/**
 * Modules applied one after another (PyTorch's `nn.Sequential`): `forward(x)` feeds `x` through
 * each child in order. Children are named `'0'`, `'1'`, ... or, when built from an object or Map,
 * by its keys.
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 1));
 * model.get(0);       // the first Linear
 * model.get(-1);      // the last Linear
 * model.get('1:');    // a Sequential of the ReLU and the last Linear (keeping their names)
 * model.length;       // 3
 * for (const layer of model) console.log(String(layer));
 * ```
 */
export class Sequential extends Module {
  /** Modules in order, or one object / Map of named modules (PyTorch's `OrderedDict` form). */
  constructor(...modules: Module[] | [Record<string, Module> | Map<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && isNamedModules(first)) {
      const entries = first instanceof Map ? [...first.entries()] : Object.entries(first);
      for (const [name, module] of entries) this.addModule(name, module);
    } else {
      (modules as Module[]).forEach((module, i) => this.addModule(String(i), module));
    }
  }

  /** Number of modules. */
  get length(): number {
    return this._modules.size;
  }

  /** The module at `idx` (negative counts from the end), or a Sequential of a slice (`'1:3'`) keeping the names. */
  get(idx: number): Module;
  get(idx: SliceString): Sequential;
  get(idx: number | SliceString): Module | Sequential {
    const entries = [...this._modules.entries()];
    if (typeof idx === 'string') {
      const picked = sliceIndices('Sequential.get', idx, entries.length).map((i) => entries[i]);
      return new (this.constructor as typeof Sequential)(new Map(picked as [string, Module][]));
    }
    return entries[positionOf('Sequential.get', idx, entries.length)][1] as Module;
  }

  /** Replaces the module at `idx` (negative counts from the end), keeping its name. */
  set(idx: number, module: Module): void {
    checkModule('Sequential.set', module);
    const keys = [...this._modules.keys()];
    this._modules.set(keys[positionOf('Sequential.set', idx, keys.length)], module);
  }

  /** Removes the module at `idx` or the modules of a slice, then renumbers the rest `'0'..'n-1'`. */
  delete(idx: number | SliceString): void {
    deleteEntries('Sequential.delete', this._modules, idx);
  }

  /** Removes and returns the module at `idx` (or a Sequential of a slice). */
  pop(idx: number): Module;
  pop(idx: SliceString): Sequential;
  pop(idx: number | SliceString): Module | Sequential {
    const value = typeof idx === 'string' ? this.get(idx) : this.get(idx);
    this.delete(idx);
    return value;
  }

  /** Adds `module` at the end (named by its position); returns this. */
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }

  /** Inserts `module` before position `index` (negative counts from the end); returns this. */
  insert(index: number, module: Module): this {
    checkModule('Sequential.insert', module);
    const n = this._modules.size;
    if (!Number.isInteger(index) || index < -n || index > n) throw new RangeError(`[Sequential.insert] Index out of range: ${index}`);
    const at = index < 0 ? index + n : index;
    const modules = [...this._modules.values()];
    modules.splice(at, 0, module);
    // PyTorch shifts the entries keyed '0'..'n-1'; with those keys this is the same renumbering.
    this._modules.clear();
    modules.forEach((m, i) => this._modules.set(String(i), m));
    return this;
  }

  /** Appends every module of `modules`; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const module of [...modules]) this.append(module);
    return this;
  }

  /** A new Sequential of this one's modules followed by `other`'s (PyTorch's `seq1 + seq2`). */
  concat(other: Sequential): Sequential {
    if (!(other instanceof Sequential)) {
      throw new TypeError(`[Sequential.concat] add operator supports only objects of Sequential class, but ${typeName(other)} is given.`);
    }
    return new Sequential(...this, ...other);
  }

  /** Iterates over the modules in order. */
  *[Symbol.iterator](): Iterator<Module> {
    for (const module of this._modules.values()) if (module !== null) yield module;
  }

  /** Feeds `input` through every module in order. */
  forward(input: Tensor): Tensor {
    let x: Tensor = input;
    for (const module of this) x = module.call(x);
    return x;
  }
}

/**
 * A list of modules that registers them (PyTorch's `nn.ModuleList`), named `'0'`, `'1'`, ...; it has
 * no `forward`: index and iterate over it in the owner's `forward`.
 *
 * @example
 * ```ts
 * class Net extends nn.Module {
 *   layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)]);
 *   forward(x: torch.Tensor) { for (const l of this.layers) x = l.call(x); return x; }
 * }
 * ```
 */
export class ModuleList extends Module {
  /** Optionally, modules to add in order. */
  constructor(modules?: Iterable<Module> | null) {
    super();
    if (modules !== undefined && modules !== null) this.extend(modules);
  }

  /** Number of modules. */
  get length(): number {
    return this._modules.size;
  }

  /** The module at `idx` (negative counts from the end), or a new ModuleList of a slice (`'1:3'`, renumbered). */
  get(idx: number): Module;
  get(idx: SliceString): ModuleList;
  get(idx: number | SliceString): Module | ModuleList {
    const values = [...this._modules.values()] as Module[];
    if (typeof idx === 'string') {
      const picked = sliceIndices('ModuleList.get', idx, values.length).map((i) => values[i]);
      return new (this.constructor as typeof ModuleList)(picked);
    }
    return values[positionOf('ModuleList.get', idx, values.length)];
  }

  /** Replaces the module at `idx` (negative counts from the end). */
  set(idx: number, module: Module): void {
    checkModule('ModuleList.set', module);
    this._modules.set(String(positionOf('ModuleList.set', idx, this.length)), module);
  }

  /** Removes the module at `idx` or the modules of a slice, then renumbers the rest. */
  delete(idx: number | SliceString): void {
    deleteEntries('ModuleList.delete', this._modules, idx);
  }

  /** Removes and returns the module at `idx` (or a ModuleList of a slice). */
  pop(idx: number): Module;
  pop(idx: SliceString): ModuleList;
  pop(idx: number | SliceString): Module | ModuleList {
    const value = typeof idx === 'string' ? this.get(idx) : this.get(idx);
    this.delete(idx);
    return value;
  }

  /** Adds `module` at the end; returns this. */
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }

  /** Appends every module of `modules`; returns this. */
  extend(modules: Iterable<Module>): this {
    if (modules === null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`[ModuleList.extend] ModuleList.extend should be called with an iterable, but got ${typeName(modules)}`);
    }
    const offset = this.length;
    [...modules].forEach((module, i) => this.addModule(String(offset + i), module));
    return this;
  }

  /** Inserts `module` before position `index` (negative counts from the end). */
  insert(index: number, module: Module): void {
    checkModule('ModuleList.insert', module);
    const modules = [...this._modules.values()];
    const n = modules.length;
    const at = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
    modules.splice(at, 0, module);
    this._modules.clear();
    modules.forEach((m, i) => this._modules.set(String(i), m));
  }

  /** A new ModuleList of this list's modules followed by `other` (PyTorch's `list1 + list2`). */
  concat(other: Iterable<Module>): ModuleList {
    return new ModuleList([...this, ...other]);
  }

  /** Iterates over the modules in order. */
  *[Symbol.iterator](): Iterator<Module> {
    for (const module of this._modules.values()) if (module !== null) yield module;
  }
}

/**
 * A dictionary of modules that registers them under their keys, in insertion order (PyTorch's
 * `nn.ModuleDict`). Iterating gives the keys, as in PyTorch.
 *
 * @example
 * ```ts
 * const heads = new nn.ModuleDict({ cls: new nn.Linear(8, 10), box: new nn.Linear(8, 4) });
 * heads.get('cls').call(features);
 * ```
 */
export class ModuleDict extends Module {
  /** Optionally, named modules: an object, a Map or `[key, module]` pairs. */
  constructor(modules?: Record<string, Module> | Map<string, Module> | Iterable<readonly [string, Module]> | null) {
    super();
    if (modules !== undefined && modules !== null) this.update(modules);
  }

  /** Number of modules. */
  get length(): number {
    return this._modules.size;
  }

  /** The module under `key`. */
  get(key: string): Module {
    const module = this._modules.get(key);
    if (module === undefined || module === null) throw new Error(`[ModuleDict.get] no module under key '${key}'`);
    return module;
  }

  /** Adds or replaces the module under `key`. */
  set(key: string, module: Module): void {
    this.addModule(key, module);
  }

  /** Whether a module is registered under `key`. */
  has(key: string): boolean {
    return this._modules.has(key);
  }

  /** Removes the module under `key`; returns whether there was one. */
  delete(key: string): boolean {
    return this._modules.delete(key);
  }

  /** Removes and returns the module under `key`. */
  pop(key: string): Module {
    const module = this.get(key);
    this._modules.delete(key);
    return module;
  }

  /** Removes every module. */
  clear(): void {
    this._modules.clear();
  }

  /** The keys in order. */
  keys(): string[] {
    return [...this._modules.keys()];
  }

  /** The modules in order. */
  values(): Module[] {
    return [...this._modules.values()].filter((m): m is Module => m !== null);
  }

  /** `[key, module]` pairs in order. */
  items(): [string, Module][] {
    return [...this._modules.entries()].filter((e): e is [string, Module] => e[1] !== null);
  }

  /** Adds or replaces modules from an object, a Map, another ModuleDict or `[key, module]` pairs, in their order. */
  update(modules: Record<string, Module> | Map<string, Module> | ModuleDict | Iterable<readonly [string, Module]>): void {
    let entries: Iterable<readonly [string, Module]>;
    if (modules instanceof ModuleDict) entries = modules.items();
    else if (modules instanceof Map) entries = modules.entries();
    else if (typeof (modules as Iterable<unknown>)[Symbol.iterator] === 'function') entries = modules as Iterable<readonly [string, Module]>;
    else if (typeof modules === 'object' && modules !== null) entries = Object.entries(modules as Record<string, Module>);
    else throw new TypeError(`[ModuleDict.update] ModuleDict.update should be called with an iterable of key/value pairs, but got ${typeName(modules)}`);
    for (const entry of entries) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new TypeError('[ModuleDict.update] ModuleDict update sequence element has to be a [key, module] pair');
      }
      this.addModule(entry[0], entry[1]);
    }
  }

  /** Iterates over the keys, as PyTorch's `iter(module_dict)`. */
  *[Symbol.iterator](): Iterator<string> {
    yield* this._modules.keys();
  }
}
