/**
 * Batched matrix product on the tiled GEMM skeleton (gemm-tiles.ts). Operands are read in place
 * through their strides (transposed views, zero-stride broadcast batches), so no copy is made; the
 * batch index is the grid's z and is turned into each operand's offset by the batch strides.
 *
 * Integer dtypes wrap at 32 bits (int64 lives in an i32 here); uint8 stores the low byte and bool
 * whether any product was true, as the CPU backend does.
 *
 * @module
 */
import { numelOf, type DType, type View } from '@typetorch/core';
import { wgslType } from '../dtypes.js';
import type { GpuRuntime } from '../runtime.js';
import { bufferOf, viewParams, viewParamWords, wgslOffsets } from '../strided.js';
import { dispatchGemm, gemmShader, GEMM_PARAM_WORDS, type GemmVariant, type GemmLayout } from './gemm-tiles.js';

/** How the accumulated value is stored in `dtype`. */
function storeExpr(dtype: DType, v: string): string {
  if (dtype === 'uint8') return `(${v} & 255u)`;
  if (dtype === 'bool') return `select(0u, 1u, ${v} != 0u)`;
  return v;
}

/** Batch ranks up to this share one pipeline (padded with size-1 dims). */
const MIN_BATCH_RANK = 3;

/**
 * `vec4`: whether A (row-major in k) and B (row-major in n) are read 16 bytes at a time by the tiled
 * variants: their unit-stride dimension, its size, offsets and other strides all multiples of 4.
 */
function shader(dtype: DType, batchRank: number, variant: GemmVariant, vec4: { a: boolean; b: boolean }): string {
  const t = wgslType(dtype, 'matmul');
  const aVec4 = vec4.a && variant !== 'direct';
  const bVec4 = vec4.b && variant !== 'direct';
  // Words after the batch view params: a's M and K strides, b's K and N strides, out's M and N strides.
  const base = GEMM_PARAM_WORDS;
  const s = base + viewParamWords(batchRank, 3);
  const stride = (i: number) => `bitcast<i32>(params[${s + i}u])`;
  // Words s+6 and s+7: whether A's tile is staged along m and B's along k (see matmulKernel).
  const layout: GemmLayout = { aFast: `params[${s + 6}u]`, bFast: `params[${s + 7}u]`, aVec4, bVec4 };
  const loadA = aVec4
    ? `fn loadA4(m: u32, k: u32) -> vec4<${t}> {
  return aBuf[u32(aAt + i32(m) * ${stride(0)} + i32(k)) / 4u];
}`
    : `fn loadA(m: u32, k: u32) -> ${t} {
  return aBuf[u32(aAt + i32(m) * ${stride(0)} + i32(k) * ${stride(1)})];
}`;
  const loadB = bVec4
    ? `fn loadB4(k: u32, n: u32) -> vec4<${t}> {
  return bBuf[u32(bAt + i32(k) * ${stride(2)} + i32(n)) / 4u];
}`
    : `fn loadB(k: u32, n: u32) -> ${t} {
  return bBuf[u32(bAt + i32(k) * ${stride(2)} + i32(n) * ${stride(3)})];
}`;
  return gemmShader(t, layout, /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outBuf: array<${t}>;
@group(0) @binding(1) var<storage, read> aBuf: array<${aVec4 ? `vec4<${t}>` : t}>;
@group(0) @binding(2) var<storage, read> bBuf: array<${bVec4 ? `vec4<${t}>` : t}>;
@group(0) @binding(3) var<storage, read> params: array<u32>;
${wgslOffsets(batchRank, 3, base, 'batchOffsets')}
var<private> outAt: i32;
var<private> aAt: i32;
var<private> bAt: i32;
fn setBatch(z: u32) {
  let at = batchOffsets(z);
  outAt = i32(at[0]);
  aAt = i32(at[1]);
  bAt = i32(at[2]);
}
${loadA}
${loadB}
fn storeC(m: u32, n: u32, v: ${t}) {
  outBuf[u32(outAt + i32(m) * ${stride(4)} + i32(n) * ${stride(5)})] = ${storeExpr(dtype, 'v')};
}`, variant);
}

/** `out[..., M, N] = a[..., M, K] @ b[..., K, N]`, batch dims broadcast by strides. */
export function matmulKernel(rt: GpuRuntime, out: View, a: View, b: View): void {
  const rank = out.shape.length;
  if (rank < 2 || a.shape.length !== rank || b.shape.length !== rank) {
    throw new Error(`[matmul] expected operands of one rank ≥ 2, got ${a.shape.length}, ${b.shape.length} and ${out.shape.length}`);
  }
  const M = out.shape[rank - 2]!;
  const N = out.shape[rank - 1]!;
  const K = a.shape[rank - 1]!;
  const batchShape = out.shape.slice(0, rank - 2);
  const batches = numelOf(batchShape);
  if (M === 0 || N === 0 || batches === 0) return;
  // Pad the batch with leading size-1 dims so that every product of up to MIN_BATCH_RANK batch
  // dims shares one pipeline per dtype.
  const pad = Math.max(0, MIN_BATCH_RANK - batchShape.length);
  const batchRank = batchShape.length + pad;
  const paddedShape = [...new Array<number>(pad).fill(1), ...batchShape];
  const batchView = (v: View): View => ({ ...v, strides: [...new Array<number>(pad).fill(0), ...v.strides.slice(0, rank - 2)] });
  const st = (v: View, d: number) => v.strides[rank - 2 + d]! | 0;
  // Stage the tiles along each operand's unit-stride dimension, so neighbouring invocations load
  // neighbouring words (a transposed operand is read in place, but coalesced all the same).
  const aAlongM = Math.abs(st(a, 0)) === 1 && Math.abs(st(a, 1)) !== 1 ? 1 : 0;
  const bAlongK = Math.abs(st(b, 0)) === 1 && Math.abs(st(b, 1)) !== 1 ? 1 : 0;
  const dtype = out.dtype;
  // int32 and int64 share the i32 pipeline; uint8 and bool differ only in the store.
  const kind = dtype === 'int64' ? 'int32' : dtype;
  const vec4 = { a: rowsOf4(a, K, st(a, 0), st(a, 1), rank), b: rowsOf4(b, N, st(b, 0), st(b, 1), rank) };
  dispatchGemm(rt, {
    key: `matmul:${kind}:${batchRank}:${vec4.a ? 'a4' : 'a1'}${vec4.b ? 'b4' : 'b1'}`,
    code: (variant) => shader(dtype, batchRank, variant, vec4),
    bindings: [{ buffer: bufferOf(out), write: true }, { buffer: bufferOf(a) }, { buffer: bufferOf(b) }],
    M, N, K, batches,
    params: [
      ...viewParams(paddedShape, [batchView(out), batchView(a), batchView(b)]),
      st(a, 0), st(a, 1), st(b, 0), st(b, 1), st(out, 0), st(out, 1), aAlongM, bAlongK,
    ],
  });
}

/**
 * Whether an operand's rows can be read as vec4: unit stride along them, a length (`inner`) that is
 * a multiple of 4, and an offset, row stride and batch strides that keep every row 16-byte aligned.
 */
function rowsOf4(v: View, inner: number, rowStride: number, innerStride: number, rank: number): boolean {
  if (innerStride !== 1 || inner % 4 !== 0 || v.offset % 4 !== 0 || rowStride % 4 !== 0 || rowStride < 0) return false;
  return v.strides.slice(0, rank - 2).every((s) => s % 4 === 0 && s >= 0);
}
