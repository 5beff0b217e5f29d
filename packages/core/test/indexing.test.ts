import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import { cpuBackend } from '@typetorch/backend-cpu';
import type { Backend, Tensor } from '@typetorch/core';
import { recordGraphNodes } from './helpers/recording-engine.js';

const f64 = (data: unknown): Tensor => torch.tensor(data, { dtype: 'float64' });
const i64 = (data: unknown): Tensor => torch.tensor(data, { dtype: 'int64' });
const bools = (data: unknown): Tensor => torch.tensor(data, { dtype: 'bool' });
/** `[0, 1, ..., n-1]` as float64 in the given shape. */
const iota = (...shape: number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return f64(Array.from({ length: n }, (_, i) => i)).reshape(shape);
};

describe('basic indexing returns views', () => {
  const x = iota(5, 3);

  it('x[:, 1] selects a column as a view', () => {
    const col = x.index(':', 1);
    expect(col.shape).toEqual([5]);
    expect(col.tolistSync()).toEqual([1, 4, 7, 10, 13]);
    expect(col._storage).toBe(x._storage);
  });

  it("x[..., -1], x[0] and negative integers count from the end", () => {
    expect(x.index('...', -1).tolistSync()).toEqual([2, 5, 8, 11, 14]);
    expect(x.index(0).tolistSync()).toEqual([0, 1, 2]);
    expect(x.index(-1).tolistSync()).toEqual([12, 13, 14]);
    expect(x.index(-2, -3).tolistSync()).toBe(9);
  });

  it("x['1:3', '::2'] slices with start:stop:step, any part optional", () => {
    expect(x.index('1:3', '::2').tolistSync()).toEqual([[3, 5], [6, 8]]);
    expect(x.index('-2:').tolistSync()).toEqual([[9, 10, 11], [12, 13, 14]]);
    expect(x.index(':2', '1:').tolistSync()).toEqual([[1, 2], [4, 5]]);
    expect(x.index('::3', 0).tolistSync()).toEqual([0, 9]);
    expect(x.index('1:100').shape).toEqual([4, 3]);
  });

  it('x[None, 0] inserts a new dim', () => {
    const y = x.index(null, 0);
    expect(y.shape).toEqual([1, 3]);
    expect(y.tolistSync()).toEqual([[0, 1, 2]]);
    expect(x.index(':', null, 1).shape).toEqual([5, 1]);
  });

  it('empty slices give empty views', () => {
    expect(x.index('3:1').shape).toEqual([0, 3]);
    expect(x.index(':', '5:').shape).toEqual([5, 0]);
  });

  it('x[] and x[...] are new tensor objects over the same memory', () => {
    const a = x.index();
    const b = x.index('...');
    expect(a).not.toBe(x);
    expect(b._storage).toBe(x._storage);
    expect(b.tolistSync()).toEqual(x.tolistSync());
  });

  it('writes through an indexed view land in the base', () => {
    const y = iota(3, 3);
    y.index(':', 1).indexPut_([0], 100);
    expect(y.tolistSync()).toEqual([[0, 100, 2], [3, 4, 5], [6, 7, 8]]);
  });
});

