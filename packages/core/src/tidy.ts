/**
 * `tidy(fn)`: frees the device memory of every tensor created inside `fn` that `fn` does not return
 * (as in TensorFlow.js), also for async functions; `keep(t)` exempts a tensor.
 *
 * Scopes own storages, not tensors: a tensor made inside a scope that is a view of a tensor made
 * outside (`x.view(...)`, `x.t()`) shares the outer storage and must not free it. So a scope owns
 * exactly the storages that were allocated while it was the innermost scope: the Storage
 * constructor reports each new storage with `trackStorage`.
 *
 * JavaScript has no per-task context: while an async `fn` awaits, tensors created by other code
 * that runs in the meantime are attributed to its scope too (as with `noGrad` around async code).
 * Keep async scopes around one piece of work at a time.
 *
 * @module
 */
import type { Storage } from './storage.js';
import type { Tensor } from './tensor.js';

interface Scope {
  /** Storages allocated while this scope was innermost, not yet released or kept. */
  readonly owned: Set<Storage>;
  /** The scope that was innermost when this one opened. */
  readonly parent: Scope | null;
  closed: boolean;
}

const stack: Scope[] = [];
/** The scope that owns a storage. */
const ownerOf = new WeakMap<Storage, Scope>();

/**
 * @internal Registers a newly allocated storage: the innermost open scope, if any, owns it. Called by
 * the Storage constructor, so it costs one array read when no scope is open.
 */
export function trackStorage(storage: Storage): void {
  const scope = stack[stack.length - 1];
  if (scope === undefined) return;
  scope.owned.add(storage);
  ownerOf.set(storage, scope);
}

/** Exempts `t` (and every view of its storage) from disposal by any enclosing {@link tidy}; returns `t`. */
export function keep<T extends Tensor>(t: T): T {
  const scope = ownerOf.get(t._storage);
  if (scope !== undefined) {
    scope.owned.delete(t._storage);
    ownerOf.delete(t._storage);
  }
  return t;
}

/**
 * @internal Ties `value`'s lifetime to `owner`'s, for tensors stored on another tensor (`owner.grad =
 * value`, `owner.data = value`): if `owner` outlives the scope that owns `value`, `value` moves to
 * `owner`'s scope (or out of all scopes when `owner` belongs to none).
 */
export function retainWith(owner: Tensor, value: Tensor): void {
  const current = ownerOf.get(value._storage);
  if (current === undefined) return;
  const target = ownerOf.get(owner._storage);
  if (target === current) return;
  if (target !== undefined && !isAncestor(target, current)) return; // owner is inner: value already outlives it
  current.owned.delete(value._storage);
  if (target === undefined) ownerOf.delete(value._storage);
  else {
    target.owned.add(value._storage);
    ownerOf.set(value._storage, target);
  }
}

function isAncestor(candidate: Scope, scope: Scope): boolean {
  for (let s = scope.parent; s !== null; s = s.parent) if (s === candidate) return true;
  return false;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function isTensorLike(value: object): value is Tensor {
  return '_storage' in value && 'shape' in value && '_strides' in value;
}

/** The storages of every tensor in `value`: a tensor, or arrays, plain objects, Maps and Sets of them, at any depth. */
function collectStorages(value: unknown, out: Set<Storage>, visited: Set<object>): void {
  // Functions count only as tensors: `t.data` is a callable tensor.
  if (typeof value === 'function' && isTensorLike(value)) {
    out.add(value._storage);
    return;
  }
  if (typeof value !== 'object' || value === null || visited.has(value)) return;
  visited.add(value);
  if (isTensorLike(value)) {
    out.add(value._storage);
    return;
  }
  if (Array.isArray(value) || value instanceof Set) {
    for (const item of value) collectStorages(item, out, visited);
  } else if (value instanceof Map) {
    for (const item of value.values()) collectStorages(item, out, visited);
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null) {
      for (const item of Object.values(value)) collectStorages(item, out, visited);
    }
  }
}

/** Ends a scope: frees what it owns except the storages of `result`, which move to the nearest open ancestor. */
function close(scope: Scope, result: unknown): void {
  const index = stack.lastIndexOf(scope);
  if (index >= 0) stack.splice(index, 1);
  scope.closed = true;
  let heir = scope.parent;
  while (heir !== null && heir.closed) heir = heir.parent;
  const returned = new Set<Storage>();
  collectStorages(result, returned, new Set());
  for (const storage of scope.owned) {
    if (returned.has(storage)) {
      if (heir === null) ownerOf.delete(storage);
      else {
        heir.owned.add(storage);
        ownerOf.set(storage, heir);
      }
    } else {
      ownerOf.delete(storage);
      storage.dispose();
    }
  }
  scope.owned.clear();
}

/**
 * Runs `fn` and then disposes every tensor created during it, except those it returns (a tensor, or
 * tensors inside returned arrays, plain objects, Maps or Sets, at any depth) and those passed to
 * {@link keep}. Returned tensors belong to the enclosing `tidy`, if any. With an async `fn`, the
 * tensors are disposed when its promise settles. If `fn` throws, everything it created is disposed.
 *
 * Disposal frees the memory of the tensor and all its views; computing gradients later through a
 * graph built inside the scope fails, so call `backward()` inside it.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`[tidy] expected a function, got ${typeof fn}`);
  const scope: Scope = { owned: new Set(), parent: stack[stack.length - 1] ?? null, closed: false };
  stack.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    close(scope, undefined);
    throw error;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (value) => {
        close(scope, value);
        return value;
      },
      (error: unknown) => {
        close(scope, undefined);
        throw error;
      },
    ) as T;
  }
  close(scope, result);
  return result;
}
