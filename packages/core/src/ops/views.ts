/**
 * View ops: new shapes, strides and offsets over the same storage (view, reshape, permute,
 * transpose, expand, squeeze, unsqueeze, flatten, unflatten, asStrided), plus `detach`,
 * `contiguous` and `clone`. Slicing ops (slice, select, narrow, split, ...) and the copying shape
 * ops (flip, repeat) live in `shape-ops.ts` and are re-exported here.
 *
 * Every view is recorded for autograd under its own op name (see each function); a view shares its
 * storage, and so its version counter, with the tensor it was made from.
 *
 * @module
 */
import { backendOf, checkTensor, differentiable, emptyTensor, viewOf } from '../dispatch.js';
import {
  type SizeArgs, contiguousStrides, isContiguousLayout, normalizeDim, normalizeDims, numelOf, parseSize, showShape, toSize,
} from '../shape.js';
import { isGradEnabled } from '../grad-mode.js';
import { Tensor } from '../tensor.js';
import { inferSize, makeView, viewStrides } from './view-geometry.js';

export { slice, select, narrow, unbind, split, chunk, flip, repeat } from './shape-ops.js';

/**
 * A tensor that shares `x`'s storage (and version counter) but is detached from the graph: it
 * does not require grad and is not recorded. Its `_base` is null: it starts a new autograd
 * identity, so in-place writes to it are allowed even when `x` is a leaf that requires grad
 * (PyTorch's `w.detach().zero_()`), and they are visible through `x`.
 */
export function detach(x: Tensor): Tensor {
  checkTensor('detach', x);
  return new Tensor(x._storage, x.shape, x._strides, x._offset, null);
}

/** A view recorded as one graph node named `op`. */
function recordedView(
  op: string, x: Tensor, attrs: Record<string, unknown>, shape: readonly number[], strides: readonly number[], offset: number,
): Tensor {
  return differentiable(op, [x], attrs, () => makeView(x, shape, strides, offset));
}

/**
 * A view with a new shape (one size may be `-1`). Fails, suggesting `reshape`, when the strides
 * do not allow it. Recorded as `'view'` with attrs `{ shape, inputShape }`.
 */
export function view(x: Tensor, shapeArgs: SizeArgs): Tensor {
  checkTensor('view', x);
  const shape = inferSize('view', parseSize('view', shapeArgs), x.numel());
  const strides = viewStrides(x.shape, x._strides, shape);
  if (strides === null) {
    throw new Error(
      `[view] view size is not compatible with input tensor's size and stride (at least one dimension ` +
        `spans across two contiguous subspaces). Use .reshape(...) instead.`,
    );
  }
  return recordedView('view', x, { shape, inputShape: x.shape }, shape, strides, x._offset);
}

/**
 * A new shape: a view when the strides allow it (recorded as `'reshapeAlias'`, PyTorch 1.13's
 * `ReshapeAliasBackward0`), otherwise a contiguous copy (recorded as `'reshapeCopy'`, PyTorch's
 * `UnsafeViewBackward0`). Both have attrs `{ shape, inputShape }`.
 */
export function reshape(x: Tensor, shapeArgs: SizeArgs): Tensor {
  checkTensor('reshape', x);
  return reshapeTo(x, inferSize('reshape', parseSize('reshape', shapeArgs), x.numel()));
}

/** {@link reshape} to an already resolved shape. */
function reshapeTo(x: Tensor, shape: readonly number[]): Tensor {
  const strides = viewStrides(x.shape, x._strides, shape);
  const attrs = { shape, inputShape: x.shape };
  if (strides !== null) return recordedView('reshapeAlias', x, attrs, shape, strides, x._offset);
  return differentiable('reshapeCopy', [x], attrs, () => {
    const out = emptyTensor(shape, x.dtype, x.device);
    if (out.numel() > 0) {
      // Copy in the input's row-major order into the output's memory read with the input's shape.
      backendOf(x).copy({ ...viewOf(out), shape: x.shape, strides: contiguousStrides(x.shape) }, viewOf(x));
    }
    return out;
  });
}

