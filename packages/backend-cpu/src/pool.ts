/**
 * Fused pooling kernels (`fused.maxPool2d`, `fused.maxPool2dBackward`, `fused.avgPool2d`,
 * `fused.avgPool2dBackward`): one pass over the output, windows clipped to the input once per
 * output row and column, as PyTorch's CPU kernels do (same tie and NaN rules, same divisors).
 *
 * @module
 */
import type { AvgPool2dGeometry, Pool2dGeometry, View } from '@typetorch/core';
import type { FloatArray } from './gemm.js';
import { arrayOf } from './storage.js';

/** True on little-endian hosts (all mainstream ones), where an int64's low 32 bits come first. */
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The 32-bit words of an int64 array, so that small non-negative indices are written and read
 * without a BigInt per element (low word = the index, high word = 0). Null on big-endian hosts.
 */
function int64Words(data: BigInt64Array): Int32Array | null {
  return littleEndian ? new Int32Array(data.buffer, data.byteOffset, data.length * 2) : null;
}

/** First tap ≥ 0 of a window starting at `start` with step `dilation`. */
function firstInside(start: number, dilation: number): number {
  return start >= 0 ? start : start + Math.ceil(-start / dilation) * dilation;
}

/** `fused.maxPool2d`: maxima (and their plane positions) of every window. */
export function maxPool2d(out: View, indices: View | null, input: View, g: Pool2dGeometry): void {
  const x = arrayOf(input) as FloatArray;
  const o = arrayOf(out) as FloatArray;
  const idx = indices === null ? null : (arrayOf(indices) as BigInt64Array);
  const words = idx === null ? null : int64Words(idx);
  const [h, w] = g.inSize;
  const [oh, ow] = g.outSize;
  const [kh, kw] = g.kernelSize;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  const [dh, dw] = g.dilation;
  // Column windows are the same for every row and plane: work them out once.
  const colStart = new Int32Array(ow);
  const colEnd = new Int32Array(ow);
  for (let c = 0; c < ow; c++) {
    const start = c * sw - pw;
    colEnd[c] = Math.min(start + (kw - 1) * dw + 1, w);
    colStart[c] = firstInside(start, dw);
  }
  const plane = h * w;
  let oi = out.offset;
  let ii = indices === null ? 0 : indices.offset;
  for (let p = 0; p < g.planes; p++) {
    const base = input.offset + p * plane;
    for (let r = 0; r < oh; r++) {
      const start = r * sh - ph;
      const rowEnd = Math.min(start + (kh - 1) * dh + 1, h);
      const rowStart = firstInside(start, dh);
      for (let c = 0; c < ow; c++) {
        const ws = colStart[c];
        const we = colEnd[c];
        let best = rowStart * w + ws;
        let max = -Infinity;
        for (let y = rowStart; y < rowEnd; y += dh) {
          const row = y * w;
          for (let z = ws; z < we; z += dw) {
            const v = x[base + row + z];
            // NaN wins (and a later NaN replaces an earlier one), as in PyTorch's CPU kernel.
            if (v > max || v !== v) {
              max = v;
              best = row + z;
            }
          }
        }
        o[oi++] = max;
        if (words !== null) {
          words[2 * ii] = best;
          words[2 * ii++ + 1] = 0;
        } else if (idx !== null) {
          idx[ii++] = BigInt(best);
        }
      }
    }
  }
}

