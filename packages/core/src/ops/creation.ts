/**
 * Creation functions: `tensor`, `fromTypedArray`, `empty`, `zeros`, `ones`, `full`, `eye`, the
 * `*Like` functions and the `Tensor.new*` methods (`arange` and `linspace` live in `ranges.ts`,
 * the random ones in `random.ts`). Constants reach the device through the `fill` kernel, host data
 * through `write`, which copies, so a new tensor never aliases the caller's array (except
 * `fromTypedArray`, which shares memory on purpose).
 *
 * @module
 */
import { getBackend, getDefaultDevice } from '../backend/registry.js';
import { getDefaultDtype } from '../defaults.js';
import { backendOf, emptyTensor, viewOf } from '../dispatch.js';
import type { TypedArray, View } from '../backend/contract.js';
import type { DType } from '../dtype.js';
import { checkNonNegative, contiguousStrides, numelOf, parseSize, showShape, type SizeArgs } from '../shape.js';
import { Storage } from '../storage.js';
import { Tensor, type ScalarLike, type TensorOptions } from '../tensor.js';
import {
  checkedScalar, checkOptionKeys, checkRequiresGrad, describeValue, filledTensor, finishCreation, hostTensor,
  resolveOptions, scalarDType, splitOptions,
} from './creation-options.js';
import { flattenNested, nativeTypedArrayDType, toNativeArray, typedArrayDType, type AnyTypedArray } from './tensor-data.js';

export { arange, linspace } from './ranges.js';
export type { AnyTypedArray } from './tensor-data.js';

/** Sizes (variadic or one array) optionally followed by an options object. */
export type SizeAndOptions = [...SizeArgs] | [...SizeArgs, TensorOptions];

/** A copy of one view's element into another, by the `copy` kernel (converting the dtype). */
function copyElement(out: Tensor, index: number, src: Tensor): void {
  const target: View = { handle: out._storage.handle, dtype: out.dtype, shape: [], strides: [], offset: index };
  backendOf(out).copy(target, { ...viewOf(src), shape: [], strides: [] });
}

/** A copy of `src` (any layout) as a new contiguous tensor of `dtype`, on `src`'s device. */
function copyAs(src: Tensor, dtype: DType): Tensor {
  const out = emptyTensor(src.shape, dtype, src.device);
  if (out.numel() > 0) backendOf(out).copy(viewOf(out), viewOf(src));
  return out;
}

/**
 * `torch.tensor(data)`: a new tensor holding a copy of `data`, which may be a number, bigint or
 * boolean (a 0-d tensor), nested arrays of any depth, a typed array, or a one-element tensor inside
 * an array. Numbers give the default float dtype, bigints int64, booleans bool, typed arrays their
 * own dtype (`Int32Array` → int32, `BigInt64Array` → int64, `Uint8Array` → uint8, ...); mixed
 * values promote as in PyTorch. `dtype` converts (non-integral numbers truncate into integer
 * dtypes; values that do not fit are an error, as in PyTorch). Ragged arrays are an error that
 * names the dim. `requiresGrad` is only allowed for floating-point dtypes.
 */
export function tensor(data: unknown, options: TensorOptions = {}): Tensor {
  const op = 'tensor';
  checkOptionKeys(op, options);
  if (data instanceof Tensor) return copyTensor(data, options);
  const device = options.device ?? getDefaultDevice();
  getBackend(device, op);
  const typedDType = typedArrayDType(data);
  if (typedDType !== undefined) {
    const array = toNativeArray(data as AnyTypedArray);
    const { dtype, requiresGrad } = resolveOptions(op, options, { dtype: typedDType, device });
    const raw = hostTensor(array, [array.length], typedDType, device);
    if (dtype === typedDType) return finishCreation(raw, requiresGrad);
    // Other dtypes convert on the device with the copy kernel (C casts, as from a NumPy array).
    const converted = copyAs(raw, dtype);
    raw.dispose();
    return finishCreation(converted, requiresGrad);
  }
  const defaultFloat = getDefaultDtype();
  const requested = options.dtype === undefined ? undefined : resolveOptions(op, options, { dtype: defaultFloat, device }).dtype;
  const host = flattenNested(op, data, requested, defaultFloat);
  checkRequiresGrad(op, host.dtype, options.requiresGrad ?? false);
  const out = hostTensor(host.data, host.shape, host.dtype, device);
  for (const { index, tensor: leaf } of host.tensorLeaves) {
    if (leaf.device !== device) {
      throw new Error(
        `[tensor] an element is a tensor on device '${leaf.device}' but the result goes to '${device}'; move it with .to('${device}') first`,
      );
    }
    copyElement(out, index, leaf);
  }
  return finishCreation(out, options.requiresGrad ?? false);
}

