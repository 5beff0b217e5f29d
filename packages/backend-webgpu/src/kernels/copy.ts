/**
 * `copy` (with dtype conversion) and `fill`: the two kernels that write any view, strided or not.
 *
 * @module
 */
import { numelOf, type DType, type Scalar, type View } from '@typetorch/core';
import { wgslType, type WgslScalar } from '../dtypes.js';
import { f32Bits, WGSL_LINEAR_INDEX, type GpuRuntime } from '../runtime.js';
import { bufferOf, viewParams, wgslOffsets } from '../strided.js';

/** WGSL that converts `expr` of `from`'s storage type to `to`'s, with the contract's rules. */
export function convert(expr: string, from: DType, to: DType): string {
  if (from === to) return expr;
  const target = wgslType(to);
  if (to === 'bool') {
    // Compare float bits, not values: shader compilers may assume no NaN and fold `NaN != 0` to false.
    if (wgslType(from) === 'f32') return `select(0u, 1u, (bitcast<u32>(${expr}) & 0x7fffffffu) != 0u)`;
    return `select(0u, 1u, ${expr} != ${zero(wgslType(from))})`;
  }
  if (from === 'bool' || from === 'uint8') return `${target}(${expr})`;
  if (to === 'uint8') {
    // Wraps modulo 256 like a C cast to uint8_t; floats truncate first.
    const asInt = wgslType(from) === 'f32' ? `i32(trunc(${expr}))` : `i32(${expr})`;
    return `(bitcast<u32>(${asInt}) & 255u)`;
  }
  if (target === 'f32') return `f32(${expr})`;
  if (wgslType(from) === 'f32') return `${target}(trunc(${expr}))`;
  return `${target}(${expr})`;
}

function zero(t: WgslScalar): string {
  return t === 'f32' ? '0.0' : t === 'i32' ? '0i' : '0u';
}

/** `out[i] = x[i]` converted to `out`'s dtype; `out` may be any view. */
export function copyKernel(rt: GpuRuntime, out: View, x: View): void {
  const rank = out.shape.length;
  const numel = numelOf(out.shape);
  if (numel === 0) return;
  const from = x.dtype;
  const to = out.dtype;
  rt.dispatch({
    key: `copy:${from}:${to}:${rank}`,
    code: () => /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outBuf: array<${wgslType(to)}>;
@group(0) @binding(1) var<storage, read> xBuf: array<${wgslType(from)}>;
@group(0) @binding(2) var<storage, read> params: array<u32>;
${WGSL_LINEAR_INDEX}
${wgslOffsets(rank, 2)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= params[0]) { return; }
  let at = offsets(i);
  outBuf[at[0]] = ${convert('xBuf[at[1]]', from, to)};
}`,
    bindings: [{ buffer: bufferOf(out), write: true }, { buffer: bufferOf(x) }],
    params: viewParams(out.shape, [out, x]),
    threads: numel,
  });
}

/** The 32-bit word that stores `value` in `dtype`'s GPU representation. */
export function scalarWord(dtype: DType, value: Scalar): number {
  switch (wgslType(dtype)) {
    case 'f32':
      return f32Bits(Number(value));
    case 'i32':
      return Number(BigInt.asIntN(32, BigInt(value))) >>> 0;
    default:
      return Number(value) >>> 0;
  }
}

/** `out[i] = value` for any view. */
export function fillKernel(rt: GpuRuntime, out: View, value: Scalar): void {
  const rank = out.shape.length;
  const numel = numelOf(out.shape);
  if (numel === 0) return;
  const t = wgslType(out.dtype);
  const words = viewParams(out.shape, [out]);
  rt.dispatch({
    key: `fill:${t}:${rank}`,
    code: () => /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outBuf: array<${t}>;
@group(0) @binding(1) var<storage, read> params: array<u32>;
${WGSL_LINEAR_INDEX}
${wgslOffsets(rank, 1)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= params[0]) { return; }
  outBuf[offsets(i)[0]] = bitcast<${t}>(params[${words.length}u]);
}`,
    bindings: [{ buffer: bufferOf(out), write: true }],
    params: [...words, scalarWord(out.dtype, value)],
    threads: numel,
  });
}
