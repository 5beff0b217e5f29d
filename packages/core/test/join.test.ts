import { describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import '@typetorch/backend-cpu';
import type { Tensor } from '@typetorch/core';
import { hstack, vstack } from '../src/ops/join.js';
import { recordGraphNodes } from './helpers/recording-engine.js';

const f64 = (data: unknown): Tensor => torch.tensor(data, { dtype: 'float64' });
const i64 = (data: unknown): Tensor => torch.tensor(data, { dtype: 'int64' });

describe('cat', () => {
  const x = f64([[1, 2], [3, 4]]);

  it('concatenates along dim 0 by default and along other dims', () => {
    expect(torch.cat([x, f64([[5, 6]])]).tolistSync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(torch.cat([x, x, x], 1).shape).toEqual([2, 6]);
    expect(torch.cat([x, f64([[9], [8]])], -1).tolistSync()).toEqual([[1, 2, 9], [3, 4, 8]]);
  });

  it('has the shape of API.md: cat of three [5, 3] along 1 is [5, 9]', () => {
    const a = torch.zeros(5, 3);
    expect(torch.cat([a, a, a], 1).shape).toEqual([5, 9]);
  });

  it('reads non-contiguous inputs', () => {
    expect(torch.cat([x.t(), x], 1).tolistSync()).toEqual([[1, 3, 1, 2], [2, 4, 3, 4]]);
  });

  it('promotes dtypes across the inputs', () => {
    const r = torch.cat([i64([1, 2]), f64([0.5])]);
    expect(r.dtype).toBe('float64');
    expect(r.tolistSync()).toEqual([1, 2, 0.5]);
    expect(torch.cat([i64([1]), torch.tensor([true], { dtype: 'bool' })]).dtype).toBe('int64');
  });

  it('skips 1-d empty tensors whatever the other shapes (legacy PyTorch rule)', () => {
    const r = torch.cat([f64([]), x, f64([])], 1);
    expect(r.tolistSync()).toEqual([[1, 2], [3, 4]]);
    expect(torch.cat([f64([]), f64([])]).shape).toEqual([0]);
  });

  it('concatenates empty tensors of matching shape', () => {
    expect(torch.cat([torch.zeros(0, 2), x]).tolistSync()).toEqual([[1, 2], [3, 4]]);
  });

  it('names the tensor and the dim whose size does not match', () => {
    expect(() => torch.cat([x, f64([[1, 2, 3]])])).toThrow(
      '[cat] Sizes of tensors must match except in dimension 0. Expected size 2 but got size 3 for tensor number 1 in the list.',
    );
    expect(() => torch.cat([x, f64([1, 2])])).toThrow('[cat] Tensors must have same number of dimensions: got 2 and 1');
    expect(() => torch.cat([x, f64(1)])).toThrow('[cat] zero-dimensional tensor (at position 1) cannot be concatenated');
    expect(() => torch.cat([])).toThrow('[cat] expected a non-empty list of Tensors');
    expect(() => torch.cat([x], 2)).toThrow('[cat] dimension out of range (expected to be in range of [-2, 1], but got 2)');
  });
});

describe('stack, hstack, vstack', () => {
  const a = f64([1, 2, 3]);
  const b = f64([4, 5, 6]);

  it('stacks along a new dim', () => {
    expect(torch.stack([a, b]).tolistSync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(torch.stack([a, b], 1).tolistSync()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(torch.stack([a, b], -1).shape).toEqual([3, 2]);
    const x = torch.zeros(5, 3);
    expect(torch.stack([x, x], 0).shape).toEqual([2, 5, 3]);
  });

  it('requires equal shapes', () => {
    expect(() => torch.stack([a, f64([1, 2])])).toThrow(
      '[stack] stack expects each tensor to be equal size, but got [3] at entry 0 and [2] at entry 1',
    );
  });

  it('hstack joins 1-d tensors end to end and 2-d ones side by side; vstack stacks rows', () => {
    expect(hstack([a, b]).tolistSync()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(hstack([a.unsqueeze(1), b.unsqueeze(1)]).tolistSync()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(vstack([a, b]).tolistSync()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });
});

describe('graph nodes recorded for joins', () => {
  const nodes = recordGraphNodes();

  it('cat records its inputs with the dim and each input size along it', () => {
    const a = f64([[1, 2]]).requiresGrad_();
    const b = f64([[3, 4], [5, 6]]);
    torch.cat([a, f64([]), b], -2);
    expect(nodes).toHaveLength(1);
    expect(nodes[0].op).toBe('cat');
    expect(nodes[0].inputs).toHaveLength(3);
    expect(nodes[0].attrs).toEqual({ dim: 0, sizes: [1, 0, 2] });
  });

  it('stack records one stack node with the new dim', () => {
    const a = f64([1, 2]).requiresGrad_();
    torch.stack([a, a], -1);
    expect(nodes.map((n) => [n.op, n.attrs])).toEqual([['stack', { dim: 1 }]]);
  });
});
