/**
 * Inclusive scans (cumsum, cumprod) along one axis.
 *
 * Every line along the axis is independent. Short lines run one thread per line, sequentially; long
 * lines run one 256-thread workgroup per line that walks the line in tiles: a shared-memory
 * (Hillis–Steele) scan of each tile plus the carry of the tiles before it. Accumulation is in f32
 * for floats and in wrapping i32 for integers (int64 lives in 32 bits here), then converted to
 * out's dtype, as the CPU converts its float64/int64 accumulator.
 *
 * @module
 */
import { numelOf, type DType, type ScanOp, type View } from '@typetorch/core';
import { wgslType } from '../dtypes.js';
import { WGSL_LINEAR_INDEX, type GpuRuntime } from '../runtime.js';
import { bufferOf, wgslOffsets } from '../strided.js';
import { convert, copyKernel } from './copy.js';
import { groupGrid, planAxes, planWords, countWord, WGSL_GROUP_INDEX } from './reduce-plan.js';

const GROUP = 256;
/** Lines at least this long are scanned by a workgroup each. */
const GROUP_MIN_LENGTH = 128;

function shader(op: ScanOp, xd: DType, od: DType, keptRank: number, group: boolean): string {
  const accDtype: DType = wgslType(xd, op) === 'f32' || wgslType(od, op) === 'f32' ? 'float32' : 'int32';
  const acc = wgslType(accDtype);
  const ident = op === 'cumsum' ? (acc === 'f32' ? '0.0' : '0i') : acc === 'f32' ? '1.0' : '1i';
  const comb = `fn comb(a: ${acc}, b: ${acc}) -> ${acc} { return a ${op === 'cumsum' ? '+' : '*'} b; }`;
  const at = countWord(keptRank) + 1; // the line words follow count (the reduced part is unused)
  const head = `@group(0) @binding(0) var<storage, read_write> outBuf: array<${wgslType(od)}>;
@group(0) @binding(1) var<storage, read> xBuf: array<${wgslType(xd)}>;
@group(0) @binding(2) var<storage, read> params: array<u32>;
${comb}
${wgslOffsets(keptRank, 2)}
fn load(base: u32, t: u32) -> ${acc} {
  return ${convert(`xBuf[u32(i32(base) + i32(t) * bitcast<i32>(params[${at + 1}u]))]`, xd, accDtype)};
}
fn store(base: u32, t: u32, v: ${acc}) {
  outBuf[u32(i32(base) + i32(t) * bitcast<i32>(params[${at + 2}u]))] = ${convert('v', accDtype, od)};
}`;
  if (!group) {
    return /* wgsl */ `${head}
${WGSL_LINEAR_INDEX}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let line = linearIndex(gid, nwg);
  if (line >= params[0]) { return; }
  let o = offsets(line);
  let length = params[${at}u];
  var acc: ${acc} = ${ident};
  for (var t = 0u; t < length; t++) {
    acc = comb(acc, load(o[1], t));
    store(o[0], t, acc);
  }
}`;
  }
  return /* wgsl */ `${head}
${WGSL_GROUP_INDEX}
var<workgroup> tile: array<${acc}, ${GROUP}>;
@compute @workgroup_size(${GROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let line = groupIndex(wid, nwg);
  let valid = line < params[0];
  let o = offsets(min(line, params[0] - 1u));
  let length = params[${at}u];
  var carry: ${acc} = ${ident};
  for (var start = 0u; start < length; start += ${GROUP}u) {
    let t = start + lid;
    let live = valid && t < length;
    var v: ${acc} = ${ident};
    if (live) { v = load(o[1], t); }
    tile[lid] = v;
    workgroupBarrier();
    for (var s = 1u; s < ${GROUP}u; s = s << 1u) {
      var before: ${acc} = ${ident};
      if (lid >= s) { before = tile[lid - s]; }
      workgroupBarrier();
      tile[lid] = comb(before, tile[lid]);
      workgroupBarrier();
    }
    if (live) { store(o[0], t, comb(carry, tile[lid])); }
    carry = comb(carry, tile[${GROUP - 1}u]);
    workgroupBarrier();
  }
}`;
}

/** Inclusive scan of `x` along `axis` into `out` (same shape); a rank-0 `x` is copied. */
export function scanKernel(rt: GpuRuntime, op: ScanOp, out: View, x: View, axis: number): void {
  if (x.shape.length === 0) return copyKernel(rt, out, x);
  if (numelOf(x.shape) === 0) return;
  const plan = planAxes(x, [axis], out.strides, out.offset);
  const length = x.shape[axis]!;
  const keptRank = plan.keptSizes.length;
  const group = length >= GROUP_MIN_LENGTH;
  const words = [...planWords(plan).slice(0, countWord(keptRank) + 1), length, x.strides[axis]! | 0, out.strides[axis]! | 0];
  rt.dispatch({
    key: `scan:${op}:${x.dtype}:${out.dtype}:${keptRank}:${group ? 'group' : 'thread'}`,
    code: () => shader(op, x.dtype, out.dtype, keptRank, group),
    bindings: [{ buffer: bufferOf(out), write: true }, { buffer: bufferOf(x) }],
    params: words,
    ...(group ? { workgroups: groupGrid(plan.outputs) } : { threads: plan.outputs }),
  });
}
