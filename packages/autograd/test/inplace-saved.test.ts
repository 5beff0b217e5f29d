// In-place ops save self's old values where their rule needs them, as PyTorch's original_self.
import { it, expect } from 'vitest';
import * as torch from 'typetorch';
it('in-place ops keep the old value of self for their rule without a copy node in the graph', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const b = torch.tensor([3, 4], { requiresGrad: true });
  // As in PyTorch 1.13: MulBackward0 right after AddBackward0 (no copy node), and b's gradient
  // uses h's values from before the write.
  const h = x.add(1);
  h.mul_(b);
  expect(h.gradFn?.name).toBe('MulBackward0');
  expect(h.gradFn?.nextFunctions.map(([n]) => n?.name)).toEqual(['AddBackward0', 'AccumulateGrad']);
  h.sum().backward();
  expect(x.grad!.tolistSync()).toEqual([3, 4]);
  expect(b.grad!.tolistSync()).toEqual([2, 3]);
});
