/**
 * Fused 2-D convolution kernels (`fused.conv2d`, `fused.conv2dBackwardInput`,
 * `fused.conv2dBackwardWeight`), one image and group at a time:
 * - forward:         `out[n, g] (OC/G × P) = W[g] (OC/G × K) · cols (K × P)`;
 * - weight gradient: `gW[g] (OC/G × K) += gy[n, g] (OC/G × P) · colsᵀ (P × K)`, summed in float64;
 * - input gradient:  for stride 1 and an input about the output's size ('same' padding) a forward
 *   convolution of `gy` with the flipped, transposed weight and padding `dilation·(k − 1) −
 *   padding`; otherwise `cols = W[g]ᵀ · gy[n, g]` through gemm.ts, then col2im adds the columns back.
 * K = C/G·KH·KW taps in (c, kh, kw) order, P = OH·OW output positions. The columns `cols` are
 * never stored: conv-pack.ts writes them into the product's strips as it needs them.
 *
 * @module
 */
import type { Conv2dGeometry, View } from '@typetorch/core';
import { packedGemm } from './conv-gemm.js';
import { forwardStrips, paddedImage, tapOffsets, transposedStrips, windowStarts } from './conv-pack.js';
import { gemm, type FloatArray, type Matrix } from './gemm.js';
import { arrayOf } from './storage.js';

const matrix = (data: FloatArray, offset: number, rowStride: number, colStride: number): Matrix => ({ data, offset, rowStride, colStride });

/** Sizes every kernel needs. */
function sizes(g: Conv2dGeometry) {
  const cg = g.inChannels / g.groups;
  const ocg = g.outChannels / g.groups;
  return { cg, ocg, k: cg * g.kernelSize[0] * g.kernelSize[1], p: g.outSize[0] * g.outSize[1], plane: g.inSize[0] * g.inSize[1] };
}

/** `out = x ⊛ w (+ bias)` on raw arrays (contiguous operands at the given offsets). */
function forward(o: FloatArray, oOff: number, x: FloatArray, xOff: number, w: FloatArray, wOff: number, g: Conv2dGeometry): void {
  const { cg, ocg, k, p, plane } = sizes(g);
  let taps: Int32Array | undefined;
  let starts: Int32Array | undefined;
  for (let n = 0; n < g.batch; n++) {
    const image = paddedImage(x, xOff + n * g.inChannels * plane, g.inChannels, g);
    taps ??= tapOffsets(g, image, cg);
    starts ??= windowStarts(g, image);
    const groupStride = cg * image.height * image.width;
    for (let grp = 0; grp < g.groups; grp++) {
      packedGemm(ocg, p, k,
        matrix(w, wOff + grp * ocg * k, k, 1),
        forwardStrips(image.data, image.offset + grp * groupStride, taps, starts),
        matrix(o, oOff + (n * g.outChannels + grp * ocg) * p, p, 1),
        false);
    }
  }
}

/** `fused.conv2d`: `out = x ⊛ w + bias` (see core's `FusedConv2dKernel`). */
export function conv2dForward(out: View, input: View, weight: View, bias: View | null, g: Conv2dGeometry): void {
  const o = arrayOf(out) as FloatArray;
  forward(o, out.offset, arrayOf(input) as FloatArray, input.offset, arrayOf(weight) as FloatArray, weight.offset, g);
  if (bias === null) return;
  const b = arrayOf(bias) as FloatArray;
  const p = g.outSize[0] * g.outSize[1];
  for (let n = 0; n < g.batch; n++) {
    for (let oc = 0; oc < g.outChannels; oc++) {
      const v = b[bias.offset + oc];
      const start = out.offset + (n * g.outChannels + oc) * p;
      for (let i = start, end = start + p; i < end; i++) o[i] += v;
    }
  }
}

/** Scratch for the weight gradient's float64 sums and the flipped weight, grown on demand. */
let sums = new Float64Array(0);
let flipped = new Float64Array(0);

/** `fused.conv2dBackwardWeight`: the weight gradient summed over the batch. */
export function conv2dBackwardWeight(gradWeight: View, input: View, gradOutput: View, g: Conv2dGeometry): void {
  const gw = arrayOf(gradWeight) as FloatArray;
  const x = arrayOf(input) as FloatArray;
  const gy = arrayOf(gradOutput) as FloatArray;
  const { cg, ocg, k, p, plane } = sizes(g);
  const total = g.outChannels * k;
  if (sums.length < total) sums = new Float64Array(total);
  let taps: Int32Array | undefined;
  let starts: Int32Array | undefined;
  for (let n = 0; n < g.batch; n++) {
    const image = paddedImage(x, input.offset + n * g.inChannels * plane, g.inChannels, g);
    taps ??= tapOffsets(g, image, cg);
    starts ??= windowStarts(g, image);
    const groupStride = cg * image.height * image.width;
    for (let grp = 0; grp < g.groups; grp++) {
      packedGemm(ocg, k, p,
        matrix(gy, gradOutput.offset + (n * g.outChannels + grp * ocg) * p, p, 1),
        transposedStrips(image.data, image.offset + grp * groupStride, taps, starts),
        matrix(sums, grp * ocg * k, k, 1),
        n > 0);
    }
  }
  for (let i = 0; i < total; i++) gw[gradWeight.offset + i] = sums[i];
}

/**
 * The direct form of the input gradient (a forward convolution of `gy`) costs `C·H·W·OC·KH·KW`
 * multiply-adds, col2im's product `C·OH·OW·OC·KH·KW` plus the scatter; the direct form only pays
 * when the input is not much larger than the output (padding 'same'). For an unpadded 5 × 5
 * kernel on 14 × 14 it would do twice the work, most of it on the zero border (measured: col2im
 * takes 0.55 of the time there).
 */
