/**
 * The affine map of `nn.Linear` (PyTorch's `F.linear`).
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { mergeArgs, type OptionalArgs } from '../args.js';

/** Options of {@link linear}. */
export interface LinearFnOptions {
  /** The bias `[out]` (default none). */
  bias?: Tensor | null;
}

/**
 * `input @ weight^T + bias` over the last dim: `input` `[..., in]`, `weight` `[out, in]`, `bias`
 * `[out]` (positional, `linear(x, w, b)`, or `linear(x, w, { bias: b })`); the output is `[..., out]`.
 */
export function linear(input: Tensor, weight: Tensor, ...args: OptionalArgs<[bias: Tensor | null], LinearFnOptions>): Tensor {
  const { bias = null } = mergeArgs<LinearFnOptions>('linear', ['bias'], args);
  const out = input.matmul(weight.t());
  return bias === null ? out : out.add(bias);
}
