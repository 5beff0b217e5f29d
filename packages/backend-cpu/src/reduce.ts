/**
 * Reductions over a set of axes.
 *
 * `x` is walked once in its own memory order together with an accumulator that has `out`'s shape
 * and a zero stride on every reduced axis, so every input element lands on its output slot whether
 * the reduced axes are inner (one running value per row) or outer (whole rows accumulate at once).
 * The accumulator has the widest type of its family (float64, or int64 for exact integers); a final
 * `copy` converts it to `out`'s dtype.
 *
 * @module
 */
import { isFloatingPoint, numelOf, type DType, type ReduceOp, type View } from '@typetorch/core';
import { copy, fill } from './elementwise.js';
import { arrayOf, scratchView, type NumberArray } from './storage.js';
import { forEachRow, isContiguous, withSize } from './strided.js';

/** A row of the joint walk: accumulator slot `si` (step `ss`, 0 on a reduced axis) and input `xi`. */
type Loop<S, X> = (n: number, s: S, si: number, ss: number, x: X, xi: number, xs: number) => void;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Largest magnitude of each integer dtype, to know when a float64 sum stays exact. */
const MAX_ABS: Partial<Record<DType, number>> = { bool: 1, uint8: 255, int32: 2 ** 31 };

/**
 * The accumulator dtype of a sum or product of `count` elements of `x` into `out`: float64 for
 * floats, and for integer sums that float64 holds exactly (at most 2^53) and that `out` does not
 * need to wrap; int64 (bigint, wrapping like C) otherwise.
 */
export function accumulatorDType(op: 'sum' | 'prod', x: DType, out: DType, count: number): 'float64' | 'int64' {
  if (x === 'int64') return 'int64';
  if (isFloatingPoint(x) || isFloatingPoint(out)) return 'float64';
  const exact = op === 'sum' && out === 'int64' && count * MAX_ABS[x]! <= 2 ** 53;
  return exact ? 'float64' : 'int64';
}

const sumNumber: Loop<Float64Array, NumberArray> = (n, s, si, ss, x, xi, xs) => {
  if (ss === 0) {
    let acc = s[si];
    for (let i = 0; i < n; i++, xi += xs) acc += x[xi];
    s[si] = acc;
  } else for (let i = 0; i < n; i++, si += ss, xi += xs) s[si] += x[xi];
};

const prodNumber: Loop<Float64Array, NumberArray> = (n, s, si, ss, x, xi, xs) => {
  if (ss === 0) {
    let acc = s[si];
    for (let i = 0; i < n; i++, xi += xs) acc *= x[xi];
    s[si] = acc;
  } else for (let i = 0; i < n; i++, si += ss, xi += xs) s[si] *= x[xi];
};

/** NaN wins: once the running value is NaN no comparison replaces it. */
const maxNumber: Loop<NumberArray, NumberArray> = (n, s, si, ss, x, xi, xs) => {
  for (let i = 0; i < n; i++, si += ss, xi += xs) {
    const v = x[xi];
    if (v > s[si] || v !== v) s[si] = v;
  }
};

const minNumber: Loop<NumberArray, NumberArray> = (n, s, si, ss, x, xi, xs) => {
  for (let i = 0; i < n; i++, si += ss, xi += xs) {
    const v = x[xi];
    if (v < s[si] || v !== v) s[si] = v;
  }
};

/** Bigint sums and products; BigInt64Array stores wrap at 64 bits. */
const sumBig: Loop<BigInt64Array, BigInt64Array> = (n, s, si, ss, x, xi, xs) => {
  for (let i = 0; i < n; i++, si += ss, xi += xs) s[si] += x[xi];
};

const prodBig: Loop<BigInt64Array, BigInt64Array> = (n, s, si, ss, x, xi, xs) => {
  for (let i = 0; i < n; i++, si += ss, xi += xs) s[si] *= x[xi];
};

const sumIntToBig: Loop<BigInt64Array, NumberArray> = (n, s, si, ss, x, xi, xs) => {
  for (let i = 0; i < n; i++, si += ss, xi += xs) s[si] += BigInt(x[xi]);
};

const prodIntToBig: Loop<BigInt64Array, NumberArray> = (n, s, si, ss, x, xi, xs) => {
  for (let i = 0; i < n; i++, si += ss, xi += xs) s[si] *= BigInt(x[xi]);
};

const maxBig: Loop<BigInt64Array, BigInt64Array> = (n, s, si, ss, x, xi, xs) => {
  for (let i = 0; i < n; i++, si += ss, xi += xs) if (x[xi] > s[si]) s[si] = x[xi];
};

const minBig: Loop<BigInt64Array, BigInt64Array> = (n, s, si, ss, x, xi, xs) => {
  for (let i = 0; i < n; i++, si += ss, xi += xs) if (x[xi] < s[si]) s[si] = x[xi];
};

