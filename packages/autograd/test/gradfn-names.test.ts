import { it, expect } from 'vitest';
import * as torch from 'typetorch';
it('gradFn names match PyTorch 1.13 for reshape, unbind, split, chunk and vector-matrix products', () => {
  const x = torch.ones(2, 3, { requiresGrad: true }).mul(1);
  const names = (ts: torch.Tensor[]) => ts.map((t) => t.gradFn?.name);
  expect(names([x.reshape(6), x.t().reshape(6), x.flatten(), x.view(6)])).toEqual(['ReshapeAliasBackward0', 'UnsafeViewBackward0', 'ReshapeAliasBackward0', 'ViewBackward0']);
  expect(names([x.unbind(0)[0], x.split(1)[0], x.chunk(2, 1)[0], x.split([1, 2], 1)[0]])).toEqual(['UnbindBackward0', 'SplitBackward0', 'SplitBackward0', 'SplitWithSizesBackward0']);
  expect(names([x.index(':'), x.index('...'), x.index(':', 1)])).toEqual(['SliceBackward0', 'AliasBackward0', 'SelectBackward0']);
  const v = torch.ones(3, { requiresGrad: true }), m = torch.ones(3, 2, { requiresGrad: true });
  expect(names([v.matmul(m), m.t().matmul(v), v.matmul(torch.ones(4, 3, 2)), torch.ones(4, 2, 3).matmul(m)])).toEqual(['SqueezeBackward3', 'MvBackward0', 'UnsafeViewBackward0', 'UnsafeViewBackward0']);
  // Gradients through the single unbind/split nodes, including pieces that are not used.
  const w = torch.arange(6).float().reshape(2, 3).requiresGrad_();
  const [first] = w.unbind(0);
  const [, second] = w.split([1, 2], 1);
  first.sum().add(second.mul(2).sum()).backward();
  expect(w.grad!.tolistSync()).toEqual([[1, 3, 3], [0, 2, 2]]);
});
