/**
 * Fused softmax and logSoftmax along one axis (float32 only; core calls them for floating inputs,
 * and float64 cannot live on this device).
 *
 * Each row is read three times: its maximum (NaN propagating), the sum of `exp(x - max)`, then the
 * outputs. Long rows take one 256-thread workgroup each with shared-memory tree reductions; short
 * rows one thread each. A row whose maximum is not finite (a NaN, a +Inf, or only -Inf) gives NaN
 * everywhere, as core's composite `exp(x - max) / sum` does; -Inf entries give 0 (softmax) and
 * -Inf (logSoftmax).
 *
 * @module
 */
import { numelOf, type View } from '@typetorch/core';
import { WGSL_LINEAR_INDEX, type GpuRuntime } from '../runtime.js';
import { bufferOf, wgslOffsets } from '../strided.js';
import { countWord, groupGrid, planAxes, planWords, WGSL_FLOAT_TESTS, WGSL_GROUP_INDEX } from './reduce-plan.js';

type SoftmaxOp = 'softmax' | 'logSoftmax';

const GROUP = 256;
/** Rows shorter than this run one thread each. */
const GROUP_MIN_LENGTH = 64;

function shader(op: SoftmaxOp, keptRank: number, group: boolean): string {
  const at = countWord(keptRank) + 1;
  const result = op === 'softmax' ? 'exp(d) / total' : 'd - log(total)';
  const head = `@group(0) @binding(0) var<storage, read_write> outBuf: array<f32>;
@group(0) @binding(1) var<storage, read> xBuf: array<f32>;
@group(0) @binding(2) var<storage, read> params: array<u32>;
${WGSL_FLOAT_TESTS}
${wgslOffsets(keptRank, 2)}
fn load(base: u32, t: u32) -> f32 { return xBuf[u32(i32(base) + i32(t) * bitcast<i32>(params[${at + 1}u]))]; }
fn store(base: u32, t: u32, v: f32) { outBuf[u32(i32(base) + i32(t) * bitcast<i32>(params[${at + 2}u]))] = v; }
fn maxNan(a: f32, b: f32) -> f32 {
  if (isNan(a)) { return a; }
  if (isNan(b)) { return b; }
  return select(b, a, a > b);
}
/** exp(x - m) for a finite m; x = -Inf gives 0 without relying on exp(-Inf). */
fn shiftedExp(x: f32, m: f32) -> f32 {
  if (!isFinite(x)) { return 0.0; }
  return exp(x - m);
}
fn output(x: f32, m: f32, total: f32) -> f32 {
  if (!isFinite(m)) { return bitcast<f32>(infBits | 0x400000u); }
  if (!isFinite(x)) { return ${op === 'softmax' ? '0.0' : 'negInf()'}; }
  let d = x - m;
  return ${result};
}`;
  if (!group) {
    return /* wgsl */ `${head}
${WGSL_LINEAR_INDEX}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = linearIndex(gid, nwg);
  if (row >= params[0]) { return; }
  let o = offsets(row);
  let length = params[${at}u];
  var m = negInf();
  for (var t = 0u; t < length; t++) { m = maxNan(m, load(o[1], t)); }
  var total = 0.0;
  if (isFinite(m)) { for (var t = 0u; t < length; t++) { total += shiftedExp(load(o[1], t), m); } }
  for (var t = 0u; t < length; t++) { store(o[0], t, output(load(o[1], t), m, total)); }
}`;
  }
  return /* wgsl */ `${head}
${WGSL_GROUP_INDEX}
var<workgroup> part: array<f32, ${GROUP}>;
@compute @workgroup_size(${GROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = groupIndex(wid, nwg);
  let valid = row < params[0];
  let o = offsets(min(row, params[0] - 1u));
  let length = select(0u, params[${at}u], valid);
  var m = negInf();
  for (var t = lid; t < length; t += ${GROUP}u) { m = maxNan(m, load(o[1], t)); }
  part[lid] = m;
  workgroupBarrier();
  for (var s = ${GROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { part[lid] = maxNan(part[lid], part[lid + s]); }
    workgroupBarrier();
  }
  m = part[0];
  workgroupBarrier();
  var sum = 0.0;
  if (isFinite(m)) { for (var t = lid; t < length; t += ${GROUP}u) { sum += shiftedExp(load(o[1], t), m); } }
  part[lid] = sum;
  workgroupBarrier();
  for (var s = ${GROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { part[lid] = part[lid] + part[lid + s]; }
    workgroupBarrier();
  }
  let total = part[0];
  for (var t = lid; t < length; t += ${GROUP}u) { store(o[0], t, output(load(o[1], t), m, total)); }
}`;
}

function fused(rt: GpuRuntime, op: SoftmaxOp) {
  return (out: View, x: View, axis: number): void => {
    if (x.dtype !== 'float32' || out.dtype !== 'float32') {
      throw new Error(`[${op}] expected float32 tensors on WebGPU, got ${x.dtype} into ${out.dtype}`);
    }
    if (numelOf(x.shape) === 0) return;
    const plan = planAxes(x, [axis], out.strides, out.offset);
    const keptRank = plan.keptSizes.length;
    const length = x.shape[axis]!;
    const group = length >= GROUP_MIN_LENGTH;
    rt.dispatch({
      key: `${op}:${keptRank}:${group ? 'group' : 'thread'}`,
      code: () => shader(op, keptRank, group),
      bindings: [{ buffer: bufferOf(out), write: true }, { buffer: bufferOf(x) }],
      params: [...planWords(plan).slice(0, countWord(keptRank) + 1), length, x.strides[axis]! | 0, out.strides[axis]! | 0],
      ...(group ? { workgroups: groupGrid(plan.outputs) } : { threads: plan.outputs }),
    });
  };
}

/** The fused kernels of this file, by the names core looks up in `backend.fused`. */
export function softmaxKernels(rt: GpuRuntime): Record<string, (...args: never[]) => unknown> {
  return { softmax: fused(rt, 'softmax'), logSoftmax: fused(rt, 'logSoftmax') };
}
