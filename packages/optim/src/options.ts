/**
 * Optimizer options: defaults filled in PyTorch's order, and PyTorch's checks with its messages.
 *
 * @module
 */

/**
 * The options with every one left out (undefined or null, as `??`) taken from `defaults`, in the
 * defaults' key order (PyTorch's, which param groups and state dicts keep). Keys that `defaults`
 * lacks are ignored.
 */
export function withDefaults<D extends object>(options: Partial<D>, defaults: D): D {
  const given = options as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defaults)) out[key] = given[key] ?? value;
  return out as D;
}

/**
 * Throws PyTorch's `Invalid <what>: <value>` for the first option that is negative or NaN, as
 * PyTorch's `if not 0.0 <= value` does. `checks` are `[what, value]` pairs in PyTorch's order, e.g.
 * `['learning rate', lr]`, `['epsilon value', eps]`.
 */
export function checkNonNegative(name: string, checks: ReadonlyArray<readonly [what: string, value: number]>): void {
  for (const [what, value] of checks) {
    if (!(value >= 0)) throw new Error(`[${name}] Invalid ${what}: ${value}`);
  }
}
