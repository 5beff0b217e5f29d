/**
 * The Tensor class: a strided view of a storage plus autograd metadata. Methods are thin: each
 * delegates to the op of the same name in `ops/`, where validation, promotion and dispatch live.
 *
 * @module
 */
import type { TypedArray } from './backend/contract.js';
import type { DType } from './dtype.js';
import { Storage } from './storage.js';
import { type Size, type SizeArgs, toSize, numelOf, isContiguousLayout, normalizeDim } from './shape.js';
import { isGradEnabled } from './grad-mode.js';
import { getAutograd, requireAutograd, type BackwardOptions, type GradNode } from './autograd-hooks.js';
import * as ew from './ops/elementwise.js';
import * as ip from './ops/inplace.js';
import * as red from './ops/reduce.js';
import * as vw from './ops/views.js';
import * as la from './ops/linalg.js';
import * as ix from './ops/indexing.js';
import * as cv from './ops/convert.js';
import * as cr from './ops/creation.js';
import * as rnd from './ops/random.js';
import { formatTensor } from './format/format-tensor.js';
import { getDefaultDtype } from './defaults.js';
import { retainWith } from './tidy.js';

/** A number, bigint or boolean used where PyTorch accepts a Python scalar. */
export type ScalarLike = number | bigint | boolean;
/** A tensor or a scalar operand. */
export type TensorLike = Tensor | ScalarLike;
/** Options of reductions. */
export interface ReduceOptions {
  /** Keep reduced dims with size 1. */
  keepdim?: boolean;
  /** Convert the input to this dtype first. */
  dtype?: DType;
}
/** The `(values, indices)` pair of `max(dim)`, `min(dim)`, `sort`, `topk`, ... */
export interface ValuesIndices {
  /** The extreme values. */
  values: Tensor;
  /** Their int64 indices along the dim. */
  indices: Tensor;
}
/** A gradient hook: may return a replacement gradient. */
export type GradHook = (grad: Tensor) => Tensor | void | undefined;
/** The handle returned by `registerHook`. */
export interface RemovableHandle {
  /** Unregisters the hook. */
  remove(): void;
}
/** An index item of {@link Tensor.index}: an integer, a slice string, `'...'`, `null`, an index tensor or array. */
export type IndexItem = number | string | null | Tensor | readonly number[] | readonly boolean[];
/** Where a tensor can go with `to()`: a dtype, a device name, or both. */
export type ToTarget = DType | string | {
  /** The target dtype. */
  dtype?: DType;
  /** The target device. */
  device?: string;
};
/** Options of creation functions. */
export interface TensorOptions {
  /** Element type (default: the default float dtype, or inferred from data). */
  dtype?: DType;
  /** Device name (default: the default device, normally `'cpu'`). */
  device?: string;
  /** Make the new tensor a leaf that requires grad. */
  requiresGrad?: boolean;
}

/** A detached tensor that shares storage and can also be called to read values: the result of `.data`. */
export type DataTensor = Tensor & (() => Promise<TypedArray>);

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * A multi-dimensional array of one dtype on one device, with PyTorch's methods.
 * Create tensors with `torch.tensor`, `torch.zeros`, `torch.randn`, ...
 */
export class Tensor {
  /** The shared memory this tensor views. */
  _storage!: Storage;
  /** Size of each dimension. */
  shape!: Size;
  /** Step in elements between neighbours along each dimension. */
  _strides!: readonly number[];
  /** Index of the first element in the storage. */
  _offset!: number;
  /** The tensor this one is a view of (its root), or null. */
  _base!: Tensor | null;
  /** For leaves: whether gradients accumulate into `.grad`. */
  _requiresGrad!: boolean;
  /** The node that computed this tensor, or null for leaves. */
  _gradFn!: GradNode | null;
  /** Which output of `_gradFn` this tensor is. */
  _outputNr!: number;
  /** Accumulated gradient (leaves, or non-leaves after `retainGrad()`). */
  grad!: Tensor | null;
  /** Whether a non-leaf keeps its gradient in `.grad`. */
  _retainsGrad!: boolean;
  /** Gradient hooks in registration order. */
  _hooks!: GradHook[] | null;

  /** @internal Use `torch.tensor`, `torch.empty`, ... to create tensors. */
  constructor(storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, base: Tensor | null = null) {
    Tensor._init(this, storage, shape, strides, offset, base);
  }

