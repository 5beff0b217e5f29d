/**
 * Pooling layers: MaxPool1d, MaxPool2d (stride, padding, dilation, ceilMode, returnIndices),
 * AvgPool2d and AdaptiveAvgPool2d, printed as PyTorch prints them.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Module } from '../module.js';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool1d, maxPool2d, type AdaptiveSize, type IntOrPair } from '../functional/pooling.js';
import { pyBool, pyIntOrTuple } from './repr.js';

/** Options of {@link MaxPool1d} and {@link MaxPool2d}. */
export interface MaxPoolLayerOptions<R extends boolean = boolean> {
  /** Step between windows (default: the kernel size). */
  stride?: IntOrPair | null;
  /** Implicit negative-infinity padding on both sides (default 0). */
  padding?: IntOrPair;
  /** Step between the taps of a window (default 1). */
  dilation?: IntOrPair;
  /** Also return the argmax indices (default false): `call` then returns `[values, indices]`. */
  returnIndices?: R;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}

/** Options of {@link AvgPool2d}. */
export interface AvgPoolLayerOptions {
  /** Step between windows (default: the kernel size). */
  stride?: IntOrPair | null;
  /** Implicit zero padding on both sides (default 0). */
  padding?: IntOrPair;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the padding zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this number instead of the window size. */
  divisorOverride?: number | null;
}

/** What a max pooling layer returns: the values, or `[values, indices]` with `returnIndices`. */
export type MaxPoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

/** PyTorch's optional arguments of `MaxPool1d` / `MaxPool2d`, in order (each positional or by name). */
export type MaxPoolLayerArgs<R extends boolean> = OptionalArgs<
  [stride: IntOrPair | null, padding: IntOrPair, dilation: IntOrPair, returnIndices: R, ceilMode: boolean], MaxPoolLayerOptions<R>
>;

