/**
 * The WebGPU device: the backend contract of core implemented with WGSL kernels on one GPUDevice.
 * This file only routes; the runtime (runtime.ts) owns buffers, pipelines and submission, and each
 * kernel family lives in its own file under kernels/.
 *
 * @module
 */
import { numelOf, contiguousStrides, type Backend, type DType, type ReduceOp, type Scalar, type ScanOp, type StorageHandle, type TypedArray, type View, type BinaryOp, type UnaryOp } from '@typetorch/core';
import { BYTES_PER_ELEMENT, fromDeviceWords, toDeviceWords, wgslType } from './dtypes.js';
import { binaryKernel, whereKernel } from './kernels/binary.js';
import { convKernels } from './kernels/conv.js';
import { copyKernel, fillKernel } from './kernels/copy.js';
import { gatherKernel, scatterAddKernel, scatterKernel } from './kernels/indexing.js';
import { matmulKernel } from './kernels/matmul.js';
import { poolKernels } from './kernels/pool.js';
import { uniformKernel } from './kernels/random.js';
import { reduceKernel } from './kernels/reduce.js';
import { scanKernel } from './kernels/scan.js';
import { softmaxKernels } from './kernels/softmax.js';
import { unaryKernel } from './kernels/unary.js';
import { GpuRuntime, type RuntimeStats } from './runtime.js';
import type { GpuStorage } from './storage.js';
import { isContiguous } from './strided.js';

/** The WebGPU backend object registered as the device `'webgpu'`. */
export interface WebGPUBackend extends Backend {
  /** @internal The runtime under the kernels (buffers, pipelines, submission). */
  readonly runtime: GpuRuntime;
  /** Pool and pipeline counts; `pooledBytes` is what `torch.memory('webgpu')` reports. */
  memoryStats(): RuntimeStats & {
    /** The same as `bytesPooled`: what `torch.memory('webgpu').pooledBytes` reports. */
    readonly pooledBytes: number;
  };
  /** Waits until the GPU has finished every kernel issued so far. */
  sync(): Promise<void>;
}

/** Builds the backend for `device`. */
export function createWebGPUBackend(device: GPUDevice): WebGPUBackend {
  const rt = new GpuRuntime(device);

  const storage = (handle: StorageHandle) => handle as GpuStorage;

  /** A contiguous copy of `view` in a fresh storage (freed by the caller). */
  const contiguous = (view: View): View => {
    const numel = numelOf(view.shape);
    const handle: GpuStorage = { buffer: rt.allocate(numel * BYTES_PER_ELEMENT), dtype: view.dtype, numel };
    const out: View = { handle, dtype: view.dtype, shape: view.shape, strides: contiguousStrides(view.shape), offset: 0 };
    copyKernel(rt, out, view);
    return out;
  };

  const backend: WebGPUBackend = {
    name: 'webgpu',
    runtime: rt,

    alloc(dtype: DType, numel: number): StorageHandle {
      wgslType(dtype, 'webgpu.alloc');
      const handle: GpuStorage = { buffer: rt.allocate(Math.max(1, numel) * BYTES_PER_ELEMENT), dtype, numel };
      return handle;
    },

    free(handle: StorageHandle): void {
      rt.release(storage(handle).buffer);
    },

    write(handle: StorageHandle, dtype: DType, data: TypedArray, offset: number): void {
      rt.writeWords(storage(handle).buffer, offset * BYTES_PER_ELEMENT, toDeviceWords(dtype, data));
    },

    async read(view: View): Promise<TypedArray> {
      const numel = numelOf(view.shape);
      if (numel === 0) return fromDeviceWords(view.dtype, new ArrayBuffer(0), 0);
      if (isContiguous(view)) {
        const bytes = await rt.readBytes(storage(view.handle).buffer, view.offset * BYTES_PER_ELEMENT, numel * BYTES_PER_ELEMENT);
        return fromDeviceWords(view.dtype, bytes, numel);
      }
      const packed = contiguous(view);
      try {
        const bytes = await rt.readBytes(storage(packed.handle).buffer, 0, numel * BYTES_PER_ELEMENT);
        return fromDeviceWords(view.dtype, bytes, numel);
      } finally {
        rt.release(storage(packed.handle).buffer);
      }
    },

    copy: (out: View, x: View) => copyKernel(rt, out, x),
    fill: (out: View, value: Scalar) => fillKernel(rt, out, value),
    unary: (op: UnaryOp, out: View, x: View) => unaryKernel(rt, op, out, x),
    binary: (op: BinaryOp, out: View, a: View, b: View) => binaryKernel(rt, op, out, a, b),
    where: (out: View, cond: View, a: View, b: View) => whereKernel(rt, out, cond, a, b),
    reduce: (op: ReduceOp, out: View, x: View, axes: readonly number[]) => reduceKernel(rt, op, out, x, axes),
    scan: (op: ScanOp, out: View, x: View, axis: number) => scanKernel(rt, op, out, x, axis),
    matmul: (out: View, a: View, b: View) => matmulKernel(rt, out, a, b),
    gather: (out: View, x: View, dim: number, index: View) => gatherKernel(rt, out, x, dim, index),
    scatterAdd: (out: View, dim: number, index: View, src: View) => scatterAddKernel(rt, out, dim, index, src),
    scatter: (out: View, dim: number, index: View, src: View) => scatterKernel(rt, out, dim, index, src),
    uniform: (out: View, key: readonly [number, number], counter: number) => uniformKernel(rt, out, key, counter),

    fused: { ...softmaxKernels(rt), ...convKernels(rt), ...poolKernels(rt) },

    memoryStats: () => {
      const stats = rt.stats();
      return { ...stats, pooledBytes: stats.bytesPooled };
    },
    sync: () => rt.sync(),
  };
  return backend;
}
