/**
 * Pooling with PyTorch's semantics: max pooling (with int64 indices into each `H · W` plane),
 * average pooling (`ceilMode`, `countIncludePad`, `divisorOverride`), their 1-D forms (a height-1
 * 2-D pooling between an unsqueeze and a squeeze, as in PyTorch), and the gradient ops their
 * derivative rules use. Adaptive pooling is in adaptive-pooling.ts.
 *
 * A backend may provide fused kernels (`fused.maxPool2d`, `fused.maxPool2dBackward`,
 * `fused.avgPool2d`, `fused.avgPool2dBackward`, see the kernel types below); core falls back to
 * composites of primitive kernels (pool-composite.ts) otherwise.
 *
 * @module
 */
import type { View } from '../backend/contract.js';
import { backendOf, checkTensor, differentiable, emptyTensor, viewOf } from '../dispatch.js';
import { showShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type IntOrPair, type Pair, describe } from './conv-geometry.js';
import {
  avgDivisor, avgPoolBackwardComposite, avgPoolComposite, geometryTaps, maxPoolBackwardComposite, maxPoolComposite,
} from './pool-composite.js';
import {
  type AvgPool2dGeometry, type Pool2dGeometry, type PoolParams, checkFloatPool as checkFloat, checkPoolInput, parsePoolParams,
  poolGeometry, pooledShape,
} from './pool-geometry.js';

export type { Pool2dGeometry, AvgPool2dGeometry } from './pool-geometry.js';

/**
 * Optional fused kernel `fused.maxPool2d`: writes each window's maximum into `out`
 * (`[planes, OH, OW]`) and, unless `indices` is null, the position of the first maximum in its
 * `H · W` plane into `indices` (int64, same shape), for `input` `[planes, H, W]`. Taps outside the
 * input are skipped; NaN counts as the maximum (the last NaN of a window wins, as in PyTorch's CPU
 * kernel). Views are contiguous; float32 or float64; every size positive.
 */
export type FusedMaxPool2dKernel = (out: View, indices: View | null, input: View, geometry: Pool2dGeometry) => void;

/**
 * Optional fused kernel `fused.maxPool2dBackward`: writes into `gradInput` (`[planes, H, W]`,
 * every element) the sum of the `gradOutput` elements (`[planes, OH, OW]`) whose `indices` (int64,
 * same shape, positions in the `H · W` plane) point at it. Views are contiguous.
 */
export type FusedMaxPool2dBackwardKernel = (gradInput: View, gradOutput: View, indices: View) => void;

/**
 * Optional fused kernel `fused.avgPool2d`: writes each window's sum divided as PyTorch does
 * (`divisorOverride`, else the window size clipped to the padded input when `countIncludePad`,
 * else the number of input taps) into `out` `[planes, OH, OW]` for `input` `[planes, H, W]`.
 * Views are contiguous; float32 or float64; every size positive.
 */
export type FusedAvgPool2dKernel = (out: View, input: View, geometry: AvgPool2dGeometry) => void;

/** Optional fused kernel `fused.avgPool2dBackward`: the gradient of {@link FusedAvgPool2dKernel}, every element of `gradInput` written. */
export type FusedAvgPool2dBackwardKernel = (gradInput: View, gradOutput: View, geometry: AvgPool2dGeometry) => void;

/** Options of {@link maxPool2d}. */
export interface MaxPool2dOptions {
  /** Window size. */
  kernelSize: IntOrPair;
  /** Step between windows (default: the kernel size). */
  stride?: IntOrPair | null;
  /** Implicit `-inf` padding on both sides (at most half the kernel size; default 0). */
  padding?: IntOrPair;
  /** Step between taps of a window (default 1). */
  dilation?: IntOrPair;
  /** Round the output size up instead of down (the last window must still start inside the input or its left padding). */
  ceilMode?: boolean;
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions {
  /** Window size. */
  kernelSize: IntOrPair;
  /** Step between windows (default: the kernel size). */
  stride?: IntOrPair | null;
  /** Implicit zero padding on both sides (at most half the kernel size; default 0). */
  padding?: IntOrPair;
  /** Round the output size up instead of down. */
  ceilMode?: boolean;
  /** Count padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this number instead. */
  divisorOverride?: number | null;
}

/** Options of {@link maxPool1d}. */
export interface MaxPool1dOptions {
  /** Window size. */
  kernelSize: number | readonly [number];
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number] | null;
  /** Implicit `-inf` padding on both sides (default 0). */
  padding?: number | readonly [number];
  /** Step between taps (default 1). */
  dilation?: number | readonly [number];
  /** Round the output size up. */
  ceilMode?: boolean;
}

