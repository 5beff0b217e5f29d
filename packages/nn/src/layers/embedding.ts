/**
 * `nn.Embedding`: a lookup table of vectors indexed by integers.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { noGrad } from '@typetorch/core';
import { Module } from '../module.js';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { Parameter } from '../parameter.js';
import { normal_ } from '../init.js';
import { embedding, resolvePaddingIdx } from '../functional/embedding.js';
import { checkSizeArg, emptyParam, type FactoryOptions } from './factory.js';
import { pyNumber } from './repr.js';

/** Options of {@link Embedding}. */
export interface EmbeddingLayerOptions extends FactoryOptions {
  /** The row at this index is zero-initialised and receives no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Looked-up rows with a larger norm are renormalised in place to this norm. */
  maxNorm?: number | null;
  /** The p of the norm for `maxNorm` (default 2). */
  normType?: number;
  /** Initial weights `[numEmbeddings, embeddingDim]` to use instead of a normal draw. */
  weight?: Tensor | null;
}

/** Options of {@link Embedding.fromPretrained}. */
export interface FromPretrainedOptions extends Omit<EmbeddingLayerOptions, 'weight' | 'dtype' | 'device'> {
  /** Keep the weights fixed (`requiresGrad` false; default true). */
  freeze?: boolean;
}

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim`, looked up by integer indices
 * (PyTorch's `nn.Embedding`): an input of shape `[*]` gives `[*, embeddingDim]`. The weight is
 * drawn from N(0, 1); the `paddingIdx` row is zeroed and never receives gradient.
 *
 * @example
 * ```ts
 * const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 * emb.call(torch.tensor([[1, 2], [0, 9]], { dtype: 'int64' })).shape; // [2, 2, 3]
 * ```
 */
export class Embedding extends Module {
  /** The number of rows. */
  readonly numEmbeddings: number;
  /** The size of each vector. */
  readonly embeddingDim: number;
  /** The non-negative padding row, or null. */
  readonly paddingIdx: number | null;
  /** The renormalisation bound, or null. */
  readonly maxNorm: number | null;
  /** The p of the norm used with `maxNorm`. */
  readonly normType: number;
  /** The table, `[numEmbeddings, embeddingDim]`. */
  declare weight: Parameter;

  /**
   * @param numEmbeddings - size of the dictionary
   * @param embeddingDim - size of each vector
   * @param args - `paddingIdx`, `maxNorm`, `normType` (positionally, in PyTorch's order, or by name), initial `weight`, `dtype`, `device`
   */
  constructor(
    numEmbeddings: number, embeddingDim: number,
    ...args: OptionalArgs<[paddingIdx: number | null, maxNorm: number | null, normType: number], EmbeddingLayerOptions>
  ) {
    super();
    const options = mergeArgs<EmbeddingLayerOptions>('Embedding', ['paddingIdx', 'maxNorm', 'normType'], args);
    this.numEmbeddings = checkSizeArg('Embedding', 'num_embeddings', numEmbeddings);
    this.embeddingDim = checkSizeArg('Embedding', 'embedding_dim', embeddingDim);
    this.paddingIdx = resolvePaddingIdx('Embedding', options.paddingIdx, numEmbeddings);
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType ?? 2;
    const given = options.weight ?? null;
    if (given !== null) {
      if (given.ndim !== 2 || given.shape[0] !== numEmbeddings || given.shape[1] !== embeddingDim) {
        throw new Error(`[Embedding] Shape of weight does not match num_embeddings and embedding_dim`);
      }
      this.weight = new Parameter(given);
    } else {
      this.weight = new Parameter(emptyParam([numEmbeddings, embeddingDim], options));
      this.resetParameters();
    }
  }

  /**
   * An embedding whose table is `embeddings` (PyTorch's `Embedding.from_pretrained`), frozen unless
   * `freeze` is false.
   */
  static fromPretrained(embeddings: Tensor, options: FromPretrainedOptions = {}): Embedding {
    if (embeddings.ndim !== 2) throw new Error('[Embedding.fromPretrained] Embeddings parameter is expected to be 2-dimensional');
    const { freeze = true, ...rest } = options;
    const layer = new Embedding(embeddings.shape[0], embeddings.shape[1], { ...rest, weight: embeddings });
    layer.weight.requiresGrad_(!freeze);
    return layer;
  }

  /** Re-draws the table from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    normal_(this.weight);
    this.fillPaddingIdxWithZero();
  }

  private fillPaddingIdxWithZero(): void {
    const idx = this.paddingIdx;
    if (idx !== null) noGrad(() => this.weight.select(0, idx).fill_(0));
  }

  /** The rows of the table at the indices of `input`. */
  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType });
  }

  /** `10, 3, padding_idx=0`, as PyTorch prints it. */
  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyNumber(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyNumber(this.normType)}`;
    return s;
  }
}
