/**
 * Dropout layers: Dropout and Dropout2d (active in training mode only).
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Module } from '../module.js';
import { checkDropoutProbability, dropout, dropout2d } from '../functional/dropout.js';
import { pyBool, pyNumber } from './repr.js';

/** The probability and in-place flag shared by the dropout layers (PyTorch's `_DropoutNd`). */
export abstract class _DropoutNd extends Module {
  /** The probability of an element (or channel) to be zeroed. */
  readonly p: number;
  /** Overwrite the input with the result. */
  readonly inplace: boolean;

  /**
   * @param name - the layer's name for error messages
   * @param p - probability of an element (or channel) to be zeroed
   * @param inplace - overwrite the input
   */
  constructor(name: string, p: number, inplace: boolean) {
    super();
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
  /**
   * @param p - probability of an element to be zeroed (default 0.5)
   * @param inplace - overwrite the input (default false)
   */
  constructor(p = 0.5, inplace = false) {
    super('Dropout', p, inplace);
  }

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
  /**
   * @param p - probability of a channel to be zeroed (default 0.5)
   * @param inplace - overwrite the input (default false)
   */
  constructor(p = 0.5, inplace = false) {
    super('Dropout2d', p, inplace);
  }

  /** `dropout2d(input, p)` in training mode, else `input`. */
  forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, { training: this.training, inplace: this.inplace });
  }
}
