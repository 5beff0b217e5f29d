/**
 * Normalisation layers: BatchNorm1d, BatchNorm2d (running statistics, momentum or cumulative
 * averaging, `num_batches_tracked`), LayerNorm and GroupNorm.
 *
 * @module
 */
import { noGrad, ones, tensor, zeros, type Tensor } from '@typetorch/core';
import { Module } from '../module.js';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { Parameter } from '../parameter.js';
import { ones_, zeros_ } from '../init.js';
import { batchNorm, groupNorm, layerNorm } from '../functional/normalization.js';
import { checkSizeArg, emptyParam, type FactoryOptions } from './factory.js';
import { pyBool, pyNumber, pyTuple } from './repr.js';

/**
 * Registers a norm layer's `weight` (ones) and `bias` (zeros) parameters of `shape`, or both as
 * null when the layer is not affine (PyTorch's `affine` / `elementwise_affine`).
 */
function registerAffine(layer: Module, shape: readonly number[], affine: boolean, options: FactoryOptions): void {
  layer.registerParameter('weight', affine ? new Parameter(emptyParam(shape, options)) : null);
  layer.registerParameter('bias', affine ? new Parameter(emptyParam(shape, options)) : null);
}

/** Sets a norm layer's `weight` to ones and `bias` to zeros (those it has). */
function resetAffine(weight: Tensor | null, bias: Tensor | null): void {
  if (weight !== null) ones_(weight);
  if (bias !== null) zeros_(bias);
}

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d}. */
export interface BatchNormLayerOptions extends FactoryOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); null: a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation mode (default true). */
  trackRunningStats?: boolean;
}

/**
 * The shared part of the batch norm layers (PyTorch's `_BatchNorm`): parameters `weight`, `bias`
 * (ones and zeros) and buffers `running_mean`, `running_var`, `num_batches_tracked` (int64).
 */
export abstract class _BatchNorm extends Module {
  /** State dict version 2 added `num_batches_tracked`, as in PyTorch. */
  static override _version = 2;
  /** The number of channels `C`. */
  readonly numFeatures: number;
  /** Added to the variance for stability. */
  eps: number;
  /** Weight of each batch in the running statistics; null for a cumulative average. */
  momentum: number | null;
  /** Whether the layer has `weight` and `bias`. */
  readonly affine: boolean;
  /** Whether the layer keeps running statistics. */
  readonly trackRunningStats: boolean;
  /** Per-channel scale (`gamma`), or null when not affine. */
  declare weight: Parameter | null;
  /** Per-channel shift (`beta`), or null when not affine. */
  declare bias: Parameter | null;

  /**
   * @param numFeatures - the number of channels `C`
   * @param args - `eps`, `momentum`, `affine`, `trackRunningStats` (positionally, in PyTorch's order, or by name), `dtype`, `device`
   */
  constructor(numFeatures: number, ...args: OptionalArgs<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], BatchNormLayerOptions>) {
    super();
    const options = mergeArgs<BatchNormLayerOptions>(this._getName(), ['eps', 'momentum', 'affine', 'trackRunningStats'], args);
    this.numFeatures = checkSizeArg(this._getName(), 'num_features', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    registerAffine(this, [numFeatures], this.affine, options);
    const factory: FactoryOptions = {};
    if (options.dtype !== undefined) factory.dtype = options.dtype;
    if (options.device !== undefined) factory.device = options.device;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], factory));
      this.registerBuffer('running_var', ones([numFeatures], factory));
      this.registerBuffer('num_batches_tracked', tensor(0, { ...factory, dtype: 'int64' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  /** The running mean (`running_mean` buffer), or null without running statistics. */
  get runningMean(): Tensor | null {
    return this._buffers.get('running_mean') ?? null;
  }

  /** The running variance (`running_var` buffer), or null without running statistics. */
  get runningVar(): Tensor | null {
    return this._buffers.get('running_var') ?? null;
  }

  /** The number of training batches seen (`num_batches_tracked`, an int64 scalar), or null. */
  get numBatchesTracked(): Tensor | null {
    return this._buffers.get('num_batches_tracked') ?? null;
  }

  /** Resets the running statistics to mean 0, variance 1 and no batches. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  /** Resets the running statistics and sets `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    this.resetRunningStats();
    resetAffine(this.weight, this.bias);
  }

  /** Throws unless the input has the dims this layer expects. */
  protected abstract checkInputDim(input: Tensor): void;

  /**
   * Normalises with the batch statistics in training mode (updating the running statistics) and
   * with the running statistics in evaluation mode, as PyTorch's `_BatchNorm.forward`.
   */
  forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor: number | Tensor = this.momentum ?? 0;
    const tracked = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && tracked !== null) {
      noGrad(() => tracked.add_(1));
      // A cumulative average: 1 / batches seen, computed on the device (no host read on the GPU).
      if (this.momentum === null) factor = noGrad(() => tracked.to(this.runningMean?.dtype ?? 'float32').reciprocal());
    }
    const useBatchStats = this.training || (this.runningMean === null && this.runningVar === null);
    const useRunning = !this.training || this.trackRunningStats;
    return batchNorm(input, useRunning ? this.runningMean : null, useRunning ? this.runningVar : null, {
      weight: this.weight, bias: this.bias, training: useBatchStats, momentum: factor, eps: this.eps,
    });
  }

  /** `6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True`. */
  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyNumber(this.momentum);
    return `${this.numFeatures}, eps=${pyNumber(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, ` +
      `track_running_stats=${pyBool(this.trackRunningStats)}`;
  }

  /** Loads PyTorch checkpoints older than version 2, which lack `num_batches_tracked` (it becomes 0). */
  override _loadFromStateDict(
    stateDict: Record<string, unknown>, prefix: string, localMetadata: Record<string, unknown>, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[],
  ): void {
    const version = localMetadata.version as number | undefined;
    const key = `${prefix}num_batches_tracked`;
    if ((version === undefined || version === null || version < 2) && this.trackRunningStats && !(key in stateDict)) {
      stateDict[key] = tensor(0, { dtype: 'int64' });
    }
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
  }
}

