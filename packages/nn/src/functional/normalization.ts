/**
 * Normalisation functions (PyTorch's `F.batch_norm`, `F.layer_norm`, `F.group_norm`,
 * `F.normalize`), written as compositions of core ops (mean, biased variance, rsqrt), so autograd
 * gives their exact gradients.
 *
 * @module
 */
import { noGrad, type Tensor } from '@typetorch/core';
import { mergeArgs, type OptionalArgs } from '../args.js';
import { checkSameDtype } from './targets.js';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Per-channel scale (`gamma`), `[C]`. */
  weight?: Tensor | null;
  /** Per-channel shift (`beta`), `[C]`. */
  bias?: Tensor | null;
  /** Normalise with the batch statistics and update the running ones (default false). */
  training?: boolean;
  /**
   * Weight of the new batch statistics in the running update (default 0.1); a 0-dim tensor keeps
   * the update on the tensor's device (BatchNorm's cumulative average uses it).
   */
  momentum?: number | Tensor;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
}

/** Options of {@link layerNorm} and {@link groupNorm}. */
export interface AffineNormOptions {
  /** Elementwise (layer norm) or per-channel (group norm) scale. */
  weight?: Tensor | null;
  /** Elementwise (layer norm) or per-channel (group norm) shift. */
  bias?: Tensor | null;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
}

/** PyTorch's optional arguments of `layer_norm` / `group_norm`, in order (each positional or by name). */
export type AffineNormArgs = OptionalArgs<[weight: Tensor | null, bias: Tensor | null, eps: number], AffineNormOptions>;

const AFFINE_NORM_ARGS = ['weight', 'bias', 'eps'] as const;

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** The exponent of the norm (default 2). */
  p?: number;
  /** The dim to normalise over (default 1). */
  dim?: number;
  /** The smallest denominator (default 1e-12). */
  eps?: number;
}

function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** `[1, C, 1, ...]` for a per-channel tensor broadcast against an input of `ndim` dims. */
function channelShape(c: number, ndim: number): number[] {
  return Array.from({ length: ndim }, (_, i) => (i === 1 ? c : 1));
}

/** Checks a per-channel tensor's size and dtype (the input's, as PyTorch requires). */
function checkChannelVector(op: string, name: string, t: Tensor | null | undefined, c: number, input: Tensor): Tensor | null {
  if (t === null || t === undefined) return null;
  if (t.numel() !== c) throw new Error(`[${op}] ${name} should contain ${c} elements not ${t.numel()}`);
  checkSameDtype(op, name, t, input);
  return t;
}

function affine(y: Tensor, weight: Tensor | null, bias: Tensor | null, shape: readonly number[]): Tensor {
  let out = y;
  if (weight !== null) out = out.mul(weight.view(shape));
  if (bias !== null) out = out.add(bias.view(shape));
  return out;
}

/**
 * Batch normalisation over dim 1 of an `[N, C, ...]` input (PyTorch's `F.batch_norm`). In
 * training mode it normalises with the batch mean and biased variance over all dims but 1, and,
 * when running statistics are given, updates them in place:
 * `running = (1 - momentum) running + momentum stat`, with the unbiased variance. Otherwise it
 * normalises with the running statistics. `weight`, `bias`, `training`, `momentum`, `eps` go
 * positionally in PyTorch's order or by name.
 */
