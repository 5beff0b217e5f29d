// In-place writes against PyTorch 1.13 (values and errors checked with /usr/bin/python3's torch).
import { describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import '@typetorch/backend-cpu';

const OVERLAP = /more than one element of the written-to tensor refers to a single memory location/;

describe('in-place ops into a tensor whose elements share memory', () => {
  it('are rejected for arithmetic, copy_, clamp_, scatter_ and random fills, leaving the memory untouched', () => {
    const x = torch.tensor([1.0]);
    const e = x.expand(3);
    expect(() => e.add_(1)).toThrow(OVERLAP);
    expect(() => e.relu_()).toThrow(OVERLAP);
    expect(() => e.clamp_(0, 1)).toThrow(OVERLAP);
    expect(() => e.copy_(torch.tensor([1, 2, 3]))).toThrow(OVERLAP);
    expect(() => e.uniform_()).toThrow(OVERLAP);
    expect(() => torch.zeros(1, 3).expand(3, 3).scatter_(0, torch.tensor([[0, 1, 2]], { dtype: 'int64' }), 1)).toThrow(OVERLAP);
    expect(x.tolistSync()).toEqual([1]);
  });

  it('are allowed for fill_, zero_ and maskedFill_, as in PyTorch', () => {
    expect(torch.zeros(1).expand(3).fill_(1).tolistSync()).toEqual([1, 1, 1]);
    expect(torch.ones(1).expand(3).zero_().tolistSync()).toEqual([0, 0, 0]);
    const m = torch.tensor([true, false, true], { dtype: 'bool' });
    expect(torch.zeros(1).expand(3).maskedFill_(m, 2).tolistSync()).toEqual([2, 2, 2]);
  });

  it('are allowed when the shared dims have size 1', () => {
    expect(torch.zeros(1).expand(1, 1).add_(1).tolistSync()).toEqual([[1]]);
  });
});

describe('copy_ from a view of the same memory', () => {
  it('reads the source before writing (x.copy_(x.t()) transposes)', () => {
    const x = torch.arange(4, { dtype: 'float32' }).view(2, 2);
    x.copy_(x.t());
    expect(x.tolistSync()).toEqual([[0, 2], [1, 3]]);
  });

  it('shifts in either direction without smearing', () => {
    const right = torch.arange(5, { dtype: 'float32' });
    right.index('1:').copy_(right.index(':-1'));
    expect(right.tolistSync()).toEqual([0, 0, 1, 2, 3]);
    const left = torch.arange(5, { dtype: 'float32' });
    left.index(':-1').copy_(left.index('1:'));
    expect(left.tolistSync()).toEqual([1, 2, 3, 4, 4]);
  });

  it('copies interleaved and identical views as PyTorch does', () => {
    const x = torch.arange(4, { dtype: 'float32' });
    x.index('::2').copy_(x.index('1::2'));
    expect(x.tolistSync()).toEqual([1, 1, 3, 3]);
    const y = torch.arange(3, { dtype: 'float32' });
    expect(y.copy_(y).tolistSync()).toEqual([0, 1, 2]);
  });
});

describe('fill_', () => {
  it('checks the value for overflow in the tensor dtype, as PyTorch', () => {
    expect(() => torch.zeros(1, { dtype: 'uint8' }).fill_(300)).toThrow('[fill_] value 300 cannot be converted to type uint8 without overflow');
    expect(() => torch.zeros(1, { dtype: 'int32' }).fill_(2 ** 40)).toThrow(/type int32 without overflow/);
    expect(() => torch.zeros(1, { dtype: 'int32' }).fill_(Infinity)).toThrow(/type int32 without overflow/);
    expect(() => torch.zeros(1).fill_(1e40)).toThrow(/type float32 without overflow/);
  });

  it('truncates in-range floats and wraps small negative integers into uint8', () => {
    expect(torch.zeros(2, { dtype: 'int32' }).fill_(2.7).tolistSync()).toEqual([2, 2]);
    expect(torch.zeros(2, { dtype: 'uint8' }).fill_(-1).tolistSync()).toEqual([255, 255]);
    expect(torch.zeros(1, { dtype: 'bool' }).fill_(NaN).tolistSync()).toEqual([true]);
  });
});
