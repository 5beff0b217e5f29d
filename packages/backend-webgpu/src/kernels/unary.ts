/**
 * Elementwise functions of one argument, and the strided elementwise dispatch that binary.ts shares.
 *
 * Each op is a WGSL expression in `x` per storage type (f32 for float32, i32 for int32 and int64,
 * u32 for uint8 and bool). One pipeline serves one (op, input dtype, output dtype, rank); shapes,
 * strides and offsets travel in the parameter words. Before dispatch, dimensions that every operand
 * walks contiguously are merged (and size-1 dimensions dropped), so a contiguous tensor of any
 * shape runs the rank-1 pipeline with one division per element for its index.
 *
 * @module
 */
import { numelOf, type DType, type UnaryOp, type View } from '@typetorch/core';
import { wgslType, type WgslScalar } from '../dtypes.js';
import { WGSL_LINEAR_INDEX, type GpuRuntime } from '../runtime.js';
import { bufferOf, viewParams, wgslOffsets } from '../strided.js';
import { convert } from './copy.js';
import { wgslMath } from './wgsl-math.js';

/**
 * Merges dimensions that every view steps through as one (stride[d] = stride[d+1] · shape[d+1])
 * and drops size-1 dimensions. Returns the shape and views of the smallest equivalent rank.
 */
export function coalesce(shape: readonly number[], views: readonly View[]): { shape: number[]; views: View[] } {
  const dims: number[] = [];
  const strides: number[][] = views.map(() => []);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = dims.length - 1;
    const mergeable = last >= 0 && views.every((v, k) => (v.strides[d] ?? 0) === strides[k]![last]! * dims[last]!);
    if (mergeable) {
      dims[last] = dims[last]! * size;
    } else {
      dims.push(size);
      views.forEach((v, k) => strides[k]!.push(v.strides[d] ?? 0));
    }
  }
  dims.reverse();
  return { shape: dims, views: views.map((v, k) => ({ ...v, shape: dims, strides: strides[k]!.reverse() })) };
}

/**
 * Dispatches `out[i] = fn(inputs[0][i], ...)` over `out`'s shape, where `fn` is the WGSL function
 * `fnCode` named `op_fn` (its arguments in the inputs' storage types, its result in `out`'s).
 * `key` must identify `fnCode`; the rank is appended here.
 */
