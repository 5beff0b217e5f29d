import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/backend.js';
import { accumulatorDType } from '../src/reduce.js';
import { output, values, view } from './helpers.js';

describe('reduce', () => {
  it('accumulates float32 sums in float64 and rounds once', () => {
    // Summed in float32, each 1 added to 2^24 would be lost.
    const out = output('float32', [1]);
    cpuBackend.reduce('sum', out, view('float32', [16777216, 1, 1, 1, 1]), [0]);
    expect(values(out)).toEqual([16777220]);
  });

  it('refuses max, min, argmax and argmin over a zero-size dimension', () => {
    const x = view('float32', [], [2, 0]);
    for (const op of ['max', 'min', 'argmax', 'argmin'] as const) {
      const out = output(op.startsWith('arg') ? 'int64' : 'float32', [2, 1]);
      expect(() => cpuBackend.reduce(op, out, x, [1])).toThrow(`[${op}] cannot reduce over a zero-size dimension`);
    }
  });

  it('reduces an empty input to an empty output without complaint when no slot needs a value', () => {
    const out = output('float32', [0, 1]);
    cpuBackend.reduce('max', out, view('float32', [], [0, 3]), [1]);
    expect(values(out)).toEqual([]);
  });

  it('wraps an int32 sum into an int32 output like C', () => {
    const out = output('int32', [1]);
    cpuBackend.reduce('sum', out, view('int32', [2 ** 31 - 1, 1, 2]), [0]);
    expect(values(out)).toEqual([-(2 ** 31) + 2]);
  });

  it('multiplies integers into int64 with 64-bit wrapping', () => {
    const out = output('int64', [1]);
    cpuBackend.reduce('prod', out, view('int32', [65536, 65536, 65536, 65536, 3]), [0]);
    expect(values(out)).toEqual([0n]);
    cpuBackend.reduce('prod', out, view('int32', [65536, 65536, 65536, 32768, 3]), [0]);
    expect(values(out)).toEqual([BigInt.asIntN(64, 3n * 2n ** 63n)]);
  });

  it('sums integers in float64 only while the total is certainly exact', () => {
    expect(accumulatorDType('sum', 'int32', 'int64', 2 ** 22)).toBe('float64');
    expect(accumulatorDType('sum', 'int32', 'int64', 2 ** 22 + 1)).toBe('int64');
    expect(accumulatorDType('sum', 'uint8', 'int64', 2 ** 45)).toBe('float64');
    expect(accumulatorDType('sum', 'int32', 'int32', 10)).toBe('int64');
    expect(accumulatorDType('prod', 'int32', 'int64', 2)).toBe('int64');
    expect(accumulatorDType('sum', 'int64', 'int64', 2)).toBe('int64');
    expect(accumulatorDType('sum', 'float32', 'float32', 2 ** 40)).toBe('float64');
    expect(accumulatorDType('sum', 'bool', 'float32', 5)).toBe('float64');
  });

  it('accumulates outer-axis sums row by row, over a transposed input', () => {
    // x is [[1, 2, 3], [4, 5, 6]] stored column-major; sum over axis 0 and over axis 1.
    const x = view('float64', [1, 4, 2, 5, 3, 6], [2, 3], [1, 2]);
    const columns = output('float64', [1, 3]);
    cpuBackend.reduce('sum', columns, x, [0]);
    expect(values(columns)).toEqual([5, 7, 9]);
    const rows = output('float64', [2, 1]);
    cpuBackend.reduce('sum', rows, x, [1]);
    expect(values(rows)).toEqual([6, 15]);
  });

  it('finds the first NaN as argmax and argmin, and first of tied extremes', () => {
    const out = output('int64', [1]);
    cpuBackend.reduce('argmax', out, view('float32', [1, NaN, 3, NaN]), [0]);
    expect(values(out)).toEqual([1n]);
    cpuBackend.reduce('argmin', out, view('float32', [5, -1, 2, -1]), [0]);
    expect(values(out)).toEqual([1n]);
    cpuBackend.reduce('argmax', out, view('int64', [2n ** 60n, 2n ** 60n + 1n, 2n ** 60n + 1n]), [0]);
    expect(values(out)).toEqual([1n]);
  });

  it('requires exactly one axis for argmax', () => {
    expect(() => cpuBackend.reduce('argmax', output('int64', [1, 1]), view('float32', [1, 2, 3, 4], [2, 2]), [0, 1]))
      .toThrow('[argmax] reduces exactly one axis, got [0, 1]');
  });
});

describe('scan', () => {
  it('accumulates float32 running sums in float64', () => {
    const out = output('float32', [5]);
    cpuBackend.scan('cumsum', out, view('float32', [16777216, 1, 1, 1, 1]), 0);
    // Exact running sums 2^24 + k, each rounded to float32 (ties to even) only when stored.
    expect(values(out)).toEqual([16777216, 16777216, 16777218, 16777220, 16777220]);
  });

  it('returns a rank-0 input unchanged', () => {
    const out = output('float64', []);
    cpuBackend.scan('cumprod', out, view('float64', [3], []), 0);
    expect(values(out)).toEqual([3]);
  });

  it('wraps int64 running products at 64 bits', () => {
    const out = output('int64', [3]);
    cpuBackend.scan('cumprod', out, view('int64', [2n ** 62n, 2n, 2n]), 0);
    expect(values(out)).toEqual([2n ** 62n, -(2n ** 63n), 0n]);
  });

  it('scans along an outer axis of a transposed input', () => {
    const out = output('int64', [2, 3]);
    cpuBackend.scan('cumsum', out, view('int32', [1, 4, 2, 5, 3, 6], [2, 3], [1, 2]), 0);
    expect(values(out)).toEqual([1n, 2n, 3n, 5n, 7n, 9n]);
  });
});