/**
 * Batch normalisation of `[N, C]` or `[N, C, L]` inputs over the batch (and length) dims
 * (PyTorch's `nn.BatchNorm1d`).
 */
export class BatchNorm1d extends _BatchNorm {
  /** Requires a 2-D or 3-D input. */
  protected override checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new Error(`[BatchNorm1d] expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/**
 * Batch normalisation of `[N, C, H, W]` inputs over the batch and spatial dims (PyTorch's
 * `nn.BatchNorm2d`).
 *
 * @example
 * ```ts
 * const bn = new nn.BatchNorm2d(6);
 * bn.call(torch.randn(4, 6, 8, 8)); // training: batch statistics; updates bn.runningMean
 * bn.eval();                         // evaluation: running statistics
 * ```
 */
export class BatchNorm2d extends _BatchNorm {
  /** Requires a 4-D input. */
  protected override checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) throw new Error(`[BatchNorm2d] expected 4D input (got ${input.ndim}D input)`);
  }
}

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions extends FactoryOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Learn an elementwise scale and shift of `normalizedShape` (default true). */
  elementwiseAffine?: boolean;
}

/**
 * Layer normalisation over the last dims (PyTorch's `nn.LayerNorm`): each sample is normalised
 * over its trailing `normalizedShape` dims, then scaled and shifted elementwise.
 */
export class LayerNorm extends Module {
  /** The trailing shape normalised over. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance for stability. */
  eps: number;
  /** Whether the layer has `weight` and `bias`. */
  readonly elementwiseAffine: boolean;
  /** Elementwise scale (ones), or null. */
  declare weight: Parameter | null;
  /** Elementwise shift (zeros), or null. */
  declare bias: Parameter | null;

  /**
   * @param normalizedShape - the trailing dims to normalise over (a number for the last dim)
   * @param args - `eps`, `elementwiseAffine` (positionally, in PyTorch's order, or by name), `dtype`, `device`
   */
  constructor(normalizedShape: number | readonly number[], ...args: OptionalArgs<[eps: number, elementwiseAffine: boolean], LayerNormOptions>) {
    super();
    const options = mergeArgs<LayerNormOptions>('LayerNorm', ['eps', 'elementwiseAffine'], args);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    registerAffine(this, this.normalizedShape, this.elementwiseAffine, options);
    this.resetParameters();
  }

  /** Sets `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    resetAffine(this.weight, this.bias);
  }

  /** `layerNorm(input, normalizedShape, weight, bias, eps)`. */
  forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  /** `(4,), eps=1e-05, elementwise_affine=True`. */
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyNumber(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Options of {@link GroupNorm}. */
export interface GroupNormOptions extends FactoryOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
}

/**
 * Group normalisation (PyTorch's `nn.GroupNorm`): channels are split into `numGroups` groups,
 * each normalised over its channels and spatial positions, then scaled and shifted per channel.
 */
export class GroupNorm extends Module {
  /** The number of groups. */
  readonly numGroups: number;
  /** The number of channels `C`. */
  readonly numChannels: number;
  /** Added to the variance for stability. */
  eps: number;
  /** Whether the layer has `weight` and `bias`. */
  readonly affine: boolean;
  /** Per-channel scale (ones), or null. */
  declare weight: Parameter | null;
  /** Per-channel shift (zeros), or null. */
  declare bias: Parameter | null;

  /**
   * @param numGroups - the number of groups (must divide `numChannels`)
   * @param numChannels - the number of channels `C`
   * @param args - `eps`, `affine` (positionally, in PyTorch's order, or by name), `dtype`, `device`
   */
  constructor(numGroups: number, numChannels: number, ...args: OptionalArgs<[eps: number, affine: boolean], GroupNormOptions>) {
    super();
    const options = mergeArgs<GroupNormOptions>('GroupNorm', ['eps', 'affine'], args);
    if (!(numGroups > 0) || numChannels % numGroups !== 0) throw new Error('[GroupNorm] num_channels must be divisible by num_groups');
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    registerAffine(this, [numChannels], this.affine, options);
    this.resetParameters();
  }

  /** Sets `weight` to ones and `bias` to zeros. */
  resetParameters(): void {
    resetAffine(this.weight, this.bias);
  }

  /** `groupNorm(input, numGroups, weight, bias, eps)`. */
  forward(input: Tensor): Tensor {
    return groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  /** `2, 6, eps=1e-05, affine=True`. */
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyNumber(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