/** Options of {@link avgPool1d}. */
export interface AvgPool1dOptions {
  /** Window size. */
  kernelSize: number | readonly [number];
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number] | null;
  /** Implicit zero padding on both sides (default 0). */
  padding?: number | readonly [number];
  /** Round the output size up. */
  ceilMode?: boolean;
  /** Count padding in the divisor (default true). */
  countIncludePad?: boolean;
}

function fused<K>(x: Tensor, name: string): K | undefined {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') return undefined;
  const kernel = backendOf(x).fused?.[name];
  return typeof kernel === 'function' ? (kernel as unknown as K) : undefined;
}

/** `[planes, H, W]` view of a contiguous copy of `x`. */
function planeView(x: Tensor, planes: number): View {
  const c = x.contiguous();
  const [h, w] = [x.shape[x.ndim - 2], x.shape[x.ndim - 1]];
  return { ...viewOf(c), shape: [planes, h, w], strides: [h * w, w, 1] };
}

/** A kernel view `[planes, A, B]` of a contiguous tensor. */
function asPlanes(t: Tensor, planes: number): View {
  const [a, b] = [t.shape[t.ndim - 2], t.shape[t.ndim - 1]];
  return { ...viewOf(t), shape: [planes, a, b], strides: [a * b, b, 1] };
}

function optionsOf(op: string, options: unknown): Record<string, unknown> {
  if (typeof options === 'number' || Array.isArray(options)) return { kernelSize: options };
  if (options === null || typeof options !== 'object') throw new Error(`[${op}] expected pooling options { kernelSize, ... }, got ${describe(options)}`);
  return options as Record<string, unknown>;
}

/** Max pooling without recording: values and (when asked) int64 indices. */
function maxPoolValues(x: Tensor, g: Pool2dGeometry, withIndices: boolean): [Tensor, Tensor | null] {
  const shape = pooledShape(x, g.outSize);
  if (g.planes === 0) return [emptyTensor(shape, x.dtype, x.device), withIndices ? emptyTensor(shape, 'int64', x.device) : null];
  const kernel = fused<FusedMaxPool2dKernel>(x, 'maxPool2d');
  if (kernel === undefined) {
    const { rows, cols } = geometryTaps(g);
    const [values, indices] = maxPoolComposite(x, g.planes, g.inSize, rows, cols, withIndices);
    return [values.view(shape), indices === null ? null : indices.view(shape)];
  }
  const values = emptyTensor(shape, x.dtype, x.device);
  const indices = withIndices ? emptyTensor(shape, 'int64', x.device) : null;
  kernel(asPlanes(values, g.planes), indices === null ? null : asPlanes(indices, g.planes), planeView(x, g.planes), g);
  return [values, indices];
}

function maxPoolPlan(op: string, x: Tensor, options: unknown): { p: PoolParams; g: Pool2dGeometry } {
  checkTensor(op, x);
  const p = parsePoolParams(op, 'max_pool2d', optionsOf(op, options), true);
  checkPoolInput(op, x.shape, 'non-empty 3D or 4D (batch mode) tensor expected for input');
  checkFloat(op, 'max_pool2d', x);
  return { p, g: poolGeometry(op, x.shape, p) };
}

function maxPoolRecorded(op: string, x: Tensor, options: unknown, withIndices: boolean): [Tensor, Tensor] | Tensor {
  const { p, g } = maxPoolPlan(op, x, options);
  const attrs = { ...p, inputShape: [...x.shape] };
  // The node always has both outputs, as PyTorch's max_pool2d_with_indices: its rule needs the indices.
  const [values, indices] = differentiable('maxPool2dWithIndices', [x], attrs, () => {
    const [v, i] = maxPoolValues(x, g, withIndices || x.requiresGrad);
    return i === null ? [v] : [v, i];
  });
  return withIndices ? [values, indices!] : values;
}

