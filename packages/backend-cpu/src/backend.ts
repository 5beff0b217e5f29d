/**
 * The CPU backend object: the contract's memory functions plus the kernels of the other files.
 *
 * @module
 */
import { numelOf, type Backend, type DType, type StorageHandle, type TypedArray, type View } from '@typetorch/core';
import { binary } from './binary.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv.js';
import { copy, fill, where } from './elementwise.js';
import { gather, scatter, scatterAdd } from './indexing.js';
import { matmul } from './matmul.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { uniform } from './random.js';
import { reduce } from './reduce.js';
import { scan } from './scan.js';
import { CpuStorage, allocate, arrayOf, holdsDType, release, scratchView, storageOf } from './storage.js';
import { isContiguous } from './strided.js';
import { unary } from './unary.js';

function checkHostArray(op: string, data: TypedArray, dtype: DType): void {
  if (!holdsDType(data, dtype)) {
    throw new Error(`[${op}] expected the host array of ${dtype}, got ${data.constructor.name}`);
  }
}

/** A new row-major host copy of a view's elements. */
function readSync(view: View): TypedArray {
  const data = arrayOf(view);
  if (isContiguous(view.shape, view.strides)) return data.slice(view.offset, view.offset + numelOf(view.shape));
  const host = scratchView(view.dtype, view.shape);
  copy(host, view);
  return arrayOf(host);
}

/** The CPU device: storage in typed arrays, kernels in plain TypeScript, synchronous reads. */
export const cpuBackend: Backend = {
  name: 'cpu',

  alloc: (dtype: DType, numel: number): StorageHandle => new CpuStorage(allocate(dtype, numel)),
  free: release,
  write(handle, dtype, data, offset) {
    checkHostArray('write', data, dtype);
    (storageOf(handle).data as Float64Array).set(data as Float64Array, offset);
  },
  read: async (view) => readSync(view),
  readSync,
  hostArray: (handle) => storageOf(handle).data,
  wrapHostArray(data, dtype) {
    checkHostArray('wrapHostArray', data, dtype);
    return new CpuStorage(data);
  },

  copy,
  fill,
  unary,
  binary,
  where,
  reduce,
  scan,
  matmul,
  gather,
  scatterAdd,
  scatter,
  uniform,

  fused: {
    conv2d: conv2dForward,
    conv2dBackwardInput,
    conv2dBackwardWeight,
    maxPool2d,
    maxPool2dBackward,
    avgPool2d,
    avgPool2dBackward,
  },
};