/** `torch.tensor(t)` for a tensor: a detached copy, converted to the requested dtype and device. */
function copyTensor(src: Tensor, options: TensorOptions): Tensor {
  const { dtype, device, requiresGrad } = resolveOptions('tensor', options, { dtype: src.dtype, device: src.device });
  if (device !== src.device) {
    // Cross-device copies need the host; `to` names the async form when a device cannot read synchronously.
    return finishCreation(src.detach().to({ dtype, device }, { copy: true }), requiresGrad);
  }
  return finishCreation(copyAs(src, dtype), requiresGrad);
}

/**
 * A tensor that shares memory with a typed array, like `torch.from_numpy`: writes to one show in
 * the other, on devices that keep storage in host memory (CPU). Other devices get a copy. The dtype
 * follows the array (`Float32Array` → float32, `Float64Array` → float64, `Int32Array` → int32,
 * `BigInt64Array` → int64, `Uint8Array` → uint8); the shape defaults to `[array.length]`.
 */
export function fromTypedArray(array: AnyTypedArray, shape?: readonly number[]): Tensor {
  const op = 'fromTypedArray';
  const dtype = nativeTypedArrayDType(array);
  if (dtype === undefined) {
    throw new Error(
      `[${op}] expected a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array, got ${describeValue(array)}` +
        (typedArrayDType(array) !== undefined ? '; use torch.tensor() to copy it' : ''),
    );
  }
  const typed = array as TypedArray;
  const dims = shape === undefined ? [typed.length] : parseSize(op, [shape]);
  checkNonNegative(op, dims);
  if (numelOf(dims) !== typed.length) {
    throw new Error(`[${op}] shape ${showShape(dims)} has ${numelOf(dims)} elements but the array has ${typed.length}`);
  }
  const device = getDefaultDevice();
  const backend = getBackend(device, op);
  if (backend.wrapHostArray === undefined) return hostTensor(typed, dims, dtype, device);
  const storage = new Storage(backend, device, backend.wrapHostArray(typed, dtype), dtype, typed.length);
  return new Tensor(storage, dims, contiguousStrides(dims), 0);
}

function createFilled(op: string, args: readonly unknown[], value: ScalarLike | undefined): Tensor {
  const [sizeArgs, options] = splitOptions(args);
  const shape = parseSize(op, sizeArgs);
  checkNonNegative(op, shape);
  const o = resolveOptions(op, options, { dtype: getDefaultDtype() });
  const t = value === undefined
    ? emptyTensor(shape, o.dtype, o.device)
    : filledTensor(shape, checkedScalar(op, value, o.dtype), o.dtype, o.device);
  return finishCreation(t, o.requiresGrad);
}

/** A tensor with unspecified contents: `empty(5, 3)`, `empty([5, 3], { dtype: 'int32' })`. */
export function empty(...args: SizeAndOptions): Tensor {
  return createFilled('empty', args, undefined);
}

/** A tensor of zeros: `zeros(5, 3)`, `zeros([5, 3], { dtype: 'int32' })`. */
export function zeros(...args: SizeAndOptions): Tensor {
  return createFilled('zeros', args, 0);
}

/** A tensor of ones: `ones(2, 2)`, `ones([2, 2], { requiresGrad: true })`. */
export function ones(...args: SizeAndOptions): Tensor {
  return createFilled('ones', args, 1);
}

/**
 * A tensor filled with `value`. The dtype follows the value unless given: numbers give the
 * default float dtype (JavaScript has no integer numbers), bigints int64, booleans bool.
 */
