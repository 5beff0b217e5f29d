/**
 * Conversions: reading values to the host (`item`, `tolist`, `data`, asynchronously everywhere and
 * synchronously where the device can), `to()` between dtypes and devices, and printing.
 *
 * @module
 */
import type { TypedArray } from '../backend/contract.js';
import { hasBackend } from '../backend/registry.js';
import { checkDType, DTYPES, isFloatingPoint, itemSize, type DType } from '../dtype.js';
import { backendOf, castTo, checkTensor, differentiable, emptyTensor, viewOf } from '../dispatch.js';
import type { FormatExtras } from '../format/format-tensor.js';
import { showShape } from '../shape.js';
import type { Tensor, ToTarget } from '../tensor.js';
import { hostTensor } from './creation-options.js';

/** Bytes per element of a dtype. */
export function elementSize(dtype: DType): number {
  return itemSize(dtype);
}

/** The values of `t` as a new contiguous typed array (BigInt64Array for int64, 0/1 Uint8Array for bool). */
export function readData(t: Tensor): Promise<TypedArray> {
  checkTensor('data', t);
  return backendOf(t).read(viewOf(t));
}

/** Reads `t` synchronously, or throws naming the async form when its device cannot. */
function readSyncOrThrow(op: string, t: Tensor, asyncForm: string): TypedArray {
  checkTensor(op, t);
  const backend = backendOf(t);
  const view = viewOf(t);
  if (backend.readSync === undefined) {
    throw new Error(`[${op}] device '${t.device}' cannot read synchronously; use ${asyncForm}`);
  }
  return backend.readSync(view);
}

/** An element as JavaScript sees it: a number (int64 converted, exact up to 2**53) or a boolean. */
function toJs(value: number | bigint, dtype: DType): number | boolean {
  if (dtype === 'bool') return value !== 0;
  return typeof value === 'bigint' ? Number(value) : value;
}

function checkOneElement(op: string, t: Tensor): void {
  checkTensor(op, t);
  const n = t.numel();
  if (n !== 1) throw new Error(`[${op}] a Tensor with ${n} elements cannot be converted to Scalar`);
}

/** The single value of a one-element tensor (numbers for numeric dtypes, booleans for bool). */
export async function item(t: Tensor): Promise<number | boolean> {
  checkOneElement('item', t);
  const data = await readData(t);
  return toJs(data[0], t.dtype);
}

/** {@link item}, synchronously (devices with `readSync` only). */
export function itemSync(t: Tensor): number | boolean {
  checkOneElement('itemSync', t);
  return toJs(readSyncOrThrow('itemSync', t, 'await t.item()')[0], t.dtype);
}

/** Nested arrays of `data` (row-major) in `shape`; a 0-d shape gives the scalar itself. */
function nest(data: TypedArray, shape: readonly number[], dtype: DType): unknown {
  if (shape.length === 0) return toJs(data[0], dtype);
  let position = 0;
  const build = (dim: number): unknown[] => {
    const size = shape[dim];
    const out = new Array<unknown>(size);
    if (dim === shape.length - 1) {
      for (let i = 0; i < size; i++) out[i] = toJs(data[position++], dtype);
    } else {
      for (let i = 0; i < size; i++) out[i] = build(dim + 1);
    }
    return out;
  };
  return build(0);
}

/** The values as nested arrays (a 0-d tensor gives its scalar). */
export async function tolist(t: Tensor): Promise<unknown> {
  const data = await readData(t);
  return nest(data, t.shape, t.dtype);
}

/** {@link tolist}, synchronously (devices with `readSync` only). */
export function tolistSync(t: Tensor): unknown {
  return nest(readSyncOrThrow('tolistSync', t, 'await t.tolist()'), t.shape, t.dtype);
}

/** The values as a new contiguous typed array, synchronously (devices with `readSync` only). */
export function dataSync(t: Tensor): TypedArray {
  return readSyncOrThrow('dataSync', t, 'await t.data()');
}

// ---- to() ----

interface Target {
  dtype: DType;
  device: string;
}

function parseTarget(op: string, t: Tensor, target: ToTarget, options: { dtype?: DType } = {}): Target {
  let dtype: DType | undefined;
  let device: string | undefined;
  if (typeof target === 'string') {
    if ((DTYPES as readonly string[]).includes(target)) dtype = target as DType;
    else if (hasBackend(target)) device = target;
    else {
      throw new Error(
        `[${op}] expected a dtype (${DTYPES.join(', ')}) or a registered device name, got '${target}'`,
      );
    }
  } else if (typeof target === 'object' && target !== null) {
    if (target.dtype !== undefined) dtype = checkDType(target.dtype, op);
    if (target.device !== undefined) {
      if (!hasBackend(target.device)) throw new Error(`[${op}] no backend registered for device '${target.device}'`);
      device = target.device;
    }
  } else {
    throw new Error(`[${op}] expected a dtype, a device name or { dtype, device }, got ${String(target)}`);
  }
  if (options.dtype !== undefined) {
    const extra = checkDType(options.dtype, op);
    if (dtype !== undefined && dtype !== extra) throw new Error(`[${op}] got two different dtypes, ${dtype} and ${extra}`);
    dtype = extra;
  }
  return { dtype: dtype ?? t.dtype, device: device ?? t.device };
}

