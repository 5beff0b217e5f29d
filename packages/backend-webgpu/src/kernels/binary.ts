/**
 * Elementwise functions of two arguments, and `where`. Inputs are broadcast by strides (zero
 * strides), may be transposed or offset, and may share the output's buffer (the runtime then reads
 * a copy). Ops are WGSL expressions in `a` and `b` per storage type, like unary.ts.
 *
 * @module
 */
import type { BinaryOp, View } from '@typetorch/core';
import { wgslType } from '../dtypes.js';
import type { GpuRuntime } from '../runtime.js';
import { convert } from './copy.js';
import { dispatchElementwise, wrap } from './unary.js';

const NAN_A = '(bitcast<u32>(a) & 0x7fffffffu) > 0x7f800000u';
const NAN_B = '(bitcast<u32>(b) & 0x7fffffffu) > 0x7f800000u';
/** Both operands are numbers: comparisons test it on bits so that no compiler folds NaN away. */
const ORDERED = `!(${NAN_A}) && !(${NAN_B})`;
const TRUTHY_A = '(bitcast<u32>(a) & 0x7fffffffu) != 0u';
const TRUTHY_B = '(bitcast<u32>(b) & 0x7fffffffu) != 0u';

/** float32 ops, as expressions in `a` and `b` (see wgsl-math.ts for the helpers). */
const FLOAT_OPS: Record<BinaryOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  floorDivide: 'tt_floorDivide(a, b)',
  remainder: 'tt_remainder(a, b)',
  pow: 'tt_pow(a, b)',
  atan2: 'tt_atan2(a, b)',
  minimum: `select(select(select(a, b, b < a), b, ${NAN_B}), a, ${NAN_A})`,
  maximum: `select(select(select(a, b, a < b), b, ${NAN_B}), a, ${NAN_A})`,
  eq: `select(0u, 1u, ${ORDERED} && a == b)`,
  ne: `select(1u, 0u, ${ORDERED} && a == b)`,
  lt: `select(0u, 1u, ${ORDERED} && a < b)`,
  le: `select(0u, 1u, ${ORDERED} && a <= b)`,
  gt: `select(0u, 1u, ${ORDERED} && a > b)`,
  ge: `select(0u, 1u, ${ORDERED} && a >= b)`,
  logicalAnd: `select(0u, 1u, (${TRUTHY_A}) && (${TRUTHY_B}))`,
  logicalOr: `select(0u, 1u, (${TRUTHY_A}) || (${TRUTHY_B}))`,
  logicalXor: `select(0u, 1u, (${TRUTHY_A}) != (${TRUTHY_B}))`,
};

/** Comparisons and logical ops on integers (i32 or u32 words); `z` is the type's zero. */
function integerPredicates(z: string): Partial<Record<BinaryOp, string>> {
  return {
    eq: 'select(0u, 1u, a == b)',
    ne: 'select(0u, 1u, a != b)',
    lt: 'select(0u, 1u, a < b)',
    le: 'select(0u, 1u, a <= b)',
    gt: 'select(0u, 1u, a > b)',
    ge: 'select(0u, 1u, a >= b)',
    logicalAnd: `select(0u, 1u, a != ${z} && b != ${z})`,
    logicalOr: `select(0u, 1u, a != ${z} || b != ${z})`,
    logicalXor: `select(0u, 1u, (a != ${z}) != (b != ${z}))`,
  };
}

/**
 * int32 and int64 (held in i32) ops. WGSL's i32 arithmetic wraps like C; division by zero is
 * defined in WGSL (no trap), and its result is unspecified by the contract.
 */
const INT_OPS: Partial<Record<BinaryOp, string>> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  floorDivide: 'tt_floorDivideI(a, b)',
  remainder: 'tt_remainderI(a, b)',
  pow: 'tt_powI(a, b)',
  minimum: 'min(a, b)',
  maximum: 'max(a, b)',
  ...integerPredicates('0'),
};

/** uint8 and bool ops on u32 words; arithmetic results are wrapped or normalised after (`wrap`). */
const UINT_OPS: Partial<Record<BinaryOp, string>> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  floorDivide: 'a / b',
  remainder: 'a % b',
  pow: 'tt_powU(a, b)',
  minimum: 'min(a, b)',
  maximum: 'max(a, b)',
  ...integerPredicates('0u'),
};

const PREDICATES = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);

/** `out[i] = op(a[i], b[i])`, inputs broadcast by strides. */
export function binaryKernel(rt: GpuRuntime, op: BinaryOp, out: View, a: View, b: View): void {
  if (a.dtype !== b.dtype) throw new Error(`[${op}] expected inputs of one dtype, got ${a.dtype} and ${b.dtype}`);
  const t = wgslType(a.dtype, op);
  const table = t === 'f32' ? FLOAT_OPS : t === 'i32' ? INT_OPS : UINT_OPS;
  const expr = table[op];
  if (expr === undefined) throw new Error(`[${op}] expected float32 inputs on webgpu, got ${a.dtype}`);
  let body: string;
  if (PREDICATES.has(op)) {
    if (out.dtype !== 'bool') throw new Error(`[${op}] expected a bool output, got ${out.dtype}`);
    body = expr;
  } else {
    body = convert(t === 'u32' ? wrap(expr, a.dtype) : expr, a.dtype, out.dtype);
  }
  const fnCode = `fn op_fn(a: ${t}, b: ${t}) -> ${wgslType(out.dtype)} { return ${body}; }`;
  dispatchElementwise(rt, `binary:${op}:${a.dtype}:${out.dtype}`, fnCode, out, [a, b]);
}

/** `out[i] = cond[i] ? a[i] : b[i]`. */
export function whereKernel(rt: GpuRuntime, out: View, cond: View, a: View, b: View): void {
  if (cond.dtype !== 'bool') throw new Error(`[where] expected a bool condition, got ${cond.dtype}`);
  const t = wgslType(out.dtype, 'where');
  const fnCode =
    `fn op_fn(c: u32, a: ${wgslType(a.dtype, 'where')}, b: ${wgslType(b.dtype, 'where')}) -> ${t} ` +
    `{ return select(${convert('b', b.dtype, out.dtype)}, ${convert('a', a.dtype, out.dtype)}, c != 0u); }`;
  dispatchElementwise(rt, `where:${cond.dtype}:${a.dtype}:${b.dtype}:${out.dtype}`, fnCode, out, [cond, a, b]);
}