export function full(size: number | readonly number[], value: ScalarLike, options?: TensorOptions): Tensor {
  const op = 'full';
  checkScalar(op, value);
  const shape = parseSize(op, [typeof size === 'number' ? [size] : size]);
  checkNonNegative(op, shape);
  const o = resolveOptions(op, options, { dtype: scalarDType(value, getDefaultDtype()) });
  return finishCreation(filledTensor(shape, checkedScalar(op, value, o.dtype), o.dtype, o.device), o.requiresGrad);
}

function checkScalar(op: string, value: unknown): asserts value is ScalarLike {
  if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') {
    throw new Error(`[${op}] expected the fill value to be a number, bigint or boolean, got ${describeValue(value)}`);
  }
}

/** A 2-D tensor with ones on the diagonal: `eye(3)`, `eye(2, 3)`, `eye(3, { dtype: 'int64' })`. */
export function eye(n: number, m?: number | TensorOptions, options?: TensorOptions): Tensor {
  const op = 'eye';
  if (typeof m === 'object' && m !== null) {
    options = m;
    m = undefined;
  }
  const rows = n;
  const cols = m ?? n;
  for (const [name, v] of [['n', rows], ['m', cols]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`[${op}] expected ${name} to be an integer, got ${describeValue(v)}`);
    if (v < 0) throw new Error(`[${op}] ${name} must be greater or equal to 0, got ${v}`);
  }
  const o = resolveOptions(op, options, { dtype: getDefaultDtype() });
  const out = filledTensor([rows, cols], checkedScalar(op, 0, o.dtype), o.dtype, o.device);
  const diagonal = Math.min(rows, cols);
  if (diagonal > 0) {
    const view: View = { ...viewOf(out), shape: [diagonal], strides: [cols + 1], offset: 0 };
    backendOf(out).fill(view, checkedScalar(op, 1, o.dtype));
  }
  return finishCreation(out, o.requiresGrad);
}

function likeOptions(op: string, x: Tensor, options: TensorOptions | undefined) {
  if (!(x instanceof Tensor)) throw new Error(`[${op}] expected input to be a Tensor, got ${describeValue(x)}`);
  return resolveOptions(op, options, { dtype: x.dtype, device: x.device });
}

/** A tensor of zeros with `x`'s shape, dtype and device (unless given). */
export function zerosLike(x: Tensor, options?: TensorOptions): Tensor {
  const o = likeOptions('zerosLike', x, options);
  return finishCreation(filledTensor(x.shape, checkedScalar('zerosLike', 0, o.dtype), o.dtype, o.device), o.requiresGrad);
}

/** A tensor of ones with `x`'s shape, dtype and device (unless given). */
export function onesLike(x: Tensor, options?: TensorOptions): Tensor {
  const o = likeOptions('onesLike', x, options);
  return finishCreation(filledTensor(x.shape, checkedScalar('onesLike', 1, o.dtype), o.dtype, o.device), o.requiresGrad);
}

/** An uninitialised tensor with `x`'s shape, dtype and device (unless given). */
export function emptyLike(x: Tensor, options?: TensorOptions): Tensor {
  const o = likeOptions('emptyLike', x, options);
  return finishCreation(emptyTensor(x.shape, o.dtype, o.device), o.requiresGrad);
}

/** A tensor filled with `value`, with `x`'s shape, dtype and device (unless given). */
export function fullLike(x: Tensor, value: ScalarLike, options?: TensorOptions): Tensor {
  const o = likeOptions('fullLike', x, options);
  checkScalar('fullLike', value);
  return finishCreation(filledTensor(x.shape, checkedScalar('fullLike', value, o.dtype), o.dtype, o.device), o.requiresGrad);
}

/**
 * @internal The `Tensor.new*` methods: a tensor of the given sizes (variadic or an array, then
 * optional options) filled with `value`, with `like`'s dtype and device unless the options say else.
 */
export function newFilled(like: Tensor, value: ScalarLike, args: readonly unknown[], op = 'newFull'): Tensor {
  const [sizeArgs, options] = splitOptions(args);
  const shape = parseSize(op, sizeArgs);
  checkNonNegative(op, shape);
  const o = resolveOptions(op, options, { dtype: like.dtype, device: like.device });
  return finishCreation(filledTensor(shape, checkedScalar(op, value, o.dtype), o.dtype, o.device), o.requiresGrad);
}
