/**
 * Elementwise functions of two arguments, with broadcasting expressed by zero strides.
 *
 * As in unary.ts, every op is its own loop so that V8 compiles the operation inline. The float table
 * also serves int32, uint8 and bool, whose typed-array stores wrap like C, except for the ops whose
 * integer meaning differs (`INT_BINARY`); int64 has a bigint table.
 *
 * @module
 */
import { isFloatingPoint, type BinaryOp, type View } from '@typetorch/core';
import { normalizeBool } from './elementwise.js';
import {
  floorDivideBig, floorDivideFloat, floorDivideInt, maxBig, maximumOf, minBig, minimumOf, powBig, powFloat, powInt,
  remainderBig, remainderFloat, remainderInt,
} from './scalar-math.js';
import { arrayOf, type NumberArray } from './storage.js';
import { forEachRow } from './strided.js';

type Loop<O, X> = (n: number, o: O, oi: number, os: number, a: X, ai: number, as: number, b: X, bi: number, bs: number) => void;
type NumberLoop = Loop<NumberArray, NumberArray>;

// Comparisons store `+(a < b)` rather than `a < b ? 1 : 0`: V8 compiles the former without a
// branch, and on data like ReLU's mask (half true, at random) the branch mispredicts so often
// that the loop is four times slower (measured: 7 ns against 1.8 ns per element).
const FLOAT_BINARY: Record<BinaryOp, NumberLoop> = {
  add: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] + b[bi];
  },
  sub: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] - b[bi];
  },
  mul: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] * b[bi];
  },
  div: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] / b[bi];
  },
  floorDivide: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = floorDivideFloat(a[ai], b[bi]);
  },
  remainder: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = remainderFloat(a[ai], b[bi]);
  },
  pow: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = powFloat(a[ai], b[bi]);
  },
  atan2: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = Math.atan2(a[ai], b[bi]);
  },
  minimum: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = minimumOf(a[ai], b[bi]);
  },
  maximum: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = maximumOf(a[ai], b[bi]);
  },
  eq: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] === b[bi]);
  },
  ne: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] !== b[bi]);
  },
  lt: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] < b[bi]);
  },
  le: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] <= b[bi]);
  },
  gt: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] > b[bi]);
  },
  ge: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] >= b[bi]);
  },
  logicalAnd: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] !== 0 && b[bi] !== 0 ? 1 : 0;
  },
  logicalOr: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] !== 0 || b[bi] !== 0 ? 1 : 0;
  },
  logicalXor: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = (a[ai] !== 0) !== (b[bi] !== 0) ? 1 : 0;
  },
};

/** Where int32/uint8/bool differ from floats: exact wrapping products, Python's integer division. */
const INT_BINARY: Partial<Record<BinaryOp, NumberLoop>> = {
  mul: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = Math.imul(a[ai], b[bi]);
  },
  floorDivide: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = floorDivideInt(a[ai], b[bi]);
  },
  remainder: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = remainderInt(a[ai], b[bi]);
  },
  pow: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = powInt(a[ai], b[bi]);
  },
};

/** int64, exact: BigInt64Array stores wrap at 64 bits like C. Comparisons write bool (0/1). */
const BIGINT_BINARY: Partial<Record<BinaryOp, Loop<BigInt64Array | Uint8Array, BigInt64Array>>> = {
  add: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] + b[bi];
  },
  sub: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] - b[bi];
  },
  mul: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] * b[bi];
  },
  floorDivide: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = floorDivideBig(a[ai], b[bi]);
  },
  remainder: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = remainderBig(a[ai], b[bi]);
  },
  pow: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = powBig(a[ai], b[bi]);
  },
  minimum: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = minBig(a[ai], b[bi]);
  },
  maximum: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = maxBig(a[ai], b[bi]);
  },
  eq: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] === b[bi]);
  },
  ne: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] !== b[bi]);
  },
  lt: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] < b[bi]);
  },
  le: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] <= b[bi]);
  },
  gt: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] > b[bi]);
  },
  ge: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = +(a[ai] >= b[bi]);
  },
  logicalAnd: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] !== 0n && b[bi] !== 0n ? 1 : 0;
  },
  logicalOr: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai] !== 0n || b[bi] !== 0n ? 1 : 0;
  },
  logicalXor: (n, o, oi, os, a, ai, as, b, bi, bs) => {
    for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = (a[ai] !== 0n) !== (b[bi] !== 0n) ? 1 : 0;
  },
};

/** Ops that only exist for floating-point inputs (core promotes integers first). */
const FLOAT_ONLY = new Set<BinaryOp>(['div', 'atan2']);

/** Ops whose result is 0/1 already, so a bool output needs no normalising. */
const PREDICATES = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);

/** `out[i] = op(a[i], b[i])`; `a` and `b` share a dtype and are broadcast to `out` by strides. */
export function binary(op: BinaryOp, out: View, a: View, b: View): void {
  const float = isFloatingPoint(a.dtype);
  if (FLOAT_ONLY.has(op) && !float) {
    throw new Error(`[${op}] expects float32 or float64 inputs on cpu, got ${a.dtype}`);
  }
  const o = arrayOf(out);
  const ad = arrayOf(a);
  const bd = arrayOf(b);
  const loop = (a.dtype === 'int64' ? BIGINT_BINARY[op] : float ? FLOAT_BINARY[op] : INT_BINARY[op] ?? FLOAT_BINARY[op]) as
    | Loop<unknown, unknown>
    | undefined;
  if (!loop) throw new Error(`[${op}] has no cpu implementation for ${a.dtype}`);
  forEachRow(out.shape, [out, a, b], (n, at, step) =>
    loop(n, o, at[0], step[0], ad, at[1], step[1], bd, at[2], step[2]));
  if (out.dtype === 'bool' && !PREDICATES.has(op)) normalizeBool(out);
}
