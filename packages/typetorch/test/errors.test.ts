// The errors the foundation issue lists: each names the op in brackets, what was expected and what was given.
import { describe, it, expect } from 'vitest';
import * as torch from 'typetorch';

// A second device for the mixed-device error: the CPU kernels under another name.
torch.registerBackend('other-device', Object.create(torch.cpuBackend, { name: { value: 'other-device' } }));

describe('errors', () => {
  it('says which shapes cannot broadcast', () => {
    expect(() => torch.ones(2, 3).add(torch.ones(4))).toThrow(
      '[add] shapes [2, 3] and [4] cannot be broadcast: size 3 and size 4 differ at dimension -1',
    );
  });

  it('names the matmul inner dimensions that differ', () => {
    expect(() => torch.ones(2, 3).matmul(torch.ones(4, 5))).toThrow('[matmul] shapes [2, 3] and [4, 5]: inner dimensions 3 and 4 differ');
  });

  it('suggests reshape when view cannot keep the strides', () => {
    expect(() => torch.ones(2, 3).t().view(6)).toThrow(/^\[view\] .*Use \.reshape\(\.\.\.\) instead\./);
    expect(torch.ones(2, 3).t().reshape(6).shape).toEqual([6]);
  });

  it('names the dim and size of an index out of range', () => {
    expect(() => torch.ones(2, 3).index(0, 5)).toThrow('[index] index 5 is out of bounds for dimension 1 with size 3');
    expect(() => torch.ones(2, 3).select(1, 5)).toThrow('[select] index 5 is out of range for dimension 1 with size 3');
    expect(() => torch.ones(2, 3).sum(2)).toThrow('[sum] dimension out of range (expected to be in range of [-2, 1], but got 2)');
  });

  it('rejects an unknown dtype', () => {
    expect(() => torch.zeros(2, { dtype: 'float16' as torch.DType })).toThrow(/^\[zeros\] unknown dtype "float16": expected one of/);
  });

  it('refuses inputs on different devices', () => {
    const a = torch.ones(2);
    const b = torch.ones(2, { device: 'other-device' });
    expect(() => a.add(b)).toThrow(
      "[add] expected all tensors to be on the same device, but found at least two devices, 'cpu' and 'other-device'",
    );
    expect(() => torch.cat([a, b])).toThrow(/^\[cat\] expected all tensors to be on the same device/);
  });

  it('rejects ragged nested arrays', () => {
    expect(() => torch.tensor([[1, 2], [3]])).toThrow('[tensor] expected a sequence of length 2 at dim 1 (got 1)');
  });

  it('refuses gradients on integer tensors', () => {
    expect(() => torch.ones(2, { dtype: 'int64' }).requiresGrad_()).toThrow(/^\[requiresGrad_\] only tensors of floating point dtype/);
  });

  it('points sync reads on a device without them to the async form', async () => {
    torch.registerBackend('async-device', Object.create(torch.cpuBackend, { readSync: { value: undefined } }));
    const t = torch.tensor([1.5, 2], { device: 'async-device' });
    expect(() => t.itemSync()).toThrow(/^\[itemSync\] /);
    expect(() => t.tolistSync()).toThrow(/await t\.tolist\(\)/);
    expect(await t.tolist()).toEqual([1.5, 2]);
  });
});