/** `fused.maxPool2dBackward`: zeros, plus each output gradient at its index (indices outside the plane are skipped). */
export function maxPool2dBackward(gradInput: View, gradOutput: View, indices: View): void {
  const gx = arrayOf(gradInput) as FloatArray;
  const gy = arrayOf(gradOutput) as FloatArray;
  const idx = arrayOf(indices) as BigInt64Array;
  const words = int64Words(idx);
  const [planes, h, w] = gradInput.shape;
  const [, oh, ow] = gradOutput.shape;
  const plane = h * w;
  const outPlane = oh * ow;
  gx.fill(0, gradInput.offset, gradInput.offset + planes * plane);
  let gi = gradOutput.offset;
  let ii = indices.offset;
  for (let p = 0; p < planes; p++) {
    const base = gradInput.offset + p * plane;
    for (let i = 0; i < outPlane; i++) {
      // An index with a nonzero high word is out of the plane anyway.
      const k = words !== null ? (words[2 * ii + 1] === 0 ? words[2 * ii] : -1) : Number(idx[ii]);
      ii++;
      const v = gy[gi++];
      // A window entirely inside the padding has the value -inf and an index past its plane
      // (PyTorch's too); it has no input to send a gradient to.
      if (k >= 0 && k < plane) gx[base + k] += v;
    }
  }
}

/**
 * Per-window bounds and divisors of an average pooling along one dim, as PyTorch computes them:
 * the window clipped to the padded input gives the `countIncludePad` size, then clipped to the
 * input gives the taps and the other size.
 */
function avgAxis(outSize: number, inSize: number, k: number, stride: number, pad: number, countIncludePad: boolean) {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  const size = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const s = o * stride - pad;
    const e = Math.min(s + k, inSize + pad);
    start[o] = Math.max(s, 0);
    end[o] = Math.min(e, inSize);
    size[o] = countIncludePad ? e - s : end[o] - start[o];
  }
  return { start, end, size };
}

/** The windows of an average pooling along both dims, and the sizes both of its kernels walk. */
function avgWindows(g: AvgPool2dGeometry) {
  const [h, w] = g.inSize;
  const [oh, ow] = g.outSize;
  return {
    w, oh, ow, plane: h * w, override: g.divisorOverride,
    rows: avgAxis(oh, h, g.kernelSize[0], g.stride[0], g.padding[0], g.countIncludePad),
    cols: avgAxis(ow, w, g.kernelSize[1], g.stride[1], g.padding[1], g.countIncludePad),
  };
}

/** `fused.avgPool2d`: window sums divided as PyTorch does. */
export function avgPool2d(out: View, input: View, g: AvgPool2dGeometry): void {
  const x = arrayOf(input) as FloatArray;
  const o = arrayOf(out) as FloatArray;
  const { w, oh, ow, plane, override, rows, cols } = avgWindows(g);
  let oi = out.offset;
  for (let p = 0; p < g.planes; p++) {
    const base = input.offset + p * plane;
    for (let r = 0; r < oh; r++) {
      const ys = rows.start[r], ye = rows.end[r];
      for (let c = 0; c < ow; c++) {
        const zs = cols.start[c], ze = cols.end[c];
        let sum = 0;
        for (let y = ys; y < ye; y++) {
          for (let i = base + y * w + zs, end = base + y * w + ze; i < end; i++) sum += x[i];
        }
        o[oi++] = ys >= ye || zs >= ze ? 0 : sum / (override ?? rows.size[r] * cols.size[c]);
      }
    }
  }
}

/** `fused.avgPool2dBackward`: each output gradient spread evenly over its window's taps. */
export function avgPool2dBackward(gradInput: View, gradOutput: View, g: AvgPool2dGeometry): void {
  const gx = arrayOf(gradInput) as FloatArray;
  const gy = arrayOf(gradOutput) as FloatArray;
  const { w, oh, ow, plane, override, rows, cols } = avgWindows(g);
  gx.fill(0, gradInput.offset, gradInput.offset + g.planes * plane);
  let gi = gradOutput.offset;
  for (let p = 0; p < g.planes; p++) {
    const base = gradInput.offset + p * plane;
    for (let r = 0; r < oh; r++) {
      const ys = rows.start[r], ye = rows.end[r];
      for (let c = 0; c < ow; c++) {
        const zs = cols.start[c], ze = cols.end[c];
        const v = gy[gi++] / (override ?? rows.size[r] * cols.size[c]);
        for (let y = ys; y < ye; y++) {
          for (let i = base + y * w + zs, end = base + y * w + ze; i < end; i++) gx[i] += v;
        }
      }
    }
  }
}
