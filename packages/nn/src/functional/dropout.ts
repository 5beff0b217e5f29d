/**
 * Dropout (PyTorch's `F.dropout`, `F.dropout2d`): zeroes elements (or whole channels) with
 * probability `p` using the seeded default generator, and scales the survivors by `1 / (1 - p)`.
 *
 * @module
 */
import { empty, zeros, type Tensor } from '@typetorch/core';
import { mergeArgs, type OptionalArgs } from '../args.js';

/** Options of {@link dropout} and {@link dropout2d}. */
export interface DropoutOptions {
  /** The probability of an element (or channel) to be zeroed (default 0.5). */
  p?: number;
  /** Apply dropout (default true); false returns the input unchanged. */
  training?: boolean;
  /** Overwrites the input with the result (default false). */
  inplace?: boolean;
}

/** Throws PyTorch's error for a probability outside [0, 1]. */
export function checkDropoutProbability(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`[${op}] dropout probability has to be between 0 and 1, but got ${p}`);
}

/** The positional-or-named arguments of the dropout functions, in PyTorch's order. */
export type DropoutArgs = OptionalArgs<[p: number, training: boolean, inplace: boolean], DropoutOptions>;

/** PyTorch's `_dropout_impl`: `noise` has the input's shape, or `[N, C, 1, ...]` for channels. */
function dropoutImpl(op: string, input: Tensor, args: readonly unknown[], noiseShape: readonly number[]): Tensor {
  const { p = 0.5, training = true, inplace = false } = mergeArgs<DropoutOptions>(op, ['p', 'training', 'inplace'], args);
  checkDropoutProbability(op, p);
  if (p === 0 || !training || input.numel() === 0) return input;
  let noise: Tensor;
  if (p === 1) {
    noise = zeros([], { dtype: input.dtype, device: input.device });
  } else {
    noise = empty([...noiseShape], { dtype: input.dtype, device: input.device });
    noise.bernoulli_(1 - p).div_(1 - p);
  }
  return inplace ? input.mul_(noise) : input.mul(noise);
}

/**
 * Zeroes each element with probability `p` (default 0.5) and scales the rest by `1 / (1 - p)`;
 * the identity when `training` is false: `dropout(x, 0.2, false)` or `dropout(x, { p: 0.2, training: false })`.
 */
export function dropout(input: Tensor, ...args: DropoutArgs): Tensor {
  return dropoutImpl('dropout', input, args, input.shape);
}

/**
 * Zeroes whole channels (dim 1 of `[N, C, ...]`) with probability `p` (default 0.5) and scales
 * the rest by `1 / (1 - p)`. As in PyTorch 1.13, a 3-D input is read as `[N, C, L]`.
 */
export function dropout2d(input: Tensor, ...args: DropoutArgs): Tensor {
  if (input.ndim < 2) throw new Error(`[dropout2d] Feature dropout requires at least 2 dimensions in the input, got ${input.ndim}`);
  const shape = input.shape.map((d, i) => (i < 2 ? d : 1));
  return dropoutImpl('dropout2d', input, args, shape);
}
