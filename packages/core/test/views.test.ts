import { describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import '@typetorch/backend-cpu';
import type { Tensor } from '@typetorch/core';
import { recordGraphNodes } from './helpers/recording-engine.js';

const f64 = (data: unknown): Tensor => torch.tensor(data, { dtype: 'float64' });
/** `[0, 1, ..., n-1]` as float64 in the given shape. */
const iota = (...shape: number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return f64(Array.from({ length: n }, (_, i) => i)).reshape(shape);
};

describe('view', () => {
  it('shares storage: a write through the view shows in the base, and the version counter is shared', () => {
    const x = f64([[0, 1, 2], [3, 4, 5]]);
    const v = x.view(3, 2);
    expect(v._storage).toBe(x._storage);
    expect(v._base).toBe(x);
    expect(v.view(6)._base).toBe(x);
    const before = x._version;
    v.indexPut_([2, 1], 100);
    expect(x.tolistSync()).toEqual([[0, 1, 2], [3, 4, 100]]);
    expect(x._version).toBe(before + 1);
    expect(v._version).toBe(x._version);
  });

  it('infers one -1 size and accepts an array shape', () => {
    const x = iota(2, 6);
    expect(x.view(-1, 4).shape).toEqual([3, 4]);
    expect(x.view([4, -1]).shape).toEqual([4, 3]);
    expect(x.view(12).tolistSync()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('goes back to the original shape in a round trip', () => {
    const x = iota(2, 3, 4);
    const back = x.view(6, 4).view(2, 3, 4);
    expect(back.tolistSync()).toEqual(x.tolistSync());
    expect(back.stride()).toEqual(x.stride());
  });

  it('reports a numel mismatch in PyTorch words', () => {
    expect(() => iota(2, 3).view(2, 5)).toThrow("[view] shape '[2, 5]' is invalid for input of size 6");
    expect(() => iota(2, 3).view(-1, 4)).toThrow("[view] shape '[-1, 4]' is invalid for input of size 6");
  });

  it('allows only one inferred dimension', () => {
    expect(() => iota(2, 3).view(-1, -1)).toThrow('[view] only one dimension can be inferred');
  });

  it('refuses strides that do not allow it and suggests reshape', () => {
    expect(() => iota(2, 3).t().view(6)).toThrow(
      "[view] view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  });

  it('views a transposed tensor when the new shape only splits its contiguous chunks', () => {
    const x = iota(2, 3, 4).transpose(0, 1); // [3, 2, 4], strides [4, 12, 1]
    const v = x.view(3, 2, 2, 2);
    expect(v._storage).toBe(x._storage);
    expect(v.stride()).toEqual([4, 12, 2, 1]);
    expect(v.tolistSync()).toEqual(x.contiguous().view(3, 2, 2, 2).tolistSync());
    expect(() => x.view(3, 8)).toThrow(/^\[view\] view size is not compatible/);
  });

  it('turns a one-element tensor into a 0-d one and back', () => {
    const s = f64([5]).view([]);
    expect(s.shape).toEqual([]);
    expect(s.view(1, 1).tolistSync()).toEqual([[5]]);
  });
});

describe('reshape', () => {
  it('returns a view when the strides allow it', () => {
    const x = iota(2, 3);
    const r = x.reshape(3, 2);
    expect(r._storage).toBe(x._storage);
    expect(r.tolistSync()).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it('copies a transposed tensor into a new contiguous storage', () => {
    const x = iota(2, 3);
    const r = x.t().reshape(6);
    expect(r._storage).not.toBe(x._storage);
    expect(r.isContiguous()).toBe(true);
    expect(r.tolistSync()).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('reshapes empty tensors and refuses an ambiguous -1', () => {
    const e = f64([]).reshape(0, 3);
    expect(e.shape).toEqual([0, 3]);
    expect(e.reshape(3, 0, 5).shape).toEqual([3, 0, 5]);
    expect(() => e.reshape(-1, 0)).toThrow(
      '[reshape] cannot reshape tensor of 0 elements into shape [-1, 0] because the unspecified dimension size -1 can be any value and is ambiguous',
    );
  });
});

describe('transpose, t, permute, movedim', () => {
  it('t() swaps the shape and strides, and t().t() is the original', () => {
    const x = iota(2, 3);
    const y = x.t();
    expect(y.shape).toEqual([3, 2]);
    expect(y.stride()).toEqual([1, 3]);
    expect(y.tolistSync()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(y.t().tolistSync()).toEqual(x.tolistSync());
    expect(y.t().stride()).toEqual([3, 1]);
  });

  it('t() leaves 0-d and 1-d tensors as they are and refuses 3-d', () => {
    expect(f64([1, 2]).t().tolistSync()).toEqual([1, 2]);
    expect(f64(3).t().tolistSync()).toBe(3);
    expect(() => iota(2, 2, 2).t()).toThrow('[t] t() expects a tensor with <= 2 dimensions, but self is 3D');
  });

  it('t_() transposes the tensor object itself without touching data or version', () => {
    const x = iota(5, 3);
    const version = x._version;
    const same = x.t_();
    expect(same).toBe(x);
    expect(x.shape).toEqual([3, 5]);
    expect(x.stride()).toEqual([1, 3]);
    expect((x.tolistSync() as number[][])[0]).toEqual([0, 3, 6, 9, 12]);
    expect(x._version).toBe(version);
  });

  it('transpose takes negative dims', () => {
    const x = iota(2, 3, 4);
    const y = x.transpose(0, -1);
    expect(y.shape).toEqual([4, 3, 2]);
    expect(y.stride()).toEqual([1, 4, 12]);
    expect(x.mT.shape).toEqual([2, 4, 3]);
  });

  it('permute followed by its inverse is the identity', () => {
    const x = iota(2, 3, 4);
    const p = x.permute(2, 0, 1);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.index(1, 0, 2).tolistSync()).toBe(x.index(0, 2, 1).tolistSync());
    const back = p.permute(1, 2, 0);
    expect(back.tolistSync()).toEqual(x.tolistSync());
    expect(back.stride()).toEqual(x.stride());
  });

  it('permute checks the number of dims and duplicates', () => {
    expect(() => iota(2, 3).permute(0, 1, 2)).toThrow(/^\[permute\] number of dims don't match/);
    expect(() => iota(2, 3).permute(0, 0)).toThrow('[permute] duplicate dims are not allowed');
    expect(() => iota(2, 3).permute(0, 2)).toThrow('[permute] dimension out of range (expected to be in range of [-2, 1], but got 2)');
  });

  it('movedim moves dims and keeps the others in order', () => {
    const x = iota(2, 3, 4);
    expect(x.movedim(0, -1).shape).toEqual([3, 4, 2]);
    expect(x.movedim([0, 1], [2, 0]).shape).toEqual([3, 4, 2]);
    expect(x.movedim(2, 0).index(1, 0, 2).tolistSync()).toBe(x.index(0, 2, 1).tolistSync());
    expect(() => x.movedim([0, 1], [0])).toThrow(/^\[movedim\] Invalid source or destination dims/);
  });
});

describe('expand', () => {
  it('expands size-1 dims with stride 0 and adds leading dims', () => {
    const x = f64([[1], [2], [3]]);
    const e = x.expand(2, 3, 4);
    expect(e.shape).toEqual([2, 3, 4]);
    expect(e.stride()).toEqual([0, 1, 0]);
    expect(e._storage).toBe(x._storage);
    expect((e.tolistSync() as number[][][])[1]).toEqual([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]]);
  });

  it('keeps a size with -1 and expands to another tensor shape', () => {
    const x = f64([[1], [2]]);
    expect(x.expand(-1, 3).tolistSync()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(x.expandAs(iota(2, 2)).shape).toEqual([2, 2]);
  });

  it('refuses to expand a non-singleton dim', () => {
    expect(() => f64([1, 2, 3]).expand(2, 4)).toThrow(
      '[expand] the expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]',
    );
    expect(f64([1, 2]).expand(2).tolistSync()).toEqual([1, 2]);
    expect(() => iota(2, 2).expand(2)).toThrow(/^\[expand\] the number of sizes provided \(1\) must be greater or equal/);
  });
});

describe('squeeze and unsqueeze', () => {
  it('squeeze removes all size-1 dims, or the given ones, and leaves others alone', () => {
    const x = iota(1, 3, 1, 2);
    expect(x.squeeze().shape).toEqual([3, 2]);
    expect(x.squeeze(0).shape).toEqual([3, 1, 2]);
    expect(x.squeeze(1).shape).toEqual([1, 3, 1, 2]);
    expect(x.squeeze([0, -2]).shape).toEqual([3, 2]);
    expect(x.squeeze().tolistSync()).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it('unsqueeze inserts a dim at positive and negative positions', () => {
    const x = iota(2, 3);
    expect(x.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(x.unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(x.unsqueeze(1).shape).toEqual([2, 1, 3]);
    expect(x.unsqueeze(1).stride()).toEqual([3, 3, 1]);
    expect(() => x.unsqueeze(3)).toThrow('[unsqueeze] dimension out of range (expected to be in range of [-3, 2], but got 3)');
  });
});

describe('flatten and unflatten', () => {
  it('flattens all dims or a range, and 0-d to [1]', () => {
    const x = iota(2, 3, 4);
    expect(x.flatten().shape).toEqual([24]);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.flatten(0, 1).shape).toEqual([6, 4]);
    expect(x.flatten()._storage).toBe(x._storage);
    expect(f64(7).flatten().tolistSync()).toEqual([7]);
    expect(() => x.flatten(2, 1)).toThrow('[flatten] flatten() has invalid args: start_dim cannot come after end_dim');
  });

  it('unflattens one dim into sizes with an inferred -1', () => {
    const x = iota(2, 12);
    expect(x.unflatten(1, [3, -1]).shape).toEqual([2, 3, 4]);
    expect(x.unflatten(-1, [2, 2, 3]).index(1, 1, 0, 2).tolistSync()).toBe(20);
    expect(() => x.unflatten(1, [5, 2])).toThrow(
      "[unflatten] Provided sizes [5, 2] don't multiply up to the size of dim 1 (12) in the input tensor",
    );
  });
});

describe('narrow, select, unbind, split, chunk', () => {
  it('narrow is a view of a range, with a negative start', () => {
    const x = iota(4, 3);
    const n = x.narrow(0, 1, 2);
    expect(n._storage).toBe(x._storage);
    expect(n.tolistSync()).toEqual([[3, 4, 5], [6, 7, 8]]);
    expect(x.narrow(1, -2, 2).tolistSync()).toEqual([[1, 2], [4, 5], [7, 8], [10, 11]]);
    expect(() => x.narrow(0, 3, 2)).toThrow('[narrow] start (3) + length (2) exceeds dimension size (4).');
  });

  it('select removes a dim, takes negative indices and names the dim and size when out of range', () => {
    const x = iota(2, 3);
    expect(x.select(1, -1).tolistSync()).toEqual([2, 5]);
    expect(x.select(0, 1).tolistSync()).toEqual([3, 4, 5]);
    expect(() => x.select(1, 5)).toThrow('[select] index 5 is out of range for dimension 1 with size 3');
    expect(() => f64(1).select(0, 0)).toThrow('[select] select() cannot be applied to a 0-dim tensor.');
  });

  it('unbind returns every slice', () => {
    const parts = iota(2, 3).unbind(1);
    expect(parts.map((p) => p.tolistSync())).toEqual([[0, 3], [1, 4], [2, 5]]);
  });

  it('split by a size leaves a smaller last piece; split by sizes must add up', () => {
    const x = iota(5);
    expect(x.split(2).map((p) => p.tolistSync())).toEqual([[0, 1], [2, 3], [4]]);
    expect(x.split([1, 4]).map((p) => p.tolistSync())).toEqual([[0], [1, 2, 3, 4]]);
    expect(() => x.split([1, 1])).toThrow(
      "[split] split_with_sizes expects split_sizes to sum exactly to 5 (input tensor's size at dimension 0), but got split_sizes=[1, 1]",
    );
  });

  it('chunk makes pieces of ceil(size / chunks), fewer when the size runs out', () => {
    expect(iota(5).chunk(3).map((p) => p.tolistSync())).toEqual([[0, 1], [2, 3], [4]]);
    expect(iota(6).chunk(4).map((p) => p.tolistSync())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(f64([]).chunk(3).map((p) => p.shape[0])).toEqual([0, 0, 0]);
    expect(() => iota(2).chunk(0)).toThrow('[chunk] chunk expects `chunks` to be greater than 0, got: 0');
  });
});

describe('flip, repeat, asStrided', () => {
  it('flip reverses the given dims into a new storage', () => {
    const x = iota(2, 3);
    const f = x.flip(1);
    expect(f._storage).not.toBe(x._storage);
    expect(f.tolistSync()).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(x.flip(0, 1).tolistSync()).toEqual([[5, 4, 3], [2, 1, 0]]);
    expect(x.t().flip(-1).tolistSync()).toEqual([[3, 0], [4, 1], [5, 2]]);
  });

  it('repeat tiles the tensor, adding leading dims', () => {
    const x = f64([1, 2]);
    expect(x.repeat(2).tolistSync()).toEqual([1, 2, 1, 2]);
    expect(x.repeat(2, 2).tolistSync()).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]);
    expect(f64([[1], [2]]).repeat(1, 3).tolistSync()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(() => iota(2, 2).repeat(2)).toThrow(/^\[repeat\] number of dimensions of repeat dims \(1\) can not be smaller/);
  });

  it('asStrided makes a view with explicit geometry, checked against the storage', () => {
    const x = iota(6);
    const windows = x.asStrided([2, 3], [2, 1], 1);
    expect(windows.tolistSync()).toEqual([[1, 2, 3], [3, 4, 5]]);
    expect(windows._storage).toBe(x._storage);
    expect(() => x.asStrided([3, 3], [2, 1])).toThrow(/^\[asStrided\] sizes \[3, 3\], strides \[2, 1\] and storage offset 0 need a storage of 7 elements/);
  });
});

describe('contiguous, clone, detach', () => {
  it('contiguous returns the tensor itself when already contiguous', () => {
    const x = iota(2, 3);
    expect(x.contiguous()).toBe(x);
  });

  it('contiguous copies a transposed tensor into row-major order', () => {
    const x = iota(2, 3).t();
    expect(x.isContiguous()).toBe(false);
    const c = x.contiguous();
    expect(c.isContiguous()).toBe(true);
    expect(c._storage).not.toBe(x._storage);
    expect(c.stride()).toEqual([2, 1]);
    expect(c.tolistSync()).toEqual([[0, 3], [1, 4], [2, 5]]);
  });

  it('clone always copies', () => {
    const x = iota(2, 2);
    const c = x.clone();
    expect(c._storage).not.toBe(x._storage);
    c.indexPut_([0, 0], 9);
    expect(x.tolistSync()).toEqual([[0, 1], [2, 3]]);
    expect(c.tolistSync()).toEqual([[9, 1], [2, 3]]);
  });

  it('detach shares storage and does not require grad', () => {
    const w = iota(2).requiresGrad_();
    const d = w.detach();
    expect(d._storage).toBe(w._storage);
    expect(d.requiresGrad).toBe(false);
    d.indexPut_([0], 5);
    expect(w.tolistSync()).toEqual([5, 1]);
  });
});

describe('graph nodes recorded for views', () => {
  const nodes = recordGraphNodes();

  it('records each view op with its normalised attrs', () => {
    const x = iota(2, 3).requiresGrad_();
    x.view(3, 2);
    x.t().reshape(6);
    x.permute(1, 0);
    x.transpose(-1, 0);
    x.unsqueeze(-1);
    x.unsqueeze(0).squeeze(0);
    x.expand(4, 2, 3);
    x.select(1, -1);
    x.narrow(1, 1, 2);
    x.flip(-1);
    x.repeat(1, 2);
    x.clone();
    expect(nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['view', { shape: [3, 2], inputShape: [2, 3] }],
      ['t', {}],
      ['reshapeCopy', { shape: [6], inputShape: [3, 2] }],
      ['permute', { dims: [1, 0], inputShape: [2, 3] }],
      ['transpose', { dim0: 1, dim1: 0, inputShape: [2, 3] }],
      ['unsqueeze', { dim: 2, inputShape: [2, 3] }],
      ['unsqueeze', { dim: 0, inputShape: [2, 3] }],
      ['squeeze', { dims: [0], dimArg: 0, inputShape: [1, 2, 3] }],
      ['expand', { shape: [4, 2, 3], inputShape: [2, 3] }],
      ['select', { dim: 1, index: 2, inputShape: [2, 3] }],
      ['slice', { dim: 1, start: 1, end: 3, step: 1, inputShape: [2, 3] }],
      ['flip', { dims: [1] }],
      ['repeat', { repeats: [1, 2], inputShape: [2, 3] }],
      ['clone', {}],
    ]);
    expect(nodes[0].inputs[0]).toBe(x);
  });

  it('does not record detach, and contiguous records clone only when it copies', () => {
    const x = iota(2, 3).requiresGrad_();
    x.detach();
    x.contiguous();
    x.t().contiguous();
    expect(nodes.map((n) => n.op)).toEqual(['t', 'clone']);
  });

  it('t_() on a tensor with history records t and moves the tensor onto it', () => {
    const x = iota(2, 3).requiresGrad_();
    const y = x.view(3, 2);
    y.t_();
    expect(nodes.map((n) => n.op)).toEqual(['view', 't']);
    expect(nodes[1].inputs[0].shape).toEqual([3, 2]);
    expect(y.gradFn?.name).toBe('t');
    expect(() => x.t_()).toThrow('[t_] a leaf Variable that requires grad is being used in an in-place operation.');
  });
});
