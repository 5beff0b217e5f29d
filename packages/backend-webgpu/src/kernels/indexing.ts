/**
 * gather, scatter and scatterAdd along one dimension.
 *
 * Each kernel runs one invocation per element of the index tensor (like the CPU reference). The
 * operand indexed along `dim` gets a zero stride there, so the strided walk pins it to the start of
 * the dimension, and the index value times that operand's real stride supplies the step.
 *
 * - gather and scatter only move elements, so they copy raw 32-bit words whatever the dtype (one
 *   pipeline per rank).
 * - scatterAdd must sum duplicate indices, which many invocations hit at once: the destination is
 *   declared as an array of atomics. int32 and int64 (kept in 32 bits) use `atomicAdd` (wrapping,
 *   as on the CPU for int32), bool uses `atomicOr`, and float32 and uint8 (which wraps modulo 256)
 *   use a compare-exchange loop on the word.
 * - Core checks indices on the host where it can; the contract leaves bad indices unspecified on a
 *   device that cannot raise. These kernels skip (scatter) or read 0 for (gather) an index outside
 *   `[0, size)` rather than touch memory outside the dimension.
 *
 * @module
 */
import { numelOf, type DType, type View } from '@typetorch/core';
import { wgslType } from '../dtypes.js';
import { WGSL_LINEAR_INDEX, type GpuRuntime } from '../runtime.js';
import { bufferOf, viewParams, wgslOffsets } from '../strided.js';

/** `view` with a zero stride along `dim` (the walk stays at the dimension's start). */
function pinned(view: View, dim: number): View {
  return { ...view, strides: view.strides.map((s, d) => (d === dim ? 0 : s)) };
}

function checkDim(op: string, dim: number, rank: number, index: View, other: View): void {
  if (!(Number.isInteger(dim) && dim >= 0 && dim < rank)) throw new Error(`[${op}] expected a dim in [0, ${rank}), got ${dim}`);
  if (other.shape.length !== rank) throw new Error(`[${op}] expected operands of rank ${index.shape.length}, got ${other.shape.length}`);
  if (index.dtype !== 'int64' && index.dtype !== 'int32') throw new Error(`[${op}] expected an int64 or int32 index, got ${index.dtype}`);
}

/**
 * Parameter words shared by the three kernels: the walk over `index`'s shape for `[index, a, b]`,
 * then the size of the indexed dimension and the stride of the indexed operand there (i32 bits).
 */
function indexedParams(index: View, a: View, b: View, size: number, step: number): number[] {
  const words = viewParams(index.shape, [index, a, b]);
  words.push(size, step | 0);
  return words;
}

/** WGSL reading the index value at `at[0]` and the indexed element's offset (`baseExpr` plus its step). */
function wgslIndexed(rank: number, baseExpr: string, outOfRange: string): string {
  const extra = 1 + rank + 3 * (1 + rank);
  return /* wgsl */ `
  let k = indexBuf[at[0]];
  let size = params[${extra}u];
  if (k < 0i || u32(k) >= size) { ${outOfRange} }
  let dest = u32(i32(${baseExpr}) + k * bitcast<i32>(params[${extra + 1}u]));`;
}

