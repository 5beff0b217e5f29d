import type { BinaryOp, DType } from '@typetorch/core';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/backend.js';
import { output, values, view } from './helpers.js';

type V = number | bigint | boolean;

function binary(op: BinaryOp, dtype: DType, a: V[], b: V[], outDType: DType = dtype) {
  const out = output(outDType, [a.length]);
  cpuBackend.binary(op, out, view(dtype, a), view(dtype, b));
  return values(out);
}

describe('binary integer division', () => {
  for (const dtype of ['int32', 'int64', 'uint8', 'bool'] as const) {
    const zero = dtype === 'int64' ? 0n : dtype === 'bool' ? false : 0;
    const one = dtype === 'int64' ? 1n : dtype === 'bool' ? true : 1;
    it(`throws ZeroDivisionError for integer division by zero (${dtype})`, () => {
      expect(() => binary('floorDivide', dtype, [one], [zero])).toThrow('[floorDivide] ZeroDivisionError: integer division by zero');
      expect(() => binary('remainder', dtype, [one], [zero])).toThrow('[remainder] ZeroDivisionError: integer division by zero');
    });
  }

  it('wraps INT_MIN // -1 like C instead of failing', () => {
    expect(binary('floorDivide', 'int32', [-(2 ** 31)], [-1])).toEqual([-(2 ** 31)]);
    expect(binary('floorDivide', 'int64', [-(2n ** 63n)], [-1n])).toEqual([-(2n ** 63n)]);
  });
});

describe('binary float semantics', () => {
  it('gives signed zeros from floorDivide and remainder as PyTorch does', () => {
    const fd = binary('floorDivide', 'float64', [0, -0, 5, -5], [-3, 3, Infinity, Infinity]);
    expect(fd).toEqual([-0, -0, 0, -1]);
    expect(Object.is(fd[0], -0) && Object.is(fd[1], -0) && Object.is(fd[2], 0)).toBe(true);
    const rem = binary('remainder', 'float64', [-0, 0, 6], [3, -3, -3]);
    expect(Object.is(rem[0], -0) && Object.is(rem[1], 0) && Object.is(rem[2], 0)).toBe(true);
  });

  it('keeps floorDivide exact where floor(a / b) would round up to the next integer', () => {
    // 1 / 0.1 is 10 in floating point, but 0.1 is slightly more than 1/10, so 1 // 0.1 is 9.
    expect(binary('floorDivide', 'float64', [1], [0.1])).toEqual([9]);
    expect(binary('remainder', 'float64', [1], [0.1])).toEqual([0.09999999999999995]); // fmod, exactly
  });

  it('follows std::min and std::max for zeros of both signs', () => {
    const min = binary('minimum', 'float64', [0, -0], [-0, 0]);
    const max = binary('maximum', 'float64', [-0, 0], [0, -0]);
    expect(Object.is(min[0], 0) && Object.is(min[1], -0)).toBe(true);
    expect(Object.is(max[0], -0) && Object.is(max[1], 0)).toBe(true);
  });

  it('rounds float32 results once, from the exact float64 result', () => {
    expect(binary('div', 'float32', [1], [3])).toEqual([Math.fround(1 / 3)]);
    expect(binary('add', 'float32', [16777216], [1])).toEqual([16777216]);
  });

  it('refuses div and atan2 on integers', () => {
    expect(() => binary('div', 'int32', [1], [2])).toThrow('[div] expects float32 or float64 inputs on cpu, got int32');
    expect(() => binary('atan2', 'int64', [1n], [2n])).toThrow('[atan2] expects float32 or float64 inputs on cpu, got int64');
  });
});

describe('binary on bool and int64', () => {
  it('stores arithmetic on bools as 0 or 1', () => {
    expect(binary('add', 'bool', [true, true, false], [true, false, false])).toEqual([1, 1, 0]);
    expect(binary('sub', 'bool', [false], [true])).toEqual([1]);
    expect(binary('pow', 'bool', [true, false], [false, false])).toEqual([1, 1]);
  });

  it('multiplies int64 exactly and wraps the product at 64 bits', () => {
    expect(binary('mul', 'int64', [2n ** 40n + 1n, 2n ** 62n], [2n ** 20n + 3n, 4n])).toEqual([(2n ** 40n + 1n) * (2n ** 20n + 3n), 0n]);
  });

  it('raises int64 to large powers exactly, wrapping like C', () => {
    expect(binary('pow', 'int64', [3n, 7n], [40n, 23n])).toEqual([BigInt.asIntN(64, 3n ** 40n), BigInt.asIntN(64, 7n ** 23n)]);
  });

  it('raises int32 to powers with wrapping products', () => {
    expect(binary('pow', 'int32', [3, 2], [21, 31])).toEqual([1870418611, -(2 ** 31)]);
  });
});
