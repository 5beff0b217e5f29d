/**
 * The `dtype` / `device` options that layers with parameters accept (PyTorch's factory kwargs).
 *
 * @module
 */
import { empty, type DType, type Tensor } from '@typetorch/core';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';

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

/**
 * PyTorch's default initialisation of an affine layer (`Linear` and `_ConvNd`'s
 * `reset_parameters`): `kaimingUniform_(weight, a = √5)`, then the bias from
 * U(-1/√fanIn, 1/√fanIn). Without inputs (fanIn 0) PyTorch's Linear draws its bias from U(0, 0)
 * (`'zero'`) while the convolutions leave it alone (`'skip'`); the difference shows in the
 * random stream, so each keeps its own.
 */
export function resetAffineLayer(weight: Tensor, bias: Tensor | null, noFanInBias: 'zero' | 'skip'): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias === null) return;
  const [fanIn] = calculateFanInAndFanOut(weight);
  if (fanIn === 0 && noFanInBias === 'skip') return;
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform_(bias, -bound, bound);
}