/** Reorders dims; recorded as `'permute'` with attrs `{ dims (normalised), inputShape }`. */
export function permute(x: Tensor, dimsArgs: SizeArgs): Tensor {
  checkTensor('permute', x);
  const given = parseSize('permute', dimsArgs);
  const rank = x.shape.length;
  if (given.length !== rank) {
    throw new Error(
      `[permute] number of dims don't match: the tensor has ${rank} dimensions but ${given.length} were given (${showShape(given)})`,
    );
  }
  const dims = given.map((d) => normalizeDim('permute', d, rank));
  if (new Set(dims).size !== dims.length) {
    throw new Error(`[permute] duplicate dims are not allowed, got ${showShape(given)}`);
  }
  return recordedView(
    'permute', x, { dims, inputShape: x.shape },
    dims.map((d) => x.shape[d]), dims.map((d) => x._strides[d]), x._offset,
  );
}

/** Swaps two dims; recorded as `'transpose'` with attrs `{ dim0, dim1 (normalised), inputShape }`. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor('transpose', x);
  const rank = x.shape.length;
  const a = normalizeDim('transpose', dim0, rank);
  const b = normalizeDim('transpose', dim1, rank);
  const shape = [...x.shape];
  const strides = [...x._strides];
  if (rank > 0) {
    [shape[a], shape[b]] = [shape[b], shape[a]];
    [strides[a], strides[b]] = [strides[b], strides[a]];
  }
  return recordedView('transpose', x, { dim0: a, dim1: b, inputShape: x.shape }, shape, strides, x._offset);
}

function checkAtMost2D(op: string, x: Tensor): void {
  if (x.shape.length > 2) {
    throw new Error(`[${op}] ${op}() expects a tensor with <= 2 dimensions, but self is ${x.shape.length}D`);
  }
}

/** The transpose of a tensor of at most 2 dims (0-d and 1-d come back as they are); recorded as `'t'` (attrs `{}`). */
export function t(x: Tensor): Tensor {
  checkTensor('t', x);
  checkAtMost2D('t', x);
  const shape = [...x.shape].reverse();
  const strides = [...x._strides].reverse();
  return recordedView('t', x, {}, shape, strides, x._offset);
}

/**
 * Transposes a tensor of at most 2 dims in place by swapping its shape and strides (the data and
 * the version counter are untouched). A tensor with history gets a `'t'` node on top of it, as
 * PyTorch's in-place view ops do; a leaf that requires grad cannot be changed in place.
 */
export function t_<T extends Tensor>(x: T): T {
  checkTensor('t_', x);
  checkAtMost2D('t_', x);
  if (isGradEnabled() && x.requiresGrad) {
    if (x.isLeaf) throw new Error(`[t_] a leaf Variable that requires grad is being used in an in-place operation.`);
    // Record t() on a stand-in for x's old self, then move x onto the new node.
    const old = new Tensor(x._storage, x.shape, x._strides, x._offset, x._base);
    old._gradFn = x._gradFn;
    old._outputNr = x._outputNr;
    const result = t(old);
    x._gradFn = result._gradFn;
    x._outputNr = result._outputNr;
  }
  x.shape = toSize([...x.shape].reverse());
  x._strides = [...x._strides].reverse();
  return x;
}

/** Moves dims from `source` to `destination`, keeping the others in order (a `'permute'` node). */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  checkTensor('movedim', x);
  const rank = x.shape.length;
  const src = (typeof source === 'number' ? [source] : [...source]).map((d) => normalizeDim('movedim', d, rank));
  const dst = (typeof destination === 'number' ? [destination] : [...destination]).map((d) => normalizeDim('movedim', d, rank));
  if (src.length !== dst.length) {
    throw new Error(
      `[movedim] Invalid source or destination dims: source (${showShape(src)} dims) should contain ` +
        `the same number of dims as destination (${showShape(dst)} dims)`,
    );
  }
  if (new Set(src).size !== src.length) throw new Error(`[movedim] repeated dim in \`source\` (${showShape(src)})`);
  if (new Set(dst).size !== dst.length) throw new Error(`[movedim] repeated dim in \`destination\` (${showShape(dst)})`);
  if (rank === 0) return permute(x, []);
  const order = new Array<number>(rank).fill(-1);
  src.forEach((s, i) => { order[dst[i]] = s; });
  const rest = [...Array(rank).keys()].filter((d) => !src.includes(d));
  let next = 0;
  for (let i = 0; i < rank; i++) if (order[i] === -1) order[i] = rest[next++];
  return permute(x, order);
}

