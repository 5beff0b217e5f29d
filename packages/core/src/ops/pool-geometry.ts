/**
 * Argument parsing and output sizes of the pooling ops, with PyTorch 1.13's checks and messages
 * (`pooling_output_shape` and `pool2d_shape_check`).
 *
 * @module
 */
import type { Tensor } from '../tensor.js';
import { showShape } from '../shape.js';
import { type Pair, describe } from './conv-geometry.js';

/**
 * Sizes of one 2-D pooling over `planes` independent `[H, W]` planes (`N·C`, or `C` when
 * unbatched). Windows start at `o·stride − padding` and take `kernelSize` taps `dilation` apart;
 * taps outside the input are skipped (max) or count as zeros (average).
 */
export interface Pool2dGeometry {
  /** Number of planes. */
  readonly planes: number;
  /** H and W of the input. */
  readonly inSize: Pair;
  /** OH and OW of the output. */
  readonly outSize: Pair;
  /** Window size. */
  readonly kernelSize: Pair;
  /** Step between windows. */
  readonly stride: Pair;
  /** Implicit padding before each dim. */
  readonly padding: Pair;
  /** Step between taps ([1, 1] for average pooling). */
  readonly dilation: Pair;
}

/** {@link Pool2dGeometry} of an average pooling, with its divisor rules. */
export interface AvgPool2dGeometry extends Pool2dGeometry {
  /** Divide by the window size including padding (true) or by the number of input taps (false). */
  readonly countIncludePad: boolean;
  /** Divide by this number instead, when not null. */
  readonly divisorOverride: number | null;
}

/** Options shared by the 2-D pooling ops. */
export interface PoolParams {
  kernelSize: Pair;
  stride: Pair;
  padding: Pair;
  dilation: Pair;
  ceilMode: boolean;
}

/** One int, or a list of one or two, with PyTorch's `max_pool2d: kernel_size must ...` message. */
function pair(op: string, pyName: string, name: string, value: unknown, phrase: string): Pair {
  const list = typeof value === 'number' ? [value] : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (list === undefined || (list.length !== 1 && list.length !== 2)) throw new Error(`[${op}] ${pyName}: ${name} must ${phrase}`);
  if (list.some((v) => typeof v !== 'number' || !Number.isInteger(v))) {
    throw new Error(`[${op}] expected ${name} to be integers, got ${describe(value)}`);
  }
  const v = list as number[];
  return [v[0], v[v.length - 1]];
}

/** Reads kernel size, stride (default: the kernel size), padding and dilation. */
export function parsePoolParams(op: string, pyName: string, options: Record<string, unknown>, withDilation: boolean): PoolParams {
  const kernelSize = pair(op, pyName, 'kernel_size', options.kernelSize, 'either be a single int, or a tuple of two ints');
  const rawStride = options.stride;
  const stride = rawStride === undefined || rawStride === null || (Array.isArray(rawStride) && rawStride.length === 0)
    ? kernelSize
    : pair(op, pyName, 'stride', rawStride, 'either be omitted, a single int, or a tuple of two ints');
  const padding = pair(op, pyName, 'padding', options.padding ?? 0, 'either be a single int, or a tuple of two ints');
  const dilation = withDilation
    ? pair(op, pyName, 'dilation', options.dilation ?? 1, 'be either a single int, or a tuple of two ints')
    : ([1, 1] as const);
  const ceilMode = options.ceilMode ?? false;
  if (typeof ceilMode !== 'boolean') throw new Error(`[${op}] expected ceilMode to be a boolean, got ${describe(ceilMode)}`);
  return { kernelSize, stride, padding, dilation, ceilMode };
}

/**
 * PyTorch's `pooling_output_shape`: `⌊(in + 2·pad − dilation·(k − 1) − 1 (+ stride − 1 when
 * ceil)) / stride⌋ + 1`, minus one when ceil mode would start the last window past the input and
 * its left padding.
 */
