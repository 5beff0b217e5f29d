/**
 * A custom backend written the way a user would write a first one: only the public contract from
 * `@typetorch/core`, storage in plain JavaScript arrays, every kernel a direct loop over the
 * elements of its views, no attention to speed. It runs the exported conformance suite, which
 * proves that the contract says enough to implement a device from scratch.
 *
 * The design is "compute exactly, then store": floats compute in float64 and round when stored;
 * integers compute in bigint and wrap to their width when stored, so C's wrapping and int64
 * exactness come for free.
 */
import type { Backend, BinaryOp, DType, ReduceOp, TypedArray, UnaryOp, View } from '@typetorch/core';
import { uniformAt } from '@typetorch/core';
import { conformanceCases } from '@typetorch/core/testing';
import { describe, it } from 'vitest';

type Value = number | bigint;

/** A storage: one plain array, numbers for floats, bigints for every integer dtype and bool. */
class ArrayStorage {
  constructor(readonly values: Value[]) {}
}

const isFloat = (dtype: DType) => dtype === 'float32' || dtype === 'float64';

/** Storage indices of a view's elements, in row-major order. */
function indices(view: View): number[] {
  let out = [view.offset];
  view.shape.forEach((size, d) => {
    const next: number[] = [];
    for (const base of out) for (let k = 0; k < size; k++) next.push(base + k * view.strides[d]);
    out = next;
  });
  return out;
}

const data = (view: View) => (view.handle as ArrayStorage).values;
const load = (view: View) => indices(view).map((i) => data(view)[i]);

/** Converts an exact result to what a dtype stores: rounding floats, wrapping integers like C. */
function store(dtype: DType, v: Value | boolean): Value {
  if (typeof v === 'boolean') v = v ? 1n : 0n;
  switch (dtype) {
    case 'float32': return Math.fround(Number(v));
    case 'float64': return Number(v);
    case 'bool': return typeof v === 'number' ? (v !== 0 ? 1n : 0n) : v !== 0n ? 1n : 0n; // NaN is true
    default: {
      const int = typeof v === 'bigint' ? v : Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
      return dtype === 'int32' ? BigInt.asIntN(32, int) : dtype === 'uint8' ? BigInt.asUintN(8, int) : BigInt.asIntN(64, int);
    }
  }
}

function write(view: View, results: (Value | boolean)[]): void {
  indices(view).forEach((at, k) => (data(view)[at] = store(view.dtype, results[k])));
}

function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26: 1.5e-7 absolute error, inside the suite's float32 tolerance.
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = (((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592;
  const y = 1 - poly * t * Math.exp(-x * x);
  return x !== x ? x : Math.sign(x) * y;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const FLOAT_UNARY: Record<UnaryOp, (x: number) => number | boolean> = {
  neg: (x) => -x, abs: Math.abs, sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), relu: (x) => (x < 0 ? 0 : x),
  exp: Math.exp, exp2: (x) => 2 ** x, expm1: Math.expm1, log: Math.log, log2: Math.log2, log10: Math.log10, log1p: Math.log1p,
  sqrt: Math.sqrt, rsqrt: (x) => 1 / Math.sqrt(x), reciprocal: (x) => 1 / x, sin: Math.sin, cos: Math.cos, tan: Math.tan,
  asin: Math.asin, acos: Math.acos, atan: Math.atan, sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), erf,
  floor: Math.floor, ceil: Math.ceil, round: roundHalfEven, trunc: Math.trunc,
  logicalNot: (x) => x === 0, isnan: (x) => x !== x, isinf: (x) => Math.abs(x) === Infinity, isfinite: Number.isFinite,
};

const INT_UNARY: Partial<Record<UnaryOp, (x: bigint) => bigint | boolean>> = {
  neg: (x) => -x, abs: (x) => (x < 0n ? -x : x), sign: (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n), relu: (x) => (x < 0n ? 0n : x),
  floor: (x) => x, ceil: (x) => x, round: (x) => x, trunc: (x) => x,
  logicalNot: (x) => x === 0n, isnan: () => false, isinf: () => false, isfinite: () => true,
};

/** Python's `%` and `//` on floats: fmod, then corrected toward the divisor's sign. */
function pyMod(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}
function pyFloorDiv(a: number, b: number): number {
  if (b === 0) return a / b;
  const m = a % b;
  const div = (a - m) / b - (m !== 0 && m < 0 !== b < 0 ? 1 : 0);
  return div === 0 ? 0 : Math.round(div);
}

const FLOAT_BINARY: Record<BinaryOp, (a: number, b: number) => number | boolean> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  floorDivide: pyFloorDiv, remainder: pyMod,
  pow: (a, b) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : a ** b), atan2: Math.atan2,
  minimum: (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)), maximum: (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)),
  eq: (a, b) => a === b, ne: (a, b) => a !== b, lt: (a, b) => a < b,
  le: (a, b) => a <= b, gt: (a, b) => a > b, ge: (a, b) => a >= b,
  logicalAnd: (a, b) => a !== 0 && b !== 0, logicalOr: (a, b) => a !== 0 || b !== 0,
  logicalXor: (a, b) => (a !== 0) !== (b !== 0),
};