  /** @internal Initialises fields; shared with the callable tensor of `.data`. */
  static _init(t: Tensor, storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, base: Tensor | null): void {
    t._storage = storage;
    t.shape = toSize(shape);
    t._strides = strides;
    t._offset = offset;
    t._base = base;
    t._requiresGrad = false;
    t._gradFn = null;
    t._outputNr = 0;
    t.grad = null;
    t._retainsGrad = false;
    t._hooks = null;
  }

  // ---- metadata ----
  /** The element type. */
  get dtype(): DType { return this._storage.dtype; }
  /** The device name (`'cpu'`, `'webgpu'`, ...). */
  get device(): string { return this._storage.device; }
  /** Number of dimensions (PyTorch's `ndim`). */
  get ndim(): number { return this.shape.length; }
  /** The shape, or the size of one dimension (negative dims count from the end). */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    if (dim === undefined) return this.shape;
    return this.shape[normalizeDim('size', dim, this.shape.length)];
  }
  /** The strides, or the stride of one dimension. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this._strides];
    return this._strides[normalizeDim('stride', dim, this.shape.length)];
  }
  /** Offset of the first element in the storage. */
  storageOffset(): number { return this._offset; }
  /** Number of dimensions. */
  dim(): number { return this.shape.length; }
  /** Number of elements. */
  numel(): number { return numelOf(this.shape); }
  /** Bytes per element. */
  elementSize(): number { return cv.elementSize(this.dtype); }
  /** True when the elements are laid out row-major without gaps. */
  isContiguous(): boolean { return isContiguousLayout(this.shape, this._strides); }
  /** True for float32 and float64 tensors. */
  isFloatingPoint(): boolean { return this.dtype === 'float32' || this.dtype === 'float64'; }
  /** The storage version counter (PyTorch's `_version`). */
  get _version(): number { return this._storage.version; }

  // ---- autograd metadata ----
  /** Whether gradients flow to this tensor. */
  get requiresGrad(): boolean { return this._requiresGrad || this._gradFn !== null; }
  /** Same as {@link requiresGrad_}. */
  set requiresGrad(value: boolean) { this.requiresGrad_(value); }
  /** Sets `requiresGrad` on a leaf, in place; returns this tensor. */
  requiresGrad_(value = true): this {
    if (this._gradFn !== null) {
      if (!value) {
        throw new Error(
          `[requiresGrad_] you can only change requires_grad flags of leaf variables. ` +
            `If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().`,
        );
      }
      return this;
    }
    if (value && !this.isFloatingPoint()) {
      throw new Error(`[requiresGrad_] only tensors of floating point dtype can require gradients, got ${this.dtype}`);
    }
    this._requiresGrad = value;
    return this;
  }
  /** True for tensors not computed by a recorded op (user-created, or not requiring grad). */
  get isLeaf(): boolean { return this._gradFn === null; }
  /** The backward node that computed this tensor (PyTorch's `grad_fn`), or null. */
  get gradFn(): GradNode | null { return this._gradFn; }
  /** Whether this non-leaf keeps `.grad` (see {@link retainGrad}). */
  get retainsGrad(): boolean { return this._retainsGrad; }
  /** Makes a non-leaf keep its gradient in `.grad` during backward. */
  retainGrad(): void {
    if (!this.requiresGrad) throw new Error(`[retainGrad] can't retain_grad on Tensor that has requires_grad=False`);
    if (this.isLeaf || this._retainsGrad) return;
    this._retainsGrad = true;
    getAutograd()?.watch(this);
  }
  /** Registers a hook called with this tensor's gradient; its return value replaces the gradient. */
  registerHook(hook: GradHook): RemovableHandle {
    if (!this.requiresGrad) {
      throw new Error(`[registerHook] cannot register a hook on a tensor that doesn't require gradient`);
    }
    const hooks = (this._hooks ??= []);
    if (hooks.length === 0 && !this.isLeaf) getAutograd()?.watch(this);
    hooks.push(hook);
    return { remove: () => { const i = hooks.indexOf(hook); if (i >= 0) hooks.splice(i, 1); } };
  }
  /** Computes gradients of this tensor with respect to the graph's leaves (needs `@typetorch/autograd`); options may come first when no gradient is given. */
  backward(gradient?: Tensor | BackwardOptions | null, options: BackwardOptions = {}): void {
    // `y.backward({ retainGraph: true })`: options without a gradient, as PyTorch's keyword form.
    if (gradient !== undefined && gradient !== null && !(gradient instanceof Tensor)) {
      if (typeof gradient !== 'object' || Array.isArray(gradient)) {
        throw new Error(`[backward] expected gradient to be a Tensor (or an options object), got ${Array.isArray(gradient) ? 'an array' : typeof gradient}`);
      }
      return this.backward(undefined, gradient);
    }
    requireAutograd('backward').backward(this, gradient ?? undefined, options);
  }
  /** A tensor sharing storage with this one, detached from the graph. */
  detach(): Tensor { return vw.detach(this); }
  /** Detaches this tensor from the graph in place. */
  detach_(): this {
    this._gradFn = null;
    this._requiresGrad = false;
    return this;
  }

  /**
   * `.data`: a detached tensor sharing this tensor's storage (as PyTorch's `.data`), which can also be
   * called: `await x.data()` reads the values as a typed array (a copy).
   */
  get data(): DataTensor {
    const read = (() => cv.readData(read)) as unknown as DataTensor;
    Object.setPrototypeOf(read, Tensor.prototype);
    // Like PyTorch's `.data`, not a view in autograd's sense: writes through it are allowed on leaves.
    Tensor._init(read, this._storage, this.shape, this._strides, this._offset, null);
    return read;
  }
  /** Replaces this tensor's storage, shape and strides with another's (PyTorch's `x.data = y`). */
  set data(value: Tensor) {
    if (!(value instanceof Tensor)) throw new Error(`[data] expected a Tensor, got ${typeof value}`);
    retainWith(this, value);
    this._storage = value._storage;
    this.shape = value.shape;
    this._strides = value._strides;
    this._offset = value._offset;
    this._base = value._base;
  }

  // ---- host reads ----
  /** The single value of a one-element tensor (numbers for numeric dtypes, booleans for bool). */
  item(): Promise<number | boolean> { return cv.item(this); }
  /** {@link item}, synchronously (devices that can read synchronously only, e.g. CPU). */
  itemSync(): number | boolean { return cv.itemSync(this); }
  /** The values as nested arrays. */
  tolist(): Promise<unknown> { return cv.tolist(this); }
  /** {@link tolist}, synchronously (CPU). */
  tolistSync(): unknown { return cv.tolistSync(this); }
  /** The values as a new contiguous typed array, synchronously (CPU). */
  dataSync(): TypedArray { return cv.dataSync(this); }

  // ---- conversion ----
  /** Converts to a dtype and/or device; returns this tensor when nothing changes. */
  to(target: ToTarget, options?: { dtype?: DType; copy?: boolean }): Tensor { return cv.to(this, target, options); }
  /** {@link to} for any pair of devices, reading the source asynchronously (e.g. from WebGPU). */
  toAsync(target: ToTarget, options?: { dtype?: DType; copy?: boolean }): Promise<Tensor> { return cv.toDeviceAsync(this, target, options); }
  /** Converts to a dtype. */
  type(dtype: DType): Tensor { return cv.to(this, dtype); }
  /** Copies to the CPU device. */
  cpu(): Tensor { return cv.to(this, 'cpu'); }
  /** Converts to float32. */
  float(): Tensor { return cv.to(this, 'float32'); }
  /** Converts to float64. */
  double(): Tensor { return cv.to(this, 'float64'); }
  /** Converts to int32. */
  int(): Tensor { return cv.to(this, 'int32'); }
  /** Converts to int64. */
  long(): Tensor { return cv.to(this, 'int64'); }
  /** Converts to bool. */
  bool(): Tensor { return cv.to(this, 'bool'); }
  /** Converts to uint8. */
  byte(): Tensor { return cv.to(this, 'uint8'); }
  /** Frees device memory now (views of the same storage become unusable). */
  dispose(): void { this._storage.dispose(); }
  /** `using t = ...` disposes the tensor at the end of the scope. */
  [Symbol.dispose](): void { this.dispose(); }
  /** True once the storage was disposed. */
  get isDisposed(): boolean { return this._storage.isDisposed; }

  // ---- creation from this tensor ----
  /** A tensor of ones with this tensor's dtype and device unless given. */
  newOnes(...args: [...SizeArgs] | [...SizeArgs, TensorOptions]): Tensor { return cr.newFilled(this, 1, args, 'newOnes'); }
  /** A tensor of zeros with this tensor's dtype and device unless given. */
  newZeros(...args: [...SizeArgs] | [...SizeArgs, TensorOptions]): Tensor { return cr.newFilled(this, 0, args, 'newZeros'); }
  /** An uninitialised tensor with this tensor's dtype and device unless given. */
  newEmpty(...args: [...SizeArgs] | [...SizeArgs, TensorOptions]): Tensor { return cr.newFilled(this, 0, args, 'newEmpty'); }
  /** A tensor filled with `value`, with this tensor's dtype and device unless given. */
  newFull(size: readonly number[], value: ScalarLike, options?: TensorOptions): Tensor { return cr.newFilled(this, value, [size, options ?? {}]); }
  /** A tensor from data, with this tensor's dtype and device unless given. */
  newTensor(data: unknown, options?: TensorOptions): Tensor { return cr.tensor(data, { dtype: this.dtype, device: this.device, ...options }); }

  // ---- elementwise ----
  /** `this + alpha * other`. */
  add(other: TensorLike, options?: { alpha?: number }): Tensor { return ew.add(this, other, options); }
  /** `this - alpha * other`. */
  sub(other: TensorLike, options?: { alpha?: number }): Tensor { return ew.sub(this, other, options); }
  /** Elementwise product. */
  mul(other: TensorLike): Tensor { return ew.mul(this, other); }
  /** True division (integers give floats); `roundingMode` `'trunc'` or `'floor'` as in PyTorch. */
  div(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor { return ew.div(this, other, options); }
  /** Alias of {@link div}. */
  true_divide(other: TensorLike): Tensor { return ew.div(this, other); }
  /** Floor division, rounding toward negative infinity. */
  floorDivide(other: TensorLike): Tensor { return ew.floorDivide(this, other); }
  /** Python's modulus: the result has the divisor's sign. */
  remainder(other: TensorLike): Tensor { return ew.remainder(this, other); }
  /** C's modulus: the result has the dividend's sign. */
  fmod(other: TensorLike): Tensor { return ew.fmod(this, other); }
  /** Elementwise power. */
  pow(exponent: TensorLike): Tensor { return ew.pow(this, exponent); }
  /** Four-quadrant arctangent of `this / other`. */
  atan2(other: TensorLike): Tensor { return ew.atan2(this, other); }
  /** Elementwise minimum (NaN propagates). */
  minimum(other: Tensor): Tensor { return ew.minimum(this, other); }
  /** Elementwise maximum (NaN propagates). */
  maximum(other: Tensor): Tensor { return ew.maximum(this, other); }
  /** `this + weight * (end - this)`. */
  lerp(end: Tensor, weight: TensorLike): Tensor { return ew.lerp(this, end, weight); }
  /** Clamps into `[min, max]`; either bound may be omitted (or a tensor). */
  clamp(min?: TensorLike | null | { min?: TensorLike | null; max?: TensorLike | null }, max?: TensorLike | null): Tensor { return ew.clamp(this, min, max); }
  /** Alias of {@link clamp}. */
  clip(min?: TensorLike | null | { min?: TensorLike | null; max?: TensorLike | null }, max?: TensorLike | null): Tensor { return ew.clamp(this, min, max); }
  /** `-this`. */ neg(): Tensor { return ew.unary('neg', this); }
  /** Alias of {@link neg}. */ negative(): Tensor { return ew.unary('neg', this); }
  /** `|this|`. */ abs(): Tensor { return ew.unary('abs', this); }
  /** -1, 0 or 1. */ sign(): Tensor { return ew.unary('sign', this); }
  /** `e^x`. */ exp(): Tensor { return ew.unary('exp', this); }
  /** `2^x`. */ exp2(): Tensor { return ew.unary('exp2', this); }
  /** `e^x - 1`, accurate near 0. */ expm1(): Tensor { return ew.unary('expm1', this); }
  /** Natural logarithm. */ log(): Tensor { return ew.unary('log', this); }
  /** Base-2 logarithm. */ log2(): Tensor { return ew.unary('log2', this); }
  /** Base-10 logarithm. */ log10(): Tensor { return ew.unary('log10', this); }
  /** `log(1 + x)`, accurate near 0. */ log1p(): Tensor { return ew.unary('log1p', this); }
  /** Square root. */ sqrt(): Tensor { return ew.unary('sqrt', this); }
  /** `1 / sqrt(x)`. */ rsqrt(): Tensor { return ew.unary('rsqrt', this); }
  /** `1 / x`. */ reciprocal(): Tensor { return ew.unary('reciprocal', this); }
  /** Sine. */ sin(): Tensor { return ew.unary('sin', this); }
  /** Cosine. */ cos(): Tensor { return ew.unary('cos', this); }
  /** Tangent. */ tan(): Tensor { return ew.unary('tan', this); }
  /** Arcsine. */ asin(): Tensor { return ew.unary('asin', this); }
  /** Arccosine. */ acos(): Tensor { return ew.unary('acos', this); }
  /** Arctangent. */ atan(): Tensor { return ew.unary('atan', this); }
  /** Hyperbolic sine. */ sinh(): Tensor { return ew.unary('sinh', this); }
  /** Hyperbolic cosine. */ cosh(): Tensor { return ew.unary('cosh', this); }
  /** Hyperbolic tangent. */ tanh(): Tensor { return ew.unary('tanh', this); }
  /** Logistic sigmoid. */ sigmoid(): Tensor { return ew.unary('sigmoid', this); }
  /** `max(x, 0)`. */ relu(): Tensor { return ew.unary('relu', this); }
  /** Error function. */ erf(): Tensor { return ew.unary('erf', this); }
  /** Rounds down. */ floor(): Tensor { return ew.unary('floor', this); }
  /** Rounds up. */ ceil(): Tensor { return ew.unary('ceil', this); }
  /** Rounds half to even. */ round(): Tensor { return ew.unary('round', this); }
  /** Rounds toward zero. */ trunc(): Tensor { return ew.unary('trunc', this); }
  /** `x ** 2` (bool and integer inputs follow pow: bool gives int64). */ square(): Tensor { return ew.pow(this, 2); }
  /** Logical not (bool result). */ logicalNot(): Tensor { return ew.unary('logicalNot', this); }
  /** True where NaN. */ isnan(): Tensor { return ew.unary('isnan', this); }
  /** True where ±infinity. */ isinf(): Tensor { return ew.unary('isinf', this); }
  /** True where finite. */ isfinite(): Tensor { return ew.unary('isfinite', this); }
  /** Elementwise `==` (bool result). */ eq(other: TensorLike): Tensor { return ew.compare('eq', this, other); }
  /** Elementwise `!=`. */ ne(other: TensorLike): Tensor { return ew.compare('ne', this, other); }
  /** Elementwise `<`. */ lt(other: TensorLike): Tensor { return ew.compare('lt', this, other); }
  /** Elementwise `<=`. */ le(other: TensorLike): Tensor { return ew.compare('le', this, other); }
  /** Elementwise `>`. */ gt(other: TensorLike): Tensor { return ew.compare('gt', this, other); }
  /** Elementwise `>=`. */ ge(other: TensorLike): Tensor { return ew.compare('ge', this, other); }
  /** Logical and (bool result). */ logicalAnd(other: TensorLike): Tensor { return ew.compare('logicalAnd', this, other); }
  /** Logical or. */ logicalOr(other: TensorLike): Tensor { return ew.compare('logicalOr', this, other); }
  /** Logical exclusive or. */ logicalXor(other: TensorLike): Tensor { return ew.compare('logicalXor', this, other); }
  /** True when shapes and all values are equal. */ equal(other: Tensor): boolean { return ew.equal(this, other); }
  /** `condition ? this : other`. */ where(condition: Tensor, other: TensorLike): Tensor { return ew.where(condition, this, other); }
  /** `this` with `value` where `mask` is true. */ maskedFill(mask: Tensor, value: TensorLike): Tensor { return ew.maskedFill(this, mask, value); }

  // ---- in place (write through views, bump the version) ----
  /** In-place {@link add}. */ add_(other: TensorLike, options?: { alpha?: number }): this { return ip.inplace('add_', this, (s) => ew.add(s, other, options)); }
  /** In-place {@link sub}. */ sub_(other: TensorLike, options?: { alpha?: number }): this { return ip.inplace('sub_', this, (s) => ew.sub(s, other, options)); }
  /** In-place {@link mul}. */ mul_(other: TensorLike): this { return ip.inplace('mul_', this, (s) => ew.mul(s, other)); }
  /** In-place {@link div}. */ div_(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): this { return ip.inplace('div_', this, (s) => ew.div(s, other, options)); }
  /** In-place {@link pow}. */ pow_(exponent: TensorLike): this { return ip.inplace('pow_', this, (s) => ew.pow(s, exponent)); }
  /** In-place {@link clamp}. */ clamp_(min?: TensorLike | null | { min?: TensorLike | null; max?: TensorLike | null }, max?: TensorLike | null): this { return ip.inplace('clamp_', this, (s) => ew.clamp(s, min, max)); }
  /** In-place {@link lerp}. */ lerp_(end: Tensor, weight: TensorLike): this { return ip.inplace('lerp_', this, (s) => ew.lerp(s, end, weight)); }
  /** In-place {@link maskedFill}. */ maskedFill_(mask: Tensor, value: TensorLike): this { return ip.inplace('maskedFill_', this, (s) => ew.maskedFill(s, mask, value)); }
  /** In-place {@link neg}. */ neg_(): this { return ip.inplace('neg_', this, (s) => ew.unary('neg', s)); }
  /** In-place {@link abs}. */ abs_(): this { return ip.inplace('abs_', this, (s) => ew.unary('abs', s)); }
  /** In-place {@link exp}. */ exp_(): this { return ip.inplace('exp_', this, (s) => ew.unary('exp', s)); }
  /** In-place {@link log}. */ log_(): this { return ip.inplace('log_', this, (s) => ew.unary('log', s)); }
  /** In-place {@link sqrt}. */ sqrt_(): this { return ip.inplace('sqrt_', this, (s) => ew.unary('sqrt', s)); }
  /** In-place {@link sigmoid}. */ sigmoid_(): this { return ip.inplace('sigmoid_', this, (s) => ew.unary('sigmoid', s)); }
  /** In-place {@link tanh}. */ tanh_(): this { return ip.inplace('tanh_', this, (s) => ew.unary('tanh', s)); }
  /** In-place {@link relu}. */ relu_(): this { return ip.inplace('relu_', this, (s) => ew.unary('relu', s)); }
  /** In-place {@link floor}. */ floor_(): this { return ip.inplace('floor_', this, (s) => ew.unary('floor', s)); }
  /** In-place {@link round}. */ round_(): this { return ip.inplace('round_', this, (s) => ew.unary('round', s)); }
  /** Writes `src` (broadcast, cast) into this tensor. */ copy_(src: TensorLike): this { return ip.copyInto(this, src); }
  /** Sets every element to `value`. */ fill_(value: TensorLike): this { return ip.fillInto(this, value); }
  /** Sets every element to zero. */ zero_(): this { return ip.fillInto(this, 0, 'zero_'); }
  /** Fills with uniform numbers in `[from, to)`. */ uniform_(from = 0, to = 1, options?: { generator?: rnd.Generator }): this { return rnd.uniform_(this, from, to, options); }
  /** Fills with normal numbers. */ normal_(mean = 0, std = 1, options?: { generator?: rnd.Generator }): this { return rnd.normal_(this, mean, std, options); }
  /** Fills with 0/1 draws of probability `p` (a number or a tensor of probabilities). */ bernoulli_(p: number | Tensor = 0.5, options?: { generator?: rnd.Generator }): this { return rnd.bernoulli_(this, p, options); }
  /** Bernoulli draws with this tensor's probabilities. */ bernoulli(options?: { generator?: rnd.Generator }): Tensor { return rnd.bernoulli(this, options); }
  /** Samples indices from the rows' (unnormalised) probabilities. */ multinomial(numSamples: number, options?: { replacement?: boolean; generator?: rnd.Generator }): Tensor { return rnd.multinomial(this, numSamples, options); }

  // ---- reductions ----
  /** Sum over all or some dims. */ sum(dim?: number | readonly number[] | ReduceOptions | null, options?: ReduceOptions): Tensor { return red.sum(this, dim, options); }
  /** Mean over all or some dims. */ mean(dim?: number | readonly number[] | ReduceOptions | null, options?: ReduceOptions): Tensor { return red.mean(this, dim, options); }
  /** Product over all elements or one dim. */ prod(dim?: number | ReduceOptions | null, options?: ReduceOptions): Tensor { return red.prod(this, dim, options); }
  /** Maximum of all elements; with a dim `{ values, indices }`; with a tensor the elementwise maximum. */
  max(): Tensor;
  max(dim: number, options?: { keepdim?: boolean }): ValuesIndices;
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor, options?: { keepdim?: boolean }): Tensor | ValuesIndices { return red.max(this, dim, options); }
  /** Minimum of all elements; with a dim `{ values, indices }`; with a tensor the elementwise minimum. */
  min(): Tensor;
  min(dim: number, options?: { keepdim?: boolean }): ValuesIndices;
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor, options?: { keepdim?: boolean }): Tensor | ValuesIndices { return red.min(this, dim, options); }
  /** Maximum over dims (values only). */ amax(dim?: number | readonly number[], options?: { keepdim?: boolean }): Tensor { return red.amax(this, dim, options); }
  /** Minimum over dims (values only). */ amin(dim?: number | readonly number[], options?: { keepdim?: boolean }): Tensor { return red.amin(this, dim, options); }
  /** Index of the maximum (flattened when no dim). */ argmax(dim?: number | null, options?: { keepdim?: boolean }): Tensor { return red.argmax(this, dim, options); }
  /** Index of the minimum (flattened when no dim). */ argmin(dim?: number | null, options?: { keepdim?: boolean }): Tensor { return red.argmin(this, dim, options); }
  /** Standard deviation (`correction` 1 by default). */ std(dim?: number | readonly number[] | red.VarOptions | null, options?: red.VarOptions): Tensor { return red.std(this, dim, options); }
  /** Variance (`correction` 1 by default). */ var(dim?: number | readonly number[] | red.VarOptions | null, options?: red.VarOptions): Tensor { return red.variance(this, dim, options); }
  /** `log(sum(exp(x)))` over dims, computed stably. */ logsumexp(dim: number | readonly number[], options?: { keepdim?: boolean }): Tensor { return red.logsumexp(this, dim, options); }
  /** Vector p-norm over all or some dims (p = 2 by default). */ norm(p?: number | 'fro' | null, dim?: number | readonly number[] | null, options?: { keepdim?: boolean }): Tensor { return red.norm(this, p, dim, options); }
  /** True when all elements are nonzero. */ all(dim?: number | null, options?: { keepdim?: boolean }): Tensor { return red.all(this, dim, options); }
  /** True when any element is nonzero. */ any(dim?: number | null, options?: { keepdim?: boolean }): Tensor { return red.any(this, dim, options); }
  /** Cumulative sum along a dim. */ cumsum(dim: number, options?: { dtype?: DType }): Tensor { return red.cumsum(this, dim, options); }
  /** Cumulative product along a dim. */ cumprod(dim: number, options?: { dtype?: DType }): Tensor { return red.cumprod(this, dim, options); }
  /** Softmax along a dim. */ softmax(dim: number, options?: { dtype?: DType }): Tensor { return red.softmax(this, dim, options); }
  /** Log-softmax along a dim. */ logSoftmax(dim: number, options?: { dtype?: DType }): Tensor { return red.logSoftmax(this, dim, options); }

  // ---- linear algebra ----
  /** Matrix product with PyTorch's rules for 1-D, 2-D and batched operands. */ matmul(other: Tensor): Tensor { return la.matmul(this, other); }
  /** 2-D matrix product. */ mm(other: Tensor): Tensor { return la.mm(this, other); }
  /** Batched 3-D matrix product. */ bmm(other: Tensor): Tensor { return la.bmm(this, other); }
  /** Matrix-vector product. */ mv(other: Tensor): Tensor { return la.mv(this, other); }
  /** Dot product of 1-D tensors. */ dot(other: Tensor): Tensor { return la.dot(this, other); }
  /** Outer product of 1-D tensors. */ outer(other: Tensor): Tensor { return la.outer(this, other); }

  // ---- views and shape ----
  /** A view with a new shape (one size may be -1); strides must allow it. */ view(...shape: SizeArgs): Tensor { return vw.view(this, shape); }
  /** A view with another tensor's shape. */ viewAs(other: Tensor): Tensor { return vw.view(this, [other.shape]); }
  /** A new shape, as a view when possible, else a copy. */ reshape(...shape: SizeArgs): Tensor { return vw.reshape(this, shape); }
  /** {@link reshape} to another tensor's shape. */ reshapeAs(other: Tensor): Tensor { return vw.reshape(this, [other.shape]); }
  /** Reorders dims. */ permute(...dims: SizeArgs): Tensor { return vw.permute(this, dims); }
  /** Swaps two dims. */ transpose(dim0: number, dim1: number): Tensor { return vw.transpose(this, dim0, dim1); }
  /** Alias of {@link transpose}. */ swapaxes(dim0: number, dim1: number): Tensor { return vw.transpose(this, dim0, dim1); }
  /** Transpose of a ≤2-D tensor. */ t(): Tensor { return vw.t(this); }
  /** Transposes a ≤2-D tensor in place (its metadata). */ t_(): this { return vw.t_(this); }
  /** Transpose of the last two dims. */ get mT(): Tensor { return vw.transpose(this, -2, -1); }
  /** Moves dims to new positions. */ movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor { return vw.movedim(this, source, destination); }
  /** Broadcasts to a larger shape without copying (-1 keeps a size). */ expand(...shape: SizeArgs): Tensor { return vw.expand(this, shape); }
  /** {@link expand} to another tensor's shape. */ expandAs(other: Tensor): Tensor { return vw.expand(this, [other.shape]); }
  /** Removes dims of size 1 (all, or the given ones). */ squeeze(dim?: number | readonly number[]): Tensor { return vw.squeeze(this, dim); }
  /** Inserts a dim of size 1. */ unsqueeze(dim: number): Tensor { return vw.unsqueeze(this, dim); }
  /** Flattens dims `startDim..endDim` into one. */ flatten(startDim = 0, endDim = -1): Tensor { return vw.flatten(this, startDim, endDim); }
  /** Splits one dim into several. */ unflatten(dim: number, sizes: readonly number[]): Tensor { return vw.unflatten(this, dim, sizes); }
  /** A slice `start..start+length` of one dim. */ narrow(dim: number, start: number, length: number): Tensor { return vw.narrow(this, dim, start, length); }
  /** The slice at `index` of one dim, removing that dim. */ select(dim: number, index: number): Tensor { return vw.select(this, dim, index); }
  /** Reverses the order along dims (a copy, as in PyTorch). */ flip(...dims: SizeArgs): Tensor { return vw.flip(this, dims); }
  /** Slices along a dim, removing it. */ unbind(dim = 0): Tensor[] { return vw.unbind(this, dim); }
  /** Splits into chunks of a size, or of the given sizes. */ split(splitSize: number | readonly number[], dim = 0): Tensor[] { return vw.split(this, splitSize, dim); }
  /** Splits into a number of chunks. */ chunk(chunks: number, dim = 0): Tensor[] { return vw.chunk(this, chunks, dim); }
  /** Tiles the tensor (a copy). */ repeat(...sizes: SizeArgs): Tensor { return vw.repeat(this, sizes); }
  /** A view with explicit shape, strides and offset. */ asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor { return vw.asStrided(this, size, stride, storageOffset); }
  /** This tensor if contiguous, else a contiguous copy. */ contiguous(): Tensor { return vw.contiguous(this); }
  /** A copy with its own storage. */ clone(): Tensor { return vw.clone(this); }

  // ---- indexing ----
  /** PyTorch's `x[...]`: integers, `'start:stop:step'` slices, `'...'`, `null`, index tensors and masks. */
  index(...items: IndexItem[]): Tensor { return ix.index(this, items); }
  /** PyTorch's `x[...] = value`, in place; `accumulate` adds instead (duplicates summed). */
  indexPut_(indices: readonly IndexItem[], value: TensorLike, options?: { accumulate?: boolean }): this { return ix.indexPut_(this, indices, value, options); }
  /** Out-of-place {@link indexPut_}. */
  indexPut(indices: readonly IndexItem[], value: TensorLike, options?: { accumulate?: boolean }): Tensor { return ix.indexPut(this, indices, value, options); }
  /** Values at `index` along `dim`. */ gather(dim: number, index: Tensor): Tensor { return ix.gather(this, dim, index); }
  /** Out-of-place scatter of `src` (or a scalar) along `dim`. */ scatter(dim: number, index: Tensor, src: TensorLike): Tensor { return ix.scatter(this, dim, index, src); }
  /** In-place {@link scatter}. */ scatter_(dim: number, index: Tensor, src: TensorLike): this { return ip.inplace('scatter_', this, (s) => ix.scatter(s, dim, index, src)); }
  /** Out-of-place scatter-add along `dim`. */ scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return ix.scatterAdd(this, dim, index, src); }
  /** In-place {@link scatterAdd}. */ scatterAdd_(dim: number, index: Tensor, src: Tensor): this { return ip.inplace('scatterAdd_', this, (s) => ix.scatterAdd(s, dim, index, src)); }
  /** Rows (or slices along `dim`) at the given indices. */ indexSelect(dim: number, index: Tensor): Tensor { return ix.indexSelect(this, dim, index); }
  /** The elements where `mask` is true, as a 1-D tensor. */ maskedSelect(mask: Tensor): Tensor { return ix.maskedSelect(this, mask); }
  /** Indices of nonzero elements, `[n, dim]` int64. */ nonzero(): Tensor { return ix.nonzero(this); }

  // ---- printing ----
  /** PyTorch's repr, e.g. `'tensor([1., 2.])'`. */
  toString(): string { return cv.formatForPrint(this, formatTensor, getDefaultDtype()); }
  /** Node's `console.log` prints PyTorch's repr. */
  [inspectSymbol](): string { return this.toString(); }
  /** Plain JSON: the nested values (CPU only). */
  toJSON(): unknown { return this.tolistSync(); }
}

/** Internal: whether any of `tensors` needs a graph node (grad mode on and a requiring input). */
export function needsGrad(tensors: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of tensors) if (t.requiresGrad) return true;
  return false;
}

/** Internal: true when the autograd engine is installed. */
export function hasAutograd(): boolean {
  return getAutograd() !== undefined;
}
