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
