/**
 * Joining tensors: `cat`, `stack`, `hstack`, `vstack`.
 *
 * @module
 */
import { resultType } from '../dtype.js';
import { getDefaultDtype } from '../defaults.js';
import { backendOf, checkTensor, commonDevice, differentiable, emptyTensor, viewOf } from '../dispatch.js';
import { normalizeDim, showShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sameShape } from './view-geometry.js';
import { unsqueeze } from './views.js';

function checkList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors)) throw new Error(`[${op}] expected a list of Tensors, got ${typeof tensors}`);
  if (tensors.length === 0) throw new Error(`[${op}] expected a non-empty list of Tensors`);
  tensors.forEach((t, i) => checkTensor(op, t, `tensors[${i}]`));
}

/** PyTorch's legacy rule: 1-D tensors of shape `[0]` are skipped by `cat` whatever the other shapes. */
function isLegacyEmpty(t: Tensor): boolean {
  return t.shape.length === 1 && t.shape[0] === 0;
}

/**
 * Concatenates tensors along an existing dim. Dtypes are promoted together; sizes must match
 * except along `dim`; 1-D empty tensors (shape `[0]`) are skipped, as in PyTorch. Recorded as
 * `'cat'` with attrs `{ dim, sizes }`: `sizes[i]` is input i's size along `dim` (0 for a skipped input).
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList('cat', tensors);
  const device = commonDevice('cat', tensors);
  const dtype = resultType(tensors.map((t) => ({ dtype: t.dtype, dim: t.shape.length })), getDefaultDtype());
  tensors.forEach((t, i) => {
    if (t.shape.length === 0) throw new Error(`[cat] zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  const firstReal = tensors.findIndex((t) => !isLegacyEmpty(t));
  const reference = tensors[firstReal === -1 ? 0 : firstReal];
  const rank = reference.shape.length;
  const d = normalizeDim('cat', dim, rank);
  const shape = [...reference.shape];
  shape[d] = 0;
  tensors.forEach((t, i) => {
    if (isLegacyEmpty(t) && firstReal !== -1) return;
    if (t.shape.length !== rank) {
      throw new Error(`[cat] Tensors must have same number of dimensions: got ${rank} and ${t.shape.length}`);
    }
    for (let k = 0; k < rank; k++) {
      if (k !== d && t.shape[k] !== reference.shape[k]) {
        throw new Error(
          `[cat] Sizes of tensors must match except in dimension ${d}. Expected size ${reference.shape[k]} ` +
            `but got size ${t.shape[k]} for tensor number ${i} in the list.`,
        );
      }
    }
    shape[d] += t.shape[d];
  });
  const sizes = tensors.map((t) => (isLegacyEmpty(t) && firstReal !== -1 ? 0 : t.shape[d]));
  return differentiable('cat', tensors, { dim: d, sizes }, () => {
    const out = emptyTensor(shape, dtype, device);
    const target = viewOf(out);
    let start = 0;
    tensors.forEach((t, i) => {
      const n = sizes[i];
      if (n === 0 || t.numel() === 0) {
        start += n;
        return;
      }
      // Each input is copied (and converted) into its slab of the output.
      backendOf(out).copy({ ...target, shape: t.shape, offset: target.offset + start * target.strides[d] }, viewOf(t));
      start += n;
    });
    return out;
  });
}

/**
 * Stacks tensors of one shape along a new dim. Recorded as `'stack'` with attrs `{ dim }` (the
 * new dim, normalised): input i's gradient is `grad.select(dim, i)`.
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList('stack', tensors);
  const first = tensors[0];
  tensors.forEach((t, i) => {
    if (!sameShape(t.shape, first.shape)) {
      throw new Error(
        `[stack] stack expects each tensor to be equal size, but got ${showShape(first.shape)} at entry 0 ` +
          `and ${showShape(t.shape)} at entry ${i}`,
      );
    }
  });
  const d = normalizeDim('stack', dim, first.shape.length + 1);
  return differentiable('stack', tensors, { dim: d }, () => cat(tensors.map((t) => unsqueeze(t, d)), d));
}

/** Concatenates column-wise: along dim 0 for 1-D inputs, else along dim 1 (0-d inputs become `[1]`). */
export function hstack(tensors: readonly Tensor[]): Tensor {
  checkList('hstack', tensors);
  const parts = tensors.map((t) => (t.shape.length === 0 ? unsqueeze(t, 0) : t));
  return cat(parts, parts[0].shape.length === 1 ? 0 : 1);
}

/** Concatenates row-wise along dim 0 after making inputs at least 2-D (`[n]` becomes `[1, n]`). */
export function vstack(tensors: readonly Tensor[]): Tensor {
  checkList('vstack', tensors);
  const parts = tensors.map((t) => {
    if (t.shape.length === 0) return unsqueeze(unsqueeze(t, 0), 0);
    return t.shape.length === 1 ? unsqueeze(t, 0) : t;
  });
  return cat(parts, 0);
}
