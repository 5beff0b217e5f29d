/**
 * Elementwise functions of one argument.
 *
 * Each op is its own loop over one row (see strided.ts) rather than one loop calling a function per
 * op: V8 compiles a loop whose call target varies into a generic call that boxes every result,
 * several times slower than a loop with the operation written inline. Number-valued dtypes share a
 * table because typed-array stores already round (float32) or wrap (int32, uint8) like C; int64 has
 * its own bigint table.
 *
 * @module
 */
import { isFloatingPoint, type UnaryOp, type View } from '@typetorch/core';
import { normalizeBool } from './elementwise.js';
import { absBig, erf, reluBig, reluOf, roundHalfEven, sigmoid, signBig, signOf } from './scalar-math.js';
import { arrayOf, type NumberArray } from './storage.js';
import { forEachRow } from './strided.js';

type Loop<O, X> = (n: number, o: O, oi: number, os: number, x: X, xi: number, xs: number) => void;

/** Ops on numbers: all dtypes but int64. Float math runs in float64 and rounds on store. */
const NUMBER_UNARY: Record<UnaryOp, Loop<NumberArray, NumberArray>> = {
  neg: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = -x[xi];
  },
  abs: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.abs(x[xi]);
  },
  sign: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = signOf(x[xi]);
  },
  relu: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = reluOf(x[xi]);
  },
  exp: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.exp(x[xi]);
  },
  exp2: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = 2 ** x[xi];
  },
  expm1: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.expm1(x[xi]);
  },
  log: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.log(x[xi]);
  },
  log2: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.log2(x[xi]);
  },
  log10: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.log10(x[xi]);
  },
  log1p: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.log1p(x[xi]);
  },
  sqrt: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.sqrt(x[xi]);
  },
  rsqrt: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = 1 / Math.sqrt(x[xi]);
  },
  reciprocal: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = 1 / x[xi];
  },
  sin: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.sin(x[xi]);
  },
  cos: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.cos(x[xi]);
  },
  tan: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.tan(x[xi]);
  },
  asin: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.asin(x[xi]);
  },
  acos: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.acos(x[xi]);
  },
  atan: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.atan(x[xi]);
  },
  sinh: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.sinh(x[xi]);
  },
  cosh: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.cosh(x[xi]);
  },
  tanh: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.tanh(x[xi]);
  },
  sigmoid: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = sigmoid(x[xi]);
  },
  erf: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = erf(x[xi]);
  },
  floor: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.floor(x[xi]);
  },
  ceil: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.ceil(x[xi]);
  },
  round: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = roundHalfEven(x[xi]);
  },
  trunc: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.trunc(x[xi]);
  },
  logicalNot: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi] === 0 ? 1 : 0;
  },
  isnan: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi] !== x[xi] ? 1 : 0;
  },
  isinf: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.abs(x[xi]) === Infinity ? 1 : 0;
  },
  isfinite: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Number.isFinite(x[xi]) ? 1 : 0;
  },
};

/** int64 ops; rounding ops are the identity on integers and the float-only math is absent. */
const BIGINT_UNARY: Partial<Record<UnaryOp, Loop<BigInt64Array, BigInt64Array>>> = {
  neg: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = -x[xi];
  },
  abs: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = absBig(x[xi]);
  },
  sign: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = signBig(x[xi]);
  },
  relu: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = reluBig(x[xi]);
  },
  floor: copyBig, ceil: copyBig, round: copyBig, trunc: copyBig,
};

function copyBig(n: number, o: BigInt64Array, oi: number, os: number, x: BigInt64Array, xi: number, xs: number): void {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi];
}

/** int64 predicates, writing bool. An integer is never NaN or infinite. */
const BIGINT_PREDICATE: Partial<Record<UnaryOp, Loop<Uint8Array, BigInt64Array>>> = {
  logicalNot: (n, o, oi, os, x, xi, xs) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi] === 0n ? 1 : 0;
  },
  isnan: (n, o, oi, os) => {
    for (let i = 0; i < n; i++, oi += os) o[oi] = 0;
  },
  isinf: (n, o, oi, os) => {
    for (let i = 0; i < n; i++, oi += os) o[oi] = 0;
  },
  isfinite: (n, o, oi, os) => {
    for (let i = 0; i < n; i++, oi += os) o[oi] = 1;
  },
};

/** Ops that are only defined on floating-point inputs (core promotes integers first). */
const FLOAT_ONLY = new Set<UnaryOp>([
  'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'reciprocal', 'sin', 'cos',
  'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'sigmoid', 'erf',
]);

/** Ops whose result is 0/1 already, so a bool output needs no normalising. */
const PREDICATES = new Set<UnaryOp>(['logicalNot', 'isnan', 'isinf', 'isfinite']);

/** `out[i] = op(x[i])`. */
export function unary(op: UnaryOp, out: View, x: View): void {
  if (FLOAT_ONLY.has(op) && !isFloatingPoint(x.dtype)) {
    throw new Error(`[${op}] expects a float32 or float64 input on cpu, got ${x.dtype}`);
  }
  const o = arrayOf(out);
  const xd = arrayOf(x);
  if (x.dtype === 'int64') {
    const loop = (BIGINT_UNARY[op] ?? BIGINT_PREDICATE[op]) as Loop<unknown, BigInt64Array> | undefined;
    if (!loop) throw new Error(`[${op}] has no cpu implementation for int64`);
    forEachRow(out.shape, [out, x], (n, at, step) => loop(n, o, at[0], step[0], xd as BigInt64Array, at[1], step[1]));
    return;
  }
  const loop = NUMBER_UNARY[op];
  forEachRow(out.shape, [out, x], (n, at, step) =>
    loop(n, o as NumberArray, at[0], step[0], xd as NumberArray, at[1], step[1]));
  if (out.dtype === 'bool' && !PREDICATES.has(op)) normalizeBool(out);
}