/**
 * Broadcasts to a larger shape without copying: only size-1 dims expand (stride 0), `-1` keeps a
 * size, and new leading dims may be added. Recorded as `'expand'` with attrs `{ shape, inputShape }`.
 */
export function expand(x: Tensor, sizeArgs: SizeArgs): Tensor {
  checkTensor('expand', x);
  const sizes = parseSize('expand', sizeArgs);
  const rank = x.shape.length;
  if (sizes.length < rank) {
    throw new Error(
      `[expand] the number of sizes provided (${sizes.length}) must be greater or equal to the number ` +
        `of dimensions in the tensor (${rank})`,
    );
  }
  const lead = sizes.length - rank;
  const shape = new Array<number>(sizes.length);
  const strides = new Array<number>(sizes.length);
  for (let i = 0; i < sizes.length; i++) {
    const want = sizes[i];
    if (i < lead) {
      if (want < 0) {
        throw new Error(`[expand] the expanded size of the tensor (${want}) isn't allowed in a leading, non-existing dimension ${i}`);
      }
      shape[i] = want;
      strides[i] = 0;
      continue;
    }
    const have = x.shape[i - lead];
    if (want === -1 || want === have) {
      shape[i] = have;
      strides[i] = x._strides[i - lead];
    } else if (have === 1 && want >= 0) {
      shape[i] = want;
      strides[i] = 0;
    } else {
      throw new Error(
        `[expand] the expanded size of the tensor (${want}) must match the existing size (${have}) at ` +
          `non-singleton dimension ${i}.  Target sizes: ${showShape(sizes)}.  Tensor sizes: ${showShape(x.shape)}`,
      );
    }
  }
  return recordedView('expand', x, { shape, inputShape: x.shape }, shape, strides, x._offset);
}

/**
 * Removes dims of size 1: all of them, or those among `dim` (a number or a list; dims whose size
 * is not 1 stay, as in PyTorch). Recorded as `'squeeze'` with attrs `{ dims (removed, ascending),
 * dimArg (the `dim` argument as given, or null: it picks PyTorch's SqueezeBackward0/1/2), inputShape }`.
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor('squeeze', x);
  const rank = x.shape.length;
  const candidates = dim === undefined ? [...Array(rank).keys()] : normalizeDims('squeeze', dim, rank);
  const removed = candidates.filter((d) => d < rank && x.shape[d] === 1);
  const shape = x.shape.filter((_, d) => !removed.includes(d));
  const strides = x._strides.filter((_, d) => !removed.includes(d));
  const attrs = { dims: removed, dimArg: dim === undefined ? null : typeof dim === 'number' ? dim : [...dim], inputShape: x.shape };
  return recordedView('squeeze', x, attrs, shape, strides, x._offset);
}

/** Inserts a dim of size 1 at `dim` (in `[-rank-1, rank]`); recorded as `'unsqueeze'` with attrs `{ dim (normalised), inputShape }`. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor('unsqueeze', x);
  const rank = x.shape.length;
  const d = normalizeDim('unsqueeze', dim, rank + 1);
  const shape = [...x.shape];
  const strides = [...x._strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d >= rank ? 1 : x.shape[d] * x._strides[d]);
  return recordedView('unsqueeze', x, { dim: d, inputShape: x.shape }, shape, strides, x._offset);
}

/** Flattens dims `startDim..endDim` into one (a 0-d tensor becomes `[1]`); a {@link reshape}. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor('flatten', x);
  const rank = x.shape.length;
  if (rank === 0) return reshapeTo(x, [1]);
  const start = normalizeDim('flatten', startDim, rank);
  const end = normalizeDim('flatten', endDim, rank);
  if (start > end) throw new Error(`[flatten] flatten() has invalid args: start_dim cannot come after end_dim`);
  if (start === end) return x;
  const merged = numelOf(x.shape.slice(start, end + 1));
  return reshapeTo(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/** Splits dim `dim` into `sizes` (one may be `-1`); a {@link view}. */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  checkTensor('unflatten', x);
  const rank = x.shape.length;
  const d = normalizeDim('unflatten', dim, rank);
  if (sizes.length === 0) throw new Error(`[unflatten] sizes must be non-empty`);
  const size = rank === 0 ? 1 : x.shape[d];
  let resolved: number[];
  try {
    resolved = inferSize('unflatten', sizes, size);
  } catch {
    throw new Error(
      `[unflatten] Provided sizes ${showShape(sizes)} don't multiply up to the size of dim ${d} (${size}) in the input tensor`,
    );
  }
  return view(x, [[...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]]);
}

