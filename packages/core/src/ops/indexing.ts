/**
 * Indexing: PyTorch's `x[...]` (`index`) and `x[...] = v` (`indexPut_`), and gather, scatter,
 * scatterAdd, indexSelect, maskedSelect and nonzero.
 *
 * Basic items (integers, slices, `null`, `'...'`) give views. Index tensors, number arrays and
 * boolean masks give copies made by one `gather` kernel (see `advanced-index.ts`). Boolean masks
 * and `nonzero`/`maskedSelect` have data-dependent sizes: they read one count synchronously where
 * the device allows it (CPU) and otherwise throw, naming `nonzeroAsync` / `maskedSelectAsync`,
 * which await the count instead.
 *
 * @module
 */
import {
  backendOf, broadcastViewOf, bumpVersion, castTo, checkTensor, commonDevice, differentiable, emptyTensor, scalarTensor,
  toKernelScalar, viewOf,
} from '../dispatch.js';
import { isGradEnabled } from '../grad-mode.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, normalizeDim, showShape } from '../shape.js';
import { Tensor, type IndexItem, type ScalarLike, type TensorLike } from '../tensor.js';
import { gatherIndexed, indexLayout, prepareIndices, scatterIndexed, type IndexEntry } from './advanced-index.js';
import { applyBasic } from './basic-index.js';
import { add } from './elementwise.js';
import { inplace } from './inplace.js';
import { resolveIndexItems, toIndexItems, type ResolvedItem } from './index-parse.js';
import { checkIndexBounds, checkIndexDtype } from './index-util.js';
import { checkedScalar } from './creation-options.js';
import { nonzeroAsync, nonzeroSync } from './nonzero.js';
import { sameShape } from './view-geometry.js';
import { alias, contiguousCopy } from './views.js';

export { nonzero, nonzeroAsync } from './nonzero.js';

const MASK_HINT =
  'boolean masks need the number of true values: use const idx = await torch.nonzeroAsync(mask) and index with idx.unbind(1)';

