/**
 * Advanced (integer tensor) indexing as kernels: PyTorch's `index.Tensor` and `index_put_` on a
 * tensor with one optional index tensor per dim.
 *
 * The index tensors broadcast together to a shape `B`. Their combined position in the storage is a
 * linear index `lin` (shape `B`): with one index tensor, the index itself along its dim; with
 * several, the sum of `index_j * stride_j`, read through a dim of stride 1 that spans the indexed
 * storage range. A single `gather` (or `scatter`/`scatterAdd`) along that dim does all the work,
 * with the other dims of the output read through the input's own strides: nothing is copied
 * first and nothing loops over elements in JavaScript.
 *
 * @module
 */
import type { View } from '../backend/contract.js';
import { backendOf, castTo, emptyTensor, scalarTensor, viewOf } from '../dispatch.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, isContiguousLayout, numelOf, showShape } from '../shape.js';
import { Tensor, type ScalarLike } from '../tensor.js';
import { add, compare, mul, where } from './elementwise.js';
import { checkIndexBounds } from './index-util.js';
import { sameShape } from './view-geometry.js';

/** An index tensor for one dim of the indexed view; `dim` names the original tensor's dim in errors. */
export interface IndexEntry {
  /** The index tensor (int64 or int32), before wrapping negative values. */
  readonly index: Tensor;
  /** Already int64-or-int32, non-negative and in bounds (made by core from host data or nonzero). */
  readonly trusted: boolean;
  /** The dim of the original tensor it indexes, for error messages. */
  readonly dim: number;
}

/** Where the broadcast index dims land in the result. */
export interface IndexLayout {
  /** Dims of the indexed view without an index tensor, in order. */
  readonly restDims: readonly number[];
  /** Dims with an index tensor, in order. */
  readonly advancedDims: readonly number[];
  /** The broadcast shape of the index tensors. */
  readonly broadcast: readonly number[];
  /** Position of the broadcast block in the result: the first indexed dim when they are adjacent, else 0. */
  readonly blockAt: number;
  /** Shape of the result of indexing. */
  readonly outShape: readonly number[];
}

/**
 * Index tensors as int64 with negative values wrapped, bounds-checked against the view's sizes
 * (when the device can read synchronously; see `checkIndexBounds`).
 */
export function prepareIndices(op: string, view: Tensor, entries: readonly (IndexEntry | null)[]): (Tensor | null)[] {
  return entries.map((entry, d) => {
    if (entry === null) return null;
    const size = view.shape[d];
    const index = castTo(entry.index, 'int64');
    if (entry.trusted) return index;
    if (size === 0 && index.numel() > 0) {
      throw new Error(`[${op}] index is out of bounds for dimension ${entry.dim} with size 0`);
    }
    const range = checkIndexBounds(op, index, size, entry.dim, true);
    if (range !== undefined && range[0] >= 0) return index; // nothing to wrap
    return where(compare('lt', index, 0), add(index, size), index);
  });
}

/** The result layout of indexing a view of `shape` with `indices` (PyTorch's and NumPy's rule). */
export function indexLayout(op: string, shape: readonly number[], indices: readonly (Tensor | null)[]): IndexLayout {
  const advancedDims: number[] = [];
  const restDims: number[] = [];
  for (let d = 0; d < shape.length; d++) (indices[d] ? advancedDims : restDims).push(d);
  const shapes = advancedDims.map((d) => (indices[d] as Tensor).shape);
  let broadcast: number[];
  try {
    broadcast = broadcastShapes(op, ...shapes);
  } catch {
    throw new Error(`[${op}] shape mismatch: indexing tensors could not be broadcast together with shapes ${shapes.map(showShape).join(', ')}`);
  }
  const adjacent = advancedDims[advancedDims.length - 1] - advancedDims[0] === advancedDims.length - 1;
  const blockAt = adjacent ? advancedDims[0] : 0;
  const restSizes = restDims.map((d) => shape[d]);
  const outShape = [...restSizes.slice(0, blockAt), ...broadcast, ...restSizes.slice(blockAt)];
  return { restDims, advancedDims, broadcast, blockAt, outShape };
}

/** The linear index (contiguous int64 of the broadcast shape) and the stride and extent of the dim it indexes. */
function linearIndex(view: Tensor, indices: readonly (Tensor | null)[], layout: IndexLayout): { lin: Tensor; stride: number; extent: number } {
  const dims = layout.advancedDims;
  let lin: Tensor;
  let stride: number;
  let extent: number;
  if (dims.length === 1) {
    lin = indices[dims[0]] as Tensor;
    stride = view._strides[dims[0]];
    extent = view.shape[dims[0]];
  } else {
    stride = 1;
    extent = 1;
    let sum: Tensor | null = null;
    for (const d of dims) {
      const s = view._strides[d];
      const idx = indices[d] as Tensor;
      const term = s === 1 ? idx : mul(idx, s);
      sum = sum === null ? term : add(sum, term);
      extent += (view.shape[d] - 1) * s;
    }
    lin = sum as Tensor;
  }
  if (!sameShape(lin.shape, layout.broadcast) || !isContiguousLayout(lin.shape, lin._strides)) {
    const full = emptyTensor(layout.broadcast, 'int64', view.device);
    if (full.numel() > 0) backendOf(view).copy(viewOf(full), { ...viewOf(lin), shape: layout.broadcast, strides: broadcastStrides(lin.shape, lin._strides, layout.broadcast) });
    lin = full;
  }
  return { lin, stride, extent };
}

