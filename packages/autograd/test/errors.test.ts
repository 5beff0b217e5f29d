// PyTorch's autograd errors, raised in PyTorch's situations, with messages that start with `[op]`.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';

function values(t: torch.Tensor): unknown {
  return t.tolistSync();
}

/** Runs `fn` and returns the message it threw (failing the test when it does not throw). */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}

describe('autograd errors', () => {
  it('rejects backward on a tensor that does not require grad', () => {
    const x = torch.ones(2);
    const message = messageOf(() => x.sum().backward());
    expect(message).toMatch(/^\[backward\] /);
    expect(message).toContain('element 0 of tensors does not require grad and does not have a grad_fn');
  });

  it('rejects autograd.backward and autograd.grad on outputs that do not require grad', () => {
    const x = torch.ones(2);
    expect(messageOf(() => torch.autograd.backward([x.sum()]))).toMatch(/^\[backward\] element 0 of tensors does not require grad/);
    const a = torch.ones(2, { requiresGrad: true });
    expect(messageOf(() => torch.autograd.grad([a.sum(), x.sum()], a))).toMatch(
      /^\[grad\] element 1 of tensors does not require grad/,
    );
  });

  it('rejects an implicit gradient for a non-scalar output', () => {
    const a = torch.ones(2, { requiresGrad: true });
    const message = messageOf(() => a.mul(2).backward());
    expect(message).toMatch(/^\[backward\] /);
    expect(message).toContain('grad can be implicitly created only for scalar outputs');
    expect(messageOf(() => torch.autograd.grad(a.mul(2), a))).toMatch(/^\[grad\] grad can be implicitly created only for scalar outputs/);
  });

  it('rejects a gradient argument whose shape differs from the output', () => {
    const a = torch.ones(2, { requiresGrad: true });
    const message = messageOf(() => a.mul(2).backward(torch.ones(3)));
    expect(message).toMatch(/^\[backward\] Mismatch in shape: grad_output\[0\] has a shape of \[3\] and output\[0\] has a shape of \[2\]/);
  });

  it('rejects a second backward through nodes that saved values once the graph is freed', () => {
    const a = torch.ones(2, { requiresGrad: true });
    const y = a.exp().sum();
    y.backward();
    const message = messageOf(() => y.backward());
    expect(message).toMatch(/^\[backward\] Trying to backward through the graph a second time/);
    expect(message).toContain('retainGraph: true');
    expect(a.grad!.tolistSync()).toEqual([Math.E, Math.E].map(Math.fround));
  });

  it('rejects a second autograd.grad through a freed graph', () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const y = a.mul(a).sum();
    const [g] = torch.autograd.grad(y, a);
    expect(g!.tolistSync()).toEqual([2, 4]);
    expect(messageOf(() => torch.autograd.grad(y, a))).toMatch(/^\[backward\] Trying to backward through the graph a second time/);
  });

  it('allows a second backward through nodes that saved nothing, as PyTorch does', () => {
    const a = torch.ones(2, { requiresGrad: true });
    const y = a.add(1).sum();
    y.backward();
    y.backward();
    expect(a.grad!.tolistSync()).toEqual([2, 2]);
  });

  it('rejects in-place ops on a leaf that requires grad and on its views', () => {
    const a = torch.ones(2, { requiresGrad: true });
    expect(messageOf(() => a.add_(1))).toBe('[add_] a leaf Variable that requires grad is being used in an in-place operation.');
    expect(messageOf(() => a.mul_(2))).toMatch(/^\[mul_\] a leaf Variable that requires grad/);
    expect(messageOf(() => a.index(0).add_(1))).toMatch(/^\[add_\] a view of a leaf Variable that requires grad is being used in an in-place operation/);
    expect(a.tolistSync()).toEqual([1, 1]);
    // Under noGrad the same write is allowed (that is how optimizers update parameters).
    torch.noGrad(() => a.add_(1));
    expect(a.tolistSync()).toEqual([2, 2]);
  });

  it('rejects backward when an output saved by its node was modified in place', () => {
    const a = torch.tensor([0.5, -1], { requiresGrad: true });
    const b = a.sigmoid();
    b.mul_(2);
    const message = messageOf(() => b.sum().backward());
    expect(message).toMatch(/^\[backward\] one of the variables needed for gradient computation has been modified by an inplace operation/);
    expect(message).toContain('SigmoidBackward0');
    expect(message).toContain('is at version 1; expected version 0 instead');
  });

  it('rejects backward when an input saved by its node was modified in place', () => {
    const a = torch.tensor([0.5, -1], { requiresGrad: true });
    const x = a.mul(1);
    const y = x.sin();
    x.add_(1);
    const message = messageOf(() => y.sum().backward());
    expect(message).toMatch(/^\[backward\] one of the variables needed for gradient computation has been modified by an inplace operation/);
    expect(message).toContain('SinBackward0');
  });

  it('rejects backward after an in-place op overwrote a value its own node saved', () => {
    // As in PyTorch: y.mul_(y) saves y as the other factor, then overwrites it.
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const y = a.mul(1);
    y.mul_(y);
    expect(values(y)).toEqual([1, 4]);
    expect(messageOf(() => y.sum().backward())).toMatch(/^\[backward\] one of the variables needed for gradient computation has been modified/);
  });

  it('accepts in-place changes to values that no node saved', () => {
    // exp saves its output, not its input: changing the input afterwards is fine (as in PyTorch).
    const a = torch.tensor([0, 1], { requiresGrad: true });
    const x = a.mul(1);
    const y = x.exp();
    x.add_(1);
    y.sum().backward();
    expect(a.grad!.tolistSync()).toEqual([1, Math.fround(Math.E)]);
  });

  it('rejects grad() of an input the outputs do not use, unless allowUnused', () => {
    const a = torch.ones(2, { requiresGrad: true });
    const b = torch.ones(2, { requiresGrad: true });
    const message = messageOf(() => torch.autograd.grad(a.mul(2).sum(), [a, b]));
    expect(message).toMatch(/^\[grad\] One of the differentiated Tensors \(input 1\) appears to not have been used in the graph/);
    expect(message).toContain('allowUnused: true');
    const [ga, gb] = torch.autograd.grad(a.mul(2).sum(), [a, b], { allowUnused: true });
    expect(ga!.tolistSync()).toEqual([2, 2]);
    expect(gb).toBeNull();
  });

  it('rejects grad() with respect to a tensor that does not require grad', () => {
    const a = torch.ones(2, { requiresGrad: true });
    const c = torch.ones(2);
    expect(messageOf(() => torch.autograd.grad(a.sum(), [c]))).toMatch(/^\[grad\] One of the differentiated Tensors \(input 0\) does not require grad/);
  });

  it('rejects requiresGrad on integer and bool tensors', () => {
    expect(messageOf(() => torch.tensor([1, 2], { dtype: 'int64' }).requiresGrad_())).toBe(
      '[requiresGrad_] only tensors of floating point dtype can require gradients, got int64',
    );
    expect(messageOf(() => torch.tensor([true]).requiresGrad_())).toMatch(/^\[requiresGrad_\] only tensors of floating point dtype/);
  });

  it('rejects turning off requiresGrad on a non-leaf', () => {
    const a = torch.ones(2, { requiresGrad: true });
    expect(messageOf(() => a.mul(2).requiresGrad_(false))).toMatch(
      /^\[requiresGrad_\] you can only change requires_grad flags of leaf variables/,
    );
  });

  it('rejects hooks and retainGrad on tensors that do not require grad', () => {
    const x = torch.ones(2);
    expect(messageOf(() => x.registerHook((g) => g))).toMatch(/^\[registerHook\] cannot register a hook on a tensor that doesn't require gradient/);
    expect(messageOf(() => x.retainGrad())).toMatch(/^\[retainGrad\] can't retain_grad on Tensor that has requires_grad=False/);
  });
});
