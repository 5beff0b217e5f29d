import * as torch from 'typetorch';
import { create } from 'webgpu';
import { describe, expect, it } from 'vitest';
import { initWebGPU } from '@typetorch/backend-webgpu';
import { BufferPool, sizeClass } from '../src/buffer-pool.js';
import { gpu } from './gpu.js';

const backend = await gpu();

describe('buffer pool', () => {
  it('rounds sizes up to classes at most a quarter power of two apart, in whole 256-byte blocks', () => {
    expect(sizeClass(1)).toBe(256);
    expect(sizeClass(256)).toBe(256);
    expect(sizeClass(257)).toBe(512);
    for (let bytes = 300; bytes < 1e7; bytes = Math.ceil(bytes * 1.37)) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size % 256).toBe(0);
      expect(size / bytes).toBeLessThan(1.2 + 256 / bytes);
    }
  });

  it('hands a released buffer out again for the same size class and destroys idle ones on trim', () => {
    const pool = new BufferPool(backend.runtime.device, 60_000);
    const a = pool.acquire(1000);
    pool.release(a);
    expect(pool.stats()).toEqual({ bytesInUse: 0, bytesPooled: sizeClass(1000), buffersInUse: 0 });
    const b = pool.acquire(900);
    expect(b).toBe(a);
    expect(pool.stats().bytesInUse).toBe(sizeClass(1000));
    pool.release(b);
    pool.trim();
    expect(pool.stats().bytesPooled).toBe(0);
    const c = pool.acquire(1000);
    expect(c).not.toBe(a);
    pool.release(c);
    pool.dispose();
  });
});

describe('torch.memory on webgpu', () => {
  it('counts live storages and their bytes, and reports the pool', async () => {
    const before = torch.memory('webgpu');
    expect(before.tracked).toBe(true);
    const x = torch.ones(1000).to('webgpu');
    const y = x.add(x);
    const view = y.index('10:20');
    const during = torch.memory('webgpu');
    expect(during.numStorages - before.numStorages).toBe(2); // x and y; the view shares y's storage
    expect(during.bytes - before.bytes).toBe(2 * 4000);
    expect(Array.from((await view.data()) as Float32Array)).toEqual(new Array(10).fill(2));
    x.dispose();
    y.dispose();
    const after = torch.memory('webgpu');
    expect(after.numStorages).toBe(before.numStorages);
    expect(after.bytes).toBe(before.bytes);
    expect(after.pooledBytes).toBeGreaterThanOrEqual(2 * sizeClass(4000));
  });
});

describe('dispatch', () => {
  it('spreads more than 65535 workgroups over a two-dimensional grid', async () => {
    const n = 65535 * 64 + 4097; // one more workgroup than fits in x, plus a partial one
    const x = torch.full([n], 3, { device: 'webgpu' });
    const y = torch.empty([n], { dtype: 'int32', device: 'webgpu' });
    y.copy_(x);
    const values = (await y.data()) as Int32Array;
    expect(values.length).toBe(n);
    expect(values.every((v) => v === 3)).toBe(true);
    x.dispose();
    y.dispose();
  });

  it('reads an input that shares its buffer with the output from a copy (in-place writes)', async () => {
    const x = torch.arange(12, { dtype: 'float32' }).reshape(3, 4).to('webgpu');
    x.index('0:2', ':').copy_(x.index('1:3', ':')); // overlapping rows of one storage
    expect(Array.from((await x.data()) as Float32Array)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 8, 9, 10, 11]);
    const t = torch.arange(4, { dtype: 'float32' }).reshape(2, 2).to('webgpu');
    t.copy_(t.t().clone());
    expect(Array.from((await t.data()) as Float32Array)).toEqual([0, 2, 1, 3]);
  });

  it('runs hundreds of kernels between reads in order', async () => {
    let x = torch.zeros(256, { device: 'webgpu' });
    for (let i = 0; i < 600; i++) x.add_(1);
    expect(Array.from((await x.data()) as Float32Array)).toEqual(new Array(256).fill(600));
    x = x.mul(2);
    expect(await x.index(7).item()).toBe(1200);
  });
});

describe('dtypes on the device', () => {
  it('keeps int64 in 32 bits and refuses an upload outside that range', async () => {
    const ok = torch.tensor([-2147483648n, 2147483647n, 5n], { dtype: 'int64' }).to('webgpu');
    expect(ok.dtype).toBe('int64');
    expect(Array.from((await ok.data()) as BigInt64Array)).toEqual([-2147483648n, 2147483647n, 5n]);
    expect(() => torch.tensor([2147483648n], { dtype: 'int64' }).to('webgpu')).toThrow(
      /^\[webgpu\] int64 value 2147483648 at element 0 is outside the 32-bit range/,
    );
  });

  it('refuses float64 with an error that names float32', () => {
    expect(() => torch.zeros(3, { dtype: 'float64' }).to('webgpu')).toThrow(/float64 is not supported on WebGPU.*float32/);
  });

  it('round-trips uint8 and bool', async () => {
    const u = torch.tensor([0, 1, 254, 255], { dtype: 'uint8' }).to('webgpu');
    expect(Array.from((await u.data()) as Float32Array)).toEqual([0, 1, 254, 255]);
    const b = torch.tensor([true, false, true]).to('webgpu');
    expect(Array.from((await b.data()) as Float32Array)).toEqual([1, 0, 1]);
    expect(await b.tolist()).toEqual([true, false, true]);
    expect((await b.toAsync('cpu')).tolistSync()).toEqual([true, false, true]);
  });
});

describe('failures are clear errors', () => {
  it('says how large a buffer may be when an allocation is too big', () => {
    const limit = backend.runtime.device.limits.maxStorageBufferBindingSize;
    expect(() => backend.alloc('float32', Math.ceil(limit / 4) + 1024)).toThrow(/^\[webgpu\.alloc\] \d+ bytes exceed this device's largest storage buffer/);
  });

  it('turns a lost device into an error on the next call and on a pending read', async () => {
    const gpuObject = create([]);
    const adapter = await gpuObject.requestAdapter();
    const device = await adapter!.requestDevice();
    const lost = await initWebGPU({ device, name: 'webgpu-lost' });
    const x = torch.ones(4, { device: 'webgpu-lost' });
    const pending = x.data();
    device.destroy();
    await expect(pending.then(() => 'read', (e: Error) => e.message)).resolves.toMatch(/^(read|\[webgpu\.read\].*lost.*)$/);
    await device.lost;
    expect(() => lost.alloc('float32', 4)).toThrow(/^\[webgpu\.alloc\] the WebGPU device was lost \(destroyed/);
    torch.unregisterBackend('webgpu-lost');
  });

  it('says there is no adapter when the GPU object finds none', async () => {
    const noAdapter = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
    await expect(initWebGPU({ gpu: noAdapter, name: 'webgpu-none' })).rejects.toThrow(/^\[initWebGPU\] no WebGPU adapter was found: without a GPU, point Vulkan at SwiftShader/);
  });
});
