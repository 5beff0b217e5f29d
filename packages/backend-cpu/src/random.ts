/**
 * The `uniform` kernel: Philox4x32-10 (core's random/philox.ts) without allocations.
 *
 * Core's `philox` returns arrays and passes products through small arrays, which reads well but
 * allocates several times per round; here the same rounds run on local variables. The stream is
 * identical, which the tests check element by element against core's `uniformAt`.
 *
 * @module
 */
import { uniform32, uniform64, type View } from '@typetorch/core';
import { arrayOf, type NumberArray } from './storage.js';
import { forEachRow } from './strided.js';

/**
 * High 32 bits of the 64-bit product of `a` and a multiplier given as 16-bit halves, from 16-bit
 * partial products: each is below 2^32, so everything stays in exact integer arithmetic.
 */
function mulHi(a: number, bHi: number, bLo: number): number {
  const aHi = a >>> 16, aLo = a & 0xffff;
  const cross1 = aHi * bLo, cross2 = aLo * bHi;
  const carry = (((aLo * bLo) >>> 16) + (cross1 & 0xffff) + (cross2 & 0xffff)) >>> 16;
  return (aHi * bHi + (cross1 >>> 16) + (cross2 >>> 16) + carry) >>> 0;
}

/**
 * Fills `n` elements of `o` (from `oi`, step `os`) with the uniform numbers of counters
 * `counter, counter + 1, ...`: the ten Philox rounds on `(c0, c1, 0, 0)` with key `(k0, k1)`, then
 * the first word (float32) or the first two (float64) made into a number as core's `uniformAt` does.
 * The rounds are written into the element loop so that no call returns a boxed double, and the
 * Philox constants (multipliers 0xd2511f53 and 0xcd9e8d57, key steps 0x9e3779b9 and 0xbb67ae85) are
 * literals: V8 specialises the arithmetic on them, which it cannot do for module-level constants
 * once a bundler has turned them into `var`s.
 */
function fillUniform(
  o: NumberArray, oi: number, os: number, n: number, k0: number, k1: number, counter: number, float64: boolean,
): void {
  for (let i = 0; i < n; i++, oi += os) {
    const c = counter + i;
    let x0 = c % 4294967296 >>> 0, x1 = Math.floor(c / 4294967296) >>> 0, x2 = 0, x3 = 0;
    let key0 = k0 >>> 0, key1 = k1 >>> 0;
    for (let round = 0; round < 10; round++) {
      const hi0 = mulHi(x0, 0xd251, 0x1f53), lo0 = Math.imul(0xd2511f53, x0) >>> 0;
      const hi1 = mulHi(x2, 0xcd9e, 0x8d57), lo1 = Math.imul(0xcd9e8d57, x2) >>> 0;
      x0 = (hi1 ^ x1 ^ key0) >>> 0;
      x2 = (hi0 ^ x3 ^ key1) >>> 0;
      x1 = lo1;
      x3 = lo0;
      key0 = (key0 + 0x9e3779b9) >>> 0;
      key1 = (key1 + 0xbb67ae85) >>> 0;
    }
    o[oi] = float64 ? uniform64(x0, x1) : uniform32(x0);
  }
}

/**
 * Fills `out` (float32 or float64) with uniform numbers in [0, 1): element `i` in row-major order
 * is `uniformAt(key, counter, i, out.dtype === 'float64')`.
 */
export function uniform(out: View, key: readonly [number, number], counter: number): void {
  if (out.dtype !== 'float32' && out.dtype !== 'float64') {
    throw new Error(`[uniform] expects a float32 or float64 output, got ${out.dtype}`);
  }
  const o = arrayOf(out) as NumberArray;
  const float64 = out.dtype === 'float64';
  let next = counter;
  forEachRow(out.shape, [out], (n, at, step) => {
    fillUniform(o, at[0], step[0], n, key[0], key[1], next, float64);
    next += n;
  });
}