export function dispatchElementwise(rt: GpuRuntime, key: string, fnCode: string, out: View, inputs: readonly View[]): void {
  if (numelOf(out.shape) === 0) return;
  const { shape, views } = coalesce(out.shape, [out, ...inputs]);
  const rank = shape.length;
  const types = views.map((v) => wgslType(v.dtype, key.split(':')[0]));
  // An input that is exactly the output view (`x.add_(y)`, `buf.mul_(m)`) is read from the output
  // binding itself: WebGPU forbids binding one buffer twice when one binding is writable, and each
  // thread reads its element before writing it, so no copy of the input is needed.
  const same = (v: View) =>
    bufferOf(v) === bufferOf(views[0]!) && v.offset === views[0]!.offset && v.strides.every((st, d) => st === views[0]!.strides[d]);
  const inPlace = views.slice(1).map(same);
  const bound = inputs.map((_, k) => k).filter((k) => !inPlace[k]);
  const args = inputs.map((_, k) => (inPlace[k] ? 'outBuf[at[0]]' : `in${k}[at[${k + 1}]]`)).join(', ');
  rt.dispatch({
    key: `${key}:${rank}${inPlace.some(Boolean) ? `:inplace${inPlace.map(Number).join('')}` : ''}`,
    code: () => /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outBuf: array<${types[0]}>;
${bound.map((k, b) => `@group(0) @binding(${b + 1}) var<storage, read> in${k}: array<${types[k + 1]}>;`).join('\n')}
@group(0) @binding(${bound.length + 1}) var<storage, read> params: array<u32>;
${WGSL_LINEAR_INDEX}
${wgslOffsets(rank, views.length)}
${wgslMath(fnCode)}
${fnCode}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= params[0]) { return; }
  let at = offsets(i);
  outBuf[at[0]] = op_fn(${args});
}`,
    bindings: [{ buffer: bufferOf(out), write: true }, ...bound.map((k) => ({ buffer: bufferOf(inputs[k]!) }))],
    params: viewParams(shape, views),
    threads: numelOf(shape),
  });
}

/**
 * float32 ops, as expressions in `x`. A NaN input gives NaN for every op but `sign` (which gives 0);
 * the kernel selects that on bits (see {@link unaryKernel}), so these need not handle NaN.
 */
const FLOAT_OPS: Record<UnaryOp, string> = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0)',
  relu: 'select(x, 0.0, x < 0.0)',
  exp: 'tt_exp(x)',
  exp2: 'tt_exp2(x)',
  expm1: 'tt_expm1(x)',
  log: 'tt_log(x)',
  log2: 'tt_log2(x)',
  log10: 'tt_log10(x)',
  log1p: 'tt_log1p(x)',
  sqrt: 'sqrt(x)',
  rsqrt: '1.0 / sqrt(x)', // inverseSqrt is undefined at 0
  reciprocal: '1.0 / x',
  sin: 'tt_sincos(x).x',
  cos: 'tt_sincos(x).y',
  tan: 'tt_tan(x)',
  asin: 'tt_asin(x)',
  acos: 'tt_acos(x)',
  atan: 'tt_atan(x)',
  sinh: 'tt_sinh(x)',
  cosh: 'tt_cosh(x)',
  tanh: 'tt_tanh(x)',
  sigmoid: 'tt_sigmoid(x)',
  erf: 'tt_erf(x)',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  round: 'round(x)', // WGSL rounds half to even, like torch.round
  trunc: 'trunc(x)',
  // Predicates test bits: compilers may assume no NaN or infinity and fold value comparisons.
  logicalNot: 'select(0u, 1u, (bitcast<u32>(x) & 0x7fffffffu) == 0u)',
  isnan: 'select(0u, 1u, (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u)',
  isinf: 'select(0u, 1u, (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u)',
  isfinite: 'select(0u, 1u, (bitcast<u32>(x) & 0x7fffffffu) < 0x7f800000u)',
};

/** int32 and int64 (held in i32) ops; rounding is the identity; integers are never NaN or infinite. */
const INT_OPS: Partial<Record<UnaryOp, string>> = {
  neg: '-x', // wraps: -INT32_MIN is INT32_MIN, as in C
  abs: 'abs(x)',
  sign: 'sign(x)',
  relu: 'max(x, 0)',
  floor: 'x', ceil: 'x', round: 'x', trunc: 'x',
  logicalNot: 'select(0u, 1u, x == 0)',
  isnan: '0u',
  isinf: '0u',
  isfinite: '1u',
};

/** uint8 and bool (one u32 word each) ops; results are wrapped or normalised after (see {@link wrap}). */
const UINT_OPS: Partial<Record<UnaryOp, string>> = {
  neg: '0u - x',
  abs: 'x',
  sign: 'min(x, 1u)',
  relu: 'x',
  floor: 'x', ceil: 'x', round: 'x', trunc: 'x',
  logicalNot: 'select(0u, 1u, x == 0u)',
  isnan: '0u',
  isinf: '0u',
  isfinite: '1u',
};

const PREDICATES = new Set<UnaryOp>(['logicalNot', 'isnan', 'isinf', 'isfinite']);

/** Brings a u32 result into its dtype's range: uint8 wraps modulo 256, bool becomes 0/1. */
export function wrap(expr: string, dtype: DType): string {
  if (dtype === 'uint8') return `((${expr}) & 255u)`;
  if (dtype === 'bool') return `select(0u, 1u, (${expr}) != 0u)`;
  return expr;
}

/** `out[i] = op(x[i])`. */
export function unaryKernel(rt: GpuRuntime, op: UnaryOp, out: View, x: View): void {
  const t: WgslScalar = wgslType(x.dtype, op);
  const table = t === 'f32' ? FLOAT_OPS : t === 'i32' ? INT_OPS : UINT_OPS;
  const expr = table[op];
  if (expr === undefined) throw new Error(`[${op}] expected a float32 input on webgpu, got ${x.dtype}`);
  const predicate = PREDICATES.has(op);
  if (predicate && out.dtype !== 'bool') throw new Error(`[${op}] expected a bool output, got ${out.dtype}`);
  let body: string;
  if (predicate) {
    body = expr;
  } else if (t === 'f32') {
    // NaN in, NaN out (sign gives 0), chosen on bits so that no compiler folds it away.
    const nanResult = op === 'sign' ? '0.0' : 'x';
    body = convert(`select(${expr}, ${nanResult}, (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u)`, x.dtype, out.dtype);
  } else {
    body = convert(t === 'u32' ? wrap(expr, x.dtype) : expr, x.dtype, out.dtype);
  }
  const fnCode = `fn op_fn(x: ${t}) -> ${wgslType(out.dtype)} { return ${body}; }`;
  dispatchElementwise(rt, `unary:${op}:${x.dtype}:${out.dtype}`, fnCode, out, [x]);
}
