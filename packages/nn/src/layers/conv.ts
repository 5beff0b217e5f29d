/**
 * Convolution layers: Conv1d, Conv2d (stride, padding including `'same'` / `'valid'`, dilation,
 * groups, bias, padding modes) and ConvTranspose2d, with PyTorch's parameters, default
 * initialisation and printed form.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { conv1d, conv2d, convTranspose2d } from '../functional/conv.js';
import { pad } from '../functional/padding.js';
import { checkSizeArg, emptyParam, resetAffineLayer, type FactoryOptions } from './factory.js';
import { pyTuple } from './repr.js';

/** How a convolution pads its input: PyTorch's `padding_mode`. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Options of {@link Conv1d} and {@link Conv2d}. */
export interface ConvLayerOptions extends FactoryOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly number[];
  /** Padding on both sides (default 0), or `'valid'` (none) / `'same'` (output size = input size, stride 1). */
  padding?: number | readonly number[] | 'same' | 'valid';
  /** Step between kernel taps (default 1). */
  dilation?: number | readonly number[];
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** How the padding is filled (default `'zeros'`). */
  paddingMode?: PaddingMode;
}

/** Options of {@link ConvTranspose2d}. */
export interface ConvTransposeLayerOptions extends FactoryOptions {
  /** Stride of the convolution this one transposes (default 1). */
  stride?: number | readonly number[];
  /** Padding of the convolution this one transposes (default 0). */
  padding?: number | readonly number[];
  /** Extra size added to one side of the output (default 0). */
  outputPadding?: number | readonly number[];
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Step between kernel taps (default 1). */
  dilation?: number | readonly number[];
  /** Only `'zeros'` is supported, as in PyTorch. */
  paddingMode?: 'zeros';
}

/** PyTorch's optional arguments of `Conv1d` / `Conv2d`, in order (each positional or by name). */
export type ConvLayerArgs = OptionalArgs<
  [stride: number | readonly number[], padding: number | readonly number[] | 'same' | 'valid', dilation: number | readonly number[], groups: number, bias: boolean, paddingMode: PaddingMode],
  ConvLayerOptions
>;
const CONV_ARGS = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'] as const;

/** PyTorch's optional arguments of `ConvTranspose2d`, in order (each positional or by name). */
export type ConvTransposeLayerArgs = OptionalArgs<
  [stride: number | readonly number[], padding: number | readonly number[], outputPadding: number | readonly number[], groups: number, bias: boolean,
    dilation: number | readonly number[], paddingMode: 'zeros'],
  ConvTransposeLayerOptions
>;
const CONV_TRANSPOSE_ARGS = ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode'] as const;

/** One number repeated `n` times, or a list of length `n` (PyTorch's `_single` / `_pair`). */
function ntuple(op: string, name: string, value: number | readonly number[], n: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(n).fill(value) : [...value];
  if (list.length === 1 && n > 1) return new Array<number>(n).fill(list[0]);
  if (list.length !== n || !list.every((v) => Number.isInteger(v))) {
    throw new Error(`[${op}] ${name} must be an integer or a list of ${n} integers, got ${JSON.stringify(value)}`);
  }
  return list;
}

/** Constructor arguments of {@link _ConvNd} after parsing. */
export interface ConvNdConfig {
  /** Channels of the input. */
  inChannels: number;
  /** Channels produced. */
  outChannels: number;
  /** Kernel size, one number per spatial dim. */
  kernelSize: number | readonly number[];
  /** Number of spatial dims (1 or 2). */
  dims: number;
  /** Whether this is a transposed convolution. */
  transposed: boolean;
  /** Stride, padding, dilation, output padding, groups, bias, padding mode, dtype, device. */
  options: ConvLayerOptions & Pick<ConvTransposeLayerOptions, 'outputPadding'>;
}

/**
 * The shared part of the convolution layers (PyTorch's `_ConvNd`): argument checks, the `weight`
 * (`[out, in / groups, ...k]`, or `[in, out / groups, ...k]` when transposed) and `bias`
 * parameters, `kaimingUniform_(a = √5)` initialisation, and the printed form.
 */
export abstract class _ConvNd extends Module {
  /** Channels of the input. */
  readonly inChannels: number;
  /** Channels produced. */
  readonly outChannels: number;
  /** Kernel size per spatial dim. */
  readonly kernelSize: readonly number[];
  /** Stride per spatial dim. */
  readonly stride: readonly number[];
  /** Padding per spatial dim, or `'same'` / `'valid'`. */
  readonly padding: readonly number[] | 'same' | 'valid';
  /** Dilation per spatial dim. */
  readonly dilation: readonly number[];
  /** Whether this is a transposed convolution. */
  readonly transposed: boolean;
  /** Output padding per spatial dim (transposed convolutions). */
  readonly outputPadding: readonly number[];
  /** Number of channel groups. */
  readonly groups: number;
  /** How the padding is filled. */
  readonly paddingMode: PaddingMode;
  /** `F.pad` amounts for the non-zero padding modes: last dim first, `(left, right)` per dim. */
  readonly reversedPaddingRepeatedTwice: readonly number[];
  /** The learnable filters. */
  declare weight: Parameter;
  /** The learnable bias, `[outChannels]`, or null. */
  declare bias: Parameter | null;

