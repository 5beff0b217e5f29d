/**
 * Shape layers: Flatten, Unflatten and Identity.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Module } from '../module.js';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { pyTuple } from './repr.js';

/** Options of {@link Flatten}. */
export interface FlattenOptions {
  /** First dim to flatten (default 1). */
  startDim?: number;
  /** Last dim to flatten (default -1). */
  endDim?: number;
}

/**
 * Flattens dims `startDim..endDim` into one (PyTorch's `nn.Flatten`; defaults 1 and -1, keeping
 * the batch dim): `new nn.Flatten(0)` or `new nn.Flatten({ startDim: 0 })`.
 */
export class Flatten extends Module {
  /** First dim to flatten. */
  readonly startDim: number;
  /** Last dim to flatten. */
  readonly endDim: number;

  /** @param args - `startDim` (default 1), `endDim` (default -1), positionally or by name */
  constructor(...args: OptionalArgs<[startDim: number, endDim: number], FlattenOptions>) {
    super();
    const { startDim = 1, endDim = -1 } = mergeArgs<FlattenOptions>('Flatten', ['startDim', 'endDim'], args);
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /** `input.flatten(startDim, endDim)`. */
  forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  /** `start_dim=1, end_dim=-1`. */
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dim `dim` into `unflattenedSize` (PyTorch's `nn.Unflatten`). */
export class Unflatten extends Module {
  /** The dim to split. */
  readonly dim: number;
  /** The sizes it is split into (one may be -1). */
  readonly unflattenedSize: readonly number[];

  /**
   * @param dim - the dim to split
   * @param unflattenedSize - the new sizes of that dim (one may be -1)
   */
  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Array.isArray(unflattenedSize) || !unflattenedSize.every((s) => Number.isInteger(s))) {
      throw new TypeError(`[Unflatten] unflattened_size must be a list or tuple of ints, got ${String(unflattenedSize)}`);
    }
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }

  /** `input.unflatten(dim, unflattenedSize)`. */
  forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }

  /** `dim=1, unflattened_size=(2, 5)`. */
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}

/** Returns its input unchanged (PyTorch's `nn.Identity`); constructor arguments are ignored. */
export class Identity extends Module {
  /** @param _args - ignored, as in PyTorch */
  constructor(..._args: unknown[]) {
    super();
  }

  /** `input` itself. */
  forward(input: Tensor): Tensor {
    return input;
  }
}
