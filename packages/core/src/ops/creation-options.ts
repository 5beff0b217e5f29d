/**
 * Shared plumbing of the creation functions: the trailing options object, checked conversion of
 * JavaScript scalars into a dtype (PyTorch's overflow errors), and the two ways creation reaches a
 * backend: `fill` for constants and `write` for host data.
 *
 * @module
 */
import type { Scalar, TypedArray } from '../backend/contract.js';
import { getBackend, getDefaultDevice } from '../backend/registry.js';
import { checkDType, isFloatingPoint, type DType } from '../dtype.js';
import { backendOf, emptyTensor, viewOf } from '../dispatch.js';
import { Tensor, type ScalarLike, type TensorOptions } from '../tensor.js';

/** The option names every creation function accepts. */
export const TENSOR_OPTION_KEYS: readonly string[] = ['dtype', 'device', 'requiresGrad'];

/** Creation options after defaults were applied and values checked. */
export interface ResolvedOptions {
  /** The dtype of the new tensor. */
  readonly dtype: DType;
  /** The device of the new tensor. */
  readonly device: string;
  /** Whether the new tensor is a leaf that requires grad. */
  readonly requiresGrad: boolean;
}

/** True for a plain options object (not an array, typed array, tensor or null). */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) &&
    !ArrayBuffer.isView(value) && !(value instanceof Tensor)
  );
}

/** Splits a trailing options object off variadic arguments (`zeros(2, 3, { dtype })`). */
export function splitOptions<O extends object = TensorOptions>(args: readonly unknown[]): [unknown[], O | undefined] {
  const last = args[args.length - 1];
  if (args.length > 0 && isOptionsObject(last)) return [args.slice(0, -1), last as O];
  return [[...args], undefined];
}

/**
 * Checks an options object: unknown keys are an error (a misspelt `requires_grad` would otherwise
 * be ignored silently).
 */
export function checkOptionKeys(op: string, options: unknown, allowed: readonly string[] = TENSOR_OPTION_KEYS): void {
  if (options === undefined) return;
  if (!isOptionsObject(options)) {
    throw new Error(`[${op}] expected an options object like { dtype, device, requiresGrad }, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new Error(`[${op}] unknown option '${key}' (expected ${allowed.join(', ')})`);
    }
  }
}

/**
 * Applies defaults to creation options and checks them: the dtype name, that the device is
 * registered, and that only floating-point tensors require grad (as PyTorch).
 */
export function resolveOptions(
  op: string,
  options: TensorOptions | undefined,
  defaults: { dtype: DType; device?: string },
  allowed: readonly string[] = TENSOR_OPTION_KEYS,
): ResolvedOptions {
  checkOptionKeys(op, options, allowed);
  const dtype = options?.dtype === undefined ? defaults.dtype : checkDType(options.dtype, op);
  const device = options?.device ?? defaults.device ?? getDefaultDevice();
  if (typeof device !== 'string') throw new Error(`[${op}] expected device to be a string, got ${describeValue(device)}`);
  getBackend(device, op);
  const requiresGrad = options?.requiresGrad ?? false;
  if (typeof requiresGrad !== 'boolean') {
    throw new Error(`[${op}] expected requiresGrad to be a boolean, got ${describeValue(requiresGrad)}`);
  }
  checkRequiresGrad(op, dtype, requiresGrad);
  return { dtype, device, requiresGrad };
}

/** PyTorch's rule: only floating-point tensors can require gradients. */
export function checkRequiresGrad(op: string, dtype: DType, requiresGrad: boolean): void {
  if (requiresGrad && !isFloatingPoint(dtype)) {
    throw new Error(`[${op}] only tensors of floating point dtype can require gradients, got ${dtype}`);
  }
}

/** Marks a freshly created tensor as a leaf that requires grad when asked to. */
export function finishCreation(t: Tensor, requiresGrad: boolean): Tensor {
  if (requiresGrad) t._requiresGrad = true;
  return t;
}

/** A new contiguous tensor with every element set to `value` (already in the dtype's domain). */
export function filledTensor(shape: readonly number[], value: Scalar, dtype: DType, device: string): Tensor {
  const t = emptyTensor(shape, dtype, device);
  if (t.numel() > 0) backendOf(t).fill(viewOf(t), value);
  return t;
}

/**
 * A new contiguous tensor holding host data of the same dtype. The backend copies `data`, so the
 * tensor never aliases the caller's array.
 */
export function hostTensor(data: TypedArray, shape: readonly number[], dtype: DType, device: string): Tensor {
  const t = emptyTensor(shape, dtype, device);
  if (data.length > 0) backendOf(t).write(t._storage.handle, dtype, data, 0);
  return t;
}

/** The dtype PyTorch infers for a Python scalar: JavaScript numbers are floats (see API.md). */
export function scalarDType(value: ScalarLike, defaultFloat: DType): DType {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int64';
  return defaultFloat;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_POW_63 = 2 ** 63;
const FLOAT32_MAX = 3.4028234663852886e38;

function overflow(op: string, value: ScalarLike, dtype: DType): Error {
  return new Error(`[${op}] value ${String(value)} cannot be converted to type ${dtype} without overflow`);
}

/**
 * Converts a JavaScript scalar into `dtype` for a kernel, with PyTorch's overflow checks
 * (`torch.tensor([256], dtype=torch.uint8)` is an error): integers must fit the type, except that
 * negative integers down to -255 wrap into uint8 (two's complement, as PyTorch allows); floats
 * truncate toward zero and must lie within the type's range; NaN and infinities cannot become
 * integers. Floating-point targets round (finite values beyond float32's range are an error, as in
 * PyTorch) and bool is `value != 0`.
 */
export function checkedScalar(op: string, value: ScalarLike, dtype: DType): Scalar {
  if (typeof value === 'boolean') return dtype === 'int64' ? (value ? 1n : 0n) : value ? 1 : 0;
  switch (dtype) {
    case 'float32': {
      // c10 rejects finite values beyond float32's range (`torch.full([1], 1e40)`); infinities pass.
      const n = Number(value);
      if (Number.isFinite(n) && Math.abs(n) > FLOAT32_MAX) throw overflow(op, value, dtype);
      return Math.fround(n);
    }
    case 'float64':
      return Number(value);
    case 'bool':
      return typeof value === 'bigint' ? (value !== 0n ? 1 : 0) : value !== 0 ? 1 : 0;
    case 'int64':
      if (typeof value === 'bigint') {
        if (value < INT64_MIN || value > INT64_MAX) throw overflow(op, value, dtype);
        return value;
      }
      if (!Number.isFinite(value) || value >= TWO_POW_63 || value < -TWO_POW_63) throw overflow(op, value, dtype);
      return BigInt(Math.trunc(value));
    case 'int32':
    case 'uint8': {
      const [lowest, highest] = dtype === 'int32' ? [-2147483648, 2147483647] : [0, 255];
      const integral = typeof value === 'bigint' || Number.isInteger(value);
      const n = Number(value);
      if (integral) {
        // Integers: unsigned types let negatives wrap down to -max (c10's `overflows`).
        const low = dtype === 'uint8' ? -highest : lowest;
        if (n < low || n > highest) throw overflow(op, value, dtype);
        return dtype === 'uint8' ? n & 255 : n;
      }
      if (Number.isNaN(n) || n < lowest || n > highest) throw overflow(op, value, dtype);
      return Math.trunc(n) + 0; // + 0 turns -0 into 0
    }
  }
}

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value instanceof Tensor) return `a Tensor of shape [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${String(value)}`;
}
