/**
 * Types of state dicts and PyTorch's `load_state_dict` driver: it walks the module tree, lets each
 * module copy its own entries (`_loadFromStateDict`), and reports missing keys, unexpected keys and
 * shape mismatches in PyTorch's words.
 *
 * @module
 */
import { Tensor, noGrad } from '@typetorch/core';
import { typeName } from './module-util.js';
import type { Module } from './module.js';

/** A module's state: dotted names (`'fc1.weight'`) to tensors, in PyTorch's order. */
export type StateDict = Record<string, Tensor>;

/**
 * PyTorch's state-dict metadata: for each module path (`''` for the root, `'fc1'`, ...) the
 * module's `version`. `stateDict()` stores it as the non-enumerable `_metadata` property of the result.
 */
export type StateDictMetadata = Record<string, Record<string, unknown>>;

/** Options of `Module.stateDict`. */
export interface StateDictOptions {
  /** An object to write the entries into (returned). */
  destination?: StateDict;
  /** A prefix for every key. */
  prefix?: string;
  /** Store the parameters and buffers themselves instead of detached tensors. */
  keepVars?: boolean;
}

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Require the keys to match the module's `stateDict()` keys exactly (default true). */
  strict?: boolean;
}

/** The result of `Module.loadStateDict` (PyTorch's `_IncompatibleKeys`). */
export interface IncompatibleKeys {
  /** Keys the module expects but the state dict lacks. */
  missingKeys: string[];
  /** Keys of the state dict that match nothing in the module. */
  unexpectedKeys: string[];
}

/**
 * PyTorch's `Module.state_dict`: each module's own entries (`_saveToStateDict`) then its children's
 * under `name.`, depth first, plus the per-module version metadata as a non-enumerable `_metadata`.
 */
export function collectStateDict(root: Module, options: StateDictOptions): StateDict {
  const destination: StateDict = options.destination ?? {};
  if (!Object.prototype.hasOwnProperty.call(destination, '_metadata')) {
    Object.defineProperty(destination, '_metadata', { value: {}, enumerable: false, writable: true, configurable: true });
  }
  const metadata = stateDictMetadata(destination);
  const keepVars = options.keepVars ?? false;
  const visit = (module: Module, prefix: string) => {
    metadata[prefix.slice(0, -1)] = { version: (module.constructor as { _version?: number })._version ?? 1 };
    module._saveToStateDict(destination, prefix, keepVars);
    for (const [name, child] of module._modules) {
      if (child !== null) visit(child, `${prefix}${name}.`);
    }
  };
  visit(root, options.prefix ?? '');
  return destination;
}

/** The `_metadata` of a state dict (creating none). */
export function stateDictMetadata(stateDict: object): StateDictMetadata {
  return (stateDict as { _metadata?: StateDictMetadata })._metadata ?? {};
}

/** PyTorch's `Module.load_state_dict`. */
export function loadStateDictInto(root: Module, stateDict: Record<string, unknown>, strict: boolean): IncompatibleKeys {
  if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict)) {
    throw new TypeError(`[loadStateDict] Expected state_dict to be dict-like, got ${Array.isArray(stateDict) ? 'array' : typeof stateDict}.`);
  }
  const metadata = (stateDict as { _metadata?: StateDictMetadata })._metadata;
  const missingKeys: string[] = [];
  const unexpectedKeys: string[] = [];
  const errorMsgs: string[] = [];
  // A copy, so that layers' `_loadFromStateDict` may add or rewrite entries (as BatchNorm does).
  const entries: Record<string, unknown> = { ...stateDict };

  const load = (module: Module, local: Record<string, unknown>, prefix: string) => {
    const localMetadata = metadata?.[prefix.slice(0, -1)] ?? {};
    module._loadFromStateDict(local, prefix, localMetadata, true, missingKeys, unexpectedKeys, errorMsgs);
    for (const [name, child] of module._modules) {
      if (child === null) continue;
      const childPrefix = `${prefix}${name}.`;
      const childState: Record<string, unknown> = {};
      for (const key of Object.keys(local)) if (key.startsWith(childPrefix)) childState[key] = local[key];
      load(child, childState, childPrefix);
    }
  };
  load(root, entries, '');

  if (strict) {
    if (unexpectedKeys.length > 0) {
      errorMsgs.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (missingKeys.length > 0) {
      errorMsgs.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
  }
  if (errorMsgs.length > 0) {
    throw new Error(`[loadStateDict] Error(s) in loading state_dict for ${root.constructor.name}:\n\t${errorMsgs.join('\n\t')}`);
  }
  return { missingKeys, unexpectedKeys };
}

/**
 * PyTorch's `Module._load_from_state_dict` for one module: copies its own parameters and persistent
 * buffers from `stateDict` (keys under `prefix`) in place without recording gradients, and appends
 * missing keys, unexpected keys and error messages to the lists.
 */
export function loadOwnState(
  module: Module, stateDict: Record<string, unknown>, prefix: string, strict: boolean,
  missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[],
): void {
  const localState = new Map<string, Tensor>();
  for (const [name, param] of module._parameters) if (param !== null) localState.set(name, param);
  for (const [name, buffer] of module._buffers) {
    if (buffer !== null && !module._nonPersistentBuffers.has(name)) localState.set(name, buffer);
  }
  for (const [name, param] of localState) {
    const key = prefix + name;
    if (!Object.prototype.hasOwnProperty.call(stateDict, key)) {
      if (strict) missingKeys.push(key);
      continue;
    }
    const value = stateDict[key];
    if (!(value instanceof Tensor)) {
      errorMsgs.push(
        `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeName(value)}`,
      );
      continue;
    }
    // Backward compatibility with PyTorch 0.3 checkpoints: a 1-element 1-D tensor for a scalar.
    const source: Tensor = param.dim() === 0 && value.dim() === 1 ? value.index(0) : value;
    if (!sameShape(source.shape, param.shape)) {
      errorMsgs.push(
        `size mismatch for ${key}: copying a param with shape ${String(source.shape)} from checkpoint, ` +
          `the shape in current model is ${String(param.shape)}.`,
      );
      continue;
    }
    try {
      noGrad(() => param.copy_(source));
    } catch (e) {
      errorMsgs.push(
        `While copying the parameter named "${key}", whose dimensions in the model are ${String(param.shape)} and ` +
          `whose dimensions in the checkpoint are ${String(source.shape)}, an exception occurred : ${(e as Error).message}.`,
      );
    }
  }
  if (strict) {
    for (const key of Object.keys(stateDict)) {
      if (!key.startsWith(prefix)) continue;
      const inputName = key.slice(prefix.length).split('.', 1)[0];
      if (!module._modules.has(inputName) && !localState.has(inputName)) unexpectedKeys.push(key);
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
