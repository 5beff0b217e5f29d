/**
 * The `reduction` argument every loss takes, and the helpers the losses share.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';

/** How a loss reduces its elementwise values, as PyTorch's `reduction` argument. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Throws PyTorch's error for an unknown reduction name and returns a valid one. */
export function checkReduction(op: string, reduction: string | undefined, allowed: readonly string[] = ['mean', 'sum', 'none']): string {
  const r = reduction ?? 'mean';
  if (!allowed.includes(r)) throw new Error(`[${op}] ${r} is not a valid value for reduction`);
  return r;
}

/** Applies a `'mean' | 'sum' | 'none'` reduction to elementwise loss values. */
export function reduce(op: string, loss: Tensor, reduction: string | undefined): Tensor {
  const r = checkReduction(op, reduction);
  if (r === 'none') return loss;
  return r === 'sum' ? loss.sum() : loss.mean();
}

/**
 * Checks that a loss's input and target have the same shape: PyTorch 1.13 only warns for the
 * regression losses and then broadcasts, which is almost always a bug (a `[N, 1]` prediction
 * against an `[N]` target gives an `[N, N]` loss); like PyTorch, we broadcast, and the shapes
 * must at least be broadcastable (the elementwise op reports it otherwise).
 */
export function sameShape(a: Tensor, b: Tensor): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

/** A shape as PyTorch prints it in messages: `torch.Size([2, 3])`. */
export function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

const warned = new Set<string>();

/** `console.warn` once per message, as Python shows a `UserWarning` once per call site. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}

/**
 * PyTorch's warning when a regression loss broadcasts a target of another shape (a `[N, 1]`
 * prediction against an `[N]` target silently gives an `[N, N]` loss).
 */
export function warnIfBroadcast(op: string, input: Tensor, target: Tensor): void {
  if (sameShape(input, target)) return;
  warnOnce(
    `[${op}] Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}). ` +
      'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
  );
}
