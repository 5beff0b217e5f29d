/**
 * Dropout layers: Dropout and Dropout2d (active in training mode only).
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Module } from '../module.js';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { checkDropoutProbability, dropout, dropout2d } from '../functional/dropout.js';
import { pyBool, pyNumber } from './repr.js';

/** Options of {@link Dropout} and {@link Dropout2d}. */
export interface DropoutLayerOptions {
  /** The probability of an element (or channel) to be zeroed (default 0.5). */
  p?: number;
  /** Overwrite the input with the result (default false). */
  inplace?: boolean;
}

/**
 * The probability and in-place flag shared by the dropout layers (PyTorch's `_DropoutNd`), given
 * positionally (`new nn.Dropout(0.2)`) or by name (`new nn.Dropout({ p: 0.2 })`).
 */
export abstract class _DropoutNd extends Module {
  /** The probability of an element (or channel) to be zeroed. */
  readonly p: number;
  /** Overwrite the input with the result. */
  readonly inplace: boolean;

  /** @param args - `p` (default 0.5) and `inplace` (default false), positionally or by name */
  constructor(...args: OptionalArgs<[p: number, inplace: boolean], DropoutLayerOptions>) {
    super();
    const name = this._getName();
    const { p = 0.5, inplace = false } = mergeArgs<DropoutLayerOptions>(name, ['p', 'inplace'], args);
    checkDropoutProbability(name, p);
    this.p = p;
    this.inplace = inplace;
  }

  /** `p=0.5, inplace=False`. */
  override extraRepr(): string {
    return `p=${pyNumber(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/**
 * Zeroes each element with probability `p` during training and scales the rest by `1 / (1 - p)`
 * (PyTorch's `nn.Dropout`); the identity in evaluation mode. Uses the seeded default generator
 * (`torch.manualSeed`).
 */
export class Dropout extends _DropoutNd {

  /** `dropout(input, p)` in training mode, else `input`. */
  forward(input: Tensor): Tensor {
    return dropout(input, this.p, { training: this.training, inplace: this.inplace });
  }
}

/**
 * Zeroes whole channels (dim 1 of `[N, C, H, W]`) with probability `p` during training and scales
 * the rest by `1 / (1 - p)` (PyTorch's `nn.Dropout2d`); the identity in evaluation mode.
 */
export class Dropout2d extends _DropoutNd {

  /** `dropout2d(input, p)` in training mode, else `input`. */
  forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, { training: this.training, inplace: this.inplace });
  }
}