/** PyTorch's optional arguments of `AvgPool2d`, in order (each positional or by name). */
export type AvgPoolLayerArgs = OptionalArgs<
  [stride: IntOrPair | null, padding: IntOrPair, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPoolLayerOptions
>;

function copySize(v: IntOrPair): IntOrPair {
  return typeof v === 'number' ? v : [...v];
}

/** The shared part of the max pooling layers (PyTorch's `_MaxPoolNd`). */
export abstract class _MaxPoolNd<R extends boolean = false> extends Module {
  /** The window size, as given. */
  readonly kernelSize: IntOrPair;
  /** The step between windows, as given (the kernel size by default). */
  readonly stride: IntOrPair;
  /** The implicit padding, as given. */
  readonly padding: IntOrPair;
  /** The step between taps, as given. */
  readonly dilation: IntOrPair;
  /** Whether `call` returns `[values, indices]`. */
  readonly returnIndices: R;
  /** Whether output sizes round up. */
  readonly ceilMode: boolean;

  /**
   * @param kernelSize - the window size
   * @param args - `stride`, `padding`, `dilation`, `returnIndices`, `ceilMode`, positionally (in PyTorch's order) or by name
   */
  constructor(kernelSize: IntOrPair, ...args: MaxPoolLayerArgs<R>) {
    super();
    const options = mergeArgs<MaxPoolLayerOptions<R>>(this._getName(), ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'], args);
    this.kernelSize = copySize(kernelSize);
    this.stride = copySize(options.stride ?? kernelSize);
    this.padding = copySize(options.padding ?? 0);
    this.dilation = copySize(options.dilation ?? 1);
    this.returnIndices = (options.returnIndices ?? false) as R;
    this.ceilMode = options.ceilMode ?? false;
  }

  /** `kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False`. */
  override extraRepr(): string {
    return `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, padding=${pyIntOrTuple(this.padding)}, ` +
      `dilation=${pyIntOrTuple(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * 1-D max pooling over `[N, C, L]` (or `[C, L]`) inputs (PyTorch's `nn.MaxPool1d`):
 * `new nn.MaxPool1d(kernelSize, stride?, padding?, ...)` or `new nn.MaxPool1d(kernelSize, { stride, padding, ... })`.
 */
export class MaxPool1d<R extends boolean = false> extends _MaxPoolNd<R> {
  /** The pooled values, or `[values, indices]` with `returnIndices`. */
  forward(input: Tensor): MaxPoolResult<R> {
    const { stride, padding, dilation, ceilMode, returnIndices } = this;
    return maxPool1d(input, this.kernelSize, { stride, padding, dilation, ceilMode, returnIndices }) as MaxPoolResult<R>;
  }
}

/**
 * 2-D max pooling over `[N, C, H, W]` (or `[C, H, W]`) inputs (PyTorch's `nn.MaxPool2d`):
 * `new nn.MaxPool2d(2, 2)` (kernel size, stride), `new nn.MaxPool2d(3, 2, 1)` or `new nn.MaxPool2d(3, { stride: 2, padding: 1 })`.
 * With `returnIndices: true`, `call` returns `[values, indices]`.
 *
 * @example
 * ```ts
 * const pool = new nn.MaxPool2d(2, 2);
 * pool.call(torch.randn(4, 6, 28, 28)).shape; // [4, 6, 14, 14]
 * String(pool); // 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'
 * ```
 */
export class MaxPool2d<R extends boolean = false> extends _MaxPoolNd<R> {
  /** The pooled values, or `[values, indices]` with `returnIndices`. */
  forward(input: Tensor): MaxPoolResult<R> {
    const { stride, padding, dilation, ceilMode, returnIndices } = this;
    return maxPool2d(input, this.kernelSize, { stride, padding, dilation, ceilMode, returnIndices }) as MaxPoolResult<R>;
  }
}

/**
 * 2-D average pooling over `[N, C, H, W]` (or `[C, H, W]`) inputs (PyTorch's `nn.AvgPool2d`):
 * `new nn.AvgPool2d(kernelSize, stride?, padding?, ...)` or `new nn.AvgPool2d(kernelSize, { stride, padding, ... })`.
 */
export class AvgPool2d extends Module {
  /** The window size, as given. */
  readonly kernelSize: IntOrPair;
  /** The step between windows, as given (the kernel size by default). */
  readonly stride: IntOrPair;
  /** The implicit zero padding, as given. */
  readonly padding: IntOrPair;
  /** Whether output sizes round up. */
  readonly ceilMode: boolean;
  /** Whether padding zeros count in the divisor. */
  readonly countIncludePad: boolean;
  /** A fixed divisor, or null. */
  readonly divisorOverride: number | null;

  /**
   * @param kernelSize - the window size (one number or `[kH, kW]`)
   * @param args - `stride` (default: the kernel size), `padding`, `ceilMode`, `countIncludePad`, `divisorOverride`,
   *   positionally (in PyTorch's order) or by name
   */
  constructor(kernelSize: IntOrPair, ...args: AvgPoolLayerArgs) {
    super();
    const o = mergeArgs<AvgPoolLayerOptions>('AvgPool2d', ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'], args);
    this.kernelSize = copySize(kernelSize);
    this.stride = copySize(o.stride ?? kernelSize);
    this.padding = copySize(o.padding ?? 0);
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
    this.divisorOverride = o.divisorOverride ?? null;
  }

  /** The averages over each window. */
  forward(input: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return avgPool2d(input, this.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride });
  }

  /** `kernel_size=2, stride=2, padding=0`. */
  override extraRepr(): string {
    return `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, padding=${pyIntOrTuple(this.padding)}`;
  }
}

/**
 * 2-D adaptive average pooling to a fixed output size (PyTorch's `nn.AdaptiveAvgPool2d`):
 * `new nn.AdaptiveAvgPool2d(5)`, `new nn.AdaptiveAvgPool2d([5, 7])`, `[null, 7]` keeps the height.
 */
export class AdaptiveAvgPool2d extends Module {
  /** The output size, as given. */
  readonly outputSize: AdaptiveSize;

  /** @param outputSize - `[h, w]`, one number for both, or null entries keeping the input's size */
  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = typeof outputSize === 'number' || outputSize === null ? outputSize : [...outputSize];
  }

  /** The averages over the adaptive windows. */
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  /** `output_size=(5, 7)`. */
  override extraRepr(): string {
    return `output_size=${pyIntOrTuple(this.outputSize as number | readonly (number | null)[])}`;
  }
}