/**
 * A dtype conversion recorded for autograd as `'toDtype'` (attrs `{ dtype }`: the input's dtype,
 * which the gradient is cast back to). Casts to integer dtypes are not differentiable.
 */
function convertDtype(t: Tensor, dtype: DType, copy: boolean): Tensor {
  const compute = () => {
    if (dtype !== t.dtype || !copy) return castTo(t, dtype);
    const out = emptyTensor(t.shape, dtype, t.device);
    backendOf(out).copy(viewOf(out), viewOf(t));
    return out;
  };
  return isFloatingPoint(dtype) ? differentiable('toDtype', [t], { dtype: t.dtype }, compute) : compute();
}

/** A copy of host data on `device`, recorded as `'toDevice'` (attrs `{ device }`: the input's device). */
function placeOnDevice(t: Tensor, data: TypedArray, device: string): Tensor {
  return differentiable('toDevice', [t], { device: t.device }, () => hostTensor(data, t.shape, t.dtype, device));
}

/** Whether a combined conversion should cast before moving (narrowing first moves fewer bytes). */
function castFirst(from: DType, to: DType): boolean {
  return itemSize(to) <= itemSize(from);
}

/**
 * `t.to(target)`: converts to a dtype, a device, or both (`{ dtype, device }`); returns `t` itself
 * when nothing changes unless `copy` is set. Gradients flow back through both conversions. Moving
 * off a device needs a synchronous read there; devices without one (WebGPU) need `toDeviceAsync`.
 */
export function to(t: Tensor, target: ToTarget, options: { dtype?: DType; copy?: boolean } = {}): Tensor {
  const op = 'to';
  checkTensor(op, t);
  const { dtype, device } = parseTarget(op, t, target, options);
  const copy = options.copy ?? false;
  if (device === t.device) return dtype === t.dtype && !copy ? t : convertDtype(t, dtype, copy);
  const move = (x: Tensor) => {
    const backend = backendOf(x);
    if (backend.readSync === undefined) {
      throw new Error(
        `[${op}] device '${x.device}' cannot read synchronously; use await t.toAsync('${device}') to move the tensor`,
      );
    }
    return placeOnDevice(x, backend.readSync(viewOf(x)), device);
  };
  if (dtype === t.dtype) return move(t);
  return castFirst(t.dtype, dtype) ? move(convertDtype(t, dtype, false)) : convertDtype(move(t), dtype, false);
}

/** `t.to(target)` for every device: reads the source asynchronously (e.g. from WebGPU to the CPU). */
export async function toDeviceAsync(t: Tensor, target: ToTarget, options: { dtype?: DType; copy?: boolean } = {}): Promise<Tensor> {
  const op = 'toDeviceAsync';
  checkTensor(op, t);
  const { dtype, device } = parseTarget(op, t, target, options);
  if (device === t.device) return to(t, { dtype }, options);
  const source = dtype !== t.dtype && castFirst(t.dtype, dtype) ? convertDtype(t, dtype, false) : t;
  const data = await backendOf(source).read(viewOf(source));
  const moved = placeOnDevice(source, data, device);
  return moved.dtype === dtype ? moved : convertDtype(moved, dtype, false);
}

// ---- printing ----

/** The printing function of `format/format-tensor.ts`. */
export type TensorFormatter = (data: TypedArray, shape: readonly number[], dtype: DType, extras: FormatExtras) => string;

/**
 * PyTorch's repr of `t`. Reads synchronously; on devices that cannot, or for a disposed tensor, it
 * returns a short description instead of the values.
 */
export function formatForPrint(t: Tensor, format: TensorFormatter, defaultFloatDType: DType): string {
  if (t.isDisposed) return `tensor(<disposed tensor of shape ${showShape(t.shape)}>)`;
  const backend = backendOf(t);
  let data: TypedArray | undefined;
  if (backend.readSync !== undefined) {
    try {
      data = backend.readSync(viewOf(t));
    } catch {
      data = undefined; // e.g. an async-only device whose readSync throws
    }
  }
  if (data === undefined) {
    return `tensor(<device '${t.device}' tensor of shape ${showShape(t.shape)}; use await t.tolist()>)`;
  }
  return format(data, t.shape, t.dtype, {
    device: t.device,
    requiresGrad: t.requiresGrad,
    gradFn: t.gradFn?.name,
    defaultFloatDType,
  });
}
