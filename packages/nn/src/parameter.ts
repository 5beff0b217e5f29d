/**
 * `nn.Parameter`: a tensor that a {@link Module} registers as a parameter when assigned to one of its
 * fields.
 *
 * @module
 */
import { Tensor, empty, keep } from '@typetorch/core';

/**
 * A leaf tensor that is a module parameter (PyTorch's `torch.nn.Parameter`). It shares `data`'s
 * storage (no copy) and, unlike `data`, is a leaf of the graph that requires grad by default.
 * Assigning one to a field of a Module registers it (`this.weight = new nn.Parameter(...)`).
 *
 * A parameter's memory is never freed by an enclosing `torch.tidy` (like a TensorFlow.js variable).
 * Operations on a parameter give plain tensors, as in PyTorch; `instanceof nn.Parameter` tells
 * parameters apart, and `instanceof torch.Tensor` holds too.
 *
 * @example
 * ```ts
 * const w = new nn.Parameter(torch.zeros(2, 3));
 * w.requiresGrad;   // true
 * String(w);        // 'Parameter containing:\ntensor([[0., 0., 0.],\n        [0., 0., 0.]], requires_grad=True)'
 * ```
 */
export class Parameter extends Tensor {
  /**
   * @param data - the values; the parameter views its storage, shape, strides and offset
   *   (default: an empty float tensor, as PyTorch's `Parameter()`).
   * @param requiresGrad - whether gradients accumulate into `.grad` (default true; only floating
   *   point parameters can require grad).
   */
  constructor(data?: Tensor | null, requiresGrad = true) {
    const source = data ?? empty(0);
    if (!(source instanceof Tensor)) {
      throw new TypeError(`[Parameter] expected a Tensor as data, got ${typeof source}`);
    }
    // Like PyTorch's `_make_subclass(cls, data.detach(), requires_grad)`: an alias of the same memory
    // with no history, so it is a leaf; not a view in autograd's sense.
    super(source._storage, source.shape, source._strides, source._offset, null);
    // Model state outlives any `tidy` scope it was created in (as tf.js variables do).
    keep(this);
    if (requiresGrad) {
      if (!this.isFloatingPoint()) {
        throw new Error(`[Parameter] only tensors of floating point dtype can require gradients, got ${this.dtype}`);
      }
      this._requiresGrad = true;
    }
  }

  /** PyTorch's repr: `'Parameter containing:\n'` followed by the tensor's repr. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