function intPow(a: bigint, b: bigint): bigint {
  if (b < 0n) return a === 1n ? 1n : a === -1n ? (b % 2n === 0n ? 1n : -1n) : 0n;
  let result = 1n;
  for (; b > 0n; b >>= 1n, a = BigInt.asIntN(64, a * a)) if (b & 1n) result = BigInt.asIntN(64, result * a);
  return result;
}

const INT_BINARY: Partial<Record<BinaryOp, (a: bigint, b: bigint) => bigint | boolean>> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b,
  floorDivide: (a, b) => (a % b !== 0n && a < 0n !== b < 0n ? a / b - 1n : a / b),
  remainder: (a, b) => (a % b !== 0n && a % b < 0n !== b < 0n ? (a % b) + b : a % b),
  pow: intPow, minimum: (a, b) => (a < b ? a : b), maximum: (a, b) => (a > b ? a : b),
  eq: (a, b) => a === b, ne: (a, b) => a !== b, lt: (a, b) => a < b,
  le: (a, b) => a <= b, gt: (a, b) => a > b, ge: (a, b) => a >= b,
  logicalAnd: (a, b) => a !== 0n && b !== 0n, logicalOr: (a, b) => a !== 0n || b !== 0n,
  logicalXor: (a, b) => (a !== 0n) !== (b !== 0n),
};

/** The elements of `x` grouped by the output slot they reduce into (row-major over `out`). */
function groups(x: View, axes: readonly number[]): Value[][] {
  const outShape = x.shape.map((s, d) => (axes.includes(d) ? 1 : s));
  const result: Value[][] = Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () => []);
  load(x).forEach((v, i) => {
    let slot = 0;
    let rest = i;
    const index = x.shape.map(() => 0);
    for (let d = x.shape.length - 1; d >= 0; d--) { index[d] = rest % x.shape[d]; rest = Math.floor(rest / x.shape[d]); }
    index.forEach((k, d) => (slot = slot * outShape[d] + (axes.includes(d) ? 0 : k)));
    result[slot].push(v);
  });
  return result;
}

function reduceGroup(op: ReduceOp, g: Value[], float: boolean): Value | boolean {
  const nums = g.map(Number);
  switch (op) {
    case 'sum': return float ? nums.reduce((a, b) => a + b, 0) : g.reduce<bigint>((a, b) => a + BigInt(b), 0n);
    case 'prod': return float ? nums.reduce((a, b) => a * b, 1) : g.reduce<bigint>((a, b) => a * BigInt(b), 1n);
    case 'max': return nums.some(Number.isNaN) ? NaN : g.reduce((a, b) => (b > a ? b : a));
    case 'min': return nums.some(Number.isNaN) ? NaN : g.reduce((a, b) => (b < a ? b : a));
    case 'any': return nums.some((v) => v !== 0);
    case 'all': return nums.every((v) => v !== 0);
    case 'argmax': case 'argmin': {
      const nan = nums.findIndex(Number.isNaN);
      if (nan >= 0) return BigInt(nan);
      let best = 0;
      g.forEach((v, i) => (op === 'argmax' ? v > g[best] : v < g[best]) && (best = i));
      return BigInt(best);
    }
  }
}

/** A view of the matrix at batch position `b` (row-major over the batch dims). */
function matrixAt(v: View, b: number): View {
  const rank = v.shape.length;
  let offset = v.offset;
  for (let d = rank - 3; d >= 0; d--) { offset += (b % v.shape[d]) * v.strides[d]; b = Math.floor(b / v.shape[d]); }
  return { ...v, shape: v.shape.slice(-2), strides: v.strides.slice(-2), offset };
}

/** The view of `v` along `dim` at every position of `index`, with `dim` replaced by the index. */
function targets(v: View, dim: number, index: View): number[] {
  const size = v.shape[dim];
  const picks = load(index).map(Number);
  const pinned = { ...index, strides: v.strides.map((s, d) => (d === dim ? 0 : s)), offset: v.offset };
  return indices(pinned).map((at, k) => {
    if (picks[k] < 0 || picks[k] >= size) {
      throw new Error(`index ${picks[k]} is out of bounds for dimension ${dim} with size ${size}`);
    }
    return at + picks[k] * v.strides[dim];
  });
}

