/**
 * `torch.*` shape, view and indexing functions, mirroring the Tensor methods.
 *
 * @module
 */
import type { Tensor, TensorLike, IndexItem } from '../tensor.js';
import type { SizeArgs } from '../shape.js';

/** A new shape, as a view when possible. */
export function reshape(x: Tensor, ...shape: SizeArgs): Tensor {
  return x.reshape(...shape);
}

/** Flattens dims `startDim..endDim`. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  return x.flatten(startDim, endDim);
}

/** Splits one dim into several. */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  return x.unflatten(dim, sizes);
}

/** Swaps two dims. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  return x.transpose(dim0, dim1);
}

/** Alias of {@link transpose}. */
export function swapaxes(x: Tensor, dim0: number, dim1: number): Tensor {
  return x.transpose(dim0, dim1);
}

/** Transpose of a ≤2-D tensor. */
export function t(x: Tensor): Tensor {
  return x.t();
}

/** Reorders dims. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  return x.permute([...dims]);
}

/** Moves dims to new positions. */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  return x.movedim(source, destination);
}

/** Removes dims of size 1. */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  return x.squeeze(dim);
}

/** Inserts a dim of size 1. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  return x.unsqueeze(dim);
}

/** A slice of one dim. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  return x.narrow(dim, start, length);
}

/** The slice at `index` of one dim. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  return x.select(dim, index);
}

/** Reverses the order along dims. */
export function flip(x: Tensor, dims: readonly number[]): Tensor {
  return x.flip([...dims]);
}

/** Slices along a dim, removing it. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  return x.unbind(dim);
}

/** Splits into chunks of a size, or of the given sizes. */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  return x.split(splitSize, dim);
}

/** Splits into a number of chunks. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  return x.chunk(chunks, dim);
}

/** A copy with its own storage. */
export function clone(x: Tensor): Tensor {
  return x.clone();
}

/** A view with explicit shape, strides and offset. */
export function asStrided(x: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  return x.asStrided(size, stride, storageOffset);
}

/** Values at `index` along `dim`. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return x.gather(dim, index);
}

/** Out-of-place scatter along `dim`. */
export function scatter(x: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor {
  return x.scatter(dim, index, src);
}

/** Out-of-place scatter-add along `dim`. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return x.scatterAdd(dim, index, src);
}

/** Slices along `dim` at the given indices. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  return x.indexSelect(dim, index);
}

/** The elements where `mask` is true, as a 1-D tensor. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  return x.maskedSelect(mask);
}

/** Indices of nonzero elements. */
export function nonzero(x: Tensor): Tensor {
  return x.nonzero();
}

/** Out-of-place `x[indices] = value`. */
export function indexPut(x: Tensor, indices: readonly IndexItem[], value: TensorLike, options?: { accumulate?: boolean }): Tensor {
  return x.indexPut(indices, value, options);
}