const DIRECT_MAX_AREA_RATIO = 1.25;

/**
 * `fused.conv2dBackwardInput`: the input gradient, also the transposed convolution. With stride 1
 * and padding at most `dilation·(k − 1)` it is the forward convolution of the output gradient with
 * `W'[g·C/G + c, oc, a, b] = W[g·OC/G + oc, c, KH−1−a, KW−1−b]`.
 */
export function conv2dBackwardInput(gradInput: View, gradOutput: View, weight: View, g: Conv2dGeometry): void {
  const [kh, kw] = g.kernelSize;
  const [dh, dw] = g.dilation;
  const direct = g.stride[0] === 1 && g.stride[1] === 1 && g.padding[0] <= dh * (kh - 1) && g.padding[1] <= dw * (kw - 1) &&
    g.inSize[0] * g.inSize[1] <= DIRECT_MAX_AREA_RATIO * g.outSize[0] * g.outSize[1];
  if (!direct) return backwardInputCol2im(gradInput, gradOutput, weight, g);
  const w = arrayOf(weight) as FloatArray;
  const { cg, ocg } = sizes(g);
  const taps = kh * kw;
  const total = g.outChannels * cg * taps;
  if (flipped.length < total) flipped = new Float64Array(total);
  for (let grp = 0; grp < g.groups; grp++) {
    for (let oc = 0; oc < ocg; oc++) {
      for (let c = 0; c < cg; c++) {
        const src = weight.offset + ((grp * ocg + oc) * cg + c) * taps;
        const dst = ((grp * cg + c) * ocg + oc) * taps;
        for (let t = 0; t < taps; t++) flipped[dst + taps - 1 - t] = w[src + t];
      }
    }
  }
  const transposed: Conv2dGeometry = {
    batch: g.batch, inChannels: g.outChannels, outChannels: g.inChannels, inSize: g.outSize, outSize: g.inSize,
    kernelSize: g.kernelSize, stride: [1, 1], padding: [dh * (kh - 1) - g.padding[0], dw * (kw - 1) - g.padding[1]],
    dilation: g.dilation, groups: g.groups,
  };
  forward(arrayOf(gradInput) as FloatArray, gradInput.offset, arrayOf(gradOutput) as FloatArray, gradOutput.offset, flipped, 0, transposed);
}

/** Scratch for the columns and for a float32 image's float64 sums, grown on demand. */
let columns = new Float64Array(0);
let imageSums = new Float64Array(0);

/**
 * The input gradient by `cols = W[g]ᵀ · gy[n, g]`, then col2im. Columns and sums stay float64 and
 * a float32 gradient is rounded once at the end, as the direct form (a single float64 sum per
 * element) rounds it.
 */
function backwardInputCol2im(gradInput: View, gradOutput: View, weight: View, g: Conv2dGeometry): void {
  const gx = arrayOf(gradInput) as FloatArray;
  const gy = arrayOf(gradOutput) as FloatArray;
  const w = arrayOf(weight) as FloatArray;
  const { cg, ocg, k, p, plane } = sizes(g);
  if (columns.length < k * p) columns = new Float64Array(k * p);
  const float64 = gx instanceof Float64Array;
  const imageSize = g.inChannels * plane;
  if (!float64 && imageSums.length < imageSize) imageSums = new Float64Array(imageSize);
  const sumsOf = float64 ? gx : imageSums;
  for (let n = 0; n < g.batch; n++) {
    const imageAt = gradInput.offset + n * imageSize;
    const sumsAt = float64 ? imageAt : 0;
    sumsOf.fill(0, sumsAt, sumsAt + imageSize);
    for (let grp = 0; grp < g.groups; grp++) {
      gemm(k, p, ocg,
        matrix(w, weight.offset + grp * ocg * k, 1, k),
        matrix(gy, gradOutput.offset + (n * g.outChannels + grp * ocg) * p, p, 1),
        matrix(columns, 0, p, 1));
      col2im(columns, cg, g, sumsOf, sumsAt + grp * cg * plane);
    }
    if (!float64) for (let i = 0; i < imageSize; i++) gx[imageAt + i] = imageSums[i];
  }
}

/** The first `q` whose tap `q·stride + start` is ≥ 0, and the end of those < `size` (clamped to `count`). */
function validRange(start: number, stride: number, count: number, size: number): [number, number] {
  const lo = Math.min(count, start >= 0 ? 0 : Math.ceil(-start / stride));
  const hi = size - 1 - start < 0 ? 0 : Math.min(count, Math.floor((size - 1 - start) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/** col2im of one image and group: adds the columns back onto `cg` planes of `gx` at `gxOff`. */
function col2im(col: Float64Array, cg: number, g: Conv2dGeometry, gx: FloatArray, gxOff: number): void {
  const [h, w] = g.inSize;
  const [oh, ow] = g.outSize;
  const [kh, kw] = g.kernelSize;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  const [dh, dw] = g.dilation;
  let d = 0;
  for (let c = 0; c < cg; c++) {
    const cOff = gxOff + c * h * w;
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const iw0 = b * dw - pw;
        const [lo, hi] = validRange(iw0, sw, ow, w);
        for (let r = 0; r < oh; r++, d += ow) {
          const ih = r * sh - ph + a * dh;
          if (ih < 0 || ih >= h) continue;
          const dst = cOff + ih * w + iw0;
          for (let q = lo, s = d + lo; q < hi; q++) gx[dst + q * sw] += col[s++];
        }
      }
    }
  }
}
