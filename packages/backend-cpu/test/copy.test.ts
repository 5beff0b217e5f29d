import type { DType } from '@typetorch/core';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/backend.js';
import { output, values, view } from './helpers.js';

function convert(from: DType, to: DType, xs: (number | bigint | boolean)[]) {
  const out = output(to, [xs.length]);
  cpuBackend.copy(out, view(from, xs));
  return values(out);
}

describe('copy between dtypes', () => {
  it('converts float to int32 like C on x86: truncation, INT32_MIN when out of range or NaN', () => {
    expect(convert('float32', 'int32', [-1.7, 2.9, 2147483520, 3e9, -3e9, NaN])).toEqual([-1, 2, 2147483520, -(2 ** 31), -(2 ** 31), -(2 ** 31)]);
  });

  it('converts float to int64 like C on x86: INT64_MIN for NaN, infinities and out of range', () => {
    expect(convert('float64', 'int64', [-1.7, 2 ** 62, 1e19, NaN, Infinity])).toEqual([-1n, 2n ** 62n, -(2n ** 63n), -(2n ** 63n), -(2n ** 63n)]);
  });

  it('converts float to uint8 modulo 256 as PyTorch does on x86', () => {
    expect(convert('float64', 'uint8', [-1, -1.5, 256, 300.7, 255.9])).toEqual([255, 255, 0, 44, 255]);
  });

  it('wraps int64 into int32 and uint8 exactly, without a detour through doubles', () => {
    const big = 2n ** 53n + 2n ** 32n + 5n; // low 32 bits: 5
    expect(convert('int64', 'int32', [big, 2n ** 31n, -1n])).toEqual([5, -(2 ** 31), -1]);
    expect(convert('int64', 'uint8', [big, -1n, 256n + 7n])).toEqual([5, 255, 7]);
    expect(convert('int64', 'bool', [0n, 2n ** 40n])).toEqual([0, 1]);
  });

  it('converts int32 to uint8 modulo 256 and anything to bool as != 0', () => {
    expect(convert('int32', 'uint8', [-3, 300])).toEqual([253, 44]);
    expect(convert('float32', 'bool', [NaN, -0, 1e-30])).toEqual([1, 0, 1]);
    expect(convert('uint8', 'bool', [0, 128])).toEqual([0, 1]);
  });

  it('copies within one storage when the regions overlap, as the memmove of a shift', () => {
    const v = view('int32', [1, 2, 3, 4, 5]);
    cpuBackend.copy({ ...v, shape: [4], offset: 1 }, { ...v, shape: [4], offset: 0 });
    expect(values(v)).toEqual([1, 1, 2, 3, 4]);
  });
});

describe('fill and where', () => {
  it('fills a strided int64 view with an exact bigint and leaves the gaps', () => {
    const v = view('int64', [0n, 0n, 0n, 0n, 0n, 0n]);
    cpuBackend.fill({ ...v, shape: [3], strides: [2], offset: 1 }, 2n ** 60n + 1n);
    expect(values(v)).toEqual([0n, 2n ** 60n + 1n, 0n, 2n ** 60n + 1n, 0n, 2n ** 60n + 1n]);
  });

  it('selects int64 values exactly through where', () => {
    const out = output('int64', [2]);
    cpuBackend.where(out, view('bool', [true, false]), view('int64', [2n ** 62n + 1n, 0n]), view('int64', [0n, -(2n ** 62n) - 1n]));
    expect(values(out)).toEqual([2n ** 62n + 1n, -(2n ** 62n) - 1n]);
  });

  it('selects float32 values bit for bit (NaN, -0, infinities) with a broadcast scalar operand', () => {
    const out = output('float32', [5]);
    const zero = { ...view('float32', [0]), shape: [5], strides: [0] };
    cpuBackend.where(out, view('bool', [true, false, true, false, false]), zero, view('float32', [1, NaN, -Infinity, -0, 2.5]));
    expect(values(out)).toEqual([0, NaN, 0, -0, 2.5]);
  });

  it('selects int32 values through where, the scalar on either side', () => {
    const out = output('int32', [3]);
    const seven = { ...view('int32', [7]), shape: [3], strides: [0] };
    cpuBackend.where(out, view('bool', [false, true, false]), view('int32', [-(2 ** 31), 1, 2 ** 31 - 1]), seven);
    expect(values(out)).toEqual([7, 1, 7]);
  });
});
