/**
 * The device registry: `registerBackend` makes a backend a device that tensors can live on.
 *
 * @module
 */
import type { Backend } from './contract.js';

interface Entry {
  readonly backend: Backend;
  readonly priority: number;
}

const backends = new Map<string, Entry>();

/** Options of {@link registerBackend}. */
export interface RegisterBackendOptions {
  /**
   * When no `'cpu'` device is registered, new tensors go to the device with the highest priority.
   * As in PyTorch, `'cpu'` is otherwise the default unless {@link setDefaultDevice} says else.
   */
  priority?: number;
}

/**
 * Makes `backend` available as the device `name` (e.g. `'cpu'`, `'webgpu'`, or a custom name).
 * Registering a name again replaces the earlier backend.
 */
export function registerBackend(name: string, backend: Backend, options: RegisterBackendOptions = {}): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`[registerBackend] expected a non-empty device name, got ${JSON.stringify(name)}`);
  }
  backends.set(name, { backend, priority: options.priority ?? 0 });
}

/** Removes a device. Tensors already on it keep their backend object. */
export function unregisterBackend(name: string): void {
  backends.delete(name);
}

/** The names of all registered devices. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** True when a backend is registered under `name`. */
export function hasBackend(name: string): boolean {
  return backends.has(name);
}

/** The backend of a device; throws with the registered names when there is none. */
export function getBackend(name: string, op = 'device'): Backend {
  const entry = backends.get(name);
  if (entry) return entry.backend;
  const known = [...backends.keys()];
  const hint = name === 'cpu'
    ? `; import '@typetorch/backend-cpu' (or 'typetorch') to register it`
    : name === 'webgpu'
      ? `; import { initWebGPU } from '@typetorch/backend-webgpu' and await initWebGPU() first`
      : '';
  throw new Error(
    `[${op}] no backend registered for device '${name}'${hint}` +
      ` (registered: ${known.length ? known.map((k) => `'${k}'`).join(', ') : 'none'})`,
  );
}

let explicitDefault: string | undefined;

/** Sets the device on which creation functions put new tensors when no `device` is given. */
export function setDefaultDevice(name: string | undefined): void {
  if (name !== undefined) getBackend(name, 'setDefaultDevice');
  explicitDefault = name;
}

/** The device new tensors go to: the one set by {@link setDefaultDevice}, else `'cpu'`, else the highest priority. */
export function getDefaultDevice(): string {
  if (explicitDefault !== undefined && backends.has(explicitDefault)) return explicitDefault;
  if (backends.has('cpu')) return 'cpu';
  let best: string | undefined;
  let bestPriority = -Infinity;
  for (const [name, entry] of backends) {
    if (entry.priority > bestPriority) {
      best = name;
      bestPriority = entry.priority;
    }
  }
  if (best === undefined) {
    throw new Error(
      `[device] no backend is registered: import '@typetorch/backend-cpu' (or 'typetorch') first`,
    );
  }
  return best;
}
