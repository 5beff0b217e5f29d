/**
 * Adaptive pooling with PyTorch's semantics: the output size is given and window `o` of `OH`
 * covers rows `⌊o·H/OH⌋ ..< ⌈(o+1)·H/OH⌉` (windows may overlap or differ in size). Average
 * pooling is separable window sums (pool-composite.ts), max pooling gathers the windows; both run
 * on the contract's primitive kernels on every device.
 *
 * @module
 */
import { checkTensor, differentiable, emptyTensor } from '../dispatch.js';
import { showShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Pair } from './conv-geometry.js';
import { adaptiveTaps, avgPoolBackwardComposite, avgPoolComposite, maxPoolComposite } from './pool-composite.js';
import { checkFloatPool as checkFloat, parseAdaptiveSize, pooledShape } from './pool-geometry.js';

/** An adaptive pooling's output size: one number for both dims, or one per dim (null keeps the input's). */
export type AdaptiveSize = number | null | readonly (number | null)[];

/** Sizes of an adaptive pooling: planes and output shape. */
function adaptivePlan(x: Tensor, size: Pair): { planes: number; shape: number[] } {
  const planes = x.shape.slice(0, -2).reduce((n, d) => n * d, 1);
  return { planes, shape: pooledShape(x, size) };
}

/**
 * Adaptive average pooling of `[N, C, H, W]` or `[C, H, W]` (float) to `outputSize`: window `o`
 * covers `⌊o·H/OH⌋ ..< ⌈(o+1)·H/OH⌉`. A `1 × 1` output is a mean over the last two dims
 * (`MeanBackward1`), as in PyTorch; otherwise op `'adaptiveAvgPool2d'`
 * (`AdaptiveAvgPool2DBackward0`) with attrs `{ outputSize, inputShape }`.
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  const op = 'adaptiveAvgPool2d';
  checkTensor(op, input);
  const size = parseAdaptiveSize(op, 'adaptive_avg_pool2d', input, outputSize);
  checkFloat(op, 'adaptive_avg_pool2d', input);
  if (size[0] === 1 && size[1] === 1) return input.mean([-1, -2], { keepdim: true });
  const { planes, shape } = adaptivePlan(input, size);
  return differentiable(op, [input], { outputSize: size, inputShape: [...input.shape] }, () => {
    if (planes === 0 || size[0] * size[1] === 0) return emptyTensor(shape, input.dtype, input.device);
    const [h, w] = input.shape.slice(-2);
    const rows = adaptiveTaps(h, size[0]);
    const cols = adaptiveTaps(w, size[1]);
    const divisor = { rows: rows.map((r) => r.length), cols: cols.map((c) => c.length) };
    return avgPoolComposite(input, planes, rows, cols, divisor).view(shape);
  });
}

/** 1-D adaptive average pooling of `[N, C, L]` or `[C, L]` (`SqueezeBackward1` over the 2-D op). */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number): Tensor {
  checkTensor('adaptiveAvgPool1d', input);
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new Error(`[adaptiveAvgPool1d] Expected 2 to 3 dimensions, but got ${input.ndim}-dimensional tensor for argument #1 'self'`);
  }
  return adaptiveAvgPool2d(input.unsqueeze(-2), [1, outputSize]).squeeze(-2);
}

/**
 * The gradient of {@link adaptiveAvgPool2d} with respect to its input (`inputShape`). Linear;
 * recorded as op `'adaptiveAvgPool2dBackward'` (`AdaptiveAvgPool2DBackwardBackward0`) with attrs `{ inputShape }`.
 */
export function adaptiveAvgPool2dBackward(gradOutput: Tensor, inputShape: readonly number[]): Tensor {
  const op = 'adaptiveAvgPool2dBackward';
  checkTensor(op, gradOutput, 'gradOutput');
  const shape = [...inputShape];
  if (gradOutput.ndim !== shape.length || gradOutput.ndim < 3 || shape.slice(0, -2).some((d, i) => d !== gradOutput.shape[i])) {
    throw new Error(`[${op}] inputShape ${showShape(shape)} does not match gradOutput ${showShape(gradOutput.shape)}`);
  }
  return differentiable(op, [gradOutput], { inputShape: shape }, () => {
    const planes = shape.slice(0, -2).reduce((n, d) => n * d, 1);
    const [h, w] = shape.slice(-2);
    const [oh, ow] = gradOutput.shape.slice(-2);
    if (planes * h * w === 0) return emptyTensor(shape, gradOutput.dtype, gradOutput.device);
    const rows = adaptiveTaps(h, oh);
    const cols = adaptiveTaps(w, ow);
    const divisor = { rows: rows.map((r) => r.length), cols: cols.map((c) => c.length) };
    return avgPoolBackwardComposite(gradOutput, planes, [h, w], rows, cols, divisor).view(shape);
  });
}

function adaptiveMax(input: Tensor, outputSize: AdaptiveSize, op: string): [Tensor, Tensor] {
  checkTensor(op, input);
  const size = parseAdaptiveSize(op, 'adaptive_max_pool2d', input, outputSize);
  checkFloat(op, 'adaptive_max_pool2d', input);
  const { planes, shape } = adaptivePlan(input, size);
  const [values, indices] = differentiable('adaptiveMaxPool2d', [input], { outputSize: size, inputShape: [...input.shape] }, () => {
    if (planes === 0 || size[0] * size[1] === 0) return [emptyTensor(shape, input.dtype, input.device), emptyTensor(shape, 'int64', input.device)];
    const [h, w] = input.shape.slice(-2);
    const [v, i] = maxPoolComposite(input, planes, [h, w], adaptiveTaps(h, size[0]), adaptiveTaps(w, size[1]), true);
    return [v.view(shape), i!.view(shape)];
  });
  return [values, indices];
}

/**
 * Adaptive max pooling of `[N, C, H, W]` or `[C, H, W]` (float) to `outputSize` (windows as in
 * {@link adaptiveAvgPool2d}). Recorded as op `'adaptiveMaxPool2d'` (`AdaptiveMaxPool2DBackward0`)
 * with outputs `[values, indices]` and attrs `{ outputSize, inputShape }`.
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveMax(input, outputSize, 'adaptiveMaxPool2d')[0];
}

/** {@link adaptiveMaxPool2d} that also returns int64 plane positions of the maxima: `[values, indices]`. */
export function adaptiveMaxPool2dWithIndices(input: Tensor, outputSize: AdaptiveSize): [Tensor, Tensor] {
  return adaptiveMax(input, outputSize, 'adaptiveMaxPool2dWithIndices');
}
