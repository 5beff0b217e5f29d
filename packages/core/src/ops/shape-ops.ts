/**
 * Slicing ops (slice, select, narrow, unbind, split, chunk) that return views, and the shape ops
 * that copy as in PyTorch (flip, repeat).
 *
 * @module
 */
import { backendOf, checkTensor, differentiable, emptyTensor, viewOf } from '../dispatch.js';
import { type SizeArgs, contiguousStrides, normalizeDim, normalizeDims, numelOf, parseSize, showShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { makeView } from './view-geometry.js';
import { reversedIndex } from './index-util.js';

function checkHasDims(op: string, x: Tensor): void {
  if (x.shape.length === 0) throw new Error(`[${op}] ${op}() cannot be applied to a 0-dim tensor.`);
}

/**
 * Python's `x[start:stop:step]` along one dim, as a view: missing bounds default to the ends,
 * negative bounds count from the end, out-of-range bounds are clamped; `step` must be positive
 * (as in PyTorch). Recorded as `'slice'` with attrs `{ dim, start, end, step, inputShape }` where
 * `start`/`end` are the clamped, non-negative bounds.
 */
export function slice(x: Tensor, dim: number, start: number | null = null, stop: number | null = null, step = 1): Tensor {
  checkTensor('slice', x);
  checkHasDims('slice', x);
  const d = normalizeDim('slice', dim, x.shape.length);
  if (!Number.isInteger(step) || step <= 0) throw new Error(`[slice] step must be greater than zero, got ${step}`);
  const size = x.shape[d];
  const clampBound = (v: number | null, fallback: number): number => {
    if (v === null) return fallback;
    if (!Number.isInteger(v)) throw new Error(`[slice] expected integer bounds, got ${v}`);
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const begin = clampBound(start, 0);
  const end = Math.max(clampBound(stop, size), begin);
  return sliceView(x, d, begin, end, step);
}

/** A recorded `'slice'` view of dim `d` over already clamped `[begin, end)`. */
function sliceView(x: Tensor, d: number, begin: number, end: number, step: number): Tensor {
  const shape = [...x.shape];
  const strides = [...x._strides];
  shape[d] = Math.ceil((end - begin) / step);
  strides[d] = x._strides[d] * step;
  const offset = x._offset + begin * x._strides[d];
  const attrs = { dim: d, start: begin, end, step, inputShape: x.shape };
  return differentiable('slice', [x], attrs, () => makeView(x, shape, strides, offset));
}

/**
 * The slice at `index` of dim `dim`, removing that dim (a view; negative `index` counts from the
 * end). Recorded as `'select'` with attrs `{ dim, index (non-negative), inputShape }`.
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor('select', x);
  checkHasDims('select', x);
  const d = normalizeDim('select', dim, x.shape.length);
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new Error(`[select] index ${index} is out of range for dimension ${d} with size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x._strides.filter((_, k) => k !== d);
  const offset = x._offset + i * x._strides[d];
  return differentiable('select', [x], { dim: d, index: i, inputShape: x.shape }, () => makeView(x, shape, strides, offset));
}

/** `length` elements of dim `dim` from `start` (negative counts from the end): a `'slice'` view. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('narrow', x);
  checkHasDims('narrow', x);
  const d = normalizeDim('narrow', dim, x.shape.length);
  const size = x.shape[d];
  if (!Number.isInteger(start) || start < -size || start > size) {
    throw new Error(`[narrow] start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  }
  if (!Number.isInteger(length) || length < 0) throw new Error(`[narrow] length must be non-negative, got ${length}`);
  const begin = start < 0 ? start + size : start;
  if (begin + length > size) {
    throw new Error(`[narrow] start (${begin}) + length (${length}) exceeds dimension size (${size}).`);
  }
  return sliceView(x, d, begin, begin + length, 1);
}

/** All slices along `dim`, recorded as one `'unbind'` node (attrs `{ dim }`: PyTorch's UnbindBackward0). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  checkTensor('unbind', x);
  if (x.shape.length === 0) throw new Error(`[unbind] Dimension specified as ${dim} but tensor has no dimensions`);
  const d = normalizeDim('unbind', dim, x.shape.length);
  return differentiable('unbind', [x], { dim: d }, () => Array.from({ length: x.shape[d] }, (_, i) => select(x, d, i)));
}

/**
 * Views along `dim` of the given consecutive sizes, recorded as one `'split'` node (attrs
 * `{ dim, sizes, withSizes }`: PyTorch's SplitBackward0, or SplitWithSizesBackward0 for a list).
 */
function splitWithSizes(x: Tensor, sizes: readonly number[], d: number, withSizes: boolean): Tensor[] {
  return differentiable('split', [x], { dim: d, sizes: [...sizes], withSizes }, () => {
    const out: Tensor[] = [];
    let start = 0;
    for (const n of sizes) {
      out.push(sliceView(x, d, start, start + n, 1));
      start += n;
    }
    return out;
  });
}

/**
 * Splits `dim` into chunks of `splitSize` (the last may be smaller), or into chunks of the listed
 * sizes, which must add up to the dim's size.
 */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  checkTensor('split', x);
  if (x.shape.length === 0) throw new Error(`[split] split expects at least a 1-dimensional tensor`);
  const d = normalizeDim('split', dim, x.shape.length);
  const size = x.shape[d];
  if (typeof splitSize !== 'number') {
    const sizes = parseSize('split', [splitSize]);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.some((s) => s < 0) || total !== size) {
      throw new Error(
        `[split] split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at ` +
          `dimension ${d}), but got split_sizes=${showShape(sizes)}`,
      );
    }
    return splitWithSizes(x, sizes, d, true);
  }
  if (!Number.isInteger(splitSize) || splitSize < 0) {
    throw new Error(`[split] split expects split_size be non-negative, but got split_size=${splitSize}`);
  }
  if (splitSize === 0 && size !== 0) {
    throw new Error(`[split] split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
  }
  const count = splitSize === 0 ? 1 : Math.max(Math.ceil(size / splitSize), 1);
  const sizes = Array.from({ length: count }, (_, i) => Math.min(splitSize, size - i * splitSize));
  return splitWithSizes(x, sizes, d, false);
}

/** Splits `dim` into `chunks` pieces of `ceil(size / chunks)` (fewer when the size runs out). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor('chunk', x);
  if (x.shape.length === 0) throw new Error(`[chunk] chunk expects at least a 1-dimensional tensor`);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`[chunk] chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalizeDim('chunk', dim, x.shape.length);
  const size = x.shape[d];
  const chunkSize = Math.ceil(size / chunks);
  // An empty dim keeps the requested number of (empty) chunks, as PyTorch does.
  if (chunkSize === 0) return splitWithSizes(x, new Array<number>(chunks).fill(0), d, false);
  return split(x, chunkSize, d);
}

/**
 * Reverses the order along `dims` (a copy, as in PyTorch). Recorded as `'flip'` with attrs
 * `{ dims (normalised, ascending) }`. Each flipped dim is one `gather` with a reversed index.
 */
export function flip(x: Tensor, dimsArgs: SizeArgs): Tensor {
  checkTensor('flip', x);
  const dims = normalizeDims('flip', parseSize('flip', dimsArgs), x.shape.length).filter((d) => d < x.shape.length);
  return differentiable('flip', [x], { dims }, () => {
    const backend = backendOf(x);
    let current = x;
    let out = emptyTensor(x.shape, x.dtype, x.device);
    const reversing = out.numel() === 0 ? [] : dims.filter((d) => x.shape[d] > 1);
    if (reversing.length === 0) {
      if (out.numel() > 0) backend.copy(viewOf(out), viewOf(x));
      return out;
    }
    for (const d of reversing) {
      const index = reversedIndex(x.shape[d], x.device);
      const strides = x.shape.map((_, k) => (k === d ? 1 : 0));
      if (current !== x) out = emptyTensor(x.shape, x.dtype, x.device);
      backend.gather(viewOf(out), viewOf(current), d, { ...viewOf(index), shape: x.shape, strides });
      current = out;
    }
    return out;
  });
}

/**
 * Tiles `x` `sizes[i]` times along each dim (a copy); `sizes` may be longer than the rank (new
 * leading dims). Recorded as `'repeat'` with attrs `{ repeats, inputShape }`.
 */
export function repeat(x: Tensor, sizeArgs: SizeArgs): Tensor {
  checkTensor('repeat', x);
  const repeats = parseSize('repeat', sizeArgs);
  const rank = x.shape.length;
  if (repeats.length < rank) {
    throw new Error(
      `[repeat] number of dimensions of repeat dims (${repeats.length}) can not be smaller than number ` +
        `of dimensions of tensor (${rank})`,
    );
  }
  if (repeats.some((r) => r < 0)) throw new Error(`[repeat] trying to create tensor with negative dimension: ${showShape(repeats)}`);
  const lead = repeats.length - rank;
  const padded = [...new Array<number>(lead).fill(1), ...x.shape];
  const paddedStrides = [...new Array<number>(lead).fill(0), ...x._strides];
  const shape = repeats.map((r, i) => r * padded[i]);
  return differentiable('repeat', [x], { repeats, inputShape: x.shape }, () => {
    const out = emptyTensor(shape, x.dtype, x.device);
    if (numelOf(shape) === 0) return out;
    // Read x as [r0, s0, r1, s1, ...] with stride 0 on each repeat dim; the output's memory has
    // exactly that row-major layout, so one copy tiles everything.
    const interleaved = repeats.flatMap((r, i) => [r, padded[i]]);
    const inStrides = repeats.flatMap((_, i) => [0, paddedStrides[i]]);
    backendOf(x).copy(
      { ...viewOf(out), shape: interleaved, strides: contiguousStrides(interleaved) },
      { ...viewOf(x), shape: interleaved, strides: inStrides },
    );
    return out;
  });
}
