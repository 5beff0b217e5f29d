/**
 * Pooling written with the backend contract's primitive kernels, for devices without fused pooling
 * kernels:
 * - max pooling gathers every window through a table of plane positions (taps in the padding
 *   repeat the window's first input tap, which changes neither the maximum nor which index wins),
 *   reduces with `max` / `argmax`, and maps the winning tap back to its plane position;
 * - average pooling is separable: the window sums are `Ih · X · Iwᵀ` with 0/1 window matrices,
 *   divided by the window sizes (an outer product of per-row and per-column counts);
 * - their gradients are a `scatterAdd` through the indices, and `Ihᵀ · (G / divisor) · Iw`.
 * Tables are built on the host from sizes only; no data is read back.
 *
 * @module
 */
import type { View } from '../backend/contract.js';
import type { DType } from '../dtype.js';
import { backendOf, emptyTensor, viewOf } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { filled, fromHost, rawView } from './conv-composite.js';
import { type AvgPool2dGeometry, type Pool2dGeometry, adaptiveWindow } from './pool-geometry.js';

/** Input taps of each window of a (dilated, padded) pooling along one dim; padding taps dropped. */
export function poolTaps(inSize: number, outSize: number, k: number, stride: number, pad: number, dilation: number): number[][] {
  const taps: number[][] = [];
  for (let o = 0; o < outSize; o++) {
    const list: number[] = [];
    for (let j = 0; j < k; j++) {
      const i = o * stride - pad + j * dilation;
      if (i >= 0 && i < inSize) list.push(i);
    }
    taps.push(list);
  }
  return taps;
}

/** Input taps of each adaptive window along one dim. */
export function adaptiveTaps(inSize: number, outSize: number): number[][] {
  const taps: number[][] = [];
  for (let o = 0; o < outSize; o++) {
    const [start, end] = adaptiveWindow(o, inSize, outSize);
    taps.push(Array.from({ length: end - start }, (_, j) => start + j));
  }
  return taps;
}

/** `x` as `[planes, H · W]`, contiguous. */
function planesOf(x: Tensor, planes: number, h: number, w: number): Tensor {
  const c = x.contiguous();
  return rawView(c, [planes, h * w], [h * w, 1]);
}

/**
 * Max pooling over windows given as taps per row and per column: values `[planes, OH, OW]` and
 * int64 indices into each `H · W` plane (null unless asked for).
 */
export function maxPoolComposite(x: Tensor, planes: number, inSize: readonly [number, number], rows: number[][], cols: number[][], withIndices: boolean): [Tensor, Tensor | null] {
  const [h, w] = inSize;
  const oh = rows.length;
  const ow = cols.length;
  const k = Math.max(1, ...rows.map((r) => r.length)) * Math.max(1, ...cols.map((c) => c.length));
  // Row-major taps of each window, padded with the window's first tap.
  const table = new BigInt64Array(oh * ow * k);
  let i = 0;
  for (const r of rows) {
    for (const c of cols) {
      const start = i;
      for (const a of r) for (const b of c) table[i++] = BigInt(a * w + b);
      while (i < start + k) table[i++] = table[start];
    }
  }
  const device = x.device;
  const backend = backendOf(x);
  const index = fromHost(table, [oh * ow * k], 'int64', device);
  const gathered = emptyTensor([planes, oh * ow * k], x.dtype, device);
  backend.gather(viewOf(gathered), viewOf(planesOf(x, planes, h, w)), 1, { ...viewOf(index), shape: [planes, oh * ow * k], strides: [0, 1] });
  const windows: View = { ...viewOf(gathered), shape: [planes, oh * ow, k], strides: [oh * ow * k, k, 1] };
  const values = emptyTensor([planes, oh, ow], x.dtype, device);
  backend.reduce('max', { ...viewOf(values), shape: [planes, oh * ow, 1], strides: [oh * ow, 1, 1] }, windows, [2]);
  if (!withIndices) return [values, null];
  const winner = emptyTensor([planes, oh * ow, 1], 'int64', device);
  backend.reduce('argmax', viewOf(winner), windows, [2]);
  const indices = emptyTensor([planes, oh, ow], 'int64', device);
  backend.gather(
    { ...viewOf(indices), shape: [planes, oh * ow, 1], strides: [oh * ow, 1, 1] },
    { ...viewOf(index), shape: [planes, oh * ow, k], strides: [0, k, 1] },
    2,
    viewOf(winner),
  );
  return [values, indices];
}

/** The gradient of a max pooling: `gradOutput` summed into the planes at `indices`. */
export function maxPoolBackwardComposite(gradOutput: Tensor, indices: Tensor, planes: number, inSize: readonly [number, number]): Tensor {
  const [h, w] = inSize;
  const out = filled([planes, h * w], 0, gradOutput.dtype, gradOutput.device);
  const n = gradOutput.numel() / Math.max(planes, 1);
  const g = gradOutput.contiguous();
  const idx = indices.contiguous();
  backendOf(g).scatterAdd(viewOf(out), 1, { ...viewOf(idx), shape: [planes, n], strides: [n, 1] }, { ...viewOf(g), shape: [planes, n], strides: [n, 1] });
  return out;
}