/**
 * 2-D max pooling of `[N, C, H, W]` or `[C, H, W]` (float) over windows of `kernelSize`. Recorded
 * as op `'maxPool2dWithIndices'` (`MaxPool2DWithIndicesBackward0`) with outputs `[values, indices]`
 * and attrs `{ kernelSize, stride, padding, dilation, ceilMode, inputShape }` (pairs).
 * `maxPool2d(x, 2)` is short for `{ kernelSize: 2 }`.
 */
export function maxPool2d(input: Tensor, options: MaxPool2dOptions | IntOrPair): Tensor {
  return maxPoolRecorded('maxPool2d', input, options, false) as Tensor;
}

/** {@link maxPool2d} that also returns the int64 position of each maximum in its `H · W` plane: `[values, indices]`. */
export function maxPool2dWithIndices(input: Tensor, options: MaxPool2dOptions | IntOrPair): [Tensor, Tensor] {
  return maxPoolRecorded('maxPool2dWithIndices', input, options, true) as [Tensor, Tensor];
}

/** Parses 1-D options into 2-D ones (height 1), with PyTorch's `max_pool1d()` / `avg_pool1d` checks. */
function options1d(op: string, options: unknown, x: Tensor, pyName: string): Record<string, unknown> {
  checkTensor(op, x);
  const o = optionsOf(op, options);
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new Error(`[${op}] ${pyName}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${showShape(x.shape)}`);
  }
  const one = (name: string, v: unknown, fallback: unknown) => {
    const value = v === undefined || v === null || (Array.isArray(v) && v.length === 0) ? fallback : v;
    const list = typeof value === 'number' ? [value] : Array.isArray(value) ? value : undefined;
    if (list === undefined || list.length !== 1 || typeof list[0] !== 'number' || !Number.isInteger(list[0])) {
      throw new Error(`[${op}] ${pyName}() ${name} must be an int, list of ints or tuple of ints of size 1, got ${describe(v)}`);
    }
    return list[0] as number;
  };
  const k = one('kernel_size', o.kernelSize, undefined);
  const s = one('stride', o.stride, k);
  const pad = one('padding', o.padding, 0);
  const d = one('dilation', o.dilation, 1);
  return { ...o, kernelSize: [1, k], stride: [1, s], padding: [0, pad], dilation: [1, d] };
}

/** Validates 1-D max pooling options (PyTorch's `max_pool1d()` checks) and pools a height-1 view. */
function maxPool1dImpl(op: string, input: Tensor, options: unknown, withIndices: boolean): Tensor | [Tensor, Tensor] {
  const o = options1d(op, options, input, 'max_pool1d');
  const [k, s, pad, d] = [(o.kernelSize as Pair)[1], (o.stride as Pair)[1], (o.padding as Pair)[1], (o.dilation as Pair)[1]];
  if (k <= 0) throw new Error(`[${op}] max_pool1d() kernel_size must be greater than zero, but got ${k}`);
  if (s <= 0) throw new Error(`[${op}] max_pool1d() stride must be greater than zero, but got ${s}`);
  if (pad < 0) throw new Error(`[${op}] max_pool1d() padding must be non-negative, but got ${pad}`);
  if (pad > Math.floor(k / 2)) {
    throw new Error(`[${op}] max_pool1d() padding should be at most half of kernel size, but got padding=${pad} and kernel_size=${k}`);
  }
  if (d <= 0) throw new Error(`[${op}] max_pool1d() dilation must be greater than zero, but got ${d}`);
  const x = input.unsqueeze(-2);
  if (!withIndices) return (maxPoolRecorded(op, x, o, false) as Tensor).squeeze(-2);
  const [values, indices] = maxPoolRecorded(op, x, o, true) as [Tensor, Tensor];
  return [values.squeeze(-2), indices.squeeze(-2)];
}

