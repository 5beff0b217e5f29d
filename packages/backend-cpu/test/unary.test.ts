import type { DType, UnaryOp } from '@typetorch/core';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/backend.js';
import { erf } from '../src/scalar-math.js';
import { output, values, view } from './helpers.js';

function unary(op: UnaryOp, dtype: DType, xs: (number | bigint | boolean)[], outDType: DType = dtype) {
  const out = output(outDType, [xs.length]);
  cpuBackend.unary(op, out, view(dtype, xs));
  return values(out);
}

describe('unary math', () => {
  it('computes erf to 1e-12 relative against 30-digit reference values', () => {
    // mpmath.erf at 30 digits.
    const reference: [number, number][] = [
      [1e-300, 1.1283791670955126e-300], [1e-4, 0.00011283791633342487], [0.3, 0.3286267594591274],
      [0.5, 0.5204998778130465], [0.99, 0.8385080695553698], [1, 0.8427007929497149], [1.01, 0.8468104962282768],
      [1.5, 0.9661051464753108], [2.25, 0.9985372834133188], [3, 0.9999779095030014], [4, 0.9999999845827421],
      [5.9, 0.9999999999999999], [6, 1], [30, 1],
    ];
    for (const [x, e] of reference) {
      expect(Math.abs(erf(x) - e)).toBeLessThanOrEqual(1e-12 * e);
      expect(Math.abs(erf(-x) + e)).toBeLessThanOrEqual(1e-12 * e);
    }
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(Number.isNaN(erf(NaN))).toBe(true);
  });

  it('computes float32 results in float64 and rounds once when storing', () => {
    expect(unary('exp', 'float32', [1])).toEqual([Math.fround(Math.E)]);
    expect(unary('sqrt', 'float32', [2])).toEqual([Math.fround(Math.SQRT2)]);
    expect(unary('exp', 'float64', [1])).toEqual([Math.E]);
  });

  it('keeps sigmoid finite and exact at the extremes', () => {
    // exp(-745) / (1 + exp(-745)) keeps the smallest subnormal where 1 / (1 + exp(745)) gives 0.
    expect(unary('sigmoid', 'float64', [-1000, -745, 0, 745, 1000])).toEqual([0, 5e-324, 0.5, 1, 1]);
    expect(unary('sigmoid', 'float32', [-100, 100])).toEqual([Math.fround(1 / (1 + Math.exp(100))), 1]);
  });

  it('rounds half to even and keeps the sign of zero like torch.round', () => {
    const got = unary('round', 'float64', [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, -0.4, 2 ** 52 + 1]);
    expect(got).toEqual([0, 2, 2, -0, -2, -2, 0, -0, 2 ** 52 + 1]);
    expect(Object.is(got[3], -0) && Object.is(got[7], -0)).toBe(true);
  });

  it('gives sign 0 for NaN and both zeros, and relu keeps -0 and NaN, as PyTorch', () => {
    expect(unary('sign', 'float32', [NaN, -0, 0, -3, Infinity])).toEqual([0, 0, 0, -1, 1]);
    const relu = unary('relu', 'float64', [NaN, -0, -1, 2]);
    expect(relu).toEqual([NaN, -0, 0, 2]);
    expect(Object.is(relu[1], -0)).toBe(true);
  });

  it('negates and takes absolute values of integers with C wrapping', () => {
    expect(unary('neg', 'uint8', [0, 1, 200, 255])).toEqual([0, 255, 56, 1]);
    expect(unary('abs', 'int32', [-(2 ** 31), -5])).toEqual([-(2 ** 31), 5]);
    expect(unary('neg', 'int64', [-(2n ** 63n), 2n ** 62n])).toEqual([-(2n ** 63n), -(2n ** 62n)]);
  });

  it('keeps bool results 0 or 1 after arithmetic on bools', () => {
    expect(unary('neg', 'bool', [true, false])).toEqual([1, 0]);
    expect(unary('abs', 'bool', [true, false])).toEqual([1, 0]);
  });

  it('treats rounding ops as the identity on int64 and answers predicates for it', () => {
    expect(unary('floor', 'int64', [2n ** 60n + 1n])).toEqual([2n ** 60n + 1n]);
    expect(unary('isfinite', 'int64', [5n], 'bool')).toEqual([1]);
    expect(unary('logicalNot', 'int64', [0n, 3n], 'bool')).toEqual([1, 0]);
  });

  it('refuses float-only functions on integer inputs instead of truncating silently', () => {
    expect(() => unary('exp', 'int32', [1])).toThrow('[exp] expects a float32 or float64 input on cpu, got int32');
    expect(() => unary('sqrt', 'int64', [1n])).toThrow('[sqrt] expects a float32 or float64 input on cpu, got int64');
  });
});
