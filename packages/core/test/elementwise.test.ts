// Elementwise ops against PyTorch 1.13 (values checked with /usr/bin/python3's torch).
import { describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import '@typetorch/backend-cpu';
import type { Tensor } from '@typetorch/core';

const f32 = (data: unknown): Tensor => torch.tensor(data, { dtype: 'float32' });
const i32 = (data: unknown): Tensor => torch.tensor(data, { dtype: 'int32' });
const i64 = (data: unknown): Tensor => torch.tensor(data, { dtype: 'int64' });
const u8 = (data: unknown): Tensor => torch.tensor(data, { dtype: 'uint8' });
const bools = (data: unknown): Tensor => torch.tensor(data, { dtype: 'bool' });

/** Which elements of a float32 tensor are -0 (printing hides the sign of zero). */
const zeroSigns = (t: Tensor): boolean[] => Array.from(t.dataSync() as Float32Array, (v) => Object.is(v, -0));

describe('fmod is exact, as C fmod', () => {
  it('keeps the dividend sign for every sign combination', () => {
    expect(torch.fmod(f32([5.5, -5.5, 5.5, -5.5]), f32([3, 3, -3, -3])).tolistSync()).toEqual([2.5, -2.5, 2.5, -2.5]);
    expect(torch.fmod(f32([[7], [-7]]), f32([2, -3, 4])).tolistSync()).toEqual([[1, 1, 3], [-1, -1, -3]]);
  });

  it('does not lose precision on large dividends (fmod(1e8, 3) is 1)', () => {
    expect(torch.fmod(f32([1e8, 16777217]), 3).tolistSync()).toEqual([1, 1]);
    expect((torch.fmod(f32([-1e-10]), 3).tolistSync() as number[])[0]).toBeCloseTo(-1e-10, 15);
  });

  it('returns the dividend for an infinite divisor and NaN for a zero one', () => {
    expect(torch.fmod(f32([5.5, -5.5]), Infinity).tolistSync()).toEqual([5.5, -5.5]);
    expect(torch.fmod(f32([5.5, -5.5]), -0).tolistSync()).toEqual([NaN, NaN]);
    expect(torch.fmod(f32([NaN, Infinity]), 3).tolistSync()).toEqual([NaN, NaN]);
  });

  it('gives -0 for negative dividends that divide evenly', () => {
    const r = torch.fmod(f32([-0, -3, 3]), 3);
    expect(zeroSigns(r)).toEqual([true, true, false]);
  });

  it('follows type promotion and integer semantics', () => {
    const ints = torch.fmod(i64([5, -5, 5, -5]), i64([3, 3, -3, -3]));
    expect(ints.dtype).toBe('int64');
    expect(ints.tolistSync()).toEqual([2, -2, 2, -2]);
    const mixed = torch.fmod(i32([-5]), 2.5);
    expect(mixed.dtype).toBe('float32');
    expect(mixed.tolistSync()).toEqual([-0]);
    expect(torch.fmod(i64([-9007199254740993n]), 10n).dataSync()).toEqual(new BigInt64Array([-3n]));
    expect(torch.fmod(f32([7.5]), torch.tensor(2, { dtype: 'float64' })).dtype).toBe('float32');
    expect(() => torch.fmod(i64([5]), 0)).toThrow(/ZeroDivisionError/);
    expect(() => torch.fmod(bools([true]), bools([true]))).toThrow(/not implemented for bool/);
  });

  it('reads non-contiguous dividends', () => {
    const x = torch.arange(6, { dtype: 'float32' }).view(2, 3).t().sub(2.5);
    expect(torch.fmod(x, 2).tolistSync()).toEqual([[-0.5, 0.5], [-1.5, 1.5], [-0.5, 0.5]]);
  });
});

describe('bool operands of rounded division, remainder and pow', () => {
  it('are rejected as in PyTorch when the result would be bool', () => {
    const a = bools([true, false]);
    const b = bools([true, true]);
    expect(() => torch.floorDivide(a, b)).toThrow(/\[floorDivide\] not implemented for bool/);
    expect(() => torch.remainder(a, b)).toThrow(/\[remainder\] not implemented for bool/);
    expect(() => torch.pow(a, b)).toThrow(/\[pow\] not implemented for bool/);
    expect(() => torch.div(a, b, { roundingMode: 'trunc' })).toThrow(/\[div\] not implemented for bool/);
    expect(() => torch.div(a, b, { roundingMode: 'floor' })).toThrow(/\[div\] not implemented for bool/);
  });

  it('still work when a scalar promotes the result to an integer', () => {
    expect(torch.floorDivide(bools([true, false]), 1).tolistSync()).toEqual([1, 0]);
    expect(torch.remainder(bools([true, false]), 1).dtype).toBe('int64');
    expect(bools([true, false]).pow(2).tolistSync()).toEqual([1, 0]);
  });
});

describe('add and sub with alpha', () => {
  it('reject a fractional alpha for integral results', () => {
    expect(() => i64([1, 2]).add(i64([1, 1]), { alpha: 1.5 })).toThrow(/alpha must not be a floating point number/);
    expect(() => i64([1]).add(1, { alpha: 1.5 })).toThrow(/alpha must not be a floating point number/);
    expect(() => i64([1]).sub(i64([1]), { alpha: 0.5 })).toThrow(/alpha must not be a floating point number/);
  });

  it('accept a fractional alpha when the result is floating point', () => {
    const r = f32([1]).add(i64([1]), { alpha: 1.5 });
    expect(r.dtype).toBe('float32');
    expect(r.tolistSync()).toEqual([2.5]);
  });

  it('keep integer and bool result dtypes for integral alpha', () => {
    expect(i64([5]).sub(i64([1]), { alpha: 2 }).tolistSync()).toEqual([3]);
    const b = bools([true, false]).add(bools([true, true]), { alpha: 2 });
    expect(b.dtype).toBe('bool');
    expect(b.tolistSync()).toEqual([true, true]);
    expect(i64([1]).add(bools([true]), { alpha: 2 }).tolistSync()).toEqual([3]);
  });

  it('sub rejects a boolean scalar operand like a bool tensor', () => {
    expect(() => f32([1]).sub(true)).toThrow(/\[sub\] subtraction with bool/);
  });
});

describe('square', () => {
  it('is pow(x, 2): bool gives int64, integers keep their dtype', () => {
    const b = bools([true, false]).square();
    expect(b.dtype).toBe('int64');
    expect(b.tolistSync()).toEqual([1, 0]);
    expect(i32([3]).square().dtype).toBe('int32');
    expect(f32([-1.5]).square().tolistSync()).toEqual([2.25]);
  });
});

describe('lerp', () => {
  it('interpolates floating-point tensors, broadcasting', () => {
    expect(torch.lerp(f32([1, 2]), f32([3, 4]), f32([0.5, 2])).tolistSync()).toEqual([2, 6]);
    expect(torch.lerp(f32([1]), f32([2, 3]), 0.5).tolistSync()).toEqual([1.5, 2]);
  });

  it('rejects integer inputs and mixed dtypes instead of truncating or promoting', () => {
    expect(() => torch.lerp(i64([1, 2]), i64([3, 4]), 0.5)).toThrow(/\[lerp\] not implemented for int64/);
    expect(() => torch.lerp(f32([1]), torch.tensor([2], { dtype: 'float64' }), 0.5)).toThrow(/dtype float32 for `end`/);
    expect(() => torch.lerp(f32([1]), f32([2]), torch.tensor(0.5, { dtype: 'float64' }))).toThrow(/dtype float32 for `weight`/);
  });
});

describe('maskedFill', () => {
  it('broadcasts the input with the mask, as out-of-place masked_fill does', () => {
    const r = torch.zeros(3).maskedFill(bools([[true], [false]]), 1);
    expect(r.shape).toEqual([2, 3]);
    expect(r.tolistSync()).toEqual([[1, 1, 1], [0, 0, 0]]);
    expect(torch.tensor(2).maskedFill(bools([true, false]), 5).tolistSync()).toEqual([5, 2]);
  });

  it('keeps the input shape in place, where a larger mask is an error', () => {
    expect(() => f32([1, 2]).maskedFill_(bools([[true], [false]]), 0)).toThrow(
      "[maskedFill_] output with shape [2] doesn't match the broadcast shape [2, 2]",
    );
    expect(u8([1, 2]).maskedFill_(bools([true, false]), 7).tolistSync()).toEqual([7, 2]);
  });
});

describe('scalars converted with an overflow check', () => {
  it('clamp bounds must fit the result dtype (uint8 clamp to 300 is an error, not a bound of 44)', () => {
    const x = u8([1, 200]);
    expect(() => x.clamp({ max: 300 })).toThrow('[clamp] value 300 cannot be converted to type uint8 without overflow');
    expect(() => x.clamp({ min: -300 })).toThrow(/without overflow/);
    expect(() => torch.zeros(1).clamp({ max: 1e40 })).toThrow(/type float32 without overflow/);
    // Small negative integers wrap into uint8 as in PyTorch; a float bound promotes instead.
    expect(x.clamp({ min: -5 }).tolistSync()).toEqual([251, 251]);
    expect(x.clamp({ max: 300.5 }).tolistSync()).toEqual([1, 200]);
  });

  it('where and maskedFill check scalar operands', () => {
    expect(() => torch.where(bools([true]), u8([1]), 300)).toThrow('[where] value 300 cannot be converted to type uint8 without overflow');
    expect(() => u8([1]).maskedFill(bools([true]), 300)).toThrow('[maskedFill] value 300 cannot be converted to type uint8 without overflow');
    expect(f32([1]).maskedFill(bools([true]), -Infinity).tolistSync()).toEqual([-Infinity]);
  });

  it('arithmetic with scalars still wraps, as in PyTorch', () => {
    expect(u8([250, 2]).add(10).tolistSync()).toEqual([4, 12]);
    expect(u8([2]).mul(300).tolistSync()).toEqual([88]);
  });
});
