/**
 * The in-place protocol shared by every `_` method: write an op's result through `self` (and its
 * views), bump the storage version, and move `self` onto the result's graph node, including
 * PyTorch's `CopySlices` when `self` is a view.
 *
 * @module
 */
import { canCast } from '../dtype.js';
import {
  backendOf, broadcastViewOf, bumpVersion, castTo, checkTensor, differentiable, emptyTensor, viewOf,
} from '../dispatch.js';
import { broadcastShapes, isContiguousLayout, showShape } from '../shape.js';
import { isGradEnabled } from '../grad-mode.js';
import { getAutograd, requireAutograd } from '../autograd-hooks.js';
import { Tensor, type ScalarLike, type TensorLike } from '../tensor.js';
import { asStrided, clone } from './views.js';
import { checkedScalar } from './creation-options.js';

function checkInPlaceAllowed(op: string, self: Tensor): void {
  if (!isGradEnabled()) return;
  if (self.isLeaf && self._requiresGrad) {
    throw new Error(`[${op}] a leaf Variable that requires grad is being used in an in-place operation.`);
  }
  const base = self._base;
  if (base !== null && base.isLeaf && base._requiresGrad) {
    throw new Error(`[${op}] a view of a leaf Variable that requires grad is being used in an in-place operation.`);
  }
}

/** In-place ops that PyTorch still allows on a destination with internal overlap (it only warns for maskedFill_). */
const OVERLAP_ALLOWED = new Set(['fill_', 'zero_', 'maskedFill_']);

/**
 * PyTorch's `assert_no_internal_overlap`: an in-place op may not write into a tensor in which
 * several elements share one memory location (an expanded view: stride 0 on a dim of size > 1);
 * the result would depend on the order of the writes.
 */
export function checkNoInternalOverlap(op: string, self: Tensor): void {
  if (self.shape.some((size, i) => size > 1 && self._strides[i] === 0)) {
    throw new Error(
      `[${op}] unsupported operation: more than one element of the written-to tensor refers to a single ` +
        `memory location. Please clone() the tensor before performing the operation.`,
    );
  }
}

/**
 * Writes an op's out-of-place `result` into `self` (through views), bumps the version counter and,
 * when the result was recorded, moves `self` onto the result's history, as PyTorch's in-place ops do.
 * The dtype may only stay or narrow within its category (an int tensor cannot take a float result).
 * `compute` receives the tensor to read `self`'s old values from.
 */
export function inplace<T extends Tensor>(op: string, self: T, compute: (src: Tensor) => Tensor): T {
  checkInPlaceAllowed(op, self);
  if (!OVERLAP_ALLOWED.has(op)) checkNoInternalOverlap(op, self);
  const result = compute(self);
  // The op's node may have saved `self`'s old values for its rule (mul_ saves self for other's grad).
  if (result._gradFn !== null) getAutograd()?.saveBeforeOverwrite(result._gradFn, self);
  if (!canCast(result.dtype, self.dtype)) {
    throw new Error(`[${op}] result type ${result.dtype} can't be cast to the desired output type ${self.dtype}`);
  }
  if (result.shape.length !== self.shape.length || result.shape.some((d, i) => d !== self.shape[i])) {
    throw new Error(`[${op}] output with shape ${showShape(self.shape)} doesn't match the broadcast shape ${showShape(result.shape)}`);
  }
  writeInto(self, result);
  if (result._gradFn !== null) rebase(op, self, result);
  return self;
}

function writeInto(self: Tensor, values: Tensor): void {
  backendOf(self).copy(viewOf(self), broadcastViewOf(values, self.shape));
  bumpVersion(self);
}

function rebase(op: string, self: Tensor, result: Tensor): void {
  if (self._base !== null) rebaseThroughView(op, self, self._base, result);
  else {
    self._gradFn = result._gradFn;
    self._outputNr = result._outputNr;
  }
  // Hooks and retainGrad() follow the tensor to its new node, as in PyTorch.
  if (self._retainsGrad || (self._hooks?.length ?? 0) > 0) getAutograd()?.watch(self);
}

/**
 * An in-place write through a view changes its base too, so the base gets a new node (PyTorch's
 * `CopySlices`): the gradient of the written region goes to `result`, the rest to the base's
 * earlier history. The view then becomes a view of the rebased base.
 */
