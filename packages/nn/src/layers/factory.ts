/**
 * The `dtype` / `device` options that layers with parameters accept (PyTorch's factory kwargs).
 *
 * @module
 */
import { empty, type DType, type Tensor } from '@typetorch/core';

/** Where and in which dtype a layer creates its parameters and buffers. */
export interface FactoryOptions {
  /** The dtype of parameters and floating point buffers (default: the default dtype). */
  dtype?: DType;
  /** The device of parameters and buffers (default: the default device). */
  device?: string;
}

/** An uninitialised tensor of `shape` with the layer's dtype and device. */
export function emptyParam(shape: readonly number[], options: FactoryOptions): Tensor {
  const opts: { dtype?: DType; device?: string } = {};
  if (options.dtype !== undefined) opts.dtype = options.dtype;
  if (options.device !== undefined) opts.device = options.device;
  return empty([...shape], opts);
}

/** Throws unless `value` is a non-negative integer (a size argument of a layer); returns it. */
export function checkSizeArg(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`[${op}] ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}
