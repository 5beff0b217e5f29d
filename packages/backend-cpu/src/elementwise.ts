/**
 * Data movement between views: `copy` (with dtype conversion), `fill` and `where`.
 *
 * @module
 */
import { isFloatingPoint, numelOf, type DType, type Scalar, type View } from '@typetorch/core';
import { arrayOf, type NumberArray } from './storage.js';
import { forEachRow, isContiguous } from './strided.js';

type Loop<O, X> = (n: number, o: O, oi: number, os: number, x: X, xi: number, xs: number) => void;

const INT64_MIN = -(2n ** 63n);

/** Number to number: the typed-array store rounds (float32) or truncates and wraps (uint8). */
const plain: Loop<NumberArray, NumberArray> = (n, o, oi, os, x, xi, xs) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi];
};

/** Float to int32 like C on x86: truncation, and INT32_MIN for NaN and values out of range. */
const floatToInt32: Loop<Int32Array, NumberArray> = (n, o, oi, os, x, xi, xs) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) {
    const v = x[xi];
    o[oi] = v > -2147483649 && v < 2147483648 ? v : -2147483648;
  }
};

/** Anything to bool: `x != 0`, so NaN is true. */
const numberToBool: Loop<Uint8Array, NumberArray> = (n, o, oi, os, x, xi, xs) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi] !== 0 ? 1 : 0;
};

/** Number to int64: truncation toward zero; like C on x86, INT64_MIN for NaN and out of range. */
const numberToBig: Loop<BigInt64Array, NumberArray> = (n, o, oi, os, x, xi, xs) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) {
    const v = x[xi];
    o[oi] = v > -9223372036854775808 && v < 9223372036854775808 ? BigInt(Math.trunc(v)) : INT64_MIN;
  }
};

const bigToBig: Loop<BigInt64Array, BigInt64Array> = (n, o, oi, os, x, xi, xs) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi];
};

const bigToFloat: Loop<NumberArray, BigInt64Array> = (n, o, oi, os, x, xi, xs) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Number(x[xi]);
};

/** int64 to int32 wraps exactly (a detour through a double would lose low bits above 2^53). */
const bigToInt32: Loop<NumberArray, BigInt64Array> = (n, o, oi, os, x, xi, xs) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Number(BigInt.asIntN(32, x[xi]));
};

const bigToUint8: Loop<NumberArray, BigInt64Array> = (n, o, oi, os, x, xi, xs) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Number(BigInt.asUintN(8, x[xi]));
};

const bigToBool: Loop<Uint8Array, BigInt64Array> = (n, o, oi, os, x, xi, xs) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi] !== 0n ? 1 : 0;
};

/** The conversion loop from one dtype to another. */
function conversion(to: DType, from: DType): Loop<never, never> {
  if (from === 'int64') {
    switch (to) {
      case 'int64': return bigToBig;
      case 'int32': return bigToInt32;
      case 'uint8': return bigToUint8;
      case 'bool': return bigToBool;
      default: return bigToFloat;
    }
  }
  if (to === 'int64') return numberToBig;
  if (to === 'bool' && from !== 'bool') return numberToBool;
  if (to === 'int32' && isFloatingPoint(from)) return floatToInt32;
  return plain;
}

/** `out[i] = x[i]`, converting dtypes as PyTorch's `.to()` does. */
export function copy(out: View, x: View): void {
  const o = arrayOf(out);
  const xd = arrayOf(x);
  // A dense block of the same dtype is one `set` (which also handles overlap). Between different
  // array types V8's `set` takes a slow generic path, so conversions always run the loops.
  if (out.dtype === x.dtype && isContiguous(out.shape, out.strides) && isContiguous(x.shape, x.strides)) {
    const n = numelOf(out.shape);
    if (n > 0) (o as Float64Array).set((xd as Float64Array).subarray(x.offset, x.offset + n), out.offset);
    return;
  }
  const loop = conversion(out.dtype, x.dtype) as Loop<unknown, unknown>;
  forEachRow(out.shape, [out, x], (n, at, step) => loop(n, o, at[0], step[0], xd, at[1], step[1]));
}

/** `out[i] = value`, the value already in the output's dtype domain. */
export function fill(out: View, value: Scalar): void {
  const o = arrayOf(out) as Float64Array; // `fill` and stores take numbers or bigints alike
  const v = value as number;
  if (isContiguous(out.shape, out.strides)) {
    o.fill(v, out.offset, out.offset + numelOf(out.shape));
    return;
  }
  forEachRow(out.shape, [out], (n, at, step) => {
    for (let i = 0, oi = at[0], os = step[0]; i < n; i++, oi += os) o[oi] = v;
  });
}

/** The 32-bit words of a 4-byte array (float32, int32), for moving its values as bits. */
function words(data: unknown): Int32Array | null {
  if (data instanceof Int32Array) return data;
  return data instanceof Float32Array ? new Int32Array(data.buffer, data.byteOffset, data.length) : null;
}

/** `out[i] = cond[i] ? a[i] : b[i]`. */
export function where(out: View, cond: View, a: View, b: View): void {
  const o = arrayOf(out) as NumberArray; // only moves values, so bigints pass through unchanged
  const c = arrayOf(cond) as Uint8Array;
  const ad = arrayOf(a) as NumberArray;
  const bd = arrayOf(b) as NumberArray;
  const ow = words(o), aw = words(ad), bw = words(bd);
  if (ow !== null && aw !== null && bw !== null) {
    // 4-byte values are selected as bits with a mask instead of a branch: on a random condition
    // (ReLU's backward, half its inputs negative) the branch mispredicts every other element.
    forEachRow(out.shape, [out, cond, a, b], (n, at, step) => {
      let oi = at[0], ci = at[1], ai = at[2], bi = at[3];
      const os = step[0], cs = step[1], as = step[2], bs = step[3];
      for (let i = 0; i < n; i++, oi += os, ci += cs, ai += as, bi += bs) {
        const mask = -(+(c[ci] !== 0));
        ow[oi] = (aw[ai] & mask) | (bw[bi] & ~mask);
      }
    });
    return;
  }
  forEachRow(out.shape, [out, cond, a, b], (n, at, step) => {
    let oi = at[0], ci = at[1], ai = at[2], bi = at[3];
    const os = step[0], cs = step[1], as = step[2], bs = step[3];
    for (let i = 0; i < n; i++, oi += os, ci += cs, ai += as, bi += bs) o[oi] = c[ci] !== 0 ? ad[ai] : bd[bi];
  });
}

/** Rewrites a bool view's bytes as 0/1 after arithmetic that may leave other values (1 + 1, -1). */
export function normalizeBool(out: View): void {
  const o = arrayOf(out) as Uint8Array;
  forEachRow(out.shape, [out], (n, at, step) => {
    for (let i = 0, oi = at[0], os = step[0]; i < n; i++, oi += os) o[oi] = o[oi] !== 0 ? 1 : 0;
  });
}