/**
 * A view with explicit sizes, strides and storage offset (default: `x`'s offset). Recorded as
 * `'asStrided'` with attrs `{ size, stride, storageOffset, inputShape, inputStrides, inputOffset }`.
 */
export function asStrided(x: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  checkTensor('asStrided', x);
  const shape = parseSize('asStrided', [size]);
  const strides = parseSize('asStrided', [stride]);
  const offset = storageOffset ?? x._offset;
  if (shape.length !== strides.length) {
    throw new Error(`[asStrided] mismatch in length of strides and shape: ${showShape(shape)} and ${showShape(strides)}`);
  }
  if (strides.some((s) => s < 0)) {
    throw new Error(`[asStrided] negative strides are not supported, got strides: ${showShape(strides)}`);
  }
  if (shape.some((s) => s < 0)) throw new Error(`[asStrided] negative sizes are not allowed, got ${showShape(shape)}`);
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`[asStrided] storage offset must be a non-negative integer, got ${offset}`);
  let needed = offset;
  if (numelOf(shape) > 0) {
    needed += 1;
    for (let i = 0; i < shape.length; i++) needed += (shape[i] - 1) * strides[i];
  }
  if (needed > x._storage.numel) {
    throw new Error(
      `[asStrided] sizes ${showShape(shape)}, strides ${showShape(strides)} and storage offset ${offset} ` +
        `need a storage of ${needed} elements, but the storage has ${x._storage.numel}`,
    );
  }
  const attrs = {
    size: shape, stride: strides, storageOffset: offset, inputShape: x.shape, inputStrides: x._strides, inputOffset: x._offset,
  };
  return recordedView('asStrided', x, attrs, shape, strides, offset);
}

/** A contiguous copy of `x` (unrecorded). */
export function contiguousCopy(x: Tensor): Tensor {
  const out = emptyTensor(x.shape, x.dtype, x.device);
  if (out.numel() > 0) backendOf(x).copy(viewOf(out), viewOf(x));
  return out;
}

/** `x` itself when it is contiguous, otherwise a contiguous copy recorded as `'clone'` (attrs `{}`). */
export function contiguous(x: Tensor): Tensor {
  checkTensor('contiguous', x);
  if (isContiguousLayout(x.shape, x._strides)) return x;
  return differentiable('clone', [x], {}, () => contiguousCopy(x));
}

/**
 * A copy with its own (contiguous) storage; recorded as `'clone'` (attrs `{}`). Unlike PyTorch's
 * `preserve_format`, the copy is always row-major, as every other op's output in typetorch.
 */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', x);
  return differentiable('clone', [x], {}, () => contiguousCopy(x));
}

/** A new tensor object viewing exactly `x` (PyTorch's `alias`); recorded as `'alias'` (attrs `{}`). */
export function alias(x: Tensor): Tensor {
  return recordedView('alias', x, {}, x.shape, x._strides, x._offset);
}
