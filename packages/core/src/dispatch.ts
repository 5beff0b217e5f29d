/**
 * Dispatch: the one choke point every op goes through to reach a backend. It checks devices,
 * allocates outputs, turns tensors into kernel views, and records graph nodes for autograd.
 *
 * @module
 */
import type { Backend, Scalar, View } from './backend/contract.js';
import { getBackend, getDefaultDevice } from './backend/registry.js';
import type { DType } from './dtype.js';
import { Storage } from './storage.js';
import { broadcastStrides, contiguousStrides, numelOf, showShape } from './shape.js';
import { Tensor, type ScalarLike } from './tensor.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { getAutograd, type OpAttrs } from './autograd-hooks.js';
import { keep } from './tidy.js';

/** The backend that holds a tensor's storage. */
export function backendOf(t: Tensor): Backend {
  return t._storage.backend;
}

/** The kernel view of a tensor. Throws when its storage was disposed. */
export function viewOf(t: Tensor): View {
  if (t._storage.isDisposed) throw new Error(`[tensor] this tensor's memory was disposed; it can no longer be used`);
  return { handle: t._storage.handle, dtype: t._storage.dtype, shape: t.shape, strides: t._strides, offset: t._offset };
}

/** The kernel view of a tensor read as if broadcast to `shape` (zero strides on expanded dims). */
export function broadcastViewOf(t: Tensor, shape: readonly number[]): View {
  const v = viewOf(t);
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return v;
  return { ...v, shape, strides: broadcastStrides(t.shape, t._strides, shape) };
}

/** The common device of an op's tensor inputs, or an error naming the devices. */
export function commonDevice(op: string, tensors: readonly Tensor[]): string {
  let device: string | undefined;
  for (const t of tensors) {
    if (device === undefined) device = t.device;
    else if (t.device !== device) {
      throw new Error(
        `[${op}] expected all tensors to be on the same device, but found at least two devices, '${device}' and '${t.device}'`,
      );
    }
  }
  return device ?? getDefaultDevice();
}

/** Allocates a contiguous tensor on a device. Contents are unspecified. */
export function emptyTensor(shape: readonly number[], dtype: DType, device: string): Tensor {
  const backend = getBackend(device);
  const storage = Storage.allocate(backend, device, dtype, numelOf(shape));
  return new Tensor(storage, shape, contiguousStrides(shape), 0);
}

/** A 0-d tensor holding a scalar, converted to `dtype`. */
export function scalarTensor(value: ScalarLike, dtype: DType, device: string): Tensor {
  const backend = getBackend(device);
  // Devices with their own memory (WebGPU) would allocate and fill a buffer for every `x.mul(0.9)`;
  // these operands are internal and never written, so each distinct constant is made once.
  const cache = backend.hostArray === undefined ? deviceConstants(device, backend) : undefined;
  const key = cache === undefined ? '' : `${dtype}:${typeof value === 'number' && Object.is(value, -0) ? '-0' : String(value)}`;
  const cached = cache?.get(key);
  if (cached !== undefined) return cached;
  const t = new Tensor(Storage.allocate(backend, device, dtype, 1), [], [], 0);
  backend.fill(viewOf(t), toKernelScalar(value, dtype));
  if (cache !== undefined) {
    if (cache.size >= MAX_DEVICE_CONSTANTS) cache.clear(); // dropped constants are freed by the finalizer
    cache.set(key, keep(t)); // outside every tidy scope: the cache outlives them
  }
  return t;
}

const MAX_DEVICE_CONSTANTS = 1024;
const constants = new Map<string, { backend: Backend; values: Map<string, Tensor> }>();

/** The constant cache of a device, emptied when the device's backend is replaced. */
function deviceConstants(device: string, backend: Backend): Map<string, Tensor> {
  let entry = constants.get(device);
  if (entry === undefined || entry.backend !== backend) constants.set(device, (entry = { backend, values: new Map() }));
  return entry.values;
}

/** Converts a JavaScript scalar to the representation kernels expect for `dtype`. */
export function toKernelScalar(value: ScalarLike, dtype: DType): Scalar {
  if (dtype === 'int64') {
    if (typeof value === 'bigint') return BigInt.asIntN(64, value);
    if (typeof value === 'boolean') return value ? 1n : 0n;
    if (!Number.isFinite(value)) throw new Error(`[tensor] cannot convert ${value} to int64`);
    return BigInt(Math.trunc(value));
  }
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
  switch (dtype) {
    case 'bool': return n !== 0 || Number.isNaN(n) ? 1 : 0;
    case 'int32': return Number.isFinite(n) ? Math.trunc(n) | 0 : 0;
    case 'uint8': return Number.isFinite(n) ? Math.trunc(n) & 255 : 0;
    case 'float32': return Math.fround(n);
    default: return n;
  }
}

/** Checks that a tensor argument is a Tensor, with a message naming the op and what was given. */
export function checkTensor(op: string, value: unknown, what = 'input'): Tensor {
  if (value instanceof Tensor) return value;
  const given = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new Error(`[${op}] expected ${what} to be a Tensor, got ${given}`);
}

/** Checks that two shapes are equal. */
export function checkSameShape(op: string, a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new Error(`[${op}] expected shapes to match, got ${showShape(a)} and ${showShape(b)}`);
  }
}

/**
 * Runs `compute` as one differentiable op. When grad mode is on and an input requires grad, the
 * composite runs without recording and one node named `op` is recorded for its outputs, so
 * `gradFn` names match PyTorch's (e.g. `mean` records `MeanBackward0`, not its inner ops).
 * Without an autograd engine, outputs are only marked as requiring grad.
 */
export function differentiable<T extends Tensor | readonly Tensor[]>(
  op: string,
  inputs: readonly Tensor[],
  attrs: OpAttrs,
  compute: () => T,
): T {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return compute();
  const result = noGrad(compute);
  const outputs = (Array.isArray(result) ? result : [result]) as readonly Tensor[];
  const engine = getAutograd();
  if (engine) engine.record(op, inputs, outputs, attrs);
  else for (const out of outputs) if (out.isFloatingPoint()) out._requiresGrad = true;
  return result;
}

/** Marks an in-place write into `t`'s storage, so autograd can detect stale saved values. */
export function bumpVersion(t: Tensor): void {
  t._storage.version++;
}

/** `t` converted to `dtype` without recording a graph node (returns `t` when it already has it). */
export function castTo(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const out = emptyTensor(t.shape, dtype, t.device);
  backendOf(t).copy(viewOf(out), viewOf(t));
  return out;
}
