/**
 * Inclusive scans (cumsum, cumprod) along one axis.
 *
 * Like reductions, a scan accumulates in float64 (floats, and integer sums that stay exact) or in
 * int64 (bigints, wrapping like C) into a scratch array of `x`'s shape, then `copy` converts to
 * `out`'s dtype.
 *
 * @module
 */
import type { ScanOp, View } from '@typetorch/core';
import { copy } from './elementwise.js';
import { accumulatorDType } from './reduce.js';
import { arrayOf, scratchView, type NumberArray } from './storage.js';
import { forEachRow, withSize } from './strided.js';

/** One scan of `length` elements: output from `si` by `ss`, input from `xi` by `xs`. */
type Scan<S, X> = (length: number, s: S, si: number, ss: number, x: X, xi: number, xs: number) => void;

const cumsumNumber: Scan<Float64Array, NumberArray> = (length, s, si, ss, x, xi, xs) => {
  let acc = 0;
  for (let t = 0; t < length; t++, si += ss, xi += xs) s[si] = acc += x[xi];
};

const cumprodNumber: Scan<Float64Array, NumberArray> = (length, s, si, ss, x, xi, xs) => {
  let acc = 1;
  for (let t = 0; t < length; t++, si += ss, xi += xs) s[si] = acc *= x[xi];
};

/** The running value is wrapped at each step so that it stays a 64-bit bigint. */
const cumsumBig: Scan<BigInt64Array, ArrayLike<number | bigint>> = (length, s, si, ss, x, xi, xs) => {
  let acc = 0n;
  for (let t = 0; t < length; t++, si += ss, xi += xs) s[si] = acc = BigInt.asIntN(64, acc + BigInt(x[xi]));
};

const cumprodBig: Scan<BigInt64Array, ArrayLike<number | bigint>> = (length, s, si, ss, x, xi, xs) => {
  let acc = 1n;
  for (let t = 0; t < length; t++, si += ss, xi += xs) s[si] = acc = BigInt.asIntN(64, acc * BigInt(x[xi]));
};

/** Inclusive scan of `x` along `axis` into `out` (same shape). */
export function scan(op: ScanOp, out: View, x: View, axis: number): void {
  if (x.shape.length === 0) return copy(out, x); // a scalar is its own running total
  const sum = op === 'cumsum';
  const length = x.shape[axis];
  const accumulator = accumulatorDType(sum ? 'sum' : 'prod', x.dtype, out.dtype, length);
  const float64 = accumulator === 'float64';
  const loop = (float64 ? (sum ? cumsumNumber : cumprodNumber) : sum ? cumsumBig : cumprodBig) as Scan<unknown, unknown>;
  const acc = scratchView(accumulator, x.shape);
  const s = arrayOf(acc);
  const xd = arrayOf(x);
  const accStride = acc.strides[axis];
  const xStride = x.strides[axis];
  forEachRow(withSize(x.shape, axis, 1), [acc, x], (n, at, step) => {
    for (let i = 0, si = at[0], xi = at[1]; i < n; i++, si += step[0], xi += step[1]) {
      loop(length, s, si, accStride, xd, xi, xStride);
    }
  });
  copy(out, acc);
}