describe('advanced indexing returns copies', () => {
  const x = iota(5, 3);
  const y = iota(2, 3, 4);

  it('x[tensor] and x[[0, 2]] pick rows', () => {
    const a = x.index(i64([0, 2]));
    expect(a.tolistSync()).toEqual([[0, 1, 2], [6, 7, 8]]);
    expect(a._storage).not.toBe(x._storage);
    expect(x.index([0, 2]).tolistSync()).toEqual([[0, 1, 2], [6, 7, 8]]);
    expect(x.index(torch.tensor([0, 2], { dtype: 'int32' })).tolistSync()).toEqual([[0, 1, 2], [6, 7, 8]]);
  });

  it('negative indices in arrays and tensors count from the end', () => {
    expect(x.index([-1, 0]).tolistSync()).toEqual([[12, 13, 14], [0, 1, 2]]);
    expect(x.index(':', i64([-1])).tolistSync()).toEqual([[2], [5], [8], [11], [14]]);
  });

  it('x[[0, 1], [1, 2]] pairs the indices', () => {
    expect(x.index([0, 1], [1, 2]).tolistSync()).toEqual([1, 5]);
  });

  it('index tensors broadcast together', () => {
    const r = y.index(i64([[0], [1]]), i64([0, 2]));
    expect(r.shape).toEqual([2, 2, 4]);
    expect((r.tolistSync() as number[][][])[1][1]).toEqual([20, 21, 22, 23]);
    expect((r.tolistSync() as number[][][])[0][1]).toEqual([8, 9, 10, 11]);
  });

  it('adjacent advanced indices keep their place', () => {
    const r = y.index(':', [0, 2], [1, 3]);
    expect(r.shape).toEqual([2, 2]);
    expect(r.tolistSync()).toEqual([[1, 11], [13, 23]]);
  });

  it('advanced indices separated by a slice move their dims first', () => {
    const r = y.index([0, 1], ':', [1, 2]);
    expect(r.shape).toEqual([2, 3]);
    expect(r.tolistSync()).toEqual([[1, 5, 9], [14, 18, 22]]);
  });

  it('advanced indices separated by None move their dims first', () => {
    const r = y.index([0, 1], null, [1, 2]);
    expect(r.shape).toEqual([2, 1, 4]);
    expect(r.tolistSync()).toEqual([[[4, 5, 6, 7]], [[20, 21, 22, 23]]]);
  });

  it('integers are selects, as in PyTorch: they neither separate nor join advanced indices', () => {
    expect(y.index([0, 1], 1, [1, 2]).tolistSync()).toEqual([5, 18]);
    const r = y.index(0, ':', [1, 2]);
    expect(r.shape).toEqual([3, 2]);
    expect(r.tolistSync()).toEqual([[1, 2], [5, 6], [9, 10]]);
  });

  it('advanced indexing reads through non-contiguous views', () => {
    const t = y.transpose(0, 2); // [4, 3, 2]
    expect(t.index([3, 0], ':', 1).tolistSync()).toEqual([[15, 19, 23], [12, 16, 20]]);
    expect(t.index([3, 0], [2, 1]).tolistSync()).toEqual([[11, 23], [4, 16]]);
  });

  it('empty index lists and empty index tensors give empty results', () => {
    expect(x.index([]).shape).toEqual([0, 3]);
    expect(x.index(':', torch.tensor([], { dtype: 'int64' })).shape).toEqual([5, 0]);
  });
});

describe('boolean masks', () => {
  const x = iota(5, 3);

  it('x[mask] with a full mask gives the selected elements in row-major order', () => {
    const r = x.index(x.gt(9.5));
    expect(r.shape).toEqual([5]);
    expect(r.tolistSync()).toEqual([10, 11, 12, 13, 14]);
    expect(x.index(x.gt(100)).shape).toEqual([0]);
  });

  it('a mask over leading dims selects rows, also from a boolean array', () => {
    expect(x.index(bools([true, false, true, false, true])).tolistSync()).toEqual([[0, 1, 2], [6, 7, 8], [12, 13, 14]]);
    expect(x.index([false, true, false, false, true]).tolistSync()).toEqual([[3, 4, 5], [12, 13, 14]]);
    expect((x.index(':', [true, false, true]).tolistSync() as number[][])[1]).toEqual([3, 5]);
  });

  it('a 2-d mask over the first dims of a 3-d tensor', () => {
    const y = iota(2, 3, 2);
    const r = y.index(bools([[true, false, false], [false, false, true]]));
    expect(r.tolistSync()).toEqual([[0, 1], [10, 11]]);
  });

  it('a 0-d mask adds a dim of size 1 or 0', () => {
    expect(x.index(bools(true)).shape).toEqual([1, 5, 3]);
    expect(x.index(bools(false)).shape).toEqual([0, 5, 3]);
  });

  it('reports a mask whose shape does not match', () => {
    expect(() => x.index(bools([true, false]))).toThrow(
      '[index] The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [5, 3] at index 0',
    );
  });
});

