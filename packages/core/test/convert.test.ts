import { describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import { cpuBackend } from '@typetorch/backend-cpu';
import type { GradNode, Tensor } from '@typetorch/core';
import { recordGraphNodes } from './helpers/recording-engine.js';

/** A CPU-backed device without synchronous reads, as WebGPU. */
function asyncOnlyDevice(name: string): void {
  const { readSync: _readSync, hostArray: _hostArray, wrapHostArray: _wrap, ...rest } = cpuBackend;
  torch.registerBackend(name, { ...rest, name });
}

/** A second CPU-backed device, to move tensors between devices synchronously. */
function otherCpu(name: string): void {
  torch.registerBackend(name, { ...cpuBackend, name });
}

asyncOnlyDevice('gpu-like');
otherCpu('cpu2');

describe('item', () => {
  it('gives numbers for numeric dtypes and booleans for bool', async () => {
    expect(await torch.tensor(9).item()).toBe(9);
    expect(await torch.tensor([[2.5]]).item()).toBe(2.5);
    expect(await torch.tensor(true).item()).toBe(true);
    expect(torch.tensor(2n ** 53n).itemSync()).toBe(2 ** 53);
    expect(torch.tensor(-7, { dtype: 'int32' }).itemSync()).toBe(-7);
  });

  it('only converts one-element tensors', async () => {
    await expect(torch.zeros(2, 3).item()).rejects.toThrow('[item] a Tensor with 6 elements cannot be converted to Scalar');
    expect(() => torch.zeros(0).itemSync()).toThrow('[itemSync] a Tensor with 0 elements cannot be converted to Scalar');
  });
});

describe('tolist', () => {
  it('gives nested arrays, and the scalar itself for a 0-d tensor', async () => {
    expect(await torch.tensor([[1, 2], [3, 4]]).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(await torch.tensor(3.5).tolist()).toBe(3.5);
    expect(torch.tensor([true, false]).tolistSync()).toEqual([true, false]);
    expect(torch.tensor([1n, 2n ** 40n]).tolistSync()).toEqual([1, 2 ** 40]);
  });

  it('keeps empty dimensions as PyTorch does', () => {
    expect(torch.zeros(2, 0).tolistSync()).toEqual([[], []]);
    expect(torch.zeros(0, 2).tolistSync()).toEqual([]);
  });

  it('reads a non-contiguous view in its own row-major order', () => {
    expect(torch.tensor([[1, 2, 3], [4, 5, 6]]).t().tolistSync()).toEqual([[1, 4], [2, 5], [3, 6]]);
  });
});

describe('data', () => {
  it('returns a copy of the values with the dtype host array', async () => {
    const t = torch.tensor([1, 2, 3]);
    const a = await t.data();
    expect(a).toBeInstanceOf(Float32Array);
    (a as Float32Array)[0] = 100;
    expect(t.tolistSync()).toEqual([1, 2, 3]);
    expect(await torch.tensor([1n]).data()).toBeInstanceOf(BigInt64Array);
    expect(torch.tensor([true]).dataSync()).toEqual(new Uint8Array([1]));
  });
});

describe('synchronous reads on a device that cannot', () => {
  const t = torch.tensor([[1, 2], [3, 4]], { device: 'gpu-like' });

  it('throw naming the async form', () => {
    expect(() => torch.tensor(1, { device: 'gpu-like' }).itemSync()).toThrow(
      "[itemSync] device 'gpu-like' cannot read synchronously; use await t.item()",
    );
    expect(() => t.tolistSync()).toThrow("[tolistSync] device 'gpu-like' cannot read synchronously; use await t.tolist()");
    expect(() => t.dataSync()).toThrow("[dataSync] device 'gpu-like' cannot read synchronously; use await t.data()");
  });

  it('leave the async forms working', async () => {
    expect(await t.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(await t.index(0, 1).item()).toBe(2);
  });

  it('print a short description instead of the values', () => {
    expect(String(t)).toBe("tensor(<device 'gpu-like' tensor of shape [2, 2]; use await t.tolist()>)");
  });
});

describe('to', () => {
  it('converts to a dtype given as a string or an object', () => {
    const x = torch.tensor([1.7, -1.7]);
    expect(x.to('float64').dtype).toBe('float64');
    expect(x.to('int64').tolistSync()).toEqual([1, -1]);
    expect(x.to({ dtype: 'bool' }).tolistSync()).toEqual([true, true]);
    expect(x.int().dtype).toBe('int32');
    expect(torch.tensor([0, 300]).byte().tolistSync()).toEqual([0, 44]);
  });

  it('returns the tensor itself when nothing changes, unless copy is set', () => {
    const x = torch.tensor([1, 2]);
    expect(x.to('float32')).toBe(x);
    expect(x.to('cpu')).toBe(x);
    expect(x.to({})).toBe(x);
    const copy = x.to('float32', { copy: true });
    expect(copy).not.toBe(x);
    expect(copy._storage).not.toBe(x._storage);
    expect(copy.tolistSync()).toEqual([1, 2]);
  });

  it('rejects what is neither a dtype nor a registered device', () => {
    expect(() => torch.tensor([1]).to('cuda')).toThrow(
      "[to] expected a dtype (bool, uint8, int32, int64, float32, float64) or a registered device name, got 'cuda'",
    );
  });

  it('moves between devices, converting the dtype too', () => {
    const x = torch.tensor([[1.5, 2.5]]);
    const y = x.to('cpu2');
    expect(y.device).toBe('cpu2');
    expect(y._storage).not.toBe(x._storage);
    expect(y.tolistSync()).toEqual([[1.5, 2.5]]);
    const z = x.to({ device: 'cpu2', dtype: 'float64' });
    expect([z.device, z.dtype]).toEqual(['cpu2', 'float64']);
    const w = x.to('cpu2', { dtype: 'int32' });
    expect(w.tolistSync()).toEqual([[1, 2]]);
    expect(y.cpu().device).toBe('cpu');
  });

  it('names the async form when the source device cannot read synchronously, which works', async () => {
    const g = torch.tensor([1, 2], { device: 'gpu-like' });
    expect(() => g.to('cpu')).toThrow(
      "[to] device 'gpu-like' cannot read synchronously; use await t.toAsync('cpu') to move the tensor",
    );
    const back = await torch.toDeviceAsync(g, { device: 'cpu', dtype: 'float64' });
    expect([back.device, back.dtype]).toEqual(['cpu', 'float64']);
    expect(back.tolistSync()).toEqual([1, 2]);
    const there = await torch.toDeviceAsync(torch.tensor([3]), 'gpu-like');
    expect(await there.tolist()).toEqual([3]);
  });

  it('keeps floating conversions in the graph and drops integer ones', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    expect(x.to('float64').requiresGrad).toBe(true);
    expect(x.to('cpu2').requiresGrad).toBe(true);
    expect(x.to('int64').requiresGrad).toBe(false);
    expect(torch.noGrad(() => x.double()).requiresGrad).toBe(false);
  });
});

describe('graph nodes recorded by to', () => {
  const nodes = recordGraphNodes();

  it("records a dtype change as 'toDtype' with the input dtype", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.to('float64');
    expect(nodes.map((n) => [n.op, n.attrs])).toEqual([['toDtype', { dtype: 'float32' }]]);
    expect(nodes[0].inputs).toEqual([x]);
    expect(nodes[0].outputs).toEqual([y]);
    x.to('float32', { copy: true });
    expect(nodes[1].attrs).toEqual({ dtype: 'float32' });
  });

  it("records a device change as 'toDevice' with the input device, and both for both", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    x.to('cpu2');
    expect(nodes.map((n) => [n.op, n.attrs])).toEqual([['toDevice', { device: 'cpu' }]]);
    nodes.length = 0;
    x.to({ device: 'cpu2', dtype: 'float64' });
    expect(nodes.map((n) => n.op).sort()).toEqual(['toDevice', 'toDtype']);
  });

  it('records nothing for casts to integer dtypes or inputs without grad', () => {
    torch.tensor([1.5], { requiresGrad: true }).to('int64');
    torch.tensor([1.5]).to('float64');
    expect(nodes).toEqual([]);
  });
});

