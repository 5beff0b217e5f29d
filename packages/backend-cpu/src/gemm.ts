/**
 * Blocked matrix product for float32 and float64: `C = A·B` for one `[M, K] × [K, N]` pair, each
 * operand read through arbitrary strides.
 *
 * The structure is the classic one of BLIS/GotoBLAS, scaled to what V8 compiles well:
 * - B is packed one `KC × NC` panel at a time into strips of `NR` columns, each strip stored
 *   k-major so the micro-kernel reads it sequentially;
 * - A is packed one `MC × KC` block at a time into strips of `MR` rows, likewise k-major;
 * - a `4 × 4` micro-kernel (micro-kernels.ts) keeps its 16 sums in local variables (which V8
 *   keeps in registers or close to them) and touches C once per panel of K.
 * Packing reads through the operands' strides, so a transposed view costs nothing extra: there is
 * never a full copy of an operand. Edge strips are zero-padded so the micro-kernel has no bounds.
 * Packing buffers are float64 whatever the operands' type (see `packedA`); sums run in float64, as
 * all JavaScript arithmetic does.
 *
 * @module
 */
import { kernel4x4 } from './micro-kernels.js';

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

/**
 * Packing buffers, float64 whatever the operands' type: the conversion from float32 is exact, it
 * is paid once per packed element instead of once per multiply-add, and the micro-kernels
 * (shared with the convolutions) see one array type only, so V8 keeps their loads monomorphic.
 */
const packedA = new Float64Array(MC * KC);
const packedB = new Float64Array(KC * NC);

/**
 * Packs rows `i0..i0+mc` × columns `k0..k0+kc` of A into `mr`-row strips, k-major, zero-padded:
 * the A operand of this product and of the convolutions' (conv-gemm.ts), whatever their strip height.
 */
export function packRowStrips(A: Matrix, i0: number, mc: number, k0: number, kc: number, dst: Float64Array, mr: number): void {
  const { data, rowStride, colStride } = A;
  let d = 0;
  for (let i = 0; i < mc; i += mr) {
    const rows = Math.min(mr, mc - i);
    let src = A.offset + (i0 + i) * rowStride + k0 * colStride;
    for (let p = 0; p < kc; p++, src += colStride) {
      let r = 0;
      for (; r < rows; r++) dst[d++] = data[src + r * rowStride];
      for (; r < mr; r++) dst[d++] = 0;
    }
  }
}

/** Packs rows `k0..k0+kc` × columns `j0..j0+nc` of B into NR-column strips, k-major, zero-padded. */
function packB(B: Matrix, k0: number, kc: number, j0: number, nc: number, dst: Float64Array): void {
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

/** One MR × NR tile of C: where edge tiles and tiles of strided C are computed first. */
const tile = new Float64Array(MR * NR);

/**
 * `C[tile] = (accumulate ? C[tile] : 0) + A-strip · B-strip` over `kc`: the inner loop of the
 * whole product. Only the `rows × cols` corner of the tile that lies inside C is written.
 */
function microKernel(
  kc: number, pa: Float64Array, ai: number, pb: Float64Array, bi: number,
  c: FloatArray, ci: number, rs: number, cs: number, rows: number, cols: number, accumulate: boolean,
): void {
  if (rows === MR && cols === NR && cs === 1) return kernel4x4(kc, pa, ai, pb, bi, c, ci, rs, accumulate);
  kernel4x4(kc, pa, ai, pb, bi, tile, 0, NR, false);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const at = ci + i * rs + j * cs;
      c[at] = accumulate ? c[at] + tile[i * NR + j] : tile[i * NR + j];
    }
  }
}

/** `C = A·B` with `A` `[M, K]`, `B` `[K, N]`, `C` `[M, N]`; all the same float type. */
export function gemm(M: number, N: number, K: number, A: Matrix, B: Matrix, C: Matrix): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) C.data[C.offset + i * C.rowStride + j * C.colStride] = 0;
    return;
  }
  const pa = packedA;
  const pb = packedB;
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      packB(B, k0, kc, j0, nc, pb);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        packRowStrips(A, i0, mc, k0, kc, pa, MR);
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