/** 1-D max pooling of `[N, C, L]` or `[C, L]`: a 2-D max pooling of height 1 (`SqueezeBackward1` over `MaxPool2DWithIndicesBackward0`). */
export function maxPool1d(input: Tensor, options: MaxPool1dOptions | number): Tensor {
  return maxPool1dImpl('maxPool1d', input, options, false) as Tensor;
}

/** {@link maxPool1d} that also returns int64 positions along L: `[values, indices]`. */
export function maxPool1dWithIndices(input: Tensor, options: MaxPool1dOptions | number): [Tensor, Tensor] {
  return maxPool1dImpl('maxPool1dWithIndices', input, options, true) as [Tensor, Tensor];
}

/** The gradient of a max pooling: `gradOutput` summed into zeros of `inputShape` at `indices`. */
function maxPoolGrad(gradOutput: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
  const [h, w] = inputShape.slice(-2);
  const planes = inputShape.slice(0, -2).reduce((n, d) => n * d, 1);
  if (planes * h * w === 0 || gradOutput.numel() === 0) {
    const zeros = emptyTensor(inputShape, gradOutput.dtype, gradOutput.device);
    if (zeros.numel() > 0) backendOf(zeros).fill(viewOf(zeros), 0);
    return zeros;
  }
  const kernel = fused<FusedMaxPool2dBackwardKernel>(gradOutput, 'maxPool2dBackward');
  if (kernel === undefined) return maxPoolBackwardComposite(gradOutput, indices, planes, [h, w]).view([...inputShape]);
  const out = emptyTensor(inputShape, gradOutput.dtype, gradOutput.device);
  kernel(asPlanes(out, planes), planeView(gradOutput, planes), planeView(indices, planes));
  return out;
}

/**
 * The gradient of a max pooling with respect to its input: zeros of `inputShape` plus each
 * `gradOutput` element at its int64 plane position in `indices` (same shape as `gradOutput`).
 * Linear in `gradOutput`; recorded as op `'maxPool2dBackward'`
 * (`MaxPool2DWithIndicesBackwardBackward0`) with inputs `[gradOutput, indices]` and attrs `{ inputShape }`.
 */
export function maxPool2dBackward(gradOutput: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
  const op = 'maxPool2dBackward';
  checkTensor(op, gradOutput, 'gradOutput');
  checkTensor(op, indices, 'indices');
  if (indices.dtype !== 'int64') throw new Error(`[${op}] expected int64 indices, got ${indices.dtype}`);
  if (gradOutput.ndim < 3 || indices.ndim !== gradOutput.ndim || indices.shape.some((d, i) => d !== gradOutput.shape[i])) {
    throw new Error(`[${op}] expected gradOutput and indices of one shape with 3 or 4 dims, got ${showShape(gradOutput.shape)} and ${showShape(indices.shape)}`);
  }
  const shape = [...inputShape];
  if (shape.length !== gradOutput.ndim || shape.slice(0, -2).some((d, i) => d !== gradOutput.shape[i])) {
    throw new Error(`[${op}] inputShape ${showShape(shape)} does not match gradOutput ${showShape(gradOutput.shape)}`);
  }
  return differentiable(op, [gradOutput, indices], { inputShape: shape }, () => maxPoolGrad(gradOutput, indices, shape));
}

function avgPlan(op: string, shape: readonly number[], dtype: string, options: unknown): { g: AvgPool2dGeometry; attrs: Record<string, unknown> } {
  const o = optionsOf(op, options);
  const p = parsePoolParams(op, 'avg_pool2d', o, false);
  const divisorOverride = o.divisorOverride ?? null;
  if (divisorOverride !== null && (typeof divisorOverride !== 'number' || !Number.isInteger(divisorOverride))) {
    throw new Error(`[${op}] expected divisorOverride to be an integer or null, got ${describe(divisorOverride)}`);
  }
  if (divisorOverride === 0) throw new Error(`[${op}] divisor must be not zero`);
  const countIncludePad = o.countIncludePad ?? true;
  if (typeof countIncludePad !== 'boolean') throw new Error(`[${op}] expected countIncludePad to be a boolean, got ${describe(countIncludePad)}`);
  checkPoolInput(op, shape, `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${showShape(shape)}`);
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int64') throw new Error(`[${op}] "avg_pool2d" not implemented for '${dtype}'`);
  const g = { ...poolGeometry(op, shape, p), countIncludePad, divisorOverride: divisorOverride as number | null };
  const attrs = { kernelSize: p.kernelSize, stride: p.stride, padding: p.padding, ceilMode: p.ceilMode, countIncludePad, divisorOverride };
  return { g, attrs };
}

