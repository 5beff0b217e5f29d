/**
 * Classification loss modules: CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { crossEntropy, nllLoss } from '../functional/loss-classification.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv } from '../functional/loss-binary.js';
import type { Reduction } from '../functional/reduction.js';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { _Loss, _WeightedLoss, type WeightedLossOptions } from './loss.js';

/**
 * The constructor arguments of the weighted losses: the class `weight` positionally
 * (`new nn.CrossEntropyLoss(w)`) or by name, the other options by name (PyTorch's next positional
 * parameter is the deprecated `size_average`).
 */
export type WeightedLossArgs<O extends WeightedLossOptions> = OptionalArgs<[weight: Tensor | null], O>;

function weightedOptions<O extends WeightedLossOptions>(op: string, args: readonly unknown[]): O {
  return mergeArgs<O>(op, ['weight'], args);
}

/** Options of {@link NLLLoss}. */
export interface NLLLossLayerOptions extends WeightedLossOptions {
  /** A target value that is ignored (default -100). */
  ignoreIndex?: number;
}

/** Options of {@link CrossEntropyLoss}. */
export interface CrossEntropyLossLayerOptions extends NLLLossLayerOptions {
  /** Amount of label smoothing in [0, 1] (default 0). */
  labelSmoothing?: number;
}

/** Options of {@link BCEWithLogitsLoss}. */
export interface BCEWithLogitsLossLayerOptions extends WeightedLossOptions {
  /** A weight of positive examples per class; registered as the `pos_weight` buffer. */
  posWeight?: Tensor | null;
}

/** Options of {@link KLDivLoss}. */
export interface KLDivLossLayerOptions {
  /** `'mean'` (default), `'batchmean'`, `'sum'` or `'none'`. */
  reduction?: Reduction | 'batchmean';
  /** Whether the target holds log-probabilities (default false). */
  logTarget?: boolean;
}

/**
 * Cross entropy between logits and class indices or class probabilities (PyTorch's
 * `nn.CrossEntropyLoss`), with `weight`, `ignoreIndex`, `reduction` and `labelSmoothing`.
 *
 * @example
 * ```ts
 * const criterion = new nn.CrossEntropyLoss();
 * const loss = criterion.call(net.call(inputs), torch.tensor([1, 0, 3, 9], { dtype: 'int64' }));
 * loss.backward();
 * ```
 */
export class CrossEntropyLoss extends _WeightedLoss {
  /** The ignored target value. */
  ignoreIndex: number;
  /** The amount of label smoothing. */
  labelSmoothing: number;

  /** @param args - `weight` (positionally or by name), `ignoreIndex` (default -100), `reduction`, `labelSmoothing` (default 0) */
  constructor(...args: WeightedLossArgs<CrossEntropyLossLayerOptions>) {
    const options = weightedOptions<CrossEntropyLossLayerOptions>('CrossEntropyLoss', args);
    super(options.weight, options.reduction);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  /** The cross entropy of logits `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction as Reduction, labelSmoothing: this.labelSmoothing,
    });
  }
}

/** The negative log likelihood of log-probabilities at class indices (PyTorch's `nn.NLLLoss`). */
export class NLLLoss extends _WeightedLoss {
  /** The ignored target value. */
  ignoreIndex: number;

  /** @param args - `weight` (positionally or by name), `ignoreIndex` (default -100), `reduction` */
  constructor(...args: WeightedLossArgs<NLLLossLayerOptions>) {
    const options = weightedOptions<NLLLossLayerOptions>('NLLLoss', args);
    super(options.weight, options.reduction);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  /** The negative log likelihood of `input` at `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction as Reduction });
  }
}

/** Binary cross entropy between probabilities and targets (PyTorch's `nn.BCELoss`). */
export class BCELoss extends _WeightedLoss {
  /** @param args - `weight` (positionally or by name), `reduction` */
  constructor(...args: WeightedLossArgs<WeightedLossOptions>) {
    const options = weightedOptions<WeightedLossOptions>('BCELoss', args);
    super(options.weight, options.reduction);
  }

  /** The binary cross entropy of probabilities `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction as Reduction });
  }
}

/**
 * Binary cross entropy on logits, computed stably (PyTorch's `nn.BCEWithLogitsLoss`), with
 * `weight` and `posWeight` (buffers `weight` and `pos_weight`).
 */
export class BCEWithLogitsLoss extends _WeightedLoss {
  /** @param args - `weight` (positionally or by name), `reduction`, `posWeight` */
  constructor(...args: WeightedLossArgs<BCEWithLogitsLossLayerOptions>) {
    const options = weightedOptions<BCEWithLogitsLossLayerOptions>('BCEWithLogitsLoss', args);
    super(options.weight, options.reduction);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }

  /** The weight of positive examples (`pos_weight` buffer), or null. */
  get posWeight(): Tensor | null {
    return this._buffers.get('pos_weight') ?? null;
  }

  /** The binary cross entropy of logits `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction as Reduction });
  }
}

/** The Kullback-Leibler divergence of log-probabilities `input` from `target` (PyTorch's `nn.KLDivLoss`). */
export class KLDivLoss extends _Loss {
  /** Whether the target holds log-probabilities. */
  logTarget: boolean;

  /**
   * @param options - `reduction` (`'batchmean'` gives the true KL divergence), `logTarget`; by name only,
   *   since PyTorch's first positional parameter is the deprecated `size_average`
   */
  constructor(options: KLDivLossLayerOptions = {}) {
    super(options.reduction, ['mean', 'batchmean', 'sum', 'none']);
    this.logTarget = options.logTarget ?? false;
  }

  /** The KL divergence, reduced. */
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction as Reduction | 'batchmean', logTarget: this.logTarget });
  }
}

