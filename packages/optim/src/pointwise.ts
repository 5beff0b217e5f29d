/**
 * PyTorch's `addcmul_` and `addcdiv_` as compositions of core ops, in the order PyTorch's CPU kernels
 * evaluate them (`self + value * t1 * t2`, `self + value * t1 / t2`), so float32 results round
 * the same way.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';

/** `self += value * t1 * t2`, in place. */
export function addcmul_(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  const product = value === 1 ? t1.mul(t2) : t1.mul(value).mul(t2);
  return self.add_(product);
}

/** `self += value * t1 / t2`, in place. */
export function addcdiv_(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  const quotient = value === 1 ? t1.div(t2) : t1.mul(value).div(t2);
  return self.add_(quotient);
}

/** `self + value * t1 * t2`, out of place. */
export function addcmul(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  const product = value === 1 ? t1.mul(t2) : t1.mul(value).mul(t2);
  return self.add(product);
}