export function poolOutSize(op: string, input: number, k: number, pad: number, stride: number, dilation: number, ceil: boolean): number {
  if (stride === 0) throw new Error(`[${op}] stride should not be zero`);
  if (pad < 0) throw new Error(`[${op}] pad must be non-negative, but got pad: ${pad}`);
  // C++ integer division: a negative kernel passes here and fails the kernel-size check after.
  if (pad > Math.trunc(k / 2)) throw new Error(`[${op}] pad should be at most half of kernel size, but got pad=${pad} and kernel_size=${k}`);
  let out = Math.floor((input + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= input + pad) out--;
  return out;
}

/** PyTorch's message for a pooling of a dtype it has no kernel for. */
export function checkFloatPool(op: string, pyName: string, x: Tensor): void {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new Error(`[${op}] "${pyName}" not implemented for '${x.dtype}'`);
}

/** Checks a pooling input's rank: 3-D or 4-D. */
export function checkPoolInput(op: string, shape: readonly number[], rankMessage: string): void {
  if (shape.length !== 3 && shape.length !== 4) throw new Error(`[${op}] ${rankMessage}`);
}

/** The geometry of a 2-D pooling of an input of `shape`, after PyTorch's `pool2d_shape_check`. */
export function poolGeometry(op: string, shape: readonly number[], p: PoolParams): Pool2dGeometry {
  const x = { shape, ndim: shape.length };
  const h = x.shape[x.ndim - 2];
  const w = x.shape[x.ndim - 1];
  const oh = poolOutSize(op, h, p.kernelSize[0], p.padding[0], p.stride[0], p.dilation[0], p.ceilMode);
  const ow = poolOutSize(op, w, p.kernelSize[1], p.padding[1], p.stride[1], p.dilation[1], p.ceilMode);
  const [kh, kw] = p.kernelSize;
  if (kh <= 0 || kw <= 0) throw new Error(`[${op}] kernel size should be greater than zero, but got kH: ${kh} kW: ${kw}`);
  if (p.stride[0] <= 0 || p.stride[1] <= 0) {
    throw new Error(`[${op}] stride should be greater than zero, but got dH: ${p.stride[0]} dW: ${p.stride[1]}`);
  }
  if (p.dilation[0] <= 0 || p.dilation[1] <= 0) {
    throw new Error(`[${op}] dilation should be greater than zero, but got dilationH: ${p.dilation[0]} dilationW: ${p.dilation[1]}`);
  }
  if (x.shape.slice(1).some((d) => d === 0) || (x.ndim === 3 && x.shape[0] === 0)) {
    throw new Error(`[${op}] Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${showShape(x.shape)}`);
  }
  const channels = x.shape[x.ndim - 3];
  if (oh < 1 || ow < 1) {
    throw new Error(
      `[${op}] Given input size: (${channels}x${h}x${w}). Calculated output size: (${channels}x${oh}x${ow}). Output size is too small`,
    );
  }
  const planes = x.ndim === 4 ? x.shape[0] * channels : channels;
  return { planes, inSize: [h, w], outSize: [oh, ow], kernelSize: p.kernelSize, stride: p.stride, padding: p.padding, dilation: p.dilation };
}

/** The output shape of a pooling: the input's leading dims, then `outSize`. */
export function pooledShape(x: { readonly shape: readonly number[] }, outSize: Pair): number[] {
  return [...x.shape.slice(0, -2), outSize[0], outSize[1]];
}

/** Start (inclusive) and end (exclusive) of adaptive window `o` of `outSize` over `inSize`. */
export function adaptiveWindow(o: number, inSize: number, outSize: number): [number, number] {
  return [Math.floor((o * inSize) / outSize), Math.ceil(((o + 1) * inSize) / outSize)];
}

/** Reads an adaptive pooling's output size (null keeps the input's size), with PyTorch's messages. */
export function parseAdaptiveSize(op: string, pyName: string, x: Tensor, outputSize: unknown): Pair {
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`[${op}] ${pyName}(): Expected 3D or 4D tensor, but got ${showShape(x.shape)}`);
  const list = typeof outputSize === 'number' || outputSize === null ? [outputSize, outputSize] : Array.isArray(outputSize) ? outputSize : undefined;
  if (list === undefined || list.length !== 2) throw new Error(`[${op}] ${pyName}: output_size must be 2`);
  const size = list.map((v, i) => (v === null || v === undefined ? x.shape[x.ndim - 2 + i] : v));
  if (size.some((v) => typeof v !== 'number' || !Number.isInteger(v))) {
    throw new Error(`[${op}] expected output size to be integers or null, got ${describe(outputSize)}`);
  }
  const [oh, ow] = size as number[];
  if (oh < 0 || ow < 0) {
    throw new Error(`[${op}] ${pyName}: elements of output_size must be greater than or equal to 0 but received {${oh}, ${ow}}`);
  }
  for (let d = 1; d < x.ndim; d++) {
    if (x.shape[d] === 0) {
      throw new Error(
        `[${op}] ${pyName}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ` +
          `${showShape(x.shape)} with dimension ${d} being empty`,
      );
    }
  }
  return [oh, ow];
}