/** any/all over numbers (NaN counts as true) or bigints: `!= 0` works on both. */
const anyOf: Loop<Uint8Array, ArrayLike<number | bigint>> = (n, s, si, ss, x, xi, xs) => {
  for (let i = 0; i < n; i++, si += ss, xi += xs) if (x[xi] != 0) s[si] = 1;
};

const allOf: Loop<Uint8Array, ArrayLike<number | bigint>> = (n, s, si, ss, x, xi, xs) => {
  for (let i = 0; i < n; i++, si += ss, xi += xs) if (x[xi] == 0) s[si] = 0;
};

interface Plan {
  readonly accumulator: DType;
  readonly init: number | bigint;
  readonly loop: Loop<never, never>;
}

function plan(op: Exclude<ReduceOp, 'argmax' | 'argmin'>, x: DType, out: DType, count: number): Plan {
  const big = x === 'int64';
  const wide = isFloatingPoint(x) ? x : 'float64';
  switch (op) {
    case 'sum': case 'prod': {
      const accumulator = accumulatorDType(op, x, out, count);
      const sum = op === 'sum';
      if (accumulator === 'float64') return { accumulator, init: sum ? 0 : 1, loop: sum ? sumNumber : prodNumber };
      const loop = big ? (sum ? sumBig : prodBig) : sum ? sumIntToBig : prodIntToBig;
      return { accumulator, init: sum ? 0n : 1n, loop };
    }
    // Extremes need no wider type: floats compare in their own dtype, integers in float64 (exact).
    case 'max':
      return big ? { accumulator: x, init: INT64_MIN, loop: maxBig } : { accumulator: wide, init: -Infinity, loop: maxNumber };
    case 'min':
      return big ? { accumulator: x, init: INT64_MAX, loop: minBig } : { accumulator: wide, init: Infinity, loop: minNumber };
    case 'any': return { accumulator: 'bool', init: 0, loop: anyOf };
    case 'all': return { accumulator: 'bool', init: 1, loop: allOf };
  }
}

/** Reduces `x` over `axes` into `out`, which has `x`'s rank with size 1 on every reduced axis. */
export function reduce(op: ReduceOp, out: View, x: View, axes: readonly number[]): void {
  if (axes.length === 0) return copy(out, x);
  const outputs = numelOf(out.shape);
  if (op !== 'sum' && op !== 'prod' && op !== 'any' && op !== 'all' && outputs > 0 && axes.some((d) => x.shape[d] === 0)) {
    throw new Error(`[${op}] cannot reduce over a zero-size dimension`);
  }
  if (op === 'argmax' || op === 'argmin') {
    if (axes.length !== 1) throw new Error(`[${op}] reduces exactly one axis, got [${axes.join(', ')}]`);
    return argReduce(op === 'argmax', out, x, axes[0]);
  }
  const count = outputs === 0 ? 0 : numelOf(x.shape) / outputs;
  const { accumulator, init, loop } = plan(op, x.dtype, out.dtype, count);
  // Accumulate straight into `out` when it has the accumulator's dtype and is dense.
  const direct = accumulator === out.dtype && isContiguous(out.shape, out.strides);
  const acc = direct ? out : scratchView(accumulator, out.shape);
  fill(acc, init);
  const accStrides = acc.strides.map((s, d) => (axes.includes(d) ? 0 : s));
  const s = arrayOf(acc);
  const xd = arrayOf(x);
  const run = loop as Loop<unknown, unknown>;
  forEachRow(x.shape, [{ strides: accStrides, offset: acc.offset }, x], (n, at, step) =>
    run(n, s, at[0], step[0], xd, at[1], step[1]));
  if (!direct) copy(out, acc);
}

/**
 * argmax/argmin along one axis: the index of the first extreme, a NaN counting as more extreme than
 * any number (the first NaN wins). Relational operators compare numbers and bigints alike.
 */
function argReduce(max: boolean, out: View, x: View, axis: number): void {
  const o = arrayOf(out) as BigInt64Array;
  const xd = arrayOf(x) as ArrayLike<number | bigint>;
  const length = x.shape[axis];
  const stride = x.strides[axis];
  forEachRow(withSize(x.shape, axis, 1), [out, x], (n, at, step) => {
    for (let i = 0, oi = at[0], xi = at[1]; i < n; i++, oi += step[0], xi += step[1]) {
      let best = xd[xi];
      let index = 0;
      if (best === best) {
        for (let t = 1, p = xi + stride; t < length; t++, p += stride) {
          const v = xd[p];
          if (v !== v) { index = t; break; }
          if (max ? v > best : v < best) { best = v; index = t; }
        }
      }
      o[oi] = BigInt(index);
    }
  });
}
