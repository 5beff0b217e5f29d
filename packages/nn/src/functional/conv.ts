/**
 * Convolutions (PyTorch's `F.conv1d`, `F.conv2d`, `F.conv_transpose2d`): thin wrappers over core's
 * `torch.conv1d` / `torch.conv2d` / `torch.convTranspose2d`, which run on im2col + matmul or a
 * backend's fused kernels and record one `ConvolutionBackward0` node.
 *
 * @module
 */
import * as core from '@typetorch/core';
import type { Conv1dOptions, Conv2dOptions, ConvTranspose2dOptions, Tensor } from '@typetorch/core';

export type { Conv1dOptions, Conv2dOptions, ConvTranspose2dOptions };

/**
 * 2-D convolution of `input` `[N, C, H, W]` (or `[C, H, W]`) with `weight`
 * `[OC, C / groups, KH, KW]` and an optional `bias` `[OC]`; options `stride`, `padding` (a number,
 * a pair, `'same'` or `'valid'`), `dilation`, `groups`.
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  return core.conv2d(input, weight, bias, options);
}

/** 1-D convolution of `input` `[N, C, L]` (or `[C, L]`) with `weight` `[OC, C / groups, K]` and an optional `bias`. */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  return core.conv1d(input, weight, bias, options);
}

/**
 * Transposed 2-D convolution of `input` `[N, Cin, H, W]` with `weight` `[Cin, Cout / groups, KH, KW]`
 * and an optional `bias` `[Cout]`; options `stride`, `padding`, `outputPadding`, `groups`, `dilation`.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  return core.convTranspose2d(input, weight, bias, options);
}
