/**
 * Reductions over any set of axes of a strided input.
 *
 * The input splits into kept dims (one output each) and a reduced sub-space (`reduce-plan.ts`);
 * shapes and strides travel as parameters, the op, dtypes and the two ranks are baked into the
 * shader. Three strategies, picked by the shape:
 * - one thread per output, looping over its elements: when each output reduces few elements, or
 *   when there are many outputs and the reduced dims are outer (neighbouring threads then read
 *   neighbouring elements);
 * - one 256-thread workgroup per output with a shared-memory tree: long reductions;
 * - few outputs with huge reductions: the reduced range is split into chunks, one workgroup per
 *   (output, chunk) writes a partial to a scratch buffer, and a second pass combines the partials
 *   (argmax/argmin partials carry their index), so no single workgroup walks millions of elements.
 *
 * @module
 */
import { numelOf, type ReduceOp, type View } from '@typetorch/core';
import { wgslType } from '../dtypes.js';
import { WGSL_LINEAR_INDEX, type Binding, type GpuRuntime } from '../runtime.js';
import { bufferOf, wgslOffsets } from '../strided.js';
import { copyKernel, fillKernel } from './copy.js';
import { NO_INDEX, reduceCode, type ReduceCode } from './reduce-ops.js';
import {
  countWord, groupGrid, planAxes, planWords, WGSL_FLOAT_TESTS, WGSL_GROUP_INDEX, wgslRedLocals, wgslRedOffset, type AxisPlan,
} from './reduce-plan.js';

const GROUP = 256;
/** Reductions at most this long always run one thread per output. */
const THREAD_MAX_COUNT = 32;
/** With at least this many outputs, outer reduced dims run one thread per output. */
const THREAD_MIN_OUTPUTS = 8192;
/** Reductions at least this long with few outputs are split across workgroups. */
const SPLIT_MIN_COUNT = 16384;
/** Elements per chunk of a split reduction, and the workgroups a split aims for. */
const CHUNK = 4096;
const SPLIT_GROUPS = 1024;

const IDENTITY: Partial<Record<ReduceOp, number>> = { sum: 0, prod: 1, any: 0, all: 1 };

/** Where a pass reads its elements from and writes its results to. */
interface Pass {
  readonly mode: 'thread' | 'group';
  /** `x`: the input view; `partial`: accumulators (and indices) of a previous pass. */
  readonly input: 'x' | 'partial';
  /** `out`: the output view; `partial`: one accumulator per workgroup into scratch. */
  readonly output: 'out' | 'partial';
  readonly keptRank: number;
  readonly redRank: number;
}

function shader(code: ReduceCode, xType: string, outType: string, p: Pass): string {
  const { acc, arg } = code;
  const decl: string[] = [];
  let b = 0;
  if (p.output === 'out') decl.push(`@group(0) @binding(${b++}) var<storage, read_write> outBuf: array<${outType}>;`);
  else {
    decl.push(`@group(0) @binding(${b++}) var<storage, read_write> partOut: array<${acc}>;`);
    if (arg) decl.push(`@group(0) @binding(${b++}) var<storage, read_write> partOutIdx: array<u32>;`);
  }
  if (p.input === 'x') decl.push(`@group(0) @binding(${b++}) var<storage, read> xBuf: array<${xType}>;`);
  else {
    decl.push(`@group(0) @binding(${b++}) var<storage, read> partIn: array<${acc}>;`);
    if (arg) decl.push(`@group(0) @binding(${b++}) var<storage, read> partInIdx: array<u32>;`);
  }
  decl.push(`@group(0) @binding(${b}) var<storage, read> params: array<u32>;`);
  const countAt = countWord(p.keptRank);
  const chunkAt = countAt + 1 + 2 * p.redRank;
  const value = (e: string): string => (p.input === 'x' ? code.load(`xBuf[${e}]`) : `partIn[${e}]`);
  const index = (e: string, j: string): string => (p.input === 'x' ? j : `partInIdx[${e}]`);
  // One element `e` (the j-th of its output) enters the running `acc` (and `idx`).
  const step = (e: string, j: string): string =>
    arg
      ? `{ let v = ${value(e)}; let vi = ${index(e, j)}; if (better(v, vi, acc, idx)) { acc = v; idx = vi; } }`
      : `acc = comb(acc, ${value(e)});`;
  const write = (target: string, a: string, i: string): string =>
    p.output === 'out'
      ? `outBuf[${target}] = ${code.store(a, i)};`
      : `partOut[${target}] = ${a};${arg ? ` partOutIdx[${target}] = ${i};` : ''}`;
  const common = `${decl.join('\n')}
${WGSL_FLOAT_TESTS}
${code.functions}
${wgslOffsets(p.keptRank, 2)}`;
  const locals = wgslRedLocals(p.keptRank, p.redRank);

  if (p.mode === 'thread') {
    return /* wgsl */ `${common}
${WGSL_LINEAR_INDEX}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = linearIndex(gid, nwg);
  if (o >= params[0]) { return; }
  let at = offsets(o);
  let count = params[${countAt}u];
  ${locals}
  var acc: ${acc} = ${code.ident};
  var idx = ${NO_INDEX};
  for (var j = 0u; j < count; j++) {
    let e = u32(i32(at[1]) + ${wgslRedOffset(p.redRank, 'j')});
    ${step('e', 'j')}
  }
  ${write(p.output === 'out' ? 'at[0]' : 'o', 'acc', 'idx')}
}`;
  }
  return /* wgsl */ `${common}
${WGSL_GROUP_INDEX}
var<workgroup> sv: array<${acc}, ${GROUP}>;
${arg ? `var<workgroup> si: array<u32, ${GROUP}>;` : ''}
@compute @workgroup_size(${GROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = groupIndex(wid, nwg);
  let chunks = params[${chunkAt}u];
  let chunkLen = params[${chunkAt + 1}u];
  let o = g / chunks;
  let valid = o < params[0];
  var acc: ${acc} = ${code.ident};
  var idx = ${NO_INDEX};
  if (valid) {
    let base = i32(offsets(o)[1]);
    let start = (g % chunks) * chunkLen;
    let end = min(params[${countAt}u], start + chunkLen);
    ${locals}
    for (var j = start + lid; j < end; j += ${GROUP}u) {
      let e = u32(base + ${wgslRedOffset(p.redRank, 'j')});
      ${step('e', 'j')}
    }
  }
  sv[lid] = acc;
  ${arg ? 'si[lid] = idx;' : ''}
  workgroupBarrier();
  for (var s = ${GROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      ${arg
        ? 'if (better(sv[lid + s], si[lid + s], sv[lid], si[lid])) { sv[lid] = sv[lid + s]; si[lid] = si[lid + s]; }'
        : 'sv[lid] = comb(sv[lid], sv[lid + s]);'}
    }
    workgroupBarrier();
  }
  if (valid && lid == 0u) {
    ${write(p.output === 'out' ? 'offsets(o)[0]' : 'g', 'sv[0]', arg ? 'si[0]' : 'idx')}
  }
}`;
}

