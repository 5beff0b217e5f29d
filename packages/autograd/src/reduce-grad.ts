/**
 * The one place where a gradient is summed back to the shape of a broadcast input.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';

/** Sums `grad` over the dimensions that broadcasting added or expanded, giving `shape`. */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  const g = grad.shape;
  if (g.length === shape.length && g.every((d, i) => d === shape[i])) return grad;
  const lead = g.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && g[i] !== 1)) dims.push(i);
  }
  const summed = dims.length > 0 ? grad.sum(dims, { keepdim: true }) : grad;
  return summed.reshape([...shape]);
}
