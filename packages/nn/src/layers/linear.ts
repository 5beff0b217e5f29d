/**
 * `nn.Linear`: the affine layer `y = x W^T + b`.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Module } from '../module.js';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { Parameter } from '../parameter.js';
import { linear } from '../functional/linear.js';
import { checkSizeArg, emptyParam, resetAffineLayer, type FactoryOptions } from './factory.js';
import { pyBool } from './repr.js';

/** Options of {@link Linear}. */
export interface LinearOptions extends FactoryOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * Applies `y = x W^T + b` to the last dim (PyTorch's `nn.Linear`). `weight` is
 * `[outFeatures, inFeatures]`, initialised with `kaimingUniform_(a = √5)`, i.e.
 * U(-1/√inFeatures, 1/√inFeatures); `bias` is `[outFeatures]` with the same bound.
 *
 * @example
 * ```ts
 * const fc = new nn.Linear(16 * 5 * 5, 120);
 * fc.call(torch.randn(4, 400)).shape; // [4, 120]
 * String(fc); // 'Linear(in_features=400, out_features=120, bias=True)'
 * ```
 */
export class Linear extends Module {
  /** The size of each input sample. */
  readonly inFeatures: number;
  /** The size of each output sample. */
  readonly outFeatures: number;
  /** The learnable weight, `[outFeatures, inFeatures]`. */
  declare weight: Parameter;
  /** The learnable bias, `[outFeatures]`, or null without bias. */
  declare bias: Parameter | null;

  /**
   * @param inFeatures - size of each input sample
   * @param outFeatures - size of each output sample
   * @param args - `bias` (default true; positionally, `new nn.Linear(2, 3, false)`, or by name), `dtype`, `device`
   */
  constructor(inFeatures: number, outFeatures: number, ...args: OptionalArgs<[bias: boolean], LinearOptions>) {
    super();
    const options = mergeArgs<LinearOptions>('Linear', ['bias'], args);
    this.inFeatures = checkSizeArg('Linear', 'in_features', inFeatures);
    this.outFeatures = checkSizeArg('Linear', 'out_features', outFeatures);
    this.weight = new Parameter(emptyParam([outFeatures, inFeatures], options));
    if (options.bias ?? true) this.bias = new Parameter(emptyParam([outFeatures], options));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** Re-draws the parameters from PyTorch's default distributions. */
  resetParameters(): void {
    resetAffineLayer(this.weight, this.bias, 'zero');
  }

  /** `input @ weight^T + bias`. */
  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  /** `in_features=2, out_features=8, bias=True`, as PyTorch prints it. */
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