/** Reduces `x` over `axes` into `out` (same rank, size 1 on reduced axes). */
export function reduceKernel(rt: GpuRuntime, op: ReduceOp, out: View, x: View, axes: readonly number[]): void {
  if (numelOf(out.shape) === 0) return;
  if (axes.length === 0) return copyKernel(rt, out, x);
  if ((op === 'argmax' || op === 'argmin') && axes.length !== 1) {
    throw new Error(`[${op}] expected exactly one axis to reduce, got [${axes.join(', ')}]`);
  }
  const plan = planAxes(x, axes, out.strides, out.offset);
  if (plan.count === 0) {
    const identity = IDENTITY[op];
    if (identity === undefined) throw new Error(`[${op}] expected a non-empty reduction, got a zero-size dimension`);
    return fillKernel(rt, out, identity);
  }
  const code = reduceCode(op, x.dtype, out.dtype);
  const key = (p: Pass): string =>
    `reduce:${op}:${x.dtype}:${out.dtype}:${p.mode}:${p.input}:${p.output}:${p.keptRank}:${p.redRank}`;
  const run = (p: Pass, words: number[], bindings: Binding[], groups?: number): void => {
    rt.dispatch({
      key: key(p),
      code: () => shader(code, wgslType(x.dtype), wgslType(out.dtype), p),
      bindings,
      params: words,
      ...(groups === undefined ? { threads: plan.outputs } : { workgroups: groupGrid(groups) }),
    });
  };
  const keptRank = plan.keptSizes.length;
  const redRank = plan.redSizes.length;
  const outBinding: Binding = { buffer: bufferOf(out), write: true };
  const xBinding: Binding = { buffer: bufferOf(x) };

  const innerReduced = plan.redX.some((s) => Math.abs(s) === 1);
  if (plan.count <= THREAD_MAX_COUNT || (plan.outputs >= THREAD_MIN_OUTPUTS && !innerReduced)) {
    run({ mode: 'thread', input: 'x', output: 'out', keptRank, redRank }, planWords(plan), [outBinding, xBinding]);
    return;
  }
  const chunks = plan.count >= SPLIT_MIN_COUNT
    ? Math.min(Math.ceil(plan.count / CHUNK), Math.floor(SPLIT_GROUPS / plan.outputs))
    : 1;
  if (chunks <= 1) {
    const words = [...planWords(plan), 1, plan.count];
    run({ mode: 'group', input: 'x', output: 'out', keptRank, redRank }, words, [outBinding, xBinding], plan.outputs);
    return;
  }
  splitReduce(rt, plan, chunks, code.arg, run, outBinding, xBinding);
}

type Run = (p: Pass, words: number[], bindings: Binding[], groups?: number) => void;

/** Two passes: partials of `chunks` chunks per output into scratch, then one workgroup per output. */
function splitReduce(rt: GpuRuntime, plan: AxisPlan, chunks: number, arg: boolean, run: Run, outBinding: Binding, xBinding: Binding): void {
  const chunkLen = Math.ceil(plan.count / chunks);
  const n = Math.ceil(plan.count / chunkLen);
  const keptRank = plan.keptSizes.length;
  const redRank = plan.redSizes.length;
  const partials = plan.outputs * n;
  const values = rt.allocate(partials * 4);
  const indices = arg ? rt.allocate(partials * 4) : undefined;
  const scratch: Binding[] = [{ buffer: values }, ...(indices ? [{ buffer: indices }] : [])];
  run(
    { mode: 'group', input: 'x', output: 'partial', keptRank, redRank },
    [...planWords(plan), n, chunkLen],
    [...scratch.map((s) => ({ ...s, write: true })), xBinding],
    partials,
  );
  // The partials of output o are the contiguous run [o * n, (o + 1) * n).
  const rowMajor: number[] = [];
  let stride = n;
  for (let d = keptRank - 1; d >= 0; d--) {
    rowMajor[d] = stride;
    stride *= plan.keptSizes[d]!;
  }
  const second: AxisPlan = { ...plan, keptX: rowMajor, xOffset: 0, redSizes: [n], redX: [1], count: n };
  run({ mode: 'group', input: 'partial', output: 'out', keptRank, redRank: 1 }, [...planWords(second), 1, n], [outBinding, ...scratch], plan.outputs);
  rt.release(values);
  if (indices) rt.release(indices);
}