/** A `[outSize, inSize]` 0/1 matrix of window membership along one dim. */
function windowMatrix(taps: number[][], inSize: number, dtype: DType, device: string): Tensor {
  const data = new Float64Array(taps.length * inSize);
  taps.forEach((list, o) => list.forEach((i) => (data[o * inSize + i] = 1)));
  return fromHost(data, [taps.length, inSize], dtype, device);
}

/** Separable window sums: `rowsᵀ-weighted, cols-weighted` as `[planes, OH, OW]` (or the transpose for gradients). */
function separable(x: Tensor, planes: number, left: Tensor, right: Tensor): Tensor {
  // x [planes, A, B]; left [OA, A]; right [B, OB] -> [planes, OA, OB]
  const backend = backendOf(x);
  const [a, b] = [x.shape[x.ndim - 2], x.shape[x.ndim - 1]];
  const c = x.contiguous();
  const oa = left.shape[0];
  const ob = right.shape[1];
  const mid = emptyTensor([planes, oa, b], x.dtype, x.device);
  backend.matmul(viewOf(mid), { ...viewOf(left), shape: [planes, oa, a], strides: [0, left._strides[0], left._strides[1]] },
    { ...viewOf(c), shape: [planes, a, b], strides: [a * b, b, 1] });
  const out = emptyTensor([planes, oa, ob], x.dtype, x.device);
  backend.matmul(viewOf(out), viewOf(mid), { ...viewOf(right), shape: [planes, b, ob], strides: [0, right._strides[0], right._strides[1]] });
  return out;
}

/** Divisors `[OH, OW]` of an average pooling as a tensor of `dtype`, or a number for `divisorOverride`. */
export function avgDivisor(g: AvgPool2dGeometry): { rows: number[]; cols: number[] } | number {
  if (g.divisorOverride !== null) return g.divisorOverride;
  const count = (axis: 0 | 1) => {
    const out: number[] = [];
    for (let o = 0; o < g.outSize[axis]; o++) {
      const start = o * g.stride[axis] - g.padding[axis];
      const end = Math.min(start + g.kernelSize[axis], g.inSize[axis] + g.padding[axis]);
      out.push(g.countIncludePad ? end - start : Math.min(end, g.inSize[axis]) - Math.max(start, 0));
    }
    return out;
  };
  return { rows: count(0), cols: count(1) };
}

function divisorTensor(divisor: { rows: number[]; cols: number[] } | number, dtype: DType, device: string): Tensor | number {
  if (typeof divisor === 'number') return divisor;
  const { rows, cols } = divisor;
  const data = new Float64Array(rows.length * cols.length);
  rows.forEach((r, i) => cols.forEach((c, j) => (data[i * cols.length + j] = r * c)));
  return fromHost(data, [rows.length, cols.length], dtype, device);
}

/** Average pooling with separable windows: `(Ih · X · Iwᵀ) / divisor`, integer division truncating. */
export function avgPoolComposite(x: Tensor, planes: number, rows: number[][], cols: number[][], divisor: { rows: number[]; cols: number[] } | number): Tensor {
  const [h, w] = [x.shape[x.ndim - 2], x.shape[x.ndim - 1]];
  const ih = windowMatrix(rows, h, x.dtype, x.device);
  const iw = windowMatrix(cols, w, x.dtype, x.device).t();
  const sums = separable(rawView(x.contiguous(), [planes, h, w], [h * w, w, 1]), planes, ih, iw);
  const d = divisorTensor(divisor, x.dtype, x.device);
  return x.dtype === 'int64' ? sums.div(d, { roundingMode: 'trunc' }) : sums.div(d);
}

/** The gradient of {@link avgPoolComposite}: `Ihᵀ · (G / divisor) · Iw`, as `[planes, H, W]`. */
export function avgPoolBackwardComposite(
  gradOutput: Tensor, planes: number, inSize: readonly [number, number], rows: number[][], cols: number[][],
  divisor: { rows: number[]; cols: number[] } | number,
): Tensor {
  const [oh, ow] = [rows.length, cols.length];
  const scaled = rawView(gradOutput.contiguous(), [planes, oh, ow], [oh * ow, ow, 1]).div(divisorTensor(divisor, gradOutput.dtype, gradOutput.device));
  const ihT = windowMatrix(rows, inSize[0], gradOutput.dtype, gradOutput.device).t();
  const iw = windowMatrix(cols, inSize[1], gradOutput.dtype, gradOutput.device);
  return separable(scaled, planes, ihT, iw);
}

/** Taps per row and column of a (non-adaptive) pooling geometry. */
export function geometryTaps(g: Pool2dGeometry): { rows: number[][]; cols: number[][] } {
  return {
    rows: poolTaps(g.inSize[0], g.outSize[0], g.kernelSize[0], g.stride[0], g.padding[0], g.dilation[0]),
    cols: poolTaps(g.inSize[1], g.outSize[1], g.kernelSize[1], g.stride[1], g.padding[1], g.dilation[1]),
  };
}
