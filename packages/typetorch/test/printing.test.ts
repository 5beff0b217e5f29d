// Tensors print as PyTorch prints them, through String(), console.log and util.inspect.
import { describe, it, expect } from 'vitest';
import { inspect } from 'node:util';
import * as torch from 'typetorch';

describe('printing tensors', () => {
  it('prints through String() and util.inspect in PyTorch format', () => {
    const t = torch.tensor([[1, 2], [3, 4]]);
    expect(String(t)).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(inspect(t)).toBe(String(t));
    expect(inspect({ t })).toMatch(/^\{\s+t: tensor\(\[\[1\., 2\.\],\n\s+\[3\., 4\.\]\]\)\s+\}$/);
  });

  it('shows dtype, requires_grad and grad_fn suffixes as PyTorch does', () => {
    expect(String(torch.tensor([1, 2], { dtype: 'int32' }))).toBe('tensor([1, 2], dtype=torch.int32)');
    expect(String(torch.tensor([1n, 2n]))).toBe('tensor([1, 2])');
    expect(String(torch.tensor([true, false]))).toBe('tensor([ True, False])');
    const x = torch.ones(2, { requiresGrad: true });
    expect(String(x)).toBe('tensor([1., 1.], requires_grad=True)');
    expect(String(x.mul(2))).toBe('tensor([2., 2.], grad_fn=<MulBackward0>)');
    expect(String(x.sum())).toBe('tensor(2., grad_fn=<SumBackward0>)');
    expect(String(torch.tensor(3.5))).toBe('tensor(3.5000)');
    expect(String(torch.tensor([1e-5, 1]))).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(String(torch.zeros(0, 3))).toBe('tensor([], size=(0, 3))');
  });

  it('summarises tensors of more than 1000 elements', () => {
    expect(String(torch.arange(2000))).toBe('tensor([   0,    1,    2,  ..., 1997, 1998, 1999])');
  });

  it('prints a tensor on a device without synchronous reads without reading it', async () => {
    torch.registerBackend('print-async', Object.create(torch.cpuBackend, { readSync: { value: undefined } }));
    const t = torch.ones(2, 3, { device: 'print-async' });
    expect(String(t)).toBe("tensor(<device 'print-async' tensor of shape [2, 3]; use await t.tolist()>)");
  });
});