describe('index errors', () => {
  const x = iota(3, 3);

  it('names the dim and size of an out-of-range integer', () => {
    expect(() => x.index(5)).toThrow('[index] index 5 is out of bounds for dimension 0 with size 3');
    expect(() => x.index(':', -4)).toThrow('[index] index -4 is out of bounds for dimension 1 with size 3');
    expect(() => x.index([0, 7])).toThrow('[index] index 7 is out of bounds for dimension 0 with size 3');
    expect(() => x.index(':', i64([1, 3]))).toThrow('[index] index 3 is out of bounds for dimension 1 with size 3');
  });

  it('refuses too many indices, two ellipses, negative steps and float index tensors', () => {
    expect(() => x.index(0, 0, 0)).toThrow('[index] too many indices for tensor of dimension 2');
    expect(() => x.index('...', 0, '...')).toThrow("[index] an index can only have a single ellipsis ('...')");
    expect(() => x.index('::-1')).toThrow(/^\[index\] step must be greater than zero/);
    expect(() => x.index('::0')).toThrow("[index] slice step cannot be zero, got '::0'");
    expect(() => x.index(f64([0]))).toThrow('[index] tensors used as indices must be long, int, byte or bool tensors, got float64');
    expect(() => x.index('a:b')).toThrow(/^\[index\] invalid slice 'a:b'/);
    expect(() => x.index(1.5)).toThrow('[index] expected integer indices, got 1.5');
  });

  it('reports index tensors that do not broadcast together', () => {
    expect(() => x.index([0, 1], [0, 1, 2])).toThrow(
      '[index] shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]',
    );
  });
});

describe('indexPut_', () => {
  it('x[1, 2] = 100 and x[:, 0] = zeros, as in API.md', () => {
    const x = torch.ones(5, 3, { dtype: 'float64' });
    const version = x._version;
    expect(x.indexPut_([1, 2], 100)).toBe(x);
    expect((x.tolistSync() as number[][])[1]).toEqual([1, 1, 100]);
    x.indexPut_([':', 0], torch.zeros(5));
    expect(x.tolistSync()).toEqual([[0, 1, 1], [0, 1, 100], [0, 1, 1], [0, 1, 1], [0, 1, 1]]);
    expect(x._version).toBe(version + 2);
  });

  it('writes rows picked by an index array, with a broadcast value', () => {
    const x = torch.zeros(4, 3, { dtype: 'float64' });
    x.indexPut_([[0, 2]], f64([1, 2, 3]));
    x.indexPut_([[-1]], 7);
    expect(x.tolistSync()).toEqual([[1, 2, 3], [0, 0, 0], [1, 2, 3], [7, 7, 7]]);
  });

  it('writes through a mask', () => {
    const x = iota(2, 3);
    x.indexPut_([x.gt(2.5)], -1);
    expect(x.tolistSync()).toEqual([[0, 1, 2], [-1, -1, -1]]);
  });

  it('writes paired indices into a transposed view, landing in the base', () => {
    const base = torch.zeros(3, 4, { dtype: 'float64' });
    base.t().indexPut_([[0, 3], [2, 1]], f64([5, 6]));
    expect(base.tolistSync()).toEqual([[0, 0, 0, 0], [0, 0, 0, 6], [5, 0, 0, 0]]);
  });

  it('writes separated advanced indices with the value laid out dims-first', () => {
    const y = torch.zeros(2, 3, 2, { dtype: 'float64' });
    y.indexPut_([[0, 1], ':', [1, 0]], f64([[1, 2, 3], [4, 5, 6]]));
    expect(y.tolistSync()).toEqual([[[0, 1], [0, 2], [0, 3]], [[4, 0], [5, 0], [6, 0]]]);
  });

  it('accumulate sums duplicate indices; without it the last write wins', () => {
    const a = torch.zeros(3, { dtype: 'float64' });
    a.indexPut_([i64([0, 0, 2])], f64([1, 2, 3]), { accumulate: true });
    expect(a.tolistSync()).toEqual([3, 0, 3]);
    a.indexPut_([i64([0, 0, 2])], f64([1, 2, 3]), { accumulate: true });
    expect(a.tolistSync()).toEqual([6, 0, 6]);
    const b = torch.zeros(3, { dtype: 'float64' });
    b.indexPut_([i64([0, 0, 2])], f64([1, 2, 3]));
    expect(b.tolistSync()).toEqual([2, 0, 3]);
  });

  it('accumulate adds on basic selections too', () => {
    const a = torch.ones(4, { dtype: 'float64' });
    a.indexPut_(['1:3'], 5, { accumulate: true });
    expect(a.tolistSync()).toEqual([1, 6, 6, 1]);
  });

  it('casts the value to the tensor dtype and drops leading 1s of the value', () => {
    const x = torch.zeros(2, 3, { dtype: 'int64' });
    x.indexPut_([0], f64([[1.7, 2.2, 3.9]]));
    expect(x.tolistSync()).toEqual([[1, 2, 3], [0, 0, 0]]);
  });

  it('reports a value that does not broadcast to the selection', () => {
    const x = torch.zeros(4, 3);
    expect(() => x.indexPut_([[0, 1]], torch.ones(3, 2))).toThrow(
      '[indexPut_] shape mismatch: value tensor of shape [3, 2] cannot be broadcast to indexing result of shape [2, 3]',
    );
  });

  it('refuses to write into an expanded tensor', () => {
    const e = torch.zeros(1, 3).expand(2, 3);
    expect(() => e.indexPut_([0], 1)).toThrow(/^\[indexPut_\] unsupported operation: more than one element/);
  });

  it('a value that reads the tensor itself is taken before the write, as x[1:] = x[:-1]', () => {
    const x = iota(5);
    x.indexPut_(['1:'], x.index(':-1'));
    expect(x.tolistSync()).toEqual([0, 0, 1, 2, 3]);
    const y = iota(4);
    y.indexPut_([[1, 2, 3]], y.index([0, 1, 2]));
    expect(y.tolistSync()).toEqual([0, 0, 1, 2]);
  });

  it('indexPut leaves the input alone', () => {
    const x = torch.zeros(3, { dtype: 'float64' });
    const y = x.indexPut([[1]], 4);
    expect(y.tolistSync()).toEqual([0, 4, 0]);
    expect(x.tolistSync()).toEqual([0, 0, 0]);
  });

  it('checks scalar values for overflow as PyTorch converts them (uint8 x[0] = 300 is an error)', () => {
    const x = torch.tensor([1, 2], { dtype: 'uint8' });
    expect(() => x.indexPut_([0], 300)).toThrow('[indexPut_] value 300 cannot be converted to type uint8 without overflow');
    expect(() => x.indexPut_([i64([0])], 300)).toThrow(/without overflow/);
    expect(() => x.indexPut([':'], 256)).toThrow('[indexPut] value 256 cannot be converted to type uint8 without overflow');
    expect(x.tolistSync()).toEqual([1, 2]);
    // Negative integers down to -255 wrap into uint8, as PyTorch allows.
    expect(x.indexPut_([0], -1).tolistSync()).toEqual([255, 2]);
  });
});

