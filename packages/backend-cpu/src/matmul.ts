/**
 * Batched matrix product. Batch dimensions arrive already broadcast (zero strides); each matrix of
 * the batch goes to the blocked float kernel (gemm.ts), or to a direct loop for small products and
 * integer dtypes.
 *
 * @module
 */
import type { DType, TypedArray, View } from '@typetorch/core';
import { gemm, type Matrix } from './gemm.js';
import { arrayOf, type NumberArray } from './storage.js';
import { collapse, forEachRow } from './strided.js';

/** Up to this many multiply-adds, packing costs as much as it saves (measured: 8×8×8 breaks even). */
const SMALL = 8 * 8 * 8;

/** `C = A·B` for one matrix of the batch. */
type Product = (M: number, N: number, K: number, a: Matrix<TypedArray>, b: Matrix<TypedArray>, c: Matrix<TypedArray>) => void;

/** Dot products with float64 sums, for float products too small to pack. */
function dotFloat(M: number, N: number, K: number, a: Matrix, b: Matrix, c: Matrix): void {
  const A = a.data, B = b.data, C = c.data;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      let ai = a.offset + i * a.rowStride;
      let bi = b.offset + j * b.colStride;
      for (let p = 0; p < K; p++, ai += a.colStride, bi += b.rowStride) sum += A[ai] * B[bi];
      C[c.offset + i * c.rowStride + j * c.colStride] = sum;
    }
  }
}

const floatProduct: Product = (M, N, K, a, b, c) =>
  (M * N * K <= SMALL ? dotFloat : gemm)(M, N, K, a as Matrix, b as Matrix, c as Matrix);

/**
 * int32, uint8 and bool: products and sums wrap at 32 bits like C and the store wraps to the dtype,
 * except that bool stores whether any product was true.
 */
function dotInt(M: number, N: number, K: number, a: Matrix<NumberArray>, b: Matrix<NumberArray>, c: Matrix<NumberArray>, bool: boolean): void {
  const A = a.data, B = b.data, C = c.data;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      let ai = a.offset + i * a.rowStride;
      let bi = b.offset + j * b.colStride;
      for (let p = 0; p < K; p++, ai += a.colStride, bi += b.rowStride) sum = (sum + Math.imul(A[ai], B[bi])) | 0;
      C[c.offset + i * c.rowStride + j * c.colStride] = bool ? (sum !== 0 ? 1 : 0) : sum;
    }
  }
}

/** int64: exact bigint products, wrapped at 64 bits. */
const dotBig: Product = (M, N, K, a, b, c) => {
  const A = a.data as BigInt64Array, B = b.data as BigInt64Array, C = c.data as BigInt64Array;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0n;
      let ai = a.offset + i * a.rowStride;
      let bi = b.offset + j * b.colStride;
      for (let p = 0; p < K; p++, ai += a.colStride, bi += b.rowStride) sum = BigInt.asIntN(64, sum + A[ai] * B[bi]);
      C[c.offset + i * c.rowStride + j * c.colStride] = sum;
    }
  }
};

function productFor(dtype: DType): Product {
  switch (dtype) {
    case 'float32': case 'float64': return floatProduct;
    case 'int64': return dotBig;
    default: {
      const bool = dtype === 'bool';
      return (M, N, K, a, b, c) => dotInt(M, N, K, a as Matrix<NumberArray>, b as Matrix<NumberArray>, c as Matrix<NumberArray>, bool);
    }
  }
}

/** `out[..., M, N] = a[..., M, K] · b[..., K, N]` for every batch index. */
export function matmul(out: View, a: View, b: View): void {
  const rank = out.shape.length;
  const M = out.shape[rank - 2];
  const N = out.shape[rank - 1];
  const K = a.shape[rank - 1];
  const product = productFor(out.dtype);
  const matrix = (view: View, offset: number, rowStride = view.strides[rank - 2]): Matrix<TypedArray> => ({
    data: arrayOf(view), offset, rowStride, colStride: view.strides[rank - 1],
  });

  if (rank === 2) return product(M, N, K, matrix(a, a.offset), matrix(b, b.offset), matrix(out, out.offset));
  const batch = out.shape.slice(0, rank - 2);
  const tall = foldBatchIntoRows(batch, M, a, b, out);
  if (tall) {
    product(tall.rows, N, K, matrix(a, a.offset, tall.aRowStride), matrix(b, b.offset), matrix(out, out.offset, tall.outRowStride));
    return;
  }
  const batchOf = (v: View) => ({ strides: v.strides.slice(0, rank - 2), offset: v.offset });
  forEachRow(batch, [batchOf(out), batchOf(a), batchOf(b)], (n, at, step) => {
    for (let i = 0; i < n; i++) {
      product(M, N, K, matrix(a, at[1] + i * step[1]), matrix(b, at[2] + i * step[2]), matrix(out, at[0] + i * step[0]));
    }
  });
}

/**
 * When `b` is one matrix for the whole batch (zero batch strides) and the batch dimensions of `a`
 * and `out` continue their row dimension evenly (as for `x @ W` with `x` of shape `[B, T, K]`), the
 * batch is one tall product of `B·T` rows, and B is packed once instead of once per batch entry.
 */
function foldBatchIntoRows(batch: readonly number[], M: number, a: View, b: View, out: View) {
  const rank = out.shape.length;
  if (batch.length === 0 || b.strides.slice(0, rank - 2).some((s) => s !== 0)) return undefined;
  const rowDims = (v: View) => v.strides.slice(0, rank - 1);
  const { shape, strides } = collapse([...batch, M], [rowDims(a), rowDims(out)]);
  if (shape.length !== 1 || shape[0] === 0) return undefined;
  return { rows: shape[0], aRowStride: strides[0][0], outRowStride: strides[1][0] };
}
