/**
 * Grad mode: whether ops record the graph that autograd walks backwards.
 *
 * The scope functions accept async functions too: the mode stays set until the returned promise
 * settles. JavaScript has no thread-local state, so code that runs concurrently during that time
 * sees the same mode; keep such scopes around one piece of work at a time.
 *
 * @module
 */

let enabled = true;

/** True when operations record gradients (PyTorch's `torch.is_grad_enabled()`). */
export function isGradEnabled(): boolean {
  return enabled;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function withMode<T>(mode: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = mode;
  let result: T;
  try {
    result = fn();
  } catch (error) {
    enabled = previous;
    throw error;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).finally(() => {
      enabled = previous;
    }) as T;
  }
  enabled = previous;
  return result;
}

/**
 * Sets grad mode. With a function, runs it in that mode and restores the previous mode afterwards
 * (like `with torch.set_grad_enabled(mode):`); without, sets it globally (like the function call).
 */
export function setGradEnabled(mode: boolean): void;
export function setGradEnabled<T>(mode: boolean, fn: () => T): T;
export function setGradEnabled<T>(mode: boolean, fn?: () => T): T | void {
  if (fn === undefined) {
    enabled = mode;
    return;
  }
  return withMode(mode, fn);
}

/** Runs `fn` without recording gradients (PyTorch's `with torch.no_grad():`). */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/** Runs `fn` with gradient recording on, also inside a {@link noGrad} scope. */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn);
}
