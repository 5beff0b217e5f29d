/**
 * Pooling (PyTorch's `F.max_pool1d`, `F.max_pool2d`, `F.avg_pool2d`, `F.adaptive_avg_pool2d`):
 * thin wrappers over core's single-pass pooling ops, with PyTorch's positional `kernelSize`.
 *
 * @module
 */
import * as core from '@typetorch/core';
import type { Tensor } from '@typetorch/core';
import { mergeArgs, type OptionalArgs } from '../args.js';

/** A size per spatial dim, or one number for all. */
export type IntOrPair = number | readonly number[];

/** Options of {@link maxPool2d} and {@link maxPool1d}. */
export interface MaxPoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: IntOrPair | null;
  /** Implicit negative-infinity padding on both sides (default 0; at most half the kernel). */
  padding?: IntOrPair;
  /** Step between the taps of a window (default 1). */
  dilation?: IntOrPair;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Also return the argmax indices (default false). */
  returnIndices?: boolean;
}

/** Options of {@link avgPool2d}. */
export interface AvgPoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: IntOrPair | null;
  /** Implicit zero padding on both sides (default 0; at most half the kernel). */
  padding?: IntOrPair;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the padding zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this number instead of the window size. */
  divisorOverride?: number | null;
}

/**
 * PyTorch's optional arguments of `max_pool1d` / `max_pool2d`, in order (each positional or by
 * name); `R` is the type of `returnIndices`.
 */
export type MaxPoolArgs<R extends boolean | undefined> = OptionalArgs<
  [stride: IntOrPair | null, padding: IntOrPair, dilation: IntOrPair, ceilMode: boolean, returnIndices: R],
  MaxPoolOptions & {
    /** Also return the argmax indices (default false). */
    returnIndices?: R;
  }
>;

const MAX_POOL_ARGS = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const;

/** PyTorch's optional arguments of `avg_pool2d`, in order (each positional or by name). */
export type AvgPoolArgs = OptionalArgs<
  [stride: IntOrPair | null, padding: IntOrPair, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPoolOptions
>;

/** An output size of adaptive pooling: one number, or `[h, w]` where null keeps the input's size. */
export type AdaptiveSize = core.AdaptiveSize;

function maxPoolArgs(kernelSize: IntOrPair, options: MaxPoolOptions): core.MaxPool2dOptions {
  return {
    kernelSize, stride: options.stride ?? null, padding: options.padding ?? 0, dilation: options.dilation ?? 1, ceilMode: options.ceilMode ?? false,
  };
}

/**
 * 2-D max pooling of `[N, C, H, W]` (or `[C, H, W]`) over `kernelSize` windows; `stride`,
 * `padding`, `dilation`, `ceilMode`, `returnIndices` positionally in PyTorch's order
 * (`maxPool2d(x, 3, 2, 1)`) or by name (`maxPool2d(x, 3, { stride: 2, padding: 1 })`). With
 * `returnIndices` it returns `[values, indices]`, the indices (int64) pointing into each
 * flattened `H * W` plane, as PyTorch's.
 */
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, ...args: MaxPoolArgs<false | undefined>): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, ...args: MaxPoolArgs<true>): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, ...args: MaxPoolArgs<boolean>): Tensor | [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  const options = mergeArgs<MaxPoolOptions>('maxPool2d', MAX_POOL_ARGS, args);
  const coreArgs = maxPoolArgs(kernelSize, options);
  if (options.returnIndices) {
    const [values, indices] = core.maxPool2dWithIndices(input, coreArgs);
    return [values, indices];
  }
  return core.maxPool2d(input, coreArgs);
}

/** A number or a one-element list, as the 1-D ops take. */
function single(op: string, name: string, value: IntOrPair | null | undefined, fallback: number | null): number | null {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  if (value.length === 0) return fallback;
  if (value.length !== 1) throw new Error(`[${op}] expected ${name} to be a single integer or a list of one, got [${value.join(', ')}]`);
  return value[0];
}

/**
 * 1-D max pooling of `[N, C, L]` (or `[C, L]`) over windows of `kernelSize` (the other arguments
 * positionally or by name, as {@link maxPool2d}); with `returnIndices` it returns
 * `[values, indices]` (positions along L).
 */
export function maxPool1d(input: Tensor, kernelSize: IntOrPair, ...args: MaxPoolArgs<false | undefined>): Tensor;
export function maxPool1d(input: Tensor, kernelSize: IntOrPair, ...args: MaxPoolArgs<true>): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: IntOrPair, ...args: MaxPoolArgs<boolean>): Tensor | [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: IntOrPair, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  const op = 'maxPool1d';
  const options = mergeArgs<MaxPoolOptions>(op, MAX_POOL_ARGS, rest);
  const args: core.MaxPool1dOptions = {
    kernelSize: single(op, 'kernel_size', kernelSize, null)!,
    stride: single(op, 'stride', options.stride, null),
    padding: single(op, 'padding', options.padding, 0)!,
    dilation: single(op, 'dilation', options.dilation, 1)!,
    ceilMode: options.ceilMode ?? false,
  };
  if (options.returnIndices) {
    const [values, indices] = core.maxPool1dWithIndices(input, args);
    return [values, indices];
  }
  return core.maxPool1d(input, args);
}

/**
 * 2-D average pooling of `[N, C, H, W]` (or `[C, H, W]`) over `kernelSize` windows; `stride`,
 * `padding`, `ceilMode`, `countIncludePad`, `divisorOverride` positionally in PyTorch's order or by name.
 */
export function avgPool2d(input: Tensor, kernelSize: IntOrPair, ...args: AvgPoolArgs): Tensor {
  const options = mergeArgs<AvgPoolOptions>('avgPool2d', ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'], args);
  return core.avgPool2d(input, {
    kernelSize,
    stride: options.stride ?? null,
    padding: options.padding ?? 0,
    ceilMode: options.ceilMode ?? false,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride: options.divisorOverride ?? null,
  });
}

/**
 * 2-D adaptive average pooling to `outputSize` (`[h, w]`, one number for both, null keeping the
 * input's size): window `i` spans `floor(i * in / out)` to `ceil((i + 1) * in / out)`.
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return core.adaptiveAvgPool2d(input, outputSize);
}
