/**
 * Convolutions (PyTorch's `F.conv1d`, `F.conv2d`, `F.conv_transpose2d`): thin wrappers over core's
 * `torch.conv1d` / `torch.conv2d` / `torch.convTranspose2d`, which run on im2col + matmul or a
 * backend's fused kernels and record one `ConvolutionBackward0` node.
 *
 * @module
 */
import * as core from '@typetorch/core';
import type { Conv1dOptions, Conv2dOptions, ConvTranspose2dOptions, Tensor } from '@typetorch/core';
import { mergeArgs, type OptionalArgs } from '../args.js';

export type { Conv1dOptions, Conv2dOptions, ConvTranspose2dOptions };

/** The optional bias of a functional convolution, by name. */
export interface ConvBiasOption {
  /** The bias, one value per output channel (default none). */
  bias?: Tensor | null;
}

type C2 = Required<Conv2dOptions>;
type C1 = Required<Conv1dOptions>;
type CT = Required<ConvTranspose2dOptions>;

const CONV_FN_ARGS = ['bias', 'stride', 'padding', 'dilation', 'groups'] as const;

/** Splits merged arguments into the bias and core's options. */
function splitBias<O extends ConvBiasOption>(options: O): [Tensor | null, Omit<O, 'bias'>] {
  const { bias = null, ...rest } = options;
  return [bias, rest];
}

/**
 * 2-D convolution of `input` `[N, C, H, W]` (or `[C, H, W]`) with `weight`
 * `[OC, C / groups, KH, KW]` and an optional `bias` `[OC]`; then `stride`, `padding` (a number,
 * a pair, `'same'` or `'valid'`), `dilation`, `groups`, positionally in PyTorch's order
 * (`conv2d(x, w, b, 2, 1)`) or by name (`conv2d(x, w, { bias: b, stride: 2, padding: 1 })`).
 */
export function conv2d(
  input: Tensor, weight: Tensor,
  ...args: OptionalArgs<[bias: Tensor | null, stride: C2['stride'], padding: C2['padding'], dilation: C2['dilation'], groups: number], Conv2dOptions & ConvBiasOption>
): Tensor {
  const [bias, options] = splitBias(mergeArgs<Conv2dOptions & ConvBiasOption>('conv2d', CONV_FN_ARGS, args));
  return core.conv2d(input, weight, bias, options);
}

/**
 * 1-D convolution of `input` `[N, C, L]` (or `[C, L]`) with `weight` `[OC, C / groups, K]` and an
 * optional `bias`; then `stride`, `padding`, `dilation`, `groups`, positionally or by name.
 */
export function conv1d(
  input: Tensor, weight: Tensor,
  ...args: OptionalArgs<[bias: Tensor | null, stride: C1['stride'], padding: C1['padding'], dilation: C1['dilation'], groups: number], Conv1dOptions & ConvBiasOption>
): Tensor {
  const [bias, options] = splitBias(mergeArgs<Conv1dOptions & ConvBiasOption>('conv1d', CONV_FN_ARGS, args));
  return core.conv1d(input, weight, bias, options);
}

/**
 * Transposed 2-D convolution of `input` `[N, Cin, H, W]` with `weight` `[Cin, Cout / groups, KH, KW]`
 * and an optional `bias` `[Cout]`; then `stride`, `padding`, `outputPadding`, `groups`,
 * `dilation`, positionally in PyTorch's order or by name.
 */
export function convTranspose2d(
  input: Tensor, weight: Tensor,
  ...args: OptionalArgs<
    [bias: Tensor | null, stride: CT['stride'], padding: CT['padding'], outputPadding: CT['outputPadding'], groups: number, dilation: CT['dilation']], ConvTranspose2dOptions & ConvBiasOption
  >
): Tensor {
  const names = ['bias', 'stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;
  const [bias, options] = splitBias(mergeArgs<ConvTranspose2dOptions & ConvBiasOption>('convTranspose2d', names, args));
  return core.convTranspose2d(input, weight, bias, options);
}
