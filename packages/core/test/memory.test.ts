import { describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import { cpuBackend } from '@typetorch/backend-cpu';

// A device with its own memory, as far as core can tell: the CPU kernels without `hostArray`.
const deviceLike: torch.Backend = Object.create(cpuBackend, {
  name: { value: 'device-like' },
  hostArray: { value: undefined },
  wrapHostArray: { value: undefined },
});
torch.registerBackend('device-like', deviceLike);

describe('memory', () => {
  it('counts storages and bytes on devices with their own memory, and drops them on dispose', () => {
    const before = torch.memory('device-like');
    expect(before.tracked).toBe(true);
    const a = torch.zeros([2, 3], { device: 'device-like' });
    const view = a.t();
    const b = torch.ones(4, { dtype: 'float64', device: 'device-like' });
    const during = torch.memory('device-like');
    expect(during.numStorages - before.numStorages).toBe(2);
    expect(during.bytes - before.bytes).toBe(2 * 3 * 4 + 4 * 8);
    a.dispose();
    expect(view.isDisposed).toBe(true);
    b.dispose();
    b.dispose();
    expect(torch.memory('device-like')).toEqual(before);
  });

  it('frees what a tidy scope made on such a device', () => {
    // The scalars 2 and 1 become device constants the first time (see the next test).
    torch.tidy(() => torch.ones(3, { device: 'device-like' }).mul(2).add(1)).dispose();
    const before = torch.memory('device-like').numStorages;
    const kept = torch.tidy(() => torch.ones(3, { device: 'device-like' }).mul(2).add(1));
    expect(torch.memory('device-like').numStorages).toBe(before + 1);
    kept.dispose();
    expect(torch.memory('device-like').numStorages).toBe(before);
  });

  it('keeps one device constant per scalar value and dtype, outside tidy scopes', async () => {
    const x = torch.ones(3, { device: 'device-like' });
    torch.tidy(() => x.mul(7.5)).dispose();
    const before = torch.memory('device-like').numStorages;
    const y = torch.tidy(() => x.mul(7.5).add(x.mul(7.5)));
    expect(torch.memory('device-like').numStorages).toBe(before + 1); // y only: 7.5 was made once, before
    expect(Array.from((await y.data()) as Float32Array)).toEqual([15, 15, 15]);
    y.dispose();
    const z = torch.tidy(() => x.mul(-7.5));
    expect(torch.memory('device-like').numStorages).toBe(before + 2); // z and the new constant -7.5
    z.dispose();
    x.dispose();
  });

  it('leaves host memory to the garbage collector and says so', () => {
    torch.zeros(10);
    expect(torch.memory('cpu')).toEqual({ tracked: false, numStorages: 0, bytes: 0, pooledBytes: 0 });
  });

  it('refuses to use a disposed tensor', () => {
    const t = torch.ones(2, { device: 'device-like' });
    t.dispose();
    expect(() => t.add(1)).toThrow("[tensor] this tensor's memory was disposed");
  });
});
