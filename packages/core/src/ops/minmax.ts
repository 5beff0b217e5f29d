/**
 * Extreme values and their positions: `max`/`min` (whole tensor, `{ values, indices }` along a dim,
 * or elementwise against another tensor), `amax`/`amin` over dims, `argmax`/`argmin`. NaN counts as
 * the extreme everywhere, as in PyTorch.
 *
 * @module
 */
import { backendOf, castTo, checkTensor, differentiable, emptyTensor, viewOf } from '../dispatch.js';
import { numelOf } from '../shape.js';
import { Tensor, type ValuesIndices } from '../tensor.js';
import { maximum, minimum } from './elementwise.js';
import {
  checkNonEmptyReduction, dropDims, parseDims, parseKeepdim, parseOneDim, reduceInto, splitDimAndOptions,
} from './reduction.js';

type Extreme = 'max' | 'min';

/** Index kernels read any numeric dtype; bool is read as uint8 so every backend can handle it. */
function indexable(x: Tensor): Tensor {
  return x.dtype === 'bool' ? castTo(x, 'uint8') : x;
}

function extreme(op: Extreme, x: Tensor, dim: unknown, options: { keepdim?: boolean } | undefined): Tensor | ValuesIndices {
  checkTensor(op, x);
  if (dim instanceof Tensor) return op === 'max' ? maximum(x, dim) : minimum(x, dim);
  if (dim === undefined || dim === null) {
    const parsed = parseDims(op, x.ndim, null);
    checkNonEmptyReduction(op, x.shape, parsed);
    return differentiable(op === 'max' ? 'maxAll' : 'minAll', [x], {}, () => reduceInto(op, x, parsed.dims, x.dtype, false));
  }
  const axis = parseOneDim(op, x.ndim, dim);
  const parsed = parseDims(op, x.ndim, axis);
  checkNonEmptyReduction(op, x.shape, parsed);
  const keepdim = parseKeepdim(op, options);
  const indices = reduceInto(op === 'max' ? 'argmax' : 'argmin', indexable(x), parsed.dims, 'int64', keepdim);
  const values = differentiable(op === 'max' ? 'maxDim' : 'minDim', [x], { dim: axis, keepdim, indices }, () =>
    reduceInto(op, x, parsed.dims, x.dtype, keepdim),
  );
  return { values, indices };
}

/**
 * `max()`: the largest element (0-d); `max(dim, { keepdim })`: `{ values, indices }` along a dim
 * (int64 indices of the first maximum); `max(other)`: the elementwise maximum. NaN propagates and
 * its index is returned. Reducing an empty tensor or dim is an error (max has no identity).
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, options?: { keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim?: number | Tensor | null, options?: { keepdim?: boolean }): Tensor | ValuesIndices;
export function max(x: Tensor, dim?: number | Tensor | null, options?: { keepdim?: boolean }): Tensor | ValuesIndices {
  return extreme('max', x, dim, options);
}

/** The counterpart of {@link max} for the smallest element. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, options?: { keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim?: number | Tensor | null, options?: { keepdim?: boolean }): Tensor | ValuesIndices;
export function min(x: Tensor, dim?: number | Tensor | null, options?: { keepdim?: boolean }): Tensor | ValuesIndices {
  return extreme('min', x, dim, options);
}

function extremeOverDims(op: 'amax' | 'amin', x: Tensor, dim: unknown, options: { keepdim?: boolean } | undefined): Tensor {
  checkTensor(op, x);
  const [dimArg, opts] = splitDimAndOptions(op, dim, options);
  const parsed = parseDims(op, x.ndim, dimArg);
  checkNonEmptyReduction(op, x.shape, parsed);
  const keepdim = parseKeepdim(op, opts);
  return differentiable(op, [x], { dims: parsed.dims, keepdim }, () =>
    reduceInto(op === 'amax' ? 'max' : 'min', x, parsed.dims, x.dtype, keepdim),
  );
}

/** The maximum over all dims or the given ones (values only; NaN propagates). */
export function amax(x: Tensor, dim?: number | readonly number[] | null, options?: { keepdim?: boolean }): Tensor {
  return extremeOverDims('amax', x, dim, options);
}

/** The minimum over all dims or the given ones (values only; NaN propagates). */
export function amin(x: Tensor, dim?: number | readonly number[] | null, options?: { keepdim?: boolean }): Tensor {
  return extremeOverDims('amin', x, dim, options);
}

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, dim: unknown, options: { keepdim?: boolean } | undefined): Tensor {
  checkTensor(op, x);
  if (x.dtype === 'bool') throw new Error(`[${op}] not implemented for bool tensors; convert with .int() or .float() first`);
  const keepdim = parseKeepdim(op, options);
  if (dim !== undefined && dim !== null) {
    const axis = parseOneDim(op, x.ndim, dim);
    const parsed = parseDims(op, x.ndim, axis);
    checkNonEmptyReduction(op, x.shape, parsed);
    return reduceInto(op, x, parsed.dims, 'int64', keepdim);
  }
  // No dim: the index into the flattened tensor, read through a 1-D view of a contiguous layout.
  checkNonEmptyReduction(op, x.shape, parseDims(op, x.ndim, null));
  const flat = x.isContiguous() ? x : contiguousCopy(x);
  const out = emptyTensor(x.shape.map(() => 1), 'int64', x.device);
  const n = numelOf(x.shape);
  backendOf(x).reduce(op, { ...viewOf(out), shape: [1], strides: [1] }, { ...viewOf(flat), shape: [n], strides: [1] }, [0]);
  return keepdim ? out : dropDims(out, x.shape.map((_, i) => i));
}

function contiguousCopy(x: Tensor): Tensor {
  const out = emptyTensor(x.shape, x.dtype, x.device);
  backendOf(x).copy(viewOf(out), viewOf(x));
  return out;
}

/** Index of the first maximum along `dim`, or into the flattened tensor without a dim (int64; NaN wins). */
export function argmax(x: Tensor, dim?: number | null, options?: { keepdim?: boolean }): Tensor {
  return argExtreme('argmax', x, dim, options);
}

/** Index of the first minimum along `dim`, or into the flattened tensor without a dim (int64; NaN wins). */
export function argmin(x: Tensor, dim?: number | null, options?: { keepdim?: boolean }): Tensor {
  return argExtreme('argmin', x, dim, options);
}
