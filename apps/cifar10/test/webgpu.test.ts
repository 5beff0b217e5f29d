// `--device webgpu`: the app's training and evaluation on the GPU (SwiftShader in CI) follow the
// CPU's step for step on the synthetic set, and a checkpoint saved from the GPU reads back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { DataLoader, TensorDataset } from '@typetorch/data';
import { prepareDevice } from '../src/device.js';
import { evaluate } from '../src/evaluate.js';
import { Net } from '../src/net.js';
import { collectingReporter } from '../src/progress.js';
import { makeSyntheticSplit } from '../src/synthetic.js';
import { train, type Batches } from '../src/train.js';

const loader = (n: number, seed: number) => {
  const split = makeSyntheticSplit(n, seed);
  return new DataLoader(new TensorDataset(split.images.sub(0.5).div(0.5), split.labels), { batchSize: 8 }) as unknown as Batches;
};

describe('the app on --device webgpu', () => {
  it('makes the webgpu device available', async () => {
    const note = await prepareDevice('webgpu');
    expect(note).toBeUndefined(); // the test environment already points Vulkan at a driver
    expect(torch.hasBackend('webgpu')).toBe(true);
    await expect(prepareDevice('tpu')).rejects.toThrow(/^--device tpu: expected cpu or webgpu$/);
  });

  it('trains and evaluates like the CPU, and saves a checkpoint that loads', async () => {
    await prepareDevice('webgpu');
    torch.manualSeed(3);
    const cpuNet = new Net();
    const gpuNet = new Net();
    gpuNet.loadStateDict(cpuNet.stateDict());
    gpuNet.to('webgpu');
    const options = { epochs: 1, lr: 0.01, momentum: 0.9, logEvery: 10, pointsPerEpoch: 20 };
    const cpu = await train(cpuNet, loader(160, 1), options, collectingReporter());
    const gpu = await train(gpuNet, loader(160, 1), { ...options, device: 'webgpu' }, collectingReporter());
    expect(gpu.losses.map((p) => p.step)).toEqual(cpu.losses.map((p) => p.step));
    gpu.losses.forEach((p, i) => expect(Math.abs(p.loss - cpu.losses[i]!.loss) / cpu.losses[i]!.loss).toBeLessThan(1e-3));
    const cpuEval = await evaluate(cpuNet, loader(80, 2), 10);
    const gpuEval = await evaluate(gpuNet, loader(80, 2), 10, 32, 'webgpu');
    expect(gpuEval.total).toBe(80);
    expect(gpuEval.predictions).toEqual(cpuEval.predictions);
    const dir = mkdtempSync(join(tmpdir(), 'cifar10-webgpu-'));
    try {
      await torch.save(gpuNet.stateDict(), join(dir, 'net.pt'));
      const back = new Net();
      back.loadStateDict(await torch.load(join(dir, 'net.pt')));
      const saved = (await gpuNet.fc3.weight.data()) as Float32Array;
      expect(Array.from(back.fc3.weight.dataSync() as Float32Array)).toEqual(Array.from(saved));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