function checkIndexedDimsNotEmpty(op: string, view: Tensor, layout: IndexLayout): void {
  for (const d of layout.advancedDims) {
    if (view.shape[d] === 0) throw new Error(`[${op}] index is out of bounds for dimension ${d} with size 0`);
  }
}

/** `view[indices]` (PyTorch's `index.Tensor`) as one gather; `indices` come from {@link prepareIndices}. Unrecorded. */
export function gatherIndexed(op: string, view: Tensor, indices: readonly (Tensor | null)[], layout: IndexLayout): Tensor {
  const out = emptyTensor(layout.outShape, view.dtype, view.device);
  if (out.numel() === 0) return out;
  checkIndexedDimsNotEmpty(op, view, layout);
  const { lin, stride, extent } = linearIndex(view, indices, layout);
  const { restDims, blockAt } = layout;
  const block = layout.broadcast.length > 0 ? layout.broadcast : [1];
  const restSizes = restDims.map((d) => view.shape[d]);
  const restStrides = restDims.map((d) => view._strides[d]);
  const kernelShape = [...restSizes.slice(0, blockAt), ...block, ...restSizes.slice(blockAt)];
  const g = blockAt + block.length - 1;
  // The input is read with stride 0 over the broadcast block except its last dim, which walks the
  // indexed dim (or the indexed storage range) so that `lin` picks the element.
  const inShape = [...kernelShape];
  inShape[g] = extent;
  const zeros = block.map(() => 0);
  zeros[zeros.length - 1] = stride;
  const inStrides = [...restStrides.slice(0, blockAt), ...zeros, ...restStrides.slice(blockAt)];
  const restZeros = (n: number) => new Array<number>(n).fill(0);
  const indexStrides = [...restZeros(blockAt), ...contiguousStrides(block), ...restZeros(restSizes.length - blockAt)];
  const input: View = { ...viewOf(view), shape: inShape, strides: inStrides };
  const index: View = { ...viewOf(lin), shape: kernelShape, strides: indexStrides };
  backendOf(view).gather({ ...viewOf(out), shape: kernelShape, strides: contiguousStrides(kernelShape) }, input, g, index);
  return out;
}

/**
 * Writes `values` (a tensor already of the view's dtype, broadcastable to the indexing result, or
 * a scalar) into `view[indices]` in place, as one scatter (`accumulate`: scatterAdd, duplicates
 * summed). Does not bump the version counter.
 */
export function scatterIndexed(
  op: string, view: Tensor, indices: readonly (Tensor | null)[], layout: IndexLayout, values: Tensor | ScalarLike, accumulate: boolean,
): void {
  const { restDims, blockAt, outShape } = layout;
  if (numelOf(outShape) === 0) return;
  checkIndexedDimsNotEmpty(op, view, layout);
  const backend = backendOf(view);
  const { lin, stride, extent } = linearIndex(view, indices, layout);
  const blockSize = numelOf(layout.broadcast);
  const restSizes = restDims.map((d) => view.shape[d]);
  const restStrides = restDims.map((d) => view._strides[d]);
  const kernelShape = [...restSizes, blockSize];
  const rank = restSizes.length;
  // Lay the values out as [rest..., block] so that the block flattens into the scatter dim.
  let source: View;
  if (values instanceof Tensor) {
    const tensor = values;
    const b = layout.broadcast.length;
    const order = [
      ...[...Array(blockAt).keys()],
      ...[...Array(rank - blockAt).keys()].map((i) => blockAt + b + i),
      ...[...Array(b).keys()].map((i) => blockAt + i),
    ];
    const spread = broadcastStrides(tensor.shape, tensor._strides, outShape);
    const orderedShape = order.map((i) => outShape[i]);
    const buffer = emptyTensor(orderedShape, view.dtype, view.device);
    backend.copy(viewOf(buffer), { ...viewOf(tensor), shape: orderedShape, strides: order.map((i) => spread[i]) });
    source = { ...viewOf(buffer), shape: kernelShape, strides: contiguousStrides(kernelShape) };
  } else {
    const scalar = scalarTensor(values, view.dtype, view.device);
    source = { ...viewOf(scalar), shape: kernelShape, strides: kernelShape.map(() => 0) };
  }
  const index: View = { ...viewOf(lin), shape: kernelShape, strides: [...new Array<number>(rank).fill(0), 1] };
  const target: View = { ...viewOf(view), shape: [...restSizes, extent], strides: [...restStrides, stride] };
  if (accumulate) backend.scatterAdd(target, rank, index, source);
  else backend.scatter(target, rank, index, source);
}
