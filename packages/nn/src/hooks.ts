/**
 * Forward hooks of modules: PyTorch's `RemovableHandle` and the global hooks that run for every
 * module (`torch.nn.modules.module.register_module_forward_hook`).
 *
 * @module
 */
import type { Module } from './module.js';

/**
 * A forward pre-hook, called as `hook(module, args)` before `forward`. Returning nothing keeps the
 * arguments; returning an array replaces the positional arguments; any other value becomes the single
 * argument (PyTorch wraps a non-tuple result into a one-element tuple the same way).
 */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: unknown[]) => unknown;

/**
 * A forward hook, called as `hook(module, args, output)` after `forward`. Returning nothing keeps the
 * output; any other value replaces it.
 */
export type ForwardHook<M extends Module = Module> = (module: M, args: unknown[], output: unknown) => unknown;

let nextHandleId = 0;

/**
 * The handle that registering a hook returns (PyTorch's `torch.utils.hooks.RemovableHandle`):
 * `remove()` unregisters the hook; removing twice does nothing.
 */
export class RemovableHandle {
  /** A process-wide unique id; the key of the hook in its registry. */
  readonly id: number;
  private readonly registries: Map<number, unknown>[];

  /** Makes a handle for a hook about to be stored under {@link id} in each of `registries`. */
  constructor(...registries: Map<number, unknown>[]) {
    this.id = nextHandleId++;
    this.registries = registries;
  }

  /** Unregisters the hook. */
  remove(): void {
    for (const registry of this.registries) registry.delete(this.id);
  }

  /** `using handle = m.registerForwardHook(...)` removes the hook at the end of the scope. */
  [Symbol.dispose](): void {
    this.remove();
  }
}

/** @internal Forward pre-hooks that run for every module, before the module's own. */
export const globalForwardPreHooks = new Map<number, ForwardPreHook>();
/** @internal Forward hooks that run for every module, before the module's own. */
export const globalForwardHooks = new Map<number, ForwardHook>();

/**
 * Registers a forward pre-hook common to all modules (PyTorch's
 * `torch.nn.modules.module.register_module_forward_pre_hook`); it runs before each module's own.
 */
export function registerModuleForwardPreHook(hook: ForwardPreHook): RemovableHandle {
  const handle = new RemovableHandle(globalForwardPreHooks);
  globalForwardPreHooks.set(handle.id, hook);
  return handle;
}

/**
 * Registers a forward hook common to all modules (PyTorch's
 * `torch.nn.modules.module.register_module_forward_hook`); it runs before each module's own.
 */
export function registerModuleForwardHook(hook: ForwardHook): RemovableHandle {
  const handle = new RemovableHandle(globalForwardHooks);
  globalForwardHooks.set(handle.id, hook);
  return handle;
}