function avgPoolValues(x: Tensor, g: AvgPool2dGeometry): Tensor {
  const shape = pooledShape(x, g.outSize);
  if (g.planes === 0) return emptyTensor(shape, x.dtype, x.device);
  const kernel = fused<FusedAvgPool2dKernel>(x, 'avgPool2d');
  if (kernel === undefined) {
    const { rows, cols } = geometryTaps(g);
    return avgPoolComposite(x, g.planes, rows, cols, avgDivisor(g)).view(shape);
  }
  const out = emptyTensor(shape, x.dtype, x.device);
  kernel(asPlanes(out, g.planes), planeView(x, g.planes), g);
  return out;
}

/**
 * 2-D average pooling of `[N, C, H, W]` or `[C, H, W]` (float or int64, whose division truncates
 * as in PyTorch). Recorded as op `'avgPool2d'` (`AvgPool2DBackward0`) with attrs `{ kernelSize,
 * stride, padding, ceilMode, countIncludePad, divisorOverride }`.
 */
export function avgPool2d(input: Tensor, options: AvgPool2dOptions | IntOrPair): Tensor {
  return avgPoolImpl('avgPool2d', input, options);
}

function avgPoolImpl(op: string, input: Tensor, options: unknown): Tensor {
  checkTensor(op, input);
  const { g, attrs } = avgPlan(op, input.shape, input.dtype, options);
  return differentiable('avgPool2d', [input], attrs, () => avgPoolValues(input, g));
}

/** 1-D average pooling of `[N, C, L]` or `[C, L]`: a 2-D average pooling of height 1 (`SqueezeBackward1` over `AvgPool2DBackward0`). */
export function avgPool1d(input: Tensor, options: AvgPool1dOptions | number): Tensor {
  const o = options1d('avgPool1d', options, input, 'avg_pool1d');
  return avgPoolImpl('avgPool1d', input.unsqueeze(-2), o).squeeze(-2);
}

/**
 * The gradient of {@link avgPool2d} with respect to its input (`inputShape`), given `gradOutput`
 * and the same options. Linear; recorded as op `'avgPool2dBackward'` (`AvgPool2DBackwardBackward0`)
 * with attrs `{ inputShape, ...options }`.
 */
export function avgPool2dBackward(gradOutput: Tensor, inputShape: readonly number[], options: AvgPool2dOptions | IntOrPair): Tensor {
  const op = 'avgPool2dBackward';
  checkTensor(op, gradOutput, 'gradOutput');
  const shape = [...inputShape];
  const { g, attrs } = avgPlan(op, shape, gradOutput.dtype, options);
  const expected = pooledShape({ shape }, g.outSize);
  if (gradOutput.ndim !== expected.length || gradOutput.shape.some((d, i) => d !== expected[i])) {
    throw new Error(`[${op}] expected gradOutput of shape ${showShape(expected)} for input shape ${showShape(shape)}, got ${showShape(gradOutput.shape)}`);
  }
  return differentiable(op, [gradOutput], { ...attrs, inputShape: shape }, () => {
    if (g.planes === 0) return emptyTensor(shape, gradOutput.dtype, gradOutput.device);
    const kernel = fused<FusedAvgPool2dBackwardKernel>(gradOutput, 'avgPool2dBackward');
    if (kernel === undefined) {
      const { rows, cols } = geometryTaps(g);
      return avgPoolBackwardComposite(gradOutput, g.planes, g.inSize, rows, cols, avgDivisor(g)).view(shape);
    }
    const out = emptyTensor(shape, gradOutput.dtype, gradOutput.device);
    kernel(asPlanes(out, g.planes), planeView(gradOutput, g.planes), g);
    return out;
  });
}
