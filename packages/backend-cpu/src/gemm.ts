/**
 * Blocked matrix product for float32 and float64: `C = A·B` for one `[M, K] × [K, N]` pair, each
 * operand read through arbitrary strides.
 *
 * The structure is the classic one of BLIS/GotoBLAS, scaled to what V8 compiles well:
 * - B is packed one `KC × NC` panel at a time into strips of `NR` columns, each strip stored
 *   k-major so the micro-kernel reads it sequentially;
 * - A is packed one `MC × KC` block at a time into strips of `MR` rows, likewise k-major;
 * - a `4 × 4` micro-kernel keeps its 16 sums in local variables (which V8 keeps in registers or
 *   close to them) and touches C once per panel of K.
 * Packing reads through the operands' strides, so a transposed view costs nothing extra: there is
 * never a full copy of an operand. Edge strips are zero-padded so the micro-kernel has no bounds.
 * Packing buffers have the operands' own element type: float32 stays float32 in memory (sums run in
 * float64, as all JavaScript arithmetic does).
 *
 * @module
 */

/** The float arrays the kernel takes: one instantiation serves both. */
export type FloatArray = Float32Array | Float64Array;

/** A matrix inside a typed array: element (i, j) is at `offset + i * rowStride + j * colStride`. */
export interface Matrix<A = FloatArray> {
  readonly data: A;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 1024;

interface PackBuffers<A extends FloatArray> {
  a: A;
  b: A;
}

let buffers32: PackBuffers<Float32Array> | undefined;
let buffers64: PackBuffers<Float64Array> | undefined;

/** Reused packing buffers of the operands' element type, allocated on first use. */
function packBuffers(float64: boolean): PackBuffers<FloatArray> {
  if (float64) return (buffers64 ??= { a: new Float64Array(MC * KC), b: new Float64Array(KC * NC) });
  return (buffers32 ??= { a: new Float32Array(MC * KC), b: new Float32Array(KC * NC) });
}

/** Packs rows `i0..i0+mc` × columns `k0..k0+kc` of A into MR-row strips, k-major, zero-padded. */
function packA(A: Matrix, i0: number, mc: number, k0: number, kc: number, dst: FloatArray): void {
  const { data, rowStride, colStride } = A;
  let d = 0;
  for (let i = 0; i < mc; i += MR) {
    const rows = Math.min(MR, mc - i);
    let src = A.offset + (i0 + i) * rowStride + k0 * colStride;
    for (let p = 0; p < kc; p++, src += colStride) {
      let r = 0;
      for (; r < rows; r++) dst[d++] = data[src + r * rowStride];
      for (; r < MR; r++) dst[d++] = 0;
    }
  }
}

/** Packs rows `k0..k0+kc` × columns `j0..j0+nc` of B into NR-column strips, k-major, zero-padded. */
function packB(B: Matrix, k0: number, kc: number, j0: number, nc: number, dst: FloatArray): void {
  const { data, rowStride, colStride } = B;
  let d = 0;
  for (let j = 0; j < nc; j += NR) {
    const cols = Math.min(NR, nc - j);
    let src = B.offset + k0 * rowStride + (j0 + j) * colStride;
    for (let p = 0; p < kc; p++, src += rowStride) {
      let c = 0;
      for (; c < cols; c++) dst[d++] = data[src + c * colStride];
      for (; c < NR; c++) dst[d++] = 0;
    }
  }
}

/** One MR × NR tile of C on its way into and out of the micro-kernel's local variables. */
const tile = new Float64Array(MR * NR);

/**
 * `C[tile] = (accumulate ? C[tile] : 0) + A-strip · B-strip` over `kc`: the inner loop of the whole
 * product. Only the `rows × cols` corner of the tile that lies inside C is read and written.
 */
function microKernel(
  kc: number, pa: FloatArray, ai: number, pb: FloatArray, bi: number,
  c: FloatArray, ci: number, rs: number, cs: number, rows: number, cols: number, accumulate: boolean,
): void {
  // The kernel is unrolled for MR = NR = 4, so 4 is written out: a literal lets V8 fold the index
  // arithmetic, which it cannot do for a module constant once a bundler has made it a `var`.
  const t = tile;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) t[i * 4 + j] = accumulate && i < rows && j < cols ? c[ci + i * rs + j * cs] : 0;
  }
  let c00 = t[0], c01 = t[1], c02 = t[2], c03 = t[3], c10 = t[4], c11 = t[5], c12 = t[6], c13 = t[7];
  let c20 = t[8], c21 = t[9], c22 = t[10], c23 = t[11], c30 = t[12], c31 = t[13], c32 = t[14], c33 = t[15];
  for (let p = 0; p < kc; p++, ai += 4, bi += 4) {
    const a0 = pa[ai], a1 = pa[ai + 1], a2 = pa[ai + 2], a3 = pa[ai + 3];
    const b0 = pb[bi], b1 = pb[bi + 1], b2 = pb[bi + 2], b3 = pb[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) c[ci + i * rs + j * cs] = t[i * 4 + j];
  }
}

/** `C = A·B` with `A` `[M, K]`, `B` `[K, N]`, `C` `[M, N]`; all the same float type. */
export function gemm(M: number, N: number, K: number, A: Matrix, B: Matrix, C: Matrix): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) C.data[C.offset + i * C.rowStride + j * C.colStride] = 0;
    return;
  }
  const { a: pa, b: pb } = packBuffers(C.data instanceof Float64Array);
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      packB(B, k0, kc, j0, nc, pb);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        packA(A, i0, mc, k0, kc, pa);
        for (let j = 0; j < nc; j += NR) {
          const cols = Math.min(NR, nc - j);
          for (let i = 0; i < mc; i += MR) {
            const rows = Math.min(MR, mc - i);
            const ci = C.offset + (i0 + i) * C.rowStride + (j0 + j) * C.colStride;
            microKernel(kc, pa, i * kc, pb, j * kc, C.data, ci, C.rowStride, C.colStride, rows, cols, k0 > 0);
          }
        }
      }
    }
  }
}
