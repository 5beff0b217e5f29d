/**
 * The affine map of `nn.Linear` (PyTorch's `F.linear`).
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';

/**
 * `input @ weight^T + bias` over the last dim: `input` `[..., in]`, `weight` `[out, in]`, `bias`
 * `[out]`; the output is `[..., out]`.
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const out = input.matmul(weight.t());
  return bias === null || bias === undefined ? out : out.add(bias);
}
