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
import { packRowStrips, type Matrix } from './gemm.js';
import { kernel3x4, kernel4x4, kernelEdge } from './micro-kernels.js';

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
      packRowStrips(a, i0, mc, k0, kc, pa, mr);
      for (let j = 0; j < N; j += NR) {
        const cols = Math.min(NR, N - j);
        packStrip(k0, kc, j, cols, pb);
        for (let i = 0; i < mc; i += mr) {
          const rows = Math.min(mr, mc - i);
          const ci = c.offset + (i0 + i) * rs + j;
          if (cols === 4 && rows === mr) {
            if (mr === 4) kernel4x4(kc, pa, i * kc, pb, 0, cd, ci, rs, acc);
            else kernel3x4(kc, pa, i * kc, pb, 0, cd, ci, rs, acc);
          } else {
            kernelEdge(kc, pa, i * kc, mr, pb, 0, cd, ci, rs, rows, cols, acc);
          }
        }
      }
    }
  }
}
