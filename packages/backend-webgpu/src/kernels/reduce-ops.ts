/**
 * What each reduction computes, as WGSL snippets for the shaders of `reduce.ts`: the accumulator
 * type, its identity, how an input element enters it, how two accumulators combine (or, for
 * argmax/argmin, which of two (value, index) pairs wins) and how the result is stored.
 *
 * Accumulators: float sums and products in f32; integer ones in i32, whose arithmetic wraps like
 * the CPU's int64 does once stored in 32 bits; max/min in x's own type (NaN wins, tested by bits);
 * any/all in u32 flags.
 *
 * @module
 */
import type { DType, ReduceOp } from '@typetorch/core';
import { wgslType, type WgslScalar } from '../dtypes.js';
import { convert } from './copy.js';

/** The index an empty (value, index) pair carries: it loses to every real element. */
export const NO_INDEX = '0xffffffffu';

export interface ReduceCode {
  /** WGSL type of the accumulator. */
  readonly acc: WgslScalar;
  /** Whether the accumulator is a (value, index) pair (argmax/argmin). */
  readonly arg: boolean;
  /** The identity value (for arg ops, any value: the index marks it empty). */
  readonly ident: string;
  /** WGSL expression of an x element `v` (x's storage type) as an accumulator. */
  load(v: string): string;
  /** WGSL declarations: `fn comb(a, b) -> acc` or, for arg ops, `fn better(a, ai, b, bi) -> bool`. */
  readonly functions: string;
  /** WGSL expression that stores accumulator `a` (index `i` for arg ops) in out's storage type. */
  store(a: string, i: string): string;
}

const LOWEST: Record<WgslScalar, string> = { f32: 'negInf()', i32: 'bitcast<i32>(0x80000000u)', u32: '0u' };
const HIGHEST: Record<WgslScalar, string> = { f32: 'posInf()', i32: '0x7fffffffi', u32: '0xffffffffu' };

/** The code of `op` reducing an `x` of dtype `xd` into an `out` of dtype `od`. */
export function reduceCode(op: ReduceOp, xd: DType, od: DType): ReduceCode {
  const xt = wgslType(xd, op);
  switch (op) {
    case 'sum':
    case 'prod': {
      const accDtype: DType = xt === 'f32' || wgslType(od, op) === 'f32' ? 'float32' : 'int32';
      const acc = wgslType(accDtype);
      const one = acc === 'f32' ? '1.0' : '1i';
      const zero = acc === 'f32' ? '0.0' : '0i';
      return {
        acc, arg: false,
        ident: op === 'sum' ? zero : one,
        load: (v) => convert(v, xd, accDtype),
        functions: `fn comb(a: ${acc}, b: ${acc}) -> ${acc} { return a ${op === 'sum' ? '+' : '*'} b; }`,
        store: (a) => convert(a, accDtype, od),
      };
    }
    case 'max':
    case 'min': {
      const pick = op === 'max' ? 'max' : 'min';
      const functions = xt === 'f32'
        ? `fn comb(a: f32, b: f32) -> f32 {
  if (isNan(a)) { return a; }
  if (isNan(b)) { return b; }
  return select(b, a, a ${op === 'max' ? '>' : '<'} b);
}`
        : `fn comb(a: ${xt}, b: ${xt}) -> ${xt} { return ${pick}(a, b); }`;
      return {
        acc: xt, arg: false,
        ident: op === 'max' ? LOWEST[xt] : HIGHEST[xt],
        load: (v) => v,
        functions,
        store: (a) => convert(a, xd, od),
      };
    }
    case 'any':
    case 'all':
      return {
        acc: 'u32', arg: false,
        ident: op === 'any' ? '0u' : '1u',
        load: (v) => convert(v, xd, 'bool'),
        functions: `fn comb(a: u32, b: u32) -> u32 { return a ${op === 'any' ? '|' : '&'} b; }`,
        store: (a) => convert(a, 'bool', od),
      };
    case 'argmax':
    case 'argmin': {
      // The first extreme wins: a NaN beats every number, and ties go to the lower index.
      const nan = xt === 'f32'
        ? `  let an = isNan(a); let bn = isNan(b);
  if (an || bn) { return an && (!bn || ai < bi); }\n`
        : '';
      const functions = `fn better(a: ${xt}, ai: u32, b: ${xt}, bi: u32) -> bool {
  if (ai == ${NO_INDEX}) { return false; }
  if (bi == ${NO_INDEX}) { return true; }
${nan}  if (a ${op === 'argmax' ? '>' : '<'} b) { return true; }
  return a == b && ai < bi;
}`;
      return {
        acc: xt, arg: true,
        ident: xt === 'f32' ? '0.0' : xt === 'i32' ? '0i' : '0u',
        load: (v) => v,
        functions,
        store: (_a, i) => convert(`i32(${i})`, 'int32', od),
      };
    }
  }
}
