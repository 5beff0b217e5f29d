/**
 * The matrix product behind the convolution kernels: `C (+)= A · B` where B is never stored as a
 * matrix. B is produced one `NR`-column strip at a time by a packer (im2col written straight into
 * the micro-kernel's layout), used at once by every `MR`-row strip of A while it is hot in L1,
 * and dropped; A is packed once per `MC × KC` block. Packed operands are float64, whatever the
 * tensors' type, so the micro-kernel does no conversions; C is written (or accumulated into)
 * directly.
 *
 * @module
 */
import type { FloatArray, Matrix } from './gemm.js';

/** Rows of the micro-kernel's tile (3 when that divides M and 4 does not, as for 6 channels). */
const MR = 4;
/** Columns of the micro-kernel's tile: a B strip holds `NR` values per row of K. */
export const NR = 4;
const KC = 512;
const MC = 60; // a multiple of both strip heights

/**
 * Fills `dst` with rows `k0 ..< k0 + kc` of B's columns `j ..< j + cols` (`cols ≤ NR`), k-major:
 * `dst[(k − k0)·NR + lane]`. Lanes past `cols` may hold anything finite (their results are dropped).
 */
export type StripPacker = (k0: number, kc: number, j: number, cols: number, dst: Float64Array) => void;

const packedA = new Float64Array(MC * KC);
const packedB = new Float64Array(KC * NR);

/** Packs rows `i0 ..< i0 + mc` × columns `k0 ..< k0 + kc` of A into `mr`-row strips, k-major, zero-padded. */
function packA(a: Matrix, i0: number, mc: number, k0: number, kc: number, dst: Float64Array, mr: number): void {
  const { data, rowStride, colStride } = a;
  let d = 0;
  for (let i = 0; i < mc; i += mr) {
    const rows = Math.min(mr, mc - i);
    let src = a.offset + (i0 + i) * rowStride + k0 * colStride;
    for (let p = 0; p < kc; p++, src += colStride) {
      let r = 0;
      for (; r < rows; r++) dst[d++] = data[src + r * rowStride];
      for (; r < mr; r++) dst[d++] = 0;
    }
  }
}

