/**
 * im2col for the convolution kernels, written straight into the strips `packedGemm` consumes.
 *
 * An image is first copied into a zero-bordered scratch when the windows reach outside it (the
 * padding), so that every tap is then a plain load: the tap `(c, kh, kw)` of the window of output
 * position `p` is at `windowStart[p] + tapOffset[c, kh, kw]` in the padded image. Columns of the
 * forward product are output positions; columns of the weight-gradient product are taps.
 *
 * @module
 */
import type { Conv2dGeometry } from '@typetorch/core';
import type { FloatArray } from './gemm.js';
import { NR, type StripPacker } from './conv-gemm.js';

/** An image in the layout the packers read: `channels` planes of `height × width`. */
export interface PaddedImage {
  readonly data: FloatArray;
  readonly offset: number;
  readonly height: number;
  readonly width: number;
}

/** The padded extent along one axis: room for the padding before and for every window. */
function extent(g: Conv2dGeometry, axis: 0 | 1): number {
  const reach = (g.outSize[axis] - 1) * g.stride[axis] + (g.kernelSize[axis] - 1) * g.dilation[axis] + 1;
  return Math.max(g.padding[axis] + g.inSize[axis], reach);
}

let padScratch32 = new Float32Array(0);
let padScratch64 = new Float64Array(0);

/** True when some window reaches outside the input, so the image is copied into a zero border first. */
export function needsPadding(g: Conv2dGeometry): boolean {
  return g.padding[0] > 0 || g.padding[1] > 0 || extent(g, 0) > g.inSize[0] || extent(g, 1) > g.inSize[1];
}

/** The `channels` planes at `offset`, bordered with zeros as the windows of `g` need. */
export function paddedImage(x: FloatArray, offset: number, channels: number, g: Conv2dGeometry): PaddedImage {
  const [h, w] = g.inSize;
  if (!needsPadding(g)) return { data: x, offset, height: h, width: w };
  const hp = extent(g, 0);
  const wp = extent(g, 1);
  const size = channels * hp * wp;
  let data: FloatArray;
  if (x instanceof Float64Array) data = padScratch64.length >= size ? padScratch64 : (padScratch64 = new Float64Array(size));
  else data = padScratch32.length >= size ? padScratch32 : (padScratch32 = new Float32Array(size));
  data.fill(0, 0, size);
  const [pt, pl] = g.padding;
  for (let c = 0; c < channels; c++) {
    for (let r = 0; r < h; r++) {
      const src = offset + (c * h + r) * w;
      data.set(x.subarray(src, src + w), (c * hp + r + pt) * wp + pl);
    }
  }
  return { data, offset: 0, height: hp, width: wp };
}

/** Offsets of the taps `(c, kh, kw)` (row-major) from a window's start, for `channels` channels. */
export function tapOffsets(g: Conv2dGeometry, image: PaddedImage, channels: number): Int32Array {
  const [kh, kw] = g.kernelSize;
  const plane = image.height * image.width;
  const taps = new Int32Array(channels * kh * kw);
  let i = 0;
  for (let c = 0; c < channels; c++) {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) taps[i++] = c * plane + a * g.dilation[0] * image.width + b * g.dilation[1];
    }
  }
  return taps;
}

/** Offsets of each output position's window start in the padded image, padded to a multiple of NR. */
export function windowStarts(g: Conv2dGeometry, image: PaddedImage): Int32Array {
  const [oh, ow] = g.outSize;
  const p = oh * ow;
  const starts = new Int32Array(Math.ceil(p / NR) * NR);
  let i = 0;
  for (let r = 0; r < oh; r++) {
    for (let c = 0; c < ow; c++) starts[i++] = r * g.stride[0] * image.width + c * g.stride[1];
  }
  // Lanes past the end repeat the first window: finite values whose results are dropped.
  for (; i < starts.length; i++) starts[i] = starts[0];
  return starts;
}

/** Columns of the forward product: B[k][p] = tap k of window p, for the channels at `base`. */
export function forwardStrips(src: FloatArray, base: number, taps: Int32Array, starts: Int32Array): StripPacker {
  return (k0, kc, j, _cols, dst) => {
    const b0 = base + starts[j], b1 = base + starts[j + 1], b2 = base + starts[j + 2], b3 = base + starts[j + 3];
    for (let k = k0, d = 0, end = k0 + kc; k < end; k++, d += 4) {
      const t = taps[k];
      dst[d] = src[b0 + t];
      dst[d + 1] = src[b1 + t];
      dst[d + 2] = src[b2 + t];
      dst[d + 3] = src[b3 + t];
    }
  };
}

/** Columns of the weight-gradient product: B[p][k] = tap k of window p (the forward's transpose). */
export function transposedStrips(src: FloatArray, base: number, taps: Int32Array, starts: Int32Array): StripPacker {
  return (p0, pc, j, cols, dst) => {
    const t0 = taps[j];
    const t1 = cols > 1 ? taps[j + 1] : t0, t2 = cols > 2 ? taps[j + 2] : t0, t3 = cols > 3 ? taps[j + 3] : t0;
    for (let p = p0, d = 0, end = p0 + pc; p < end; p++, d += 4) {
      const b = base + starts[p];
      dst[d] = src[b + t0];
      dst[d + 1] = src[b + t1];
      dst[d + 2] = src[b + t2];
      dst[d + 3] = src[b + t3];
    }
  };
}
