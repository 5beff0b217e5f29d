/**
 * `interpolate` (PyTorch's `F.interpolate`): nearest, nearest-exact and (bi/tri)linear resizing
 * of the spatial dims of `[N, C, ...]` inputs, with PyTorch 1.13's source-index arithmetic
 * (including its float32 rounding and the kernel choice of the nearest modes, which assumes a
 * contiguous input). The resampling is separable, so it is done one spatial dim at a time
 * with index selections and weighted sums, which autograd differentiates.
 *
 * @module
 */
import { tensor, zeros, type Tensor } from '@typetorch/core';
import { Function, type Context } from '@typetorch/autograd';
import { mergeArgs, type OptionalArgs } from '../args.js';

/** The interpolation modes typetorch supports. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'trilinear';

/** Options of {@link interpolate}: exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** The output's spatial size (one number for all spatial dims, or one per dim). */
  size?: number | readonly number[] | null;
  /** Multiplier of the spatial size (one number, or one per dim). */
  scaleFactor?: number | readonly number[] | null;
  /** `'nearest'` (default), `'nearest-exact'`, `'linear'` (3-D), `'bilinear'` (4-D), `'trilinear'` (5-D). */
  mode?: InterpolateMode;
  /** For the linear modes: align the corner pixels' centres (default false). */
  alignCorners?: boolean | null;
  /** Recompute the scale from the output size instead of using `scaleFactor` in the index arithmetic. */
  recomputeScaleFactor?: boolean | null;
}

const LINEAR_DIMS: Partial<Record<InterpolateMode, number>> = { linear: 3, bilinear: 4, trilinear: 5 };

/** Rounds like the C++ scalar type of the kernel: float for float32 inputs, double otherwise. */
function rounder(dtype: string): (v: number) => number {
  return dtype === 'float32' ? Math.fround : (v: number) => v;
}

/** PyTorch's `compute_scales_value`: `1 / scale` when a scale factor is used, else `in / out`. */
function scaleValue(scale: number | null, inSize: number, outSize: number, r: (v: number) => number): number {
  return scale !== null && scale > 0 ? r(1 / scale) : r(inSize / outSize);
}

/**
 * Source indices of the nearest modes, as PyTorch 1.13's CPU kernels compute them. Inputs that
 * are also channels-last contiguous (one channel, for a contiguous `[N, C, ...]` tensor) take the
 * channels-last kernel: `nearest_idx`, in float32, with its same-size and double-size shortcuts.
 * The others take the generic kernel: the scale in the input's dtype and no shortcuts.
 */
function nearestIndices(
  mode: 'nearest' | 'nearest-exact', inSize: number, outSize: number, scale: number | null, dtype: string, channelsLast: boolean,
): number[] {
  const f = Math.fround;
  const clampIndex = (v: number) => Math.min(v, inSize - 1);
  if (channelsLast) {
    const s = scaleValue(scale, inSize, outSize, f);
    return Array.from({ length: outSize }, (_, i) => {
      if (mode === 'nearest-exact') return clampIndex(Math.floor(f((i + 0.5) * s)));
      if (outSize === inSize) return i;
      if (outSize === 2 * inSize) return i >> 1;
      return clampIndex(Math.floor(f(i * s)));
    });
  }
  const r = rounder(dtype);
  const s = scaleValue(scale, inSize, outSize, r);
  return Array.from({ length: outSize }, (_, i) => {
    if (mode === 'nearest') return clampIndex(Math.floor(f(r(s * i))));
    let real = r(r(s * r(i + 0.5)) - 0.5);
    if (real < 0) real = 0;
    return clampIndex(Math.floor(f(real + 0.5)));
  });
}

/** PyTorch's `compute_source_index_and_lambda` for every output position of one dim. */
function linearIndices(inSize: number, outSize: number, alignCorners: boolean, scale: number | null, dtype: string) {
  const r = rounder(dtype);
  const i0: number[] = [];
  const i1: number[] = [];
  const l0: number[] = [];
  const l1: number[] = [];
  const ratio = alignCorners ? (outSize > 1 ? r((inSize - 1) / (outSize - 1)) : 0) : scaleValue(scale, inSize, outSize, r);
  for (let i = 0; i < outSize; i++) {
    if (outSize === inSize) {
      i0.push(i);
      i1.push(i);
      l0.push(1);
      l1.push(0);
      continue;
    }
    let src = alignCorners ? r(ratio * i) : r(r(ratio * r(i + 0.5)) - 0.5);
    if (!alignCorners && src < 0) src = 0;
    const lo = Math.trunc(src);
    const lambda1 = Math.min(Math.max(r(src - lo), 0), 1);
    i0.push(lo);
    i1.push(lo + (lo < inSize - 1 ? 1 : 0));
    l1.push(lambda1);
    l0.push(r(1 - lambda1));
  }
  return { i0, i1, l0, l1 };
}

function indexTensor(values: readonly number[], device: string): Tensor {
  return tensor(values, { dtype: 'int64', device });
}

/** A per-position weight vector shaped to broadcast along `dim` of an `ndim`-D tensor. */
function weightAlong(values: readonly number[], dim: number, ndim: number, like: Tensor): Tensor {
  const shape = Array.from({ length: ndim }, (_, i) => (i === dim ? values.length : 1));
  return tensor(values, { dtype: like.dtype, device: like.device }).view(shape);
}

function spatialList(op: string, value: number | readonly number[], spatial: number, input: Tensor, what: string): number[] {
  if (typeof value === 'number') return Array.from({ length: spatial }, () => value);
  if (value.length !== spatial) {
    throw new Error(
      `[${op}] Input and ${what} must have the same number of spatial dimensions, but got input with spatial dimensions of ` +
        `[${input.shape.slice(2).join(', ')}] and ${what} of [${value.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format.`,
    );
  }
  return [...value];
}