/** A full 4 × 4 tile: `C[tile] (+)= A-strip · B-strip` over `kc`. */
function kernel4x4(kc: number, pa: Float64Array, ai: number, pb: Float64Array, c: FloatArray, ci: number, rs: number, acc: boolean): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0, bi = 0; p < kc; p++, ai += 4, bi += 4) {
    const a0 = pa[ai], a1 = pa[ai + 1], a2 = pa[ai + 2], a3 = pa[ai + 3];
    const b0 = pb[bi], b1 = pb[bi + 1], b2 = pb[bi + 2], b3 = pb[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (acc) {
    c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03; ci += rs;
    c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13; ci += rs;
    c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23; ci += rs;
    c[ci] += c30; c[ci + 1] += c31; c[ci + 2] += c32; c[ci + 3] += c33;
  } else {
    c[ci] = c00; c[ci + 1] = c01; c[ci + 2] = c02; c[ci + 3] = c03; ci += rs;
    c[ci] = c10; c[ci + 1] = c11; c[ci + 2] = c12; c[ci + 3] = c13; ci += rs;
    c[ci] = c20; c[ci + 1] = c21; c[ci + 2] = c22; c[ci + 3] = c23; ci += rs;
    c[ci] = c30; c[ci + 1] = c31; c[ci + 2] = c32; c[ci + 3] = c33;
  }
}

/** A full 3 × 4 tile (A packed in 3-row strips). */
function kernel3x4(kc: number, pa: Float64Array, ai: number, pb: Float64Array, c: FloatArray, ci: number, rs: number, acc: boolean): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  for (let p = 0, bi = 0; p < kc; p++, ai += 3, bi += 4) {
    const a0 = pa[ai], a1 = pa[ai + 1], a2 = pa[ai + 2];
    const b0 = pb[bi], b1 = pb[bi + 1], b2 = pb[bi + 2], b3 = pb[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
  }
  storeRow(c, ci, 4, acc, c00, c01, c02, c03);
  storeRow(c, ci + rs, 4, acc, c10, c11, c12, c13);
  storeRow(c, ci + 2 * rs, 4, acc, c20, c21, c22, c23);
}

/**
 * An edge tile: `rows ≤ 4` rows (two at a time, so a 6-row A wastes nothing) and `cols ≤ 4`
 * columns of C. Computes two A rows per pass over K.
 */
function kernelEdge(
  kc: number, pa: Float64Array, ai: number, mr: number, pb: Float64Array, c: FloatArray, ci: number, rs: number,
  rows: number, cols: number, acc: boolean,
): void {
  for (let r = 0; r < rows; r += 2) {
    const two = r + 1 < rows;
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    for (let p = 0, a = ai + r, bi = 0; p < kc; p++, a += mr, bi += 4) {
      const a0 = pa[a], a1 = two ? pa[a + 1] : 0;
      const b0 = pb[bi], b1 = pb[bi + 1], b2 = pb[bi + 2], b3 = pb[bi + 3];
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    }
    const row = ci + r * rs;
    storeRow(c, row, cols, acc, c00, c01, c02, c03);
    if (two) storeRow(c, row + rs, cols, acc, c10, c11, c12, c13);
  }
}

/** Writes (or adds) the first `cols` of four sums into a row of C. */
function storeRow(c: FloatArray, at: number, cols: number, acc: boolean, v0: number, v1: number, v2: number, v3: number): void {
  if (acc) {
    c[at] += v0;
    if (cols > 1) c[at + 1] += v1;
    if (cols > 2) c[at + 2] += v2;
    if (cols > 3) c[at + 3] += v3;
  } else {
    c[at] = v0;
    if (cols > 1) c[at + 1] = v1;
    if (cols > 2) c[at + 2] = v2;
    if (cols > 3) c[at + 3] = v3;
  }
}

/**
 * `C = A · B` (or `C += A · B` when `accumulate`) for `A` `[M, K]` (any strides), B `[K, N]` given
 * by `packStrip`, and C `[M, N]` with unit column stride.
 */
export function packedGemm(M: number, N: number, K: number, a: Matrix, packStrip: StripPacker, c: Matrix, accumulate: boolean): void {
  if (M === 0 || N === 0) return;
  const pa = packedA;
  const pb = packedB;
  const cd = c.data;
  const rs = c.rowStride;
  const mr = M % MR !== 0 && M % 3 === 0 ? 3 : MR;
  // Equal K blocks: a short last block would cost a pass over C for little work.
  const kBlock = Math.ceil(K / Math.ceil(K / KC));
  for (let k0 = 0; k0 < K; k0 += kBlock) {
    const kc = Math.min(kBlock, K - k0);
    const acc = accumulate || k0 > 0;
    for (let i0 = 0; i0 < M; i0 += MC) {
      const mc = Math.min(MC, M - i0);
      packA(a, i0, mc, k0, kc, pa, mr);
      for (let j = 0; j < N; j += NR) {
        const cols = Math.min(NR, N - j);
        packStrip(k0, kc, j, cols, pb);
        for (let i = 0; i < mc; i += mr) {
          const rows = Math.min(mr, mc - i);
          const ci = c.offset + (i0 + i) * rs + j;
          if (cols === 4 && rows === mr) {
            if (mr === 4) kernel4x4(kc, pa, i * kc, pb, cd, ci, rs, acc);
            else kernel3x4(kc, pa, i * kc, pb, cd, ci, rs, acc);
          } else {
            kernelEdge(kc, pa, i * kc, mr, pb, cd, ci, rs, rows, cols, acc);
          }
        }
      }
    }
  }
}
