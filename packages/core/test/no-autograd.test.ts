// Core without @typetorch/autograd: tensors still track requiresGrad, and backward() names the package.
import { describe, it, expect } from 'vitest';
import * as torch from '@typetorch/core';
import '@typetorch/backend-cpu';

describe('core without the autograd package', () => {
  it('marks results of ops on tensors that require grad, without graph nodes', () => {
    expect(torch.getAutograd()).toBeUndefined();
    const x = torch.ones(2, { requiresGrad: true });
    const y = x.mul(2);
    expect(y.requiresGrad).toBe(true);
    expect(y.gradFn).toBeNull();
    expect(torch.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(x.gt(0).requiresGrad).toBe(false);
  });

  it('says which package to add when backward is called', () => {
    const x = torch.ones(2, { requiresGrad: true });
    expect(() => x.sum().backward()).toThrow(
      "[backward] gradients need the autograd package: import '@typetorch/autograd' (or use 'typetorch', which includes it)",
    );
  });
});