export function batchNorm(
  input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  ...args: OptionalArgs<[weight: Tensor | null, bias: Tensor | null, training: boolean, momentum: number | Tensor, eps: number], BatchNormOptions>
): Tensor {
  const op = 'batchNorm';
  const options = mergeArgs<BatchNormOptions>(op, ['weight', 'bias', 'training', 'momentum', 'eps'], args);
  const { training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (input.ndim < 2) throw new Error(`[${op}] expected an input with at least 2 dims [N, C, ...], got ${showShape(input.shape)}`);
  const c = input.shape[1];
  const weight = checkChannelVector(op, 'weight', options.weight, c, input);
  const bias = checkChannelVector(op, 'bias', options.bias, c, input);
  const rm = checkChannelVector(op, 'running_mean', runningMean, c, input);
  const rv = checkChannelVector(op, 'running_var', runningVar, c, input);
  const shape = channelShape(c, input.ndim);
  const dims = Array.from({ length: input.ndim }, (_, i) => i).filter((d) => d !== 1);
  if (training) {
    const perChannel = input.numel() / Math.max(c, 1);
    if (perChannel <= 1) {
      throw new Error(`[${op}] Expected more than 1 value per channel when training, got input size torch.Size(${showShape(input.shape)})`);
    }
    const mean = input.mean(dims, { keepdim: true });
    const variance = input.var(dims, { correction: 0, keepdim: true });
    const y = input.sub(mean).mul(variance.add(eps).rsqrt());
    if (rm !== null || rv !== null) {
      noGrad(() => {
        // A tensor momentum (a 0-dim device tensor) keeps the update on the device, without a host read.
        const keepFactor = typeof momentum === 'number' ? 1 - momentum : momentum.neg().add(1);
        const unbiased = typeof momentum === 'number' ? (momentum * perChannel) / (perChannel - 1) : momentum.mul(perChannel / (perChannel - 1));
        if (rm !== null) rm.mul_(keepFactor).add_(mean.detach().view(c).to(rm.dtype).mul(momentum));
        if (rv !== null) rv.mul_(keepFactor).add_(variance.detach().view(c).to(rv.dtype).mul(unbiased));
      });
    }
    return affine(y, weight, bias, shape);
  }
  if (rm === null || rv === null) throw new Error(`[${op}] running_mean and running_var must be defined in evaluation mode`);
  const y = input.sub(rm.view(shape)).mul(rv.view(shape).add(eps).rsqrt());
  return affine(y, weight, bias, shape);
}

/**
 * Layer normalisation over the last dims, whose sizes are `normalizedShape` (PyTorch's
 * `F.layer_norm`): `(x - mean) / sqrt(var + eps) * weight + bias`, with the biased variance;
 * `weight`, `bias`, `eps` positionally or by name.
 */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], ...args: AffineNormArgs): Tensor {
  const op = 'layerNorm';
  const options = mergeArgs<AffineNormOptions>(op, AFFINE_NORM_ARGS, args);
  const { eps = 1e-5 } = options;
  const norm = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = norm.length;
  const tail = input.shape.slice(input.ndim - k);
  if (k === 0 || input.ndim < k || tail.some((d, i) => d !== norm[i])) {
    throw new Error(
      `[${op}] Given normalized_shape=${showShape(norm)}, expected input with shape [*, ${norm.join(', ')}], but got input of size${showShape(input.shape)}`,
    );
  }
  for (const [name, t] of [['weight', options.weight], ['bias', options.bias]] as const) {
    if (t !== null && t !== undefined && (t.ndim !== k || t.shape.some((d, i) => d !== norm[i]))) {
      throw new Error(`[${op}] Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${showShape(t.shape)} and normalized_shape = ${showShape(norm)}`);
    }
    checkSameDtype(op, name, t, input);
  }
  const dims = Array.from({ length: k }, (_, i) => input.ndim - k + i);
  const mean = input.mean(dims, { keepdim: true });
  const variance = input.var(dims, { correction: 0, keepdim: true });
  let y = input.sub(mean).mul(variance.add(eps).rsqrt());
  if (options.weight) y = y.mul(options.weight);
  if (options.bias) y = y.add(options.bias);
  return y;
}

/**
 * Group normalisation (PyTorch's `F.group_norm`): the channels of an `[N, C, ...]` input are split
 * into `numGroups` groups, each normalised over its channels and all spatial positions; then a
 * per-channel affine transform; `weight`, `bias`, `eps` positionally or by name.
 */
export function groupNorm(input: Tensor, numGroups: number, ...args: AffineNormArgs): Tensor {
  const op = 'groupNorm';
  const options = mergeArgs<AffineNormOptions>(op, AFFINE_NORM_ARGS, args);
  const { eps = 1e-5 } = options;
  if (input.ndim < 2) throw new Error(`[${op}] Expected at least 2 dimensions for input tensor but received ${input.ndim}`);
  const [n, c] = input.shape;
  if (!(Number.isInteger(numGroups) && numGroups > 0) || c % numGroups !== 0) {
    throw new Error(
      `[${op}] Expected number of channels in input to be divisible by num_groups, but got input of shape ${showShape(input.shape)} and num_groups=${numGroups}`,
    );
  }
  const weight = checkChannelVector(op, 'weight', options.weight, c, input);
  const bias = checkChannelVector(op, 'bias', options.bias, c, input);
  const grouped = input.reshape(n, numGroups, -1);
  const mean = grouped.mean(2, { keepdim: true });
  const variance = grouped.var(2, { correction: 0, keepdim: true });
  const y = grouped.sub(mean).mul(variance.add(eps).rsqrt()).view([...input.shape]);
  return affine(y, weight, bias, channelShape(c, input.ndim));
}

/**
 * Divides by the `p`-norm over `dim` (PyTorch's `F.normalize`):
 * `x / max(||x||_p, eps)`; defaults p 2, dim 1, eps 1e-12, positionally (`normalize(x, 1, 0)`)
 * or by name (`normalize(x, { p: 1, dim: 0 })`).
 */
export function normalize(input: Tensor, ...args: OptionalArgs<[p: number, dim: number, eps: number], NormalizeOptions>): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = mergeArgs<NormalizeOptions>('normalize', ['p', 'dim', 'eps'], args);
  const denom = input.norm(p, dim, { keepdim: true }).clamp({ min: eps });
  return input.div(denom);
}