describe('printing', () => {
  it('uses PyTorch repr through toString and util.inspect', async () => {
    const { inspect } = await import('node:util');
    const t = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' });
    expect(String(t)).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(inspect(t)).toBe(String(t));
    expect(String(torch.arange(3))).toBe('tensor([0, 1, 2])');
    expect(String(torch.tensor([1], { dtype: 'float64' }))).toBe('tensor([1.], dtype=torch.float64)');
  });

  it('shows requires_grad for leaves and grad_fn for computed tensors', () => {
    expect(String(torch.ones(2, { requiresGrad: true }))).toBe('tensor([1., 1.], requires_grad=True)');
    const computed: Tensor = torch.ones(2);
    computed._gradFn = { name: 'MulBackward0', nextFunctions: [] } as GradNode;
    expect(String(computed)).toBe('tensor([1., 1.], grad_fn=<MulBackward0>)');
  });

  it('shows the device when it is not the CPU', () => {
    expect(String(torch.tensor([1], { device: 'cpu2' }))).toBe("tensor([1.], device='cpu2')");
  });

  it('describes a disposed tensor instead of reading it', () => {
    const t = torch.zeros(2, 3);
    t.dispose();
    expect(String(t)).toBe('tensor(<disposed tensor of shape [2, 3]>)');
  });
});

describe('elementSize', () => {
  it('gives bytes per element', () => {
    expect(torch.zeros(1, { dtype: 'float64' }).elementSize()).toBe(8);
    expect(torch.zeros(1, { dtype: 'int32' }).elementSize()).toBe(4);
    expect(torch.zeros(1, { dtype: 'bool' }).elementSize()).toBe(1);
  });
});
