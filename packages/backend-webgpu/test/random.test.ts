/**
 * The uniform kernel on WebGPU: the same Philox stream as the CPU backend, bit for bit, for the same
 * seed (through torch.manualSeed / generators) and for counters past 2^32 (the high counter word).
 */
import * as torch from 'typetorch';
import { describe, expect, it } from 'vitest';
import { gpu } from './gpu.js';

const backend = await gpu();

type Tensor = torch.Tensor;

/** The float32 bit patterns of a tensor, for exact comparisons. */
async function bits(t: Tensor): Promise<number[]> {
  return Array.from(new Uint32Array((await floats(t)).slice().buffer));
}

/** A float32 tensor's values. */
async function floats(t: Tensor): Promise<Float32Array> {
  const data = await t.data();
  expect(data).toBeInstanceOf(Float32Array);
  return data as Float32Array;
}

/** Draws with `draw` on cpu and on webgpu from the same generator state and expects equal bits. */
async function sameStream(draw: (device: string) => Tensor): Promise<Tensor> {
  const state = torch.getRngState();
  const want = draw('cpu');
  const after = torch.getRngState();
  torch.setRngState(state);
  const got = draw('webgpu');
  expect(got.device).toBe('webgpu');
  expect(torch.getRngState()).toEqual(after); // both devices advance the counter alike
  expect(got.shape).toEqual(want.shape);
  expect(await bits(got)).toEqual(await bits(want));
  return got;
}

describe('uniform on webgpu', () => {
  it('gives torch.rand the CPU stream bit for bit after manualSeed', async () => {
    for (const seed of [0, 42, 2 ** 40 + 12345]) {
      torch.manualSeed(seed);
      const got = await sameStream((device) => torch.rand([37, 29], { device }));
      for (const u of await floats(got)) expect(u >= 0 && u < 1).toBe(true);
      await sameStream((device) => torch.rand(5, { device })); // the next draw continues the stream
    }
    await sameStream((device) => torch.randLike(torch.empty([3, 4, 5], { device })));
    await sameStream((device) => torch.empty([6, 7], { device }).uniform_());
  });

  it('uses the same stream with an explicit generator, per seed', async () => {
    const draw = async (device: string) => bits(torch.rand([100], { device, generator: new torch.Generator().manualSeed(7) }));
    expect(await draw('webgpu')).toEqual(await draw('cpu'));
    const other = await bits(torch.rand([100], { device: 'webgpu', generator: new torch.Generator().manualSeed(8) }));
    expect(other).not.toEqual(await draw('cpu'));
  });

  it('carries the counter into its high word past 2^32', async () => {
    const generator = new torch.Generator().manualSeed(123);
    for (const counter of [2 ** 32 - 100, 2 ** 32, 3 * 2 ** 32 + 5, 2 ** 45 - 7]) {
      const draw = async (device: string) => {
        generator.setState({ seed: 123n, counter });
        return bits(torch.rand([250], { device, generator }));
      };
      const got = await draw('webgpu');
      expect(got).toEqual(await draw('cpu'));
      const expected = Array.from({ length: 250 }, (_, i) => torch.uniformAt(generator._key, counter, i, false));
      expect(Array.from(new Float32Array(new Uint32Array(got).buffer))).toEqual(expected);
    }
  });

  it('fills a strided out in row-major order of its shape', async () => {
    const base = torch.full([6, 5], -1, { device: 'webgpu' });
    const t = base.t(); // [5, 6], strides [1, 5]
    const key = [0xdeadbeef, 17] as const;
    const counter = 2 ** 32 - 13;
    backend.uniform(torch.viewOf(t), key, counter);
    const got = await floats(t.contiguous());
    expect(Array.from(got)).toEqual(Array.from({ length: 30 }, (_, i) => torch.uniformAt(key, counter, i, false)));
    // Every other column of a wider buffer: the rest stays untouched.
    const wide = torch.full([4, 6], -1, { device: 'webgpu' });
    const view = wide.index(':', '::2');
    backend.uniform(torch.viewOf(view), key, 5);
    const all = Array.from(await floats(wide));
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 6; c++) {
        expect(all[r * 6 + c]).toBe(c % 2 === 0 ? torch.uniformAt(key, 5, r * 3 + c / 2, false) : -1);
      }
    }
  });

  it('covers large draws (> 65535 workgroups) and empty ones', async () => {
    torch.manualSeed(3);
    const n = 64 * 65535 + 999;
    const got = torch.rand([n], { device: 'webgpu' });
    const data = await floats(got);
    const key = torch.defaultGenerator._key;
    for (const i of [0, 1, 65535 * 64, n - 1]) expect(data[i]).toBe(torch.uniformAt(key, 0, i, false));
    let sum = 0;
    for (const u of data) sum += u;
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(torch.rand([0, 3], { device: 'webgpu' }).shape).toEqual([0, 3]);
  });

  it('refuses a non-float32 output with a clear error', () => {
    expect(() => backend.uniform(torch.viewOf(torch.empty([2], { dtype: 'int32', device: 'webgpu' })), [1, 2], 0)).toThrow(/\[uniform\] expected a float32 output/);
  });
});

// randn, dropout and bernoulli are composites of the uniform kernel and elementwise kernels.
describe('random composites on webgpu', () => {
  it('randn matches the CPU backend for the same seed', async () => {
    torch.manualSeed(11);
    const state = torch.getRngState();
    const want = await floats(torch.randn([17, 9]));
    torch.setRngState(state);
    const got = await floats(torch.randn([17, 9], { device: 'webgpu' }));
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(want[i]!)));
  });

  it('dropout and bernoulli_ keep the same elements as on CPU', async () => {
    const x = torch.arange(1, 201, { dtype: 'float32' }).reshape([10, 20]);
    torch.manualSeed(5);
    const state = torch.getRngState();
    const want = await floats(torch.nn.functional.dropout(x, 0.3));
    torch.setRngState(state);
    const got = await floats(torch.nn.functional.dropout(x.to('webgpu'), 0.3));
    // The same elements are dropped; survivors are scaled by 1 / 0.7 (GPU division may differ by an ulp).
    for (let i = 0; i < want.length; i++) {
      expect(got[i] === 0).toBe(want[i] === 0);
      expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(want[i]!));
    }
    await sameStream((device) => torch.empty([50], { device }).bernoulli_(0.25));
  });
});