/**
 * Nearest resampling as one autograd node. PyTorch 1.13's backward kernel always maps output
 * positions with `nearest_idx` / `nearest_exact_idx` (float32, with shortcuts), even where its
 * forward kernel used the generic arithmetic, so the two index lists can differ (non-integer
 * scale factors giving the same or double size): the gradient follows PyTorch's backward.
 */
class UpsampleNearest extends Function {
  static forward(ctx: Context, input: Tensor, forward: number[][], backward: number[][]): Tensor {
    ctx.inputShape = [...input.shape];
    ctx.backwardIndices = backward;
    let out = input;
    forward.forEach((indices, k) => {
      out = out.indexSelect(k + 2, indexTensor(indices, input.device));
    });
    return out;
  }

  static backward(ctx: Context, grad: Tensor): (Tensor | null)[] {
    const inputShape = ctx.inputShape as number[];
    let g = grad;
    (ctx.backwardIndices as number[][]).forEach((indices, k) => {
      const dim = k + 2;
      const shape = g.shape.map((d, i) => (i === dim ? inputShape[dim] : d));
      const index = indexTensor(indices, g.device).view(g.shape.map((d, i) => (i === dim ? d : 1))).expand([...g.shape]);
      g = zeros([...shape], { dtype: g.dtype, device: g.device }).scatterAdd(dim, index, g);
    });
    return [g, null, null];
  }
}

/**
 * Resizes the spatial dims of an `[N, C, d1, ...]` input (PyTorch's `F.interpolate`): give
 * `size` or `scaleFactor` (the output size is then `floor(d * scaleFactor)`). Nearest modes work
 * for 3-, 4- and 5-D inputs; `'linear'`, `'bilinear'` and `'trilinear'` need 3-, 4- and 5-D inputs.
 * The arguments go positionally in PyTorch's order (`interpolate(x, null, 2, 'bilinear')`) or by
 * name (`interpolate(x, { scaleFactor: 2, mode: 'bilinear' })`).
 */
export function interpolate(
  input: Tensor,
  ...args: OptionalArgs<
    [size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: InterpolateMode, alignCorners: boolean | null,
      recomputeScaleFactor: boolean | null],
    InterpolateOptions
  >
): Tensor {
  const op = 'interpolate';
  const options = mergeArgs<InterpolateOptions>(op, ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor'], args);
  const { size, scaleFactor, mode = 'nearest', recomputeScaleFactor = null } = options;
  const isLinear = mode in LINEAR_DIMS;
  if (!isLinear && mode !== 'nearest' && mode !== 'nearest-exact') {
    throw new Error(`[${op}] unsupported mode '${String(mode)}': typetorch supports nearest | nearest-exact | linear | bilinear | trilinear`);
  }
  if (!isLinear && options.alignCorners !== null && options.alignCorners !== undefined) {
    throw new Error(`[${op}] align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear`);
  }
  const alignCorners = options.alignCorners ?? false;
  if (input.ndim < 3 || input.ndim > 5) {
    throw new Error(`[${op}] Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: nearest | linear | bilinear | trilinear (got ${mode})`);
  }
  if (isLinear && LINEAR_DIMS[mode] !== input.ndim) {
    throw new Error(`[${op}] Got ${input.ndim}D input, but ${mode} mode needs ${LINEAR_DIMS[mode]}D input`);
  }
  const spatial = input.ndim - 2;
  const hasSize = size !== undefined && size !== null;
  const hasScale = scaleFactor !== undefined && scaleFactor !== null;
  if (hasSize && hasScale) throw new Error(`[${op}] only one of size or scale_factor should be defined`);
  if (!hasSize && !hasScale) throw new Error(`[${op}] either size or scale_factor should be defined`);
  if (recomputeScaleFactor && hasSize) throw new Error(`[${op}] recompute_scale_factor is not meaningful with an explicit size.`);
  const inSizes = input.shape.slice(2);
  let outSizes: number[];
  let scales: (number | null)[];
  if (hasSize) {
    outSizes = spatialList(op, size, spatial, input, 'output size');
    scales = outSizes.map(() => null);
  } else {
    const factors = spatialList(op, scaleFactor!, spatial, input, 'scale_factor');
    outSizes = factors.map((f, i) => Math.floor(inSizes[i] * f));
    scales = recomputeScaleFactor ? factors.map(() => null) : factors;
  }
  if (outSizes.some((s) => !(Number.isInteger(s) && s > 0))) {
    throw new Error(`[${op}] Input and output sizes should be greater than 0, but got input (${inSizes.join(', ')}) and output (${outSizes.join(', ')})`);
  }
  if (!isLinear) {
    const nearest = mode as 'nearest' | 'nearest-exact';
    const channelsLast = input.shape[1] === 1 && input.ndim >= 4;
    const forward = inSizes.map((n, k) => nearestIndices(nearest, n, outSizes[k], scales[k], input.dtype, channelsLast));
    const backward = inSizes.map((n, k) => nearestIndices(nearest, n, outSizes[k], scales[k], input.dtype, true));
    return UpsampleNearest.apply<Tensor>(input, forward, backward);
  }
  let out = input;
  for (let k = 0; k < spatial; k++) {
    const dim = k + 2;
    const { i0, i1, l0, l1 } = linearIndices(inSizes[k], outSizes[k], alignCorners, scales[k], input.dtype);
    const a = out.indexSelect(dim, indexTensor(i0, input.device)).mul(weightAlong(l0, dim, input.ndim, input));
    const b = out.indexSelect(dim, indexTensor(i1, input.device)).mul(weightAlong(l1, dim, input.ndim, input));
    out = a.add(b);
  }
  return out;
}