function rebaseThroughView(op: string, view: Tensor, base: Tensor, result: Tensor): void {
  if (!isContiguousLayout(base.shape, base._strides)) {
    throw new Error(`[${op}] in-place changes through a view of a non-contiguous tensor that requires grad are not supported`);
  }
  const before = new Tensor(base._storage, base.shape, base._strides, base._offset);
  before._gradFn = base._gradFn;
  before._outputNr = base._outputNr;
  before._requiresGrad = base._requiresGrad;
  const region = { size: [...view.shape], stride: [...view._strides], offset: view._offset - base._offset };
  requireAutograd(op).record('copySlices', [before, result], [base], region);
  const regenerated = asStrided(base, view.shape, view._strides, view._offset);
  view._gradFn = regenerated._gradFn;
  view._outputNr = regenerated._outputNr;
}

/** `self.copy_(src)`: writes `src` broadcast to `self`'s shape and cast to its dtype. */
export function copyInto<T extends Tensor>(self: T, src: TensorLike): T {
  checkTensor('copy_', self, 'self');
  checkInPlaceAllowed('copy_', self);
  if (!(src instanceof Tensor)) return fillInto(self, src, 'copy_');
  if (src.device !== self.device) {
    // Cross-device copies go through the host; the async read keeps WebGPU honest elsewhere.
    throw new Error(`[copy_] expected src on device '${self.device}', got '${src.device}'; use src.to('${self.device}') first`);
  }
  broadcastShapes('copy_', self.shape, src.shape);
  checkNoInternalOverlap('copy_', self);
  let result = src.requiresGrad && isGradEnabled() ? src.expand(self.shape).to(self.dtype) : src;
  // A source that reads self's memory through another view (x.copy_(x.t()), x[1:].copy_(x[:-1]))
  // is copied first: the element-by-element write would otherwise read values it already overwrote.
  if (result._storage === self._storage && !sameView(result, self)) result = clone(result);
  writeInto(self, result);
  if (result._gradFn !== null) rebase('copy_', self, result);
  return self;
}

/** Whether two tensors view exactly the same elements in the same order. */
function sameView(a: Tensor, b: Tensor): boolean {
  return a._offset === b._offset && a.shape.length === b.shape.length &&
    a.shape.every((d, i) => d === b.shape[i] && (d === 1 || a._strides[i] === b._strides[i]));
}

/** `self.fill_(value)`: sets every element (`zero_` is `fill_(0)`). */
export function fillInto<T extends Tensor>(self: T, value: TensorLike, op = 'fill_'): T {
  checkTensor(op, self, 'self');
  if (value instanceof Tensor && value.shape.length !== 0) {
    throw new Error(`[${op}] expected a 0-dimensional value tensor, got shape ${showShape(value.shape)}`);
  }
  const tensorValue = value instanceof Tensor;
  if (isGradEnabled() && (self.requiresGrad || (tensorValue && value.requiresGrad))) {
    // Recorded, so a tensor with history keeps a graph node (ZeroBackward0 / FillBackward*).
    const attrs = { zero: op === 'zero_', tensorValue };
    return inplace(op, self, (src) =>
      differentiable('fill', tensorValue ? [src, value] : [src], attrs, () => filled(src, value, op)),
    );
  }
  checkInPlaceAllowed(op, self);
  if (tensorValue) writeInto(self, castTo(value, self.dtype));
  else {
    // Checked as PyTorch converts fill values: uint8.fill_(300) is an overflow error, not 44.
    backendOf(self).fill(viewOf(self), checkedScalar(op, value as ScalarLike, self.dtype));
    bumpVersion(self);
  }
  return self;
}

/** A new tensor shaped like `like`, every element `value`. */
function filled(like: Tensor, value: TensorLike, op: string): Tensor {
  const out = emptyTensor(like.shape, like.dtype, like.device);
  if (value instanceof Tensor) backendOf(out).copy(viewOf(out), broadcastViewOf(castTo(value, like.dtype), like.shape));
  else backendOf(out).fill(viewOf(out), checkedScalar(op, value as ScalarLike, like.dtype));
  return out;
}
