// In-place ops on tensors with history keep PyTorch's graph semantics.
import { describe, it, expect } from 'vitest';
import * as torch from 'typetorch';

describe('in-place ops on tensors with history', () => {
  it('zero_ and fill_ record a node whose gradient is zero for the old values', () => {
    const x = torch.ones(3, { requiresGrad: true });
    const y = x.mul(2);
    y.zero_();
    expect(y.gradFn?.name).toBe('ZeroBackward0');
    y.sum().backward();
    expect(x.grad!.tolistSync()).toEqual([0, 0, 0]);
    const z = x.mul(3);
    z.fill_(torch.tensor(2, { requiresGrad: true }));
    expect(z.gradFn?.name).toBe('FillBackward3');
  });

  it('keeps retainGrad() across an in-place op', () => {
    const x = torch.ones(3, { requiresGrad: true });
    const y = x.mul(2);
    y.retainGrad();
    y.add_(1);
    y.sum().backward();
    expect(y.grad!.tolistSync()).toEqual([1, 1, 1]);
    expect(x.grad!.tolistSync()).toEqual([2, 2, 2]);
  });

  it('runs a hook registered before an in-place op on the gradient after it', () => {
    const x = torch.ones(3, { requiresGrad: true });
    const y = x.mul(2);
    y.registerHook((g) => g.mul(10));
    y.add_(1);
    y.sum().backward();
    expect(x.grad!.tolistSync()).toEqual([20, 20, 20]);
  });

  it('names lerp with a scalar weight LerpBackward0 and with a tensor weight LerpBackward1', () => {
    const x = torch.ones(2, { requiresGrad: true });
    expect(torch.lerp(x, x.mul(2), 0.5).gradFn?.name).toBe('LerpBackward0');
    expect(torch.lerp(x, x.mul(2), torch.tensor(0.5)).gradFn?.name).toBe('LerpBackward1');
  });
});

describe('in-place writes through views (CopySlices)', () => {
  it('sends the written region’s gradient to the written values and the rest to the base’s history', () => {
    const x = torch.tensor([1, 2, 3, 4], { requiresGrad: true });
    const w = torch.tensor([10, 20], { requiresGrad: true });
    const y = x.mul(2);
    y.narrow(0, 1, 2).copy_(w.mul(3));
    expect(y.gradFn?.name).toBe('CopySlices');
    expect(y.tolistSync()).toEqual([2, 30, 60, 8]);
    y.mul(torch.tensor([1, 2, 3, 4])).sum().backward();
    expect(x.grad!.tolistSync()).toEqual([2, 0, 0, 8]);
    expect(w.grad!.tolistSync()).toEqual([6, 9]);
  });

  it('gives a base that did not require grad a history when a value that does is written into it', () => {
    const base = torch.zeros(2, 3);
    const w = torch.tensor([1, 2, 3], { requiresGrad: true });
    base.select(0, 1).copy_(w);
    expect(base.requiresGrad).toBe(true);
    base.pow(2).sum().backward();
    expect(w.grad!.tolistSync()).toEqual([2, 4, 6]);
  });

  it('differentiates in-place ops on a view of a non-leaf, and the view itself', () => {
    const x = torch.ones(2, 2, { requiresGrad: true });
    const y = x.mul(1);
    const row = y.index(0);
    row.mul_(3);
    expect(row.gradFn?.name).toBe('AsStridedBackward0');
    y.sum().backward();
    expect(x.grad!.tolistSync()).toEqual([[3, 3], [1, 1]]);
    expect(torch.autograd.gradcheck((a) => {
      const b = a.mul(1);
      b.index(':', 0).mul_(a.index(':', 1));
      return b;
    }, [torch.randn(3, 2, { dtype: 'float64', requiresGrad: true })])).toBe(true);
  });
});

describe('backward with inputs', () => {
  it('accumulates into the given non-leaf tensors too, and into no other leaf', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const w = torch.tensor([3, 4], { requiresGrad: true });
    const y = x.mul(w);
    y.mul(y).sum().backward(undefined, { inputs: [y, w] });
    expect(y.grad!.tolistSync()).toEqual([6, 16]);
    expect(w.grad!.tolistSync()).toEqual([6, 32]);
    expect(x.grad).toBeNull();
  });
});
