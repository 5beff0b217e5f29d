/**
 * Index lookups: `embedding` (rows of a weight matrix, with `paddingIdx` and `maxNorm`) and
 * `oneHot`.
 *
 * @module
 */
import { backendOf, noGrad, stack, zeros, type Tensor } from '@typetorch/core';
import { mergeArgs, type OptionalArgs } from '../args.js';

/** Options of {@link embedding}. */
export interface EmbeddingOptions {
  /** Rows at this index get no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up whose `normType`-norm exceeds this are rescaled in place to this norm. */
  maxNorm?: number | null;
  /** The p of the norm for `maxNorm` (default 2). */
  normType?: number;
}

/** The smallest and largest value of an integer tensor, read on the host (undefined when it cannot). */
function hostRange(t: Tensor): [number, number] | undefined {
  if (t.numel() === 0 || backendOf(t).readSync === undefined) return undefined;
  const data = t.dataSync();
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Checks `paddingIdx` against the number of rows and makes it non-negative, as PyTorch. */
export function resolvePaddingIdx(op: string, paddingIdx: number | null | undefined, numEmbeddings: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) throw new Error(`[${op}] Padding_idx must be within num_embeddings`);
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}

/**
 * Rows of `weight` (`[numEmbeddings, dim]`) at the integer indices of `input`: the output has
 * shape `[...input.shape, dim]` (PyTorch's `F.embedding`). The row at `paddingIdx` receives no
 * gradient; with `maxNorm`, the looked-up rows are first renormalised in place, as PyTorch does.
 * `paddingIdx`, `maxNorm`, `normType` go positionally in PyTorch's order or by name.
 */
export function embedding(
  input: Tensor, weight: Tensor, ...args: OptionalArgs<[paddingIdx: number | null, maxNorm: number | null, normType: number], EmbeddingOptions>
): Tensor {
  const op = 'embedding';
  const options = mergeArgs<EmbeddingOptions>(op, ['paddingIdx', 'maxNorm', 'normType'], args);
  if (input.dtype !== 'int64' && input.dtype !== 'int32') {
    throw new Error(`[${op}] Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${input.dtype} instead`);
  }
  if (weight.ndim !== 2) throw new Error(`[${op}] 'weight' must be 2-D, got ${weight.ndim}-D`);
  const paddingIdx = resolvePaddingIdx(op, options.paddingIdx, weight.shape[0]);
  const range = hostRange(input);
  if (range !== undefined && (range[0] < 0 || range[1] >= weight.shape[0])) throw new Error(`[${op}] index out of range in self`);
  const flat = input.reshape(-1);
  if (options.maxNorm !== null && options.maxNorm !== undefined) renorm(weight, flat, options.maxNorm, options.normType ?? 2);
  const rows = weight.indexSelect(0, flat);
  let out = rows;
  if (paddingIdx !== null && weight.requiresGrad) {
    // The padding row's value, without a path to the weight: its gradient stays zero, as PyTorch's.
    out = rows.detach().where(flat.eq(paddingIdx).unsqueeze(1), rows);
  }
  return out.view([...input.shape, weight.shape[1]]);
}

/** PyTorch's `embedding_renorm_`: rows of `weight` at `indices` with norm > maxNorm scaled to maxNorm. */
function renorm(weight: Tensor, indices: Tensor, maxNorm: number, normType: number): void {
  noGrad(() => {
    const rows = weight.indexSelect(0, indices);
    const norms = rows.norm(normType, 1, { keepdim: true });
    const scale = norms.add(1e-7).reciprocal().mul(maxNorm).where(norms.gt(maxNorm), 1);
    // Duplicated indices write the same scaled row, so the order of the writes does not matter.
    weight.indexPut_([indices], rows.mul(scale));
  });
}

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** The number of classes (default -1: the largest value plus one). */
  numClasses?: number;
}

/**
 * One-hot encoding of integer class indices (PyTorch's `F.one_hot`): an int64 tensor of shape
 * `[...input.shape, numClasses]`; `numClasses` (`oneHot(x, 5)` or `oneHot(x, { numClasses: 5 })`)
 * -1, the default, uses the largest value plus one.
 */
export function oneHot(input: Tensor, ...args: OptionalArgs<[numClasses: number], OneHotOptions>): Tensor {
  const op = 'oneHot';
  const { numClasses = -1 } = mergeArgs<OneHotOptions>(op, ['numClasses'], args);
  if (input.dtype !== 'int64' && input.dtype !== 'int32') throw new Error(`[${op}] one_hot is only applicable to index tensor.`);
  const range = hostRange(input);
  let classes = numClasses;
  if (classes === -1) {
    if (input.numel() === 0) throw new Error(`[${op}] Can not infer total number of classes from empty tensor.`);
    if (range === undefined) {
      throw new Error(`[${op}] numClasses = -1 needs to read the input on the host; pass numClasses on device '${input.device}', or use await oneHotAsync(x)`);
    }
    classes = range[1] + 1;
  }
  if (range !== undefined) {
    if (range[0] < 0) throw new Error(`[${op}] Class values must be non-negative.`);
    if (range[1] >= classes) throw new Error(`[${op}] Class values must be smaller than num_classes.`);
  }
  const out = zeros([...input.shape, classes], { dtype: 'int64', device: input.device });
  if (input.numel() === 0) return out;
  return out.scatter(-1, input.long().unsqueeze(-1), 1);
}

/**
 * {@link oneHot} for devices that cannot be read synchronously (WebGPU): with `numClasses` -1 (the
 * default) it reads the largest class with `await`, as PyTorch synchronises with the GPU there.
 */
export async function oneHotAsync(input: Tensor, ...args: OptionalArgs<[numClasses: number], OneHotOptions>): Promise<Tensor> {
  const op = 'oneHotAsync';
  const { numClasses = -1 } = mergeArgs<OneHotOptions>(op, ['numClasses'], args);
  if (numClasses !== -1 || input.numel() === 0 || (input.dtype !== 'int64' && input.dtype !== 'int32')) return oneHot(input, { numClasses });
  const [low, high] = (await stack([input.amin(), input.amax()]).tolist()) as (number | bigint)[];
  if (Number(low) < 0) throw new Error('[oneHot] Class values must be non-negative.');
  return oneHot(input, { numClasses: Number(high) + 1 });
}
