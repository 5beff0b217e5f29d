// The Tensors section of shared/API.md, run as written, with the values it states.
import { describe, it, expect } from 'vitest';
import * as torch from 'typetorch';

describe('API.md: Tensors', () => {
  it('creates tensors with the documented shapes, dtypes and devices', async () => {
    const x = torch.empty(5, 3);
    const r = torch.rand(5, 3);
    const z = torch.zeros([5, 3], { dtype: 'int32' });
    const t = torch.tensor([5.5, 3]);
    expect([...x.size()]).toEqual([5, 3]);
    expect(String(x.size())).toBe('torch.Size([5, 3])');
    expect([...x.shape]).toEqual([5, 3]);
    expect(x.size(1)).toBe(3);
    expect(x.dim()).toBe(2);
    expect(x.dtype).toBe('float32');
    expect(x.device).toBe('cpu');
    expect(z.dtype).toBe('int32');
    expect(await z.tolist()).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(t.dtype).toBe('float32');
    expect(await t.tolist()).toEqual([5.5, 3]);
    const rv = await r.data();
    expect(rv).toBeInstanceOf(Float32Array);
    expect(Array.from(rv as Float32Array).every((v) => v >= 0 && v < 1)).toBe(true);

    const ri = torch.randint(3, 10, [2, 2]);
    expect(ri.dtype).toBe('int64');
    expect((await ri.tolist() as number[][]).flat().every((v) => Number.isInteger(v) && v >= 3 && v < 10)).toBe(true);
    expect([...torch.randn([3, 4]).shape]).toEqual([3, 4]);
    expect(await torch.onesLike(t).tolist()).toEqual([1, 1]);
    expect(torch.randLike(t, { dtype: 'float64' }).dtype).toBe('float64');
    const n = t.newOnes(5, 3, { dtype: 'float64' });
    expect(n.dtype).toBe('float64');
    expect([...n.shape]).toEqual([5, 3]);
    expect(await torch.arange(0, 10, 2).tolist()).toEqual([0, 2, 4, 6, 8]);
    expect(torch.arange(0, 10, 2).dtype).toBe('int64');
    const l = torch.linspace(-Math.PI, Math.PI, 2000);
    expect(l.numel()).toBe(2000);
    expect(await l.index(0).item()).toBeCloseTo(-Math.PI, 5);
    expect(await l.index(-1).item()).toBeCloseTo(Math.PI, 5);
    expect(await torch.eye(3).tolist()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(await torch.full([2, 2], 7).tolist()).toEqual([[7, 7], [7, 7]]);
  });

  it('runs the arithmetic, indexing, view and reduction block as written', async () => {
    torch.manualSeed(0);
    const x = torch.empty(5, 3);
    x.copy_(torch.rand(5, 3));
    const y = torch.rand(5, 3);
    const before = x.clone();
    const sum = x.add(y);
    expect(await torch.add(x, y).tolist()).toEqual(await sum.tolist());
    expect(x.add_(y)).toBe(x);
    expect(await x.tolist()).toEqual(await sum.tolist());
    expect(await x.sub(y).tolist()).toEqual(await before.add(y).sub(y).tolist());
    const xv = x.dataSync() as Float32Array;
    const yv = y.dataSync() as Float32Array;
    expect((x.add(10).dataSync() as Float32Array)[0]).toBeCloseTo(xv[0] + 10, 5);
    expect((x.sub(y, { alpha: 2 }).dataSync() as Float32Array)[4]).toBeCloseTo(xv[4] - 2 * yv[4], 5);
    expect((x.mul(y).dataSync() as Float32Array)[2]).toBeCloseTo(xv[2] * yv[2], 5);
    expect((x.div(2).dataSync() as Float32Array)[3]).toBeCloseTo(xv[3] / 2, 6);
    expect((x.pow(2).dataSync() as Float32Array)[1]).toBeCloseTo(xv[1] ** 2, 5);
    expect((x.neg().dataSync() as Float32Array)[0]).toBe(-xv[0]);
    expect((x.exp().dataSync() as Float32Array)[0]).toBeCloseTo(Math.exp(xv[0]), 5);
    expect((x.sqrt().dataSync() as Float32Array)[0]).toBeCloseTo(Math.sqrt(xv[0]), 5);

    expect([...x.index(':', 1).shape]).toEqual([5]);
    expect(await x.index(':', 1).tolist()).toEqual([0, 1, 2, 3, 4].map((i) => xv[i * 3 + 1]));
    expect(await x.index('...', -1).tolist()).toEqual([0, 1, 2, 3, 4].map((i) => xv[i * 3 + 2]));
    expect(await x.index(0).tolist()).toEqual([xv[0], xv[1], xv[2]]);
    expect(await x.index('1:3', '::2').tolist()).toEqual([[xv[3], xv[5]], [xv[6], xv[8]]]);
    expect([...x.index(null, 0).shape]).toEqual([1, 3]);
    expect(await x.index(torch.tensor([0, 2], { dtype: 'int64' })).tolist()).toEqual([[xv[0], xv[1], xv[2]], [xv[6], xv[7], xv[8]]]);
    expect(await x.index([0, 2]).tolist()).toEqual(await x.index(torch.tensor([0, 2], { dtype: 'int64' })).tolist());
    const masked = Array.from(xv).filter((v) => v > 0.5);
    expect(await x.index(x.gt(0.5)).tolist()).toEqual(masked);
    x.indexPut_([1, 2], 100);
    expect(await x.index(1, 2).item()).toBe(100);
    x.indexPut_([':', 0], torch.zeros(5));
    expect(await x.index(':', 0).tolist()).toEqual([0, 0, 0, 0, 0]);

    expect([...x.view(15).shape]).toEqual([15]);
    expect([...x.view(-1, 5).shape]).toEqual([3, 5]);
    expect([...x.reshape([3, 5]).shape]).toEqual([3, 5]);
    expect([...x.t().shape]).toEqual([3, 5]);
    expect([...x.transpose(0, 1).shape]).toEqual([3, 5]);
    expect([...x.permute(1, 0).shape]).toEqual([3, 5]);
    expect([...x.unsqueeze(0).shape]).toEqual([1, 5, 3]);
    expect([...x.unsqueeze(0).squeeze().shape]).toEqual([5, 3]);
    expect([...x.flatten().shape]).toEqual([15]);
    expect([...x.expand(2, 5, 3).shape]).toEqual([2, 5, 3]);
    expect(x.t().contiguous().isContiguous()).toBe(true);
    expect([...torch.cat([x, x, x], 1).shape]).toEqual([5, 9]);
    expect([...torch.stack([x, x], 0).shape]).toEqual([2, 5, 3]);
    const a = torch.randn(2, 3, 4), b = torch.randn(2, 4, 5);
    expect([...x.matmul(x.t()).shape]).toEqual([5, 5]);
    expect([...torch.matmul(x, x.t()).shape]).toEqual([5, 5]);
    expect([...torch.mm(x, x.t()).shape]).toEqual([5, 5]);
    expect([...torch.bmm(a, b).shape]).toEqual([2, 3, 5]);

    const values2 = x.dataSync() as Float32Array;
    const rows = [0, 1, 2, 3, 4].map((i) => [values2[i * 3], values2[i * 3 + 1], values2[i * 3 + 2]]);
    const total = Array.from(values2).reduce((s, v) => s + v, 0);
    expect(await x.sum().item()).toBeCloseTo(total, 3);
    expect((await x.sum(1).tolist() as number[]).length).toBe(5);
    expect([...x.sum(1, { keepdim: true }).shape]).toEqual([5, 1]);
    expect(await x.mean().item()).toBeCloseTo(total / 15, 4);
    expect(await x.max().item()).toBe(Math.max(...values2));
    expect(await x.min().item()).toBe(Math.min(...values2));
    const { values, indices } = x.max(1);
    expect(await values.tolist()).toEqual(rows.map((r) => Math.max(...r)));
    expect(await indices.tolist()).toEqual(rows.map((r) => r.indexOf(Math.max(...r))));
    expect(await x.argmax(1).tolist()).toEqual(await indices.tolist());
    const mean = total / 15;
    const variance = Array.from(values2).reduce((s, v) => s + (v - mean) ** 2, 0) / 14;
    expect(await x.var().item()).toBeCloseTo(variance, 2);
    expect(await x.std().item()).toBeCloseTo(Math.sqrt(variance), 3);
    expect(x.prod().dtype).toBe('float32');
    expect(x.gt(0.5).dtype).toBe('bool');
    expect(x.eq(y).dtype).toBe('bool');
    expect([...torch.where(x.gt(0.5), x, y).shape]).toEqual([5, 3]);
    expect(x.float().dtype).toBe('float32');
    expect(x.double().dtype).toBe('float64');
    expect(x.int().dtype).toBe('int32');
    expect(x.long().dtype).toBe('int64');
    expect(x.to('float64').dtype).toBe('float64');
    expect(x.type('float32').dtype).toBe('float32');
    expect(x.clone()._storage).not.toBe(x._storage);
    expect(x.detach()._storage).toBe(x._storage);
    x.copy_(y);
    expect(await x.tolist()).toEqual(await y.tolist());
    x.fill_(1);
    expect(await x.sum().item()).toBe(15);
    x.zero_();
    expect(await x.sum().item()).toBe(0);
    x.t_();
    expect([...x.shape]).toEqual([3, 5]);
  });

  it('reads values asynchronously and synchronously as documented', async () => {
    expect(await torch.tensor(9).item()).toBe(9);
    const x = torch.tensor([[1, 2], [3, 4]]);
    expect(await x.tolist()).toEqual([[1, 2], [3, 4]]);
    const d = await x.data();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(torch.tensor(9).itemSync()).toBe(9);
    expect(x.tolistSync()).toEqual([[1, 2], [3, 4]]);
    expect(Array.from(x.dataSync() as Float32Array)).toEqual([1, 2, 3, 4]);
    const big = torch.tensor([2n ** 60n, -3n]);
    expect(big.dtype).toBe('int64');
    expect(await big.data()).toEqual(new BigInt64Array([2n ** 60n, -3n]));
    expect(await torch.tensor([true, false]).tolist()).toEqual([true, false]);

    const a = new Float32Array([1, 2, 3]);
    const b = torch.fromTypedArray(a, [3]);
    a[0] = 10;
    expect(await b.tolist()).toEqual([10, 2, 3]);
    expect(String(torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' }))).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    torch.manualSeed(0);
    const first = await torch.rand(4).tolist();
    torch.manualSeed(0);
    expect(await torch.rand(4).tolist()).toEqual(first);
  });

  it('follows the documented dtype rules for plain numbers, bigints, booleans and typed arrays', () => {
    expect(torch.tensor([1, 2]).dtype).toBe('float32');
    expect(torch.tensor([1n, 2n]).dtype).toBe('int64');
    expect(torch.tensor([true]).dtype).toBe('bool');
    expect(torch.tensor(new Int32Array([1])).dtype).toBe('int32');
    expect(torch.tensor(new BigInt64Array([1n])).dtype).toBe('int64');
    expect(torch.tensor(new Uint8Array([1])).dtype).toBe('uint8');
    expect(torch.tensor(new Float64Array([1])).dtype).toBe('float64');
    expect(torch.tensor([1, 0, 3], { dtype: 'int64' }).tolistSync()).toEqual([1, 0, 3]);
    expect(torch.randperm(5).dtype).toBe('int64');
    expect(torch.tensor([1, 3, 2]).argmax().dtype).toBe('int64');
    expect(torch.tensor([0, 3, 0]).nonzero().dtype).toBe('int64');
    torch.setDefaultDtype('float64');
    try {
      expect(torch.tensor([1.5]).dtype).toBe('float64');
    } finally {
      torch.setDefaultDtype('float32');
    }
  });
});
