/**
 * The storage handle of the WebGPU device: a pooled GPU buffer and what it holds.
 *
 * @module
 */
import type { DType } from '@typetorch/core';

/** A block of GPU memory holding `numel` elements of `dtype`, one 32-bit word each (see dtypes.ts). */
export interface GpuStorage {
  readonly buffer: GPUBuffer;
  readonly dtype: DType;
  readonly numel: number;
}