describe('gather, scatter, scatterAdd, indexSelect', () => {
  it('gather picks along a dim; the output has the index shape', () => {
    const t = f64([[1, 2], [3, 4]]);
    expect(t.gather(1, i64([[0, 0], [1, 0]])).tolistSync()).toEqual([[1, 1], [4, 3]]);
    expect(t.gather(0, i64([[1, 0]])).tolistSync()).toEqual([[3, 2]]);
    expect(t.gather(-1, i64([[1], [0]])).tolistSync()).toEqual([[2], [3]]);
  });

  it('gather checks bounds and sizes', () => {
    const t = f64([[1, 2], [3, 4]]);
    expect(() => t.gather(1, i64([[0, 2]]))).toThrow('[gather] index 2 is out of bounds for dimension 1 with size 2');
    expect(() => t.gather(1, i64([[0], [0], [0]]))).toThrow(
      '[gather] Size does not match at dimension 0 expected index [3, 1] to be no larger than self [2, 2] apart from dimension 1',
    );
    expect(() => t.gather(1, i64([0]))).toThrow(/^\[gather\] Index tensor must have the same number of dimensions/);
    expect(() => t.gather(1, f64([[0]]))).toThrow('[gather] expected dtype int64 for index, got float64');
  });

  it('scatter writes src along a dim into a copy', () => {
    const src = f64([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]);
    const x = torch.zeros(3, 5, { dtype: 'float64' });
    const r = x.scatter(0, i64([[0, 1, 2, 0]]), src);
    expect(r.tolistSync()).toEqual([[1, 0, 0, 4, 0], [0, 2, 0, 0, 0], [0, 0, 3, 0, 0]]);
    expect((x.tolistSync() as number[][])[0]).toEqual([0, 0, 0, 0, 0]);
  });

  it('scatter takes a scalar, and scatter_ writes in place', () => {
    const x = torch.zeros(2, 4, { dtype: 'float64' });
    expect(x.scatter(1, i64([[2], [3]]), 1.5).tolistSync()).toEqual([[0, 0, 1.5, 0], [0, 0, 0, 1.5]]);
    x.scatter_(1, i64([[0], [1]]), 2);
    expect(x.tolistSync()).toEqual([[2, 0, 0, 0], [0, 2, 0, 0]]);
  });

  it('scatterAdd sums duplicates', () => {
    const src = torch.ones(2, 5, { dtype: 'float64' });
    const r = torch.zeros(3, 5, { dtype: 'float64' }).scatterAdd(0, i64([[0, 1, 2, 0, 0], [0, 0, 0, 1, 2]]), src);
    expect(r.tolistSync()).toEqual([[2, 1, 1, 1, 1], [0, 1, 0, 1, 0], [0, 0, 1, 0, 1]]);
    // An index smaller than src uses only src's leading part.
    const part = torch.zeros(3, 5, { dtype: 'float64' }).scatterAdd(0, i64([[0, 1, 2, 0, 0]]), src);
    expect(part.tolistSync()).toEqual([[1, 0, 0, 1, 1], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0]]);
  });

  it('scatter requires matching dtypes', () => {
    expect(() => torch.zeros(2, { dtype: 'float64' }).scatter(0, i64([0]), f64([1]).float())).toThrow(
      '[scatter] expected self.dtype to be equal to src.dtype, got float64 and float32',
    );
  });

  it('indexSelect picks slices along a dim with a 1-d index', () => {
    const x = iota(3, 3);
    expect(x.indexSelect(0, i64([2, 0])).tolistSync()).toEqual([[6, 7, 8], [0, 1, 2]]);
    expect(x.t().indexSelect(1, i64([1, 1])).tolistSync()).toEqual([[3, 3], [4, 4], [5, 5]]);
    expect(() => x.indexSelect(0, i64([[0]]))).toThrow(/^\[indexSelect\] index_select\(\): Index is supposed to be a vector/);
    expect(() => x.indexSelect(0, i64([3]))).toThrow('[indexSelect] index 3 is out of bounds for dimension 0 with size 3');
  });

  it('scatter checks a scalar value for overflow in the input dtype', () => {
    const x = torch.zeros(2, { dtype: 'uint8' });
    expect(() => x.scatter(0, i64([0]), 300)).toThrow('[scatter] value 300 cannot be converted to type uint8 without overflow');
    expect(x.scatter(0, i64([1]), 255).tolistSync()).toEqual([0, 255]);
  });
});