function checkValue(op: string, value: unknown): TensorLike {
  if (value instanceof Tensor || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value;
  throw new Error(`[${op}] expected value to be a Tensor or a number, got ${value === null ? 'null' : typeof value}`);
}

/** `view[entries]` as PyTorch's `index.Tensor`, recorded as `'index'`. */
function indexWithTensors(op: string, view: Tensor, entries: readonly (IndexEntry | null)[]): Tensor {
  const indices = prepareIndices(op, view, entries);
  const layout = indexLayout(op, view.shape, indices);
  return differentiable('index', [view], { indices, inputShape: view.shape }, () => gatherIndexed(op, view, indices, layout));
}

/**
 * PyTorch's `x[...]`. Items: integers (negative count from the end), slices `'start:stop:step'`
 * (parts optional, step > 0), `'...'`, `null` (a new dim), int64/int32 index tensors and number
 * arrays, and bool tensors or boolean arrays (masks). Basic items return a view; index tensors and
 * masks broadcast together and return a copy, with the indexed dims in place when they are
 * adjacent and first otherwise. Recorded as the views' own ops, then `'index'` for the advanced part.
 */
export function index(x: Tensor, items: readonly IndexItem[]): Tensor {
  checkTensor('index', x);
  const resolved = resolveIndexItems('index', x, items, MASK_HINT);
  const { view, indices } = applyBasic('index', x, resolved, MASK_HINT);
  if (indices.every((e) => e === null)) return view === x ? alias(x) : view;
  return indexWithTensors('index', view, indices);
}

/** `value` for writing into a selection of `target` shape: leading 1s dropped, broadcast-checked, cast. */
function valueFor(op: string, value: TensorLike, target: readonly number[], dtype: Tensor['dtype']): Tensor | ScalarLike {
  if (!(value instanceof Tensor)) return value;
  let k = 0;
  while (k < value.shape.length && value.shape[k] === 1) k++;
  const stripped = new Tensor(value._storage, value.shape.slice(k), value._strides.slice(k), value._offset);
  let ok: boolean;
  try {
    ok = sameShape(broadcastShapes(op, stripped.shape, target), target);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new Error(
      `[${op}] shape mismatch: value tensor of shape ${showShape(value.shape)} cannot be broadcast to indexing result of shape ${showShape(target)}`,
    );
  }
  return castTo(stripped, dtype);
}

/** Writes `value` into `x[items]` in place, without recording or bumping the version. */
function writeIndexed(op: string, x: Tensor, items: readonly ResolvedItem[], value: TensorLike, accumulate: boolean): void {
  if (value instanceof Tensor) {
    commonDevice(op, [x, value]);
    // A value that reads x's own memory (x[1:] = x[:-1]) is copied first, so the write cannot feed on itself.
    if (value._storage === x._storage) value = contiguousCopy(value);
  }
  const { view, indices } = applyBasic(op, x, items, MASK_HINT);
  const backend = backendOf(x);
  if (indices.some((e) => e !== null)) {
    const prepared = prepareIndices(op, view, indices);
    const layout = indexLayout(op, view.shape, prepared);
    scatterIndexed(op, view, prepared, layout, valueFor(op, value, layout.outShape, x.dtype), accumulate);
    return;
  }
  const v = valueFor(op, value, view.shape, x.dtype);
  if (view.numel() === 0) return;
  if (accumulate) {
    backend.copy(viewOf(view), broadcastViewOf(castTo(add(view, v), x.dtype), view.shape));
  } else if (v instanceof Tensor) {
    backend.copy(viewOf(view), broadcastViewOf(v, view.shape));
  } else {
    backend.fill(viewOf(view), toKernelScalar(v, x.dtype));
  }
}

function checkWritable(op: string, x: Tensor): void {
  if (x.shape.some((size, i) => size > 1 && x._strides[i] === 0)) {
    throw new Error(
      `[${op}] unsupported operation: more than one element of the written-to tensor refers to a single ` +
        `memory location. Please clone() the tensor before performing the operation.`,
    );
  }
}

/**
 * PyTorch's `x[...] = value` in place (see {@link index} for the items). `value` (a tensor or a
 * scalar) broadcasts to the selection and is cast to `x`'s dtype; writes go through views and bump
 * the version counter. With `accumulate`, values are added, and duplicate indices are summed;
 * without it, the last write wins on CPU. When autograd must see it, this is the out-of-place
 * {@link indexPut} written back through the in-place protocol.
 */
export function indexPut_<T extends Tensor>(
  x: T, items: readonly IndexItem[], value: TensorLike, options: { accumulate?: boolean } = {},
): T {
  checkTensor('indexPut_', x);
  checkValue('indexPut_', value);
  // A scalar value is converted as PyTorch's fill does, with its overflow check (uint8 x[0] = 300 is an error).
  if (!(value instanceof Tensor)) checkedScalar('indexPut_', value, x.dtype);
  const accumulate = options.accumulate ?? false;
  const resolved = resolveIndexItems('indexPut_', x, items, MASK_HINT);
  const tracked = x.requiresGrad || (x._base !== null && x._base.requiresGrad) || (value instanceof Tensor && value.requiresGrad);
  if (isGradEnabled() && tracked) {
    const replay = toIndexItems(resolved);
    return inplace('indexPut_', x, (s) => indexPut(s, replay, value, { accumulate }));
  }
  checkWritable('indexPut_', x);
  writeIndexed('indexPut_', x, resolved, value, accumulate);
  bumpVersion(x);
  return x;
}

/**
 * Out-of-place {@link indexPut_}: a copy of `x` with `value` written at `items`. Recorded as
 * `'indexPut'` with inputs `[x, value]` (a scalar value as a 0-d tensor) and attrs
 * `{ items, accumulate }`, where `items` select the same elements without reading data.
 */
export function indexPut(x: Tensor, items: readonly IndexItem[], value: TensorLike, options: { accumulate?: boolean } = {}): Tensor {
  checkTensor('indexPut', x);
  checkValue('indexPut', value);
  if (!(value instanceof Tensor)) checkedScalar('indexPut', value, x.dtype);
  const accumulate = options.accumulate ?? false;
  const resolved = resolveIndexItems('indexPut', x, items, MASK_HINT);
  const valueInput = value instanceof Tensor ? value : scalarTensor(value, x.dtype, x.device);
  return differentiable('indexPut', [x, valueInput], { items: toIndexItems(resolved), accumulate }, () => {
    const out = contiguousCopy(x);
    writeIndexed('indexPut', out, resolved, value, accumulate);
    return out;
  });
}

/** A tensor's shape as kernels see it: 0-d tensors as `[1]`. */
function atLeast1d(t: Tensor): { shape: number[]; strides: number[] } {
  return t.shape.length === 0 ? { shape: [1], strides: [1] } : { shape: [...t.shape], strides: [...t._strides] };
}

/** The argument checks shared by gather, scatter and scatterAdd (PyTorch's rules). */
function checkGatherScatter(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor | null): number {
  checkTensor(op, x);
  checkTensor(op, index, 'index');
  if (index.dtype !== 'int64') throw new Error(`[${op}] expected dtype int64 for index, got ${index.dtype}`);
  commonDevice(op, src ? [x, index, src] : [x, index]);
  const d = normalizeDim(op, dim, x.shape.length);
  const xs = atLeast1d(x).shape;
  const is = atLeast1d(index).shape;
  if (xs.length !== is.length) {
    throw new Error(`[${op}] Index tensor must have the same number of dimensions as input tensor (got ${index.shape.length} and ${x.shape.length})`);
  }
  for (let k = 0; k < xs.length; k++) {
    if (k !== d && is[k] > xs[k]) {
      throw new Error(
        `[${op}] Size does not match at dimension ${k} expected index ${showShape(index.shape)} to be no larger ` +
          `than self ${showShape(x.shape)} apart from dimension ${d}`,
      );
    }
  }
  if (src) {
    const ss = atLeast1d(src).shape;
    if (ss.length !== is.length || is.some((n, k) => n > ss[k])) {
      throw new Error(`[${op}] expected index ${showShape(index.shape)} to be no larger than src ${showShape(src.shape)} in every dimension`);
    }
    if (src.dtype !== x.dtype) throw new Error(`[${op}] expected self.dtype to be equal to src.dtype, got ${x.dtype} and ${src.dtype}`);
  }
  if (xs[d] === 0 && index.numel() > 0) throw new Error(`[${op}] index is out of bounds for dimension ${d} with size 0`);
  checkIndexBounds(op, index, xs[d], d, false);
  return d;
}

/**
 * `out[i][j] = x[i][index[i][j]]` along `dim` (any rank); the output has `index`'s shape.
 * Recorded as `'gather'` with inputs `[x, index]` and attrs `{ dim, inputShape }`.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = checkGatherScatter('gather', x, dim, index, null);
  return differentiable('gather', [x, index], { dim: d, inputShape: x.shape }, () => {
    const out = emptyTensor(index.shape, x.dtype, x.device);
    if (out.numel() === 0) return out;
    const is = atLeast1d(index);
    backendOf(x).gather(
      { ...viewOf(out), shape: is.shape, strides: contiguousStrides(is.shape) }, { ...viewOf(x), ...atLeast1d(x) }, d,
      { ...viewOf(index), ...is },
    );
    return out;
  });
}

function scatterInto(op: 'scatter' | 'scatterAdd', x: Tensor, d: number, index: Tensor, src: Tensor, srcIsScalar: boolean): Tensor {
  const out = contiguousCopy(x);
  if (index.numel() === 0) return out;
  const is = atLeast1d(index);
  const source = srcIsScalar
    ? { ...viewOf(src), shape: is.shape, strides: is.shape.map(() => 0) }
    : { ...viewOf(src), shape: is.shape, strides: atLeast1d(src).strides };
  const target = { ...viewOf(out), ...atLeast1d(out) };
  if (op === 'scatter') backendOf(x).scatter(target, d, { ...viewOf(index), ...is }, source);
  else backendOf(x).scatterAdd(target, d, { ...viewOf(index), ...is }, source);
  return out;
}

/**
 * A copy of `x` with `src` (a tensor of `x`'s dtype, or a scalar) written at `index` along `dim`.
 * Recorded as `'scatter'` with inputs `[x, index, src]` (a scalar as a 0-d tensor) and attrs
 * `{ dim, scalarSrc, inputShape }`.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor {
  checkValue('scatter', src);
  const d = checkGatherScatter('scatter', x, dim, index, src instanceof Tensor ? src : null);
  if (!(src instanceof Tensor)) checkedScalar('scatter', src, x.dtype);
  const srcInput = src instanceof Tensor ? src : scalarTensor(src, x.dtype, x.device);
  const attrs = { dim: d, scalarSrc: !(src instanceof Tensor), inputShape: x.shape };
  return differentiable('scatter', [x, index, srcInput], attrs, () => scatterInto('scatter', x, d, index, srcInput, attrs.scalarSrc));
}

/**
 * A copy of `x` with `src` added at `index` along `dim` (duplicates summed). Recorded as
 * `'scatterAdd'` with inputs `[x, index, src]` and attrs `{ dim, inputShape }`.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkTensor('scatterAdd', src, 'src');
  const d = checkGatherScatter('scatterAdd', x, dim, index, src);
  return differentiable('scatterAdd', [x, index, src], { dim: d, inputShape: x.shape }, () => scatterInto('scatterAdd', x, d, index, src, false));
}

/**
 * The slices of `x` along `dim` at the positions in a 1-D `index` (a copy). Recorded as
 * `'indexSelect'` with inputs `[x, index]` and attrs `{ dim, inputShape }`.
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('indexSelect', x);
  checkTensor('indexSelect', index, 'index');
  checkIndexDtype('indexSelect', index);
  commonDevice('indexSelect', [x, index]);
  if (index.shape.length > 1) throw new Error(`[indexSelect] index_select(): Index is supposed to be a vector, got shape ${showShape(index.shape)}`);
  const rank = x.shape.length;
  const d = normalizeDim('indexSelect', dim, rank);
  const n = index.numel();
  if (rank === 0 && n !== 1) throw new Error(`[indexSelect] index_select(): Index to scalar can have only 1 value, got ${n} value(s)`);
  const xs = atLeast1d(x);
  if (xs.shape[d] === 0 && n > 0) throw new Error(`[indexSelect] index is out of bounds for dimension ${d} with size 0`);
  checkIndexBounds('indexSelect', index, xs.shape[d], d, false);
  const outShape = rank === 0 ? [] : x.shape.map((s, k) => (k === d ? n : s));
  return differentiable('indexSelect', [x, index], { dim: d, inputShape: x.shape }, () => {
    const out = emptyTensor(outShape, x.dtype, x.device);
    if (out.numel() === 0) return out;
    const kernelShape = rank === 0 ? [1] : outShape;
    const step = index.shape.length === 0 ? 0 : index._strides[0];
    backendOf(x).gather(
      { ...viewOf(out), shape: kernelShape, strides: contiguousStrides(kernelShape) }, { ...viewOf(x), ...xs }, d,
      { ...viewOf(index), shape: kernelShape, strides: kernelShape.map((_, k) => (k === d ? step : 0)) },
    );
    return out;
  });
}

/** The broadcast shape of `x` and `mask` (0-d read as `[1]`) and the mask read at that shape. */
function maskedSelectPlan(op: string, x: Tensor, mask: Tensor): { shape: number[]; mask: Tensor } {
  checkTensor(op, x);
  checkTensor(op, mask, 'mask');
  if (mask.dtype !== 'bool') throw new Error(`[${op}] expected mask to be a bool tensor, got ${mask.dtype}`);
  commonDevice(op, [x, mask]);
  const broadcast = broadcastShapes(op, x.shape, mask.shape);
  const shape = broadcast.length === 0 ? [1] : broadcast;
  return { shape, mask: new Tensor(mask._storage, shape, broadcastStrides(mask.shape, mask._strides, shape), mask._offset) };
}

/** The elements of `x` (broadcast to `shape`) at the coordinates `coords` (`[n, rank]`), recorded as `'maskedSelect'`. */
function maskedSelectAt(x: Tensor, mask: Tensor, shape: number[], coords: Tensor): Tensor {
  const n = coords.shape[0];
  const k = shape.length;
  const indices = Array.from({ length: k }, (_, j) => new Tensor(coords._storage, [n], [k], j));
  const spread = new Tensor(x._storage, shape, broadcastStrides(x.shape, x._strides, shape), x._offset);
  const layout = indexLayout('maskedSelect', shape, indices);
  return differentiable('maskedSelect', [x, mask], { indices, shape, inputShape: x.shape }, () =>
    gatherIndexed('maskedSelect', spread, indices, layout),
  );
}

/**
 * The elements of `x` where `mask` (bool, broadcast with `x`) is true, as a 1-D tensor. Reads the
 * count synchronously (CPU); elsewhere use {@link maskedSelectAsync}. Recorded as `'maskedSelect'`
 * with inputs `[x, mask]` and attrs `{ indices, shape, inputShape }`: `indices` are int64 `[n]`
 * tensors, one per dim of the broadcast `shape` (`[1]` for 0-d), locating each output element.
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  const plan = maskedSelectPlan('maskedSelect', x, mask);
  const coords = nonzeroSync('maskedSelect', plan.mask, 'use await torch.maskedSelectAsync(x, mask)');
  return maskedSelectAt(x, mask, plan.shape, coords);
}

/** {@link maskedSelect} on every device: awaits the count instead of reading it synchronously. */
export async function maskedSelectAsync(x: Tensor, mask: Tensor): Promise<Tensor> {
  const plan = maskedSelectPlan('maskedSelectAsync', x, mask);
  const coords = await nonzeroAsync(plan.mask);
  return maskedSelectAt(x, mask, plan.shape, coords);
}
