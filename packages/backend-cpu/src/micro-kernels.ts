/**
 * The register-tile kernels of both matrix products (gemm.ts, conv-gemm.ts): `C[tile] (+)= A-strip
 * · B-strip` over one block of K, with the operands packed k-major into float64 strips (`MR`
 * values of A and 4 of B per step of K) so that the loop is nothing but loads and multiply-adds.
 * Sums start from zero and are stored or added to C once, at the end.
 *
 * The tiles are unrolled by hand with the sizes written out as literals: V8 keeps the sums in
 * registers (or close) and folds the index arithmetic, which it cannot do through a module
 * constant once a bundler has made it a `var`.
 *
 * @module
 */
import type { FloatArray } from './gemm.js';

/**
 * A full 4 × 4 tile: `C[tile] (+)= A-strip · B-strip` over `kc`, the strips starting at `ai` and
 * `bi`; row `i` of the tile is at `ci + i·rs` in C, its columns adjacent.
 */
export function kernel4x4(kc: number, pa: Float64Array, ai: number, pb: Float64Array, bi: number, c: FloatArray, ci: number, rs: number, acc: boolean): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++, ai += 4, bi += 4) {
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

/** A full 3 × 4 tile (A packed in 3-row strips), as {@link kernel4x4}. */
export function kernel3x4(kc: number, pa: Float64Array, ai: number, pb: Float64Array, bi: number, c: FloatArray, ci: number, rs: number, acc: boolean): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  for (let p = 0; p < kc; p++, ai += 3, bi += 4) {
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
export function kernelEdge(
  kc: number, pa: Float64Array, ai: number, mr: number, pb: Float64Array, pbAt: number, c: FloatArray, ci: number, rs: number,
  rows: number, cols: number, acc: boolean,
): void {
  for (let r = 0; r < rows; r += 2) {
    const two = r + 1 < rows;
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    for (let p = 0, a = ai + r, bi = pbAt; p < kc; p++, a += mr, bi += 4) {
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