describe('maskedSelect and nonzero', () => {
  it('maskedSelect broadcasts the mask and returns a 1-d tensor', () => {
    const x = iota(2, 3);
    expect(x.maskedSelect(x.gt(3.5)).tolistSync()).toEqual([4, 5]);
    expect(x.maskedSelect(bools([true, false, true])).tolistSync()).toEqual([0, 2, 3, 5]);
    expect(() => x.maskedSelect(i64([1, 0, 1]))).toThrow('[maskedSelect] expected mask to be a bool tensor, got int64');
  });

  it('nonzero lists coordinates as int64 [n, dim]', () => {
    const n = f64([[0, 1.5], [2, 0]]).nonzero();
    expect(n.dtype).toBe('int64');
    expect(n.tolistSync()).toEqual([[0, 1], [1, 0]]);
    expect(i64([0, 3, 0, 4]).nonzero().tolistSync()).toEqual([[1], [3]]);
    expect(iota(2, 3, 4).gt(20.5).nonzero().tolistSync()).toEqual([[1, 2, 1], [1, 2, 2], [1, 2, 3]]);
  });

  it('nonzero of 0-d and empty tensors', () => {
    expect(f64(5).nonzero().shape).toEqual([1, 0]);
    expect(f64(0).nonzero().shape).toEqual([0, 0]);
    expect(torch.zeros(0, 2).nonzero().shape).toEqual([0, 2]);
    expect(torch.zeros(3).nonzero().shape).toEqual([0, 1]);
  });

  it('the async forms give the same results', async () => {
    const x = iota(2, 3);
    expect((await torch.nonzeroAsync(x.gt(3.5))).tolistSync()).toEqual([[1, 1], [1, 2]]);
    expect((await torch.maskedSelectAsync(x, x.lt(1.5))).tolistSync()).toEqual([0, 1]);
  });
});

