/**
 * Shape and stride arithmetic behind the view ops: making a view of a tensor, inferring a `-1`
 * size, and PyTorch's rule for when a new shape can be a view of old strides.
 *
 * @module
 */
import { showShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * A view of `x`'s storage with the given geometry. The view's `_base` is `x`'s root, so every view
 * of a tensor shares its storage and version counter and names the same base.
 */
export function makeView(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(x._storage, shape, strides, offset, x._base ?? x);
}

/**
 * Resolves a requested shape against `numel` elements, filling in one `-1` (PyTorch's `infer_size`).
 * Errors use PyTorch's wording: `shape '[2, 5]' is invalid for input of size 6`.
 */
export function inferSize(op: string, shape: readonly number[], numel: number): number[] {
  let inferred = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === -1) {
      if (inferred >= 0) throw new Error(`[${op}] only one dimension can be inferred`);
      inferred = i;
    } else if (d >= 0) {
      known *= d;
    } else {
      throw new Error(`[${op}] invalid shape dimension ${d}`);
    }
  }
  if (numel === known || (inferred >= 0 && known > 0 && numel % known === 0)) {
    const out = [...shape];
    if (inferred >= 0) {
      if (known === 0) {
        throw new Error(
          `[${op}] cannot reshape tensor of 0 elements into shape ${showShape(shape)} because the ` +
            `unspecified dimension size -1 can be any value and is ambiguous`,
        );
      }
      out[inferred] = numel / known;
    }
    return out;
  }
  throw new Error(`[${op}] shape '${showShape(shape)}' is invalid for input of size ${numel}`);
}

/**
 * Strides that let a tensor of `oldShape`/`oldStrides` be viewed with `newShape` (same numel), or
 * null when one new dimension would span two non-contiguous chunks of the old layout. This is
 * PyTorch's `computeStride`: old dims are grouped into chunks that are contiguous with each other,
 * and each chunk must be covered exactly by a run of new dims.
 */
export function viewStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  if (oldShape.length === 0) return newShape.map(() => 1);
  let numel = 1;
  for (const d of oldShape) numel *= d;
  if (numel === 0) {
    if (oldShape.length === newShape.length && oldShape.every((d, i) => d === newShape[i])) return [...oldStrides];
    // Any strides work for an empty tensor; use those a fresh tensor of the new shape would have.
    const strides = new Array<number>(newShape.length);
    for (let i = newShape.length - 1; i >= 0; i--) {
      strides[i] = i === newShape.length - 1 ? 1 : Math.max(newShape[i + 1], 1) * strides[i + 1];
    }
    return strides;
  }
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD];
    const chunkEnds =
      tensorD === 0 ||
      (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBaseStride);
    if (!chunkEnds) continue;
    while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
      newStrides[viewD] = viewNumel * chunkBaseStride;
      viewNumel *= newShape[viewD];
      viewD--;
    }
    if (viewNumel !== tensorNumel) return null;
    if (tensorD > 0) {
      chunkBaseStride = oldStrides[tensorD - 1];
      tensorNumel = 1;
      viewNumel = 1;
    }
  }
  return viewD === -1 ? newStrides : null;
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