  /** @param config - the parsed constructor arguments of the concrete layer */
  constructor(config: ConvNdConfig) {
    super();
    const op = this._getName();
    const { dims, transposed, options } = config;
    const inChannels = checkSizeArg(op, 'in_channels', config.inChannels);
    const outChannels = checkSizeArg(op, 'out_channels', config.outChannels);
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new Error(`[${op}] groups must be a positive integer`);
    if (inChannels % groups !== 0) throw new Error(`[${op}] in_channels must be divisible by groups`);
    if (outChannels % groups !== 0) throw new Error(`[${op}] out_channels must be divisible by groups`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = ntuple(op, 'kernel_size', config.kernelSize, dims);
    this.stride = ntuple(op, 'stride', options.stride ?? 1, dims);
    this.dilation = ntuple(op, 'dilation', options.dilation ?? 1, dims);
    this.outputPadding = ntuple(op, 'output_padding', options.outputPadding ?? 0, dims);
    this.transposed = transposed;
    this.groups = groups;
    const rawPadding = options.padding ?? 0;
    if (typeof rawPadding === 'string') {
      if (rawPadding !== 'same' && rawPadding !== 'valid') {
        throw new Error(`[${op}] Invalid padding string '${String(rawPadding)}', should be one of {'valid', 'same'}`);
      }
      if (rawPadding === 'same' && this.stride.some((s) => s !== 1)) {
        throw new Error(`[${op}] padding='same' is not supported for strided convolutions`);
      }
      this.padding = rawPadding;
    } else {
      this.padding = ntuple(op, 'padding', rawPadding, dims);
    }
    const mode = options.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(mode)) {
      throw new Error(`[${op}] padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='${String(mode)}'`);
    }
    this.paddingMode = mode;
    this.reversedPaddingRepeatedTwice = reversedPadding(this.padding, this.kernelSize, this.dilation);
    const shape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(emptyParam(shape, options));
    if (options.bias ?? true) this.bias = new Parameter(emptyParam([outChannels], options));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** Re-draws the parameters: `kaimingUniform_(weight, a = √5)`, bias U(-1/√fanIn, 1/√fanIn). */
  resetParameters(): void {
    resetAffineLayer(this.weight, this.bias, 'skip');
  }

  /** `3, 6, kernel_size=(5, 5), stride=(1, 1)` plus the non-default options, as PyTorch prints it. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }

  /** The input padded by the layer's non-zero padding mode (PyTorch's `_conv_forward` first step). */
  protected padInput(input: Tensor): Tensor {
    return pad(input, this.reversedPaddingRepeatedTwice, this.paddingMode as 'reflect' | 'replicate' | 'circular');
  }
}

/** PyTorch's `_reversed_padding_repeated_twice`, including the uneven split of `'same'`. */
function reversedPadding(padding: readonly number[] | 'same' | 'valid', kernel: readonly number[], dilation: readonly number[]): number[] {
  const n = kernel.length;
  const out = new Array<number>(2 * n).fill(0);
  if (padding === 'valid') return out;
  for (let d = 0; d < n; d++) {
    const i = n - 1 - d;
    if (padding === 'same') {
      const total = dilation[d] * (kernel[d] - 1);
      const left = Math.floor(total / 2);
      out[2 * i] = left;
      out[2 * i + 1] = total - left;
    } else {
      out[2 * i] = padding[d];
      out[2 * i + 1] = padding[d];
    }
  }
  return out;
}

/**
 * 1-D convolution over `[N, C, L]` (or `[C, L]`) inputs (PyTorch's `nn.Conv1d`); `weight` is
 * `[outChannels, inChannels / groups, kernelSize]`.
 */
export class Conv1d extends _ConvNd {
  /**
   * @param inChannels - channels of the input
   * @param outChannels - channels produced
   * @param kernelSize - the window length
   * @param args - `stride`, `padding`, `dilation`, `groups`, `bias`, `paddingMode` (positionally, in PyTorch's order, or by name), `dtype`, `device`
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], ...args: ConvLayerArgs) {
    const options = mergeArgs<ConvLayerOptions>('Conv1d', CONV_ARGS, args);
    super({ inChannels, outChannels, kernelSize, dims: 1, transposed: false, options });
  }

  /** The convolution of `input`. */
  forward(input: Tensor): Tensor {
    if (this.paddingMode !== 'zeros') {
      return conv1d(this.padInput(input), this.weight, this.bias, { stride: this.stride[0], padding: 0, dilation: this.dilation[0], groups: this.groups });
    }
    const padding = typeof this.padding === 'string' ? this.padding : this.padding[0];
    return conv1d(input, this.weight, this.bias, { stride: this.stride[0], padding, dilation: this.dilation[0], groups: this.groups });
  }
}

/**
 * 2-D convolution over `[N, C, H, W]` (or `[C, H, W]`) inputs (PyTorch's `nn.Conv2d`); `weight` is
 * `[outChannels, inChannels / groups, kH, kW]`.
 *
 * @example
 * ```ts
 * const conv = new nn.Conv2d(3, 6, 5);                      // as in PyTorch's CIFAR-10 tutorial
 * conv.call(torch.randn(4, 3, 32, 32)).shape;               // [4, 6, 28, 28]
 * new nn.Conv2d(3, 6, 3, { stride: 2, padding: 1, bias: false });
 * new nn.Conv2d(3, 6, 3, 2, 1, { bias: false });            // the same, PyTorch's positional form
 * String(conv); // 'Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))'
 * ```
 */
export class Conv2d extends _ConvNd {
  /**
   * @param inChannels - channels of the input
   * @param outChannels - channels produced
   * @param kernelSize - the window size (one number or `[kH, kW]`)
   * @param args - `stride`, `padding`, `dilation`, `groups`, `bias`, `paddingMode` (positionally, in PyTorch's order, or by name), `dtype`, `device`
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], ...args: ConvLayerArgs) {
    const options = mergeArgs<ConvLayerOptions>('Conv2d', CONV_ARGS, args);
    super({ inChannels, outChannels, kernelSize, dims: 2, transposed: false, options });
  }

  /** The convolution of `input`. */
  forward(input: Tensor): Tensor {
    if (this.paddingMode !== 'zeros') {
      return conv2d(this.padInput(input), this.weight, this.bias, { stride: this.stride, padding: 0, dilation: this.dilation, groups: this.groups });
    }
    return conv2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/**
 * Transposed 2-D convolution (PyTorch's `nn.ConvTranspose2d`, the gradient of Conv2d with respect
 * to its input); `weight` is `[inChannels, outChannels / groups, kH, kW]`.
 */
export class ConvTranspose2d extends _ConvNd {
  /**
   * @param inChannels - channels of the input
   * @param outChannels - channels produced
   * @param kernelSize - the window size (one number or `[kH, kW]`)
   * @param args - `stride`, `padding`, `outputPadding`, `groups`, `bias`, `dilation`, `paddingMode` (positionally, in PyTorch's order, or by name), `dtype`, `device`
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], ...args: ConvTransposeLayerArgs) {
    const options = mergeArgs<ConvTransposeLayerOptions>('ConvTranspose2d', CONV_TRANSPOSE_ARGS, args);
    if ((options.paddingMode ?? 'zeros') !== 'zeros') throw new Error('[ConvTranspose2d] Only "zeros" padding mode is supported for ConvTranspose2d');
    super({ inChannels, outChannels, kernelSize, dims: 2, transposed: true, options });
  }

  /**
   * The transposed convolution of `input`; `outputSize` (`[H, W]`, or the full shape) picks the
   * output padding that gives that size, as PyTorch's `forward(input, output_size)`.
   */
  forward(input: Tensor, outputSize: readonly number[] | null = null): Tensor {
    const outputPadding = this.outputPaddingFor(input, outputSize);
    return convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride, padding: this.padding as readonly number[], outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }

  /** PyTorch's `_output_padding`: the layer's own, or the one that reaches `outputSize`. */
  private outputPaddingFor(input: Tensor, outputSize: readonly number[] | null): number[] {
    if (outputSize === null) return [...this.outputPadding];
    const spatial = 2;
    const nonSpatial = input.ndim === spatial + 2 ? 2 : 1;
    const size = outputSize.length === nonSpatial + spatial ? outputSize.slice(nonSpatial) : [...outputSize];
    if (size.length !== spatial) {
      throw new Error(`[ConvTranspose2d] ConvTranspose2D: for ${input.ndim}D input, output_size must have ${spatial} or ${nonSpatial + spatial} elements (got ${outputSize.length})`);
    }
    const padding = this.padding as readonly number[];
    const minSizes = size.map((_, d) => (input.shape[d + nonSpatial] - 1) * this.stride[d] - 2 * padding[d] + this.dilation[d] * (this.kernelSize[d] - 1) + 1);
    const maxSizes = minSizes.map((m, d) => m + this.stride[d] - 1);
    size.forEach((s, d) => {
      if (s < minSizes[d] || s > maxSizes[d]) {
        throw new Error(
          `[ConvTranspose2d] requested an output size of [${size.join(', ')}], but valid sizes range from [${minSizes.join(', ')}] to ` +
            `[${maxSizes.join(', ')}] (for an input of [${input.shape.slice(nonSpatial).join(', ')}])`,
        );
      }
    });
    return size.map((s, d) => s - minSizes[d]);
  }
}