describe('on a device that cannot read synchronously', () => {
  const asyncOnly: Backend = {
    ...cpuBackend,
    name: 'async-only',
    readSync: () => { throw new Error('no sync reads here'); },
  };
  beforeEach(() => torch.registerBackend('async-only', asyncOnly));
  afterEach(() => torch.unregisterBackend('async-only'));

  it('nonzero and masks name the async alternative; the async forms work', async () => {
    const x = torch.tensor([[0, 2], [3, 0]], { dtype: 'float64', device: 'async-only' });
    expect(() => x.nonzero()).toThrow("[nonzero] needs a synchronous read on device 'async-only'; use await torch.nonzeroAsync(x)");
    expect(() => x.maskedSelect(x.gt(0))).toThrow(
      "[maskedSelect] needs a synchronous read on device 'async-only'; use await torch.maskedSelectAsync(x, mask)",
    );
    expect(() => x.index(x.gt(0))).toThrow(/^\[index\] needs a synchronous read on device 'async-only'; boolean masks/);
    expect(await (await torch.nonzeroAsync(x)).tolist()).toEqual([[0, 1], [1, 0]]);
    expect(await (await torch.maskedSelectAsync(x, x.gt(0))).tolist()).toEqual([2, 3]);
  });

  it('integer and basic indexing need no sync read', async () => {
    const x = torch.tensor([[0, 2], [3, 0]], { dtype: 'float64', device: 'async-only' });
    expect(await x.index(':', [1, 0]).tolist()).toEqual([[2, 0], [0, 3]]);
    expect(await x.gather(1, torch.tensor([[1], [0]], { dtype: 'int64', device: 'async-only' })).tolist()).toEqual([[2], [3]]);
    x.indexPut_([[0, 1], [0, 1]], 9);
    expect(await x.tolist()).toEqual([[9, 2], [3, 9]]);
  });
});

describe('graph nodes recorded for indexing', () => {
  const nodes = recordGraphNodes();

  it('basic items record their views, and index tensors record one index node with int64 indices', () => {
    const x = iota(3, 4).requiresGrad_();
    x.index(0, '1:');
    x.index(':', [2, -1]);
    expect(nodes.map((n) => n.op)).toEqual(['select', 'slice', 'index']);
    const attrs = nodes[2].attrs as { indices: (Tensor | null)[]; inputShape: number[] };
    expect(attrs.inputShape).toEqual([3, 4]);
    expect(attrs.indices[0]).toBeNull();
    expect(attrs.indices[1]?.dtype).toBe('int64');
    expect(attrs.indices[1]?.tolistSync()).toEqual([2, 3]);
    expect(nodes[2].inputs[0]).toBe(x);
  });

  it('a mask is recorded as its integer indices', () => {
    const x = iota(2, 2).requiresGrad_();
    x.index(x.detach().gt(0.5));
    const attrs = nodes[0].attrs as { indices: Tensor[] };
    expect(nodes[0].op).toBe('index');
    expect(attrs.indices.map((t) => t.tolistSync())).toEqual([[0, 1, 1], [1, 0, 1]]);
  });

  it('gather, scatter, scatterAdd, indexSelect, maskedSelect and indexPut record their inputs and attrs', () => {
    const x = iota(2, 2).requiresGrad_();
    const idx = i64([[0], [1]]);
    x.gather(-1, idx);
    x.scatter(1, idx, 0);
    x.scatterAdd(1, idx, iota(2, 1));
    x.indexSelect(0, i64([1]));
    x.maskedSelect(bools([true, false]));
    x.indexPut([[1]], 5);
    expect(nodes.map((n) => [n.op, n.inputs.length])).toEqual([
      ['gather', 2], ['scatter', 3], ['scatterAdd', 3], ['indexSelect', 2], ['maskedSelect', 2], ['indexPut', 2],
    ]);
    expect(nodes[0].attrs).toEqual({ dim: 1, inputShape: [2, 2] });
    expect(nodes[1].attrs).toEqual({ dim: 1, scalarSrc: true, inputShape: [2, 2] });
    const masked = nodes[4].attrs as { indices: Tensor[]; shape: number[] };
    expect(masked.shape).toEqual([2, 2]);
    expect(masked.indices.map((t) => t.tolistSync())).toEqual([[0, 1], [0, 0]]);
    const put = nodes[5].attrs as { items: unknown[]; accumulate: boolean };
    expect(put.accumulate).toBe(false);
    expect((put.items[0] as Tensor).tolistSync()).toEqual([1]);
  });

  it('indexPut_ on a tensor with history records indexPut and moves the tensor onto it', () => {
    const x = iota(3).requiresGrad_();
    const y = x.mul(2);
    y.indexPut_([[0]], 1);
    expect(nodes.map((n) => n.op)).toEqual(['mul', 'indexPut']);
    expect(y.gradFn?.name).toBe('indexPut');
    expect(y.tolistSync()).toEqual([1, 2, 4]);
    expect(() => x.indexPut_([[0]], 1)).toThrow('[indexPut_] a leaf Variable that requires grad is being used in an in-place operation.');
  });
});
