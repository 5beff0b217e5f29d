/**
 * Helpers shared by the slicing and indexing ops: small index tensors made from host values, and
 * best-effort bounds checks of index tensors.
 *
 * @module
 */
import type { TypedArray, View } from '../backend/contract.js';
import { backendOf, emptyTensor, viewOf } from '../dispatch.js';
import type { Tensor } from '../tensor.js';

/** An int64 tensor of shape `[values.length]` on `device`, from host integers. */
export function int64FromHost(values: readonly number[], device: string): Tensor {
  const out = emptyTensor([values.length], 'int64', device);
  if (values.length > 0) {
    const data = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]);
    backendOf(out).write(out._storage.handle, 'int64', data, 0);
  }
  return out;
}

/** An int32 tensor holding `n-1, n-2, ..., 0`: the index that reverses a dim of size `n`. */
export function reversedIndex(n: number, device: string): Tensor {
  const out = emptyTensor([n], 'int32', device);
  if (n > 0) {
    const data = new Int32Array(n);
    for (let i = 0; i < n; i++) data[i] = n - 1 - i;
    backendOf(out).write(out._storage.handle, 'int32', data, 0);
  }
  return out;
}

/**
 * Reads a view synchronously when the device can, or returns undefined when it cannot (no
 * `readSync`, or a `readSync` that throws as on async-only devices).
 */
export function tryReadSync(t: Tensor, view: View = viewOf(t)): TypedArray | undefined {
  const backend = backendOf(t);
  if (backend.readSync === undefined) return undefined;
  try {
    return backend.readSync(view);
  } catch {
    return undefined;
  }
}

/** The smallest and largest value of an integer tensor, or undefined when it cannot be read synchronously. */
function extremes(index: Tensor): [number, number] | undefined {
  const backend = backendOf(index);
  if (backend.readSync === undefined) return undefined;
  const keep = index.shape.map(() => 1);
  const axes = index.shape.map((_, i) => i);
  const lo = emptyTensor(keep, index.dtype, index.device);
  const hi = emptyTensor(keep, index.dtype, index.device);
  backend.reduce('min', viewOf(lo), viewOf(index), axes);
  backend.reduce('max', viewOf(hi), viewOf(index), axes);
  const a = tryReadSync(lo);
  const b = tryReadSync(hi);
  if (a === undefined || b === undefined) return undefined;
  return [Number(a[0]), Number(b[0])];
}

/**
 * Checks that the integers of `index` lie in `[-size, size)` (or `[0, size)` without
 * `allowNegative`) and throws PyTorch's `index 5 is out of bounds for dimension 0 with size 3`
 * otherwise. The check reads two numbers synchronously; on devices that cannot read synchronously
 * it is skipped (as PyTorch checks on the device there), so only valid indices may be used there.
 * Returns the smallest and largest index when they were read.
 */
export function checkIndexBounds(op: string, index: Tensor, size: number, dim: number, allowNegative: boolean): [number, number] | undefined {
  if (index.numel() === 0) return undefined;
  const range = extremes(index);
  if (range === undefined) return undefined;
  const [lo, hi] = range;
  const min = allowNegative ? -size : 0;
  const bad = hi >= size ? hi : lo < min ? lo : undefined;
  if (bad !== undefined) throw new Error(`[${op}] index ${bad} is out of bounds for dimension ${dim} with size ${size}`);
  return range;
}

/** Checks that a tensor used as an integer index has an integer dtype PyTorch accepts. */
export function checkIndexDtype(op: string, index: Tensor, what = 'index'): void {
  if (index.dtype !== 'int64' && index.dtype !== 'int32') {
    throw new Error(`[${op}] expected ${what} to be an int64 (or int32) tensor, got ${index.dtype}`);
  }
}