const TYPED: Record<DType, (values: Value[]) => TypedArray> = {
  float32: (v) => Float32Array.from(v, Number), float64: (v) => Float64Array.from(v, Number),
  int32: (v) => Int32Array.from(v, Number), int64: (v) => BigInt64Array.from(v, BigInt),
  uint8: (v) => Uint8Array.from(v, Number), bool: (v) => Uint8Array.from(v, Number),
};

const arrayBackend: Backend = {
  name: 'arrays',
  alloc: (dtype, numel) => new ArrayStorage(new Array<Value>(numel).fill(isFloat(dtype) ? 0 : 0n)),
  free: (handle) => void (handle as ArrayStorage).values.splice(0),
  write(handle, dtype, host, offset) {
    const values = (handle as ArrayStorage).values;
    Array.from(host as ArrayLike<Value>).forEach((v, i) => (values[offset + i] = store(dtype, v)));
  },
  read: async (view) => TYPED[view.dtype](load(view)),

  copy: (out, x) => write(out, load(x)),
  fill: (out, value) => write(out, indices(out).map(() => value)),
  where(out, cond, a, b) {
    const [c, av, bv] = [load(cond), load(a), load(b)];
    write(out, c.map((t, i) => (t ? av[i] : bv[i])));
  },
  unary(op, out, x) {
    const f: (v: Value) => Value | boolean = isFloat(x.dtype)
      ? (v) => FLOAT_UNARY[op](v as number)
      : (v) => INT_UNARY[op]!(BigInt(v));
    write(out, load(x).map(f));
  },
  binary(op, out, a, b) {
    const bv = load(b);
    if (!isFloat(a.dtype) && (op === 'floorDivide' || op === 'remainder') && bv.includes(0n)) {
      throw new Error(`[${op}] ZeroDivisionError: integer division by zero`);
    }
    const f: (x: Value, y: Value) => Value | boolean = isFloat(a.dtype)
      ? (x, y) => FLOAT_BINARY[op](x as number, y as number)
      : (x, y) => INT_BINARY[op]!(BigInt(x), BigInt(y));
    write(out, load(a).map((x, i) => f(x, bv[i])));
  },
  reduce: (op, out, x, axes) => write(out, groups(x, axes).map((g) => reduceGroup(op, g, isFloat(x.dtype)))),
  scan(op, out, x, axis) {
    // Move the scan axis last, so every run of `length` elements in row-major order is one scan.
    const order = [...x.shape.keys()].filter((d) => d !== axis).concat(axis);
    const axisLast = (v: View): View => ({ ...v, shape: order.map((d) => v.shape[d]), strides: order.map((d) => v.strides[d]) });
    const length = x.shape[axis];
    const float = isFloat(out.dtype);
    const step = op === 'cumsum'
      ? (acc: Value, v: Value) => (float ? Number(acc) + Number(v) : BigInt(acc) + BigInt(v))
      : (acc: Value, v: Value) => (float ? Number(acc) * Number(v) : BigInt.asIntN(64, BigInt(acc) * BigInt(v)));
    const running: Value[] = [];
    const start = op === 'cumsum' ? 0 : 1;
    load(axisLast(x)).forEach((v, i) => running.push(step(i % length === 0 ? start : running[i - 1], v)));
    write(axisLast(out), running);
  },
  matmul(out, a, b) {
    const [M, N] = out.shape.slice(-2);
    const batches = out.shape.slice(0, -2).reduce((p, s) => p * s, 1);
    for (let t = 0; t < batches; t++) {
      const [A, B, C] = [matrixAt(a, t), matrixAt(b, t), matrixAt(out, t)];
      const K = A.shape[1];
      const av = load(A), bv = load(B), results: Value[] = [];
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let sum: Value = isFloat(out.dtype) ? 0 : 0n;
          for (let p = 0; p < K; p++) {
            const [x, y] = [av[i * K + p], bv[p * N + j]];
            sum = typeof sum === 'number' ? sum + Number(x) * Number(y) : sum + BigInt(x) * BigInt(y);
          }
          results.push(sum);
        }
      }
      write(C, results);
    }
  },
  gather: (out, x, dim, index) => write(out, targets(x, dim, index).map((at) => data(x)[at])),
  scatter(out, dim, index, src) {
    const s = load(src);
    targets(out, dim, index).forEach((at, k) => (data(out)[at] = store(out.dtype, s[k])));
  },
  scatterAdd(out, dim, index, src) {
    const s = load(src);
    targets(out, dim, index).forEach((at, k) => {
      const o = data(out)[at];
      data(out)[at] = store(out.dtype, typeof o === 'number' ? o + Number(s[k]) : o + BigInt(s[k]));
    });
  },
  uniform: (out, key, counter) => write(out, indices(out).map((_, i) => uniformAt(key, counter, i, out.dtype === 'float64'))),
};

describe('a naive custom backend passes the conformance suite through the public contract', () => {
  for (const c of conformanceCases(arrayBackend)) it(c.name, c.run);
});