/** `out[...i, j, k...] = x[...i, index[...i, j, k...], k...]` along `dim`. */
export function gatherKernel(rt: GpuRuntime, out: View, x: View, dim: number, index: View): void {
  const rank = index.shape.length;
  checkDim('gather', dim, rank, index, x);
  if (numelOf(index.shape) === 0) return;
  rt.dispatch({
    key: `gather:${rank}`,
    code: () => /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outBuf: array<u32>;
@group(0) @binding(1) var<storage, read> xBuf: array<u32>;
@group(0) @binding(2) var<storage, read> indexBuf: array<i32>;
@group(0) @binding(3) var<storage, read> params: array<u32>;
${WGSL_LINEAR_INDEX}
${wgslOffsets(rank, 3)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= params[0]) { return; }
  let at = offsets(i);
  ${wgslIndexed(rank, 'at[2]', 'outBuf[at[1]] = 0u; return;')}
  outBuf[at[1]] = xBuf[dest];
}`,
    bindings: [{ buffer: bufferOf(out), write: true }, { buffer: bufferOf(x) }, { buffer: bufferOf(index) }],
    params: indexedParams(index, out, pinned(x, dim), x.shape[dim]!, x.strides[dim]!),
    threads: numelOf(index.shape),
  });
}

/** `out[...i, index[...], k...] = src[...i, j, k...]` along `dim`; with duplicates any one write wins. */
export function scatterKernel(rt: GpuRuntime, out: View, dim: number, index: View, src: View): void {
  scatterWith('scatter', 'words', rt, out, dim, index, src, 'u32', 'outBuf[dest] = srcBuf[at[1]];');
}

/** `out[...i, index[...], k...] += src[...i, j, k...]` along `dim`, accumulating duplicates atomically. */
export function scatterAddKernel(rt: GpuRuntime, out: View, dim: number, index: View, src: View): void {
  const { element, update } = atomicAdd(out.dtype);
  scatterWith('scatterAdd', out.dtype, rt, out, dim, index, src, element, update);
}

/** The destination's element type and the WGSL that adds `srcBuf[at[1]]` into `outBuf[dest]`. */
function atomicAdd(dtype: DType): { element: string; update: string } {
  switch (dtype) {
    case 'int32':
    case 'int64':
      return { element: 'atomic<i32>', update: 'atomicAdd(&outBuf[dest], srcBuf[at[1]]);' };
    case 'bool':
      return { element: 'atomic<u32>', update: 'atomicOr(&outBuf[dest], srcBuf[at[1]]);' };
    case 'float32':
    case 'uint8': {
      // No float atomics (and uint8 must wrap at 256): retry until no other invocation raced us.
      const sum = dtype === 'float32'
        ? 'bitcast<u32>(bitcast<f32>(old) + bitcast<f32>(value))'
        : '(old + value) & 255u';
      return {
        element: 'atomic<u32>',
        update: /* wgsl */ `
  let value = srcBuf[at[1]];
  var old = atomicLoad(&outBuf[dest]);
  loop {
    let result = atomicCompareExchangeWeak(&outBuf[dest], old, ${sum});
    if (result.exchanged) { break; }
    old = result.old_value;
  }`,
      };
    }
    default:
      wgslType(dtype, 'scatterAdd');
      throw new Error(`[scatterAdd] unsupported dtype ${dtype}`);
  }
}

/** One scatter kernel; `variant` names what `element` and `update` are (part of the pipeline key). */
function scatterWith(op: string, variant: string, rt: GpuRuntime, out: View, dim: number, index: View, src: View, element: string, update: string): void {
  const rank = index.shape.length;
  checkDim(op, dim, rank, index, out);
  if (src.shape.length !== rank) throw new Error(`[${op}] expected src of rank ${rank}, got ${src.shape.length}`);
  if (numelOf(index.shape) === 0) return;
  // Bit copies (scatter) and the CAS loop read raw words; atomicAdd on i32 reads i32 words.
  const srcType = element === 'atomic<i32>' ? 'i32' : 'u32';
  rt.dispatch({
    key: `${op}:${variant}:${rank}`,
    code: () => /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outBuf: array<${element}>;
@group(0) @binding(1) var<storage, read> srcBuf: array<${srcType}>;
@group(0) @binding(2) var<storage, read> indexBuf: array<i32>;
@group(0) @binding(3) var<storage, read> params: array<u32>;
${WGSL_LINEAR_INDEX}
${wgslOffsets(rank, 3)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= params[0]) { return; }
  let at = offsets(i);
  ${wgslIndexed(rank, 'at[2]', 'return;')}
  ${update}
}`,
    bindings: [{ buffer: bufferOf(out), write: true }, { buffer: bufferOf(src) }, { buffer: bufferOf(index) }],
    params: indexedParams(index, src, pinned(out, dim), out.shape[dim]!, out.strides[dim]!),
    threads: numelOf(index.shape),
  });
}
