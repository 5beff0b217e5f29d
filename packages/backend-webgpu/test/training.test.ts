// Training on the GPU: the tutorial Net trained on webgpu follows the CPU step for step, and a long
// run keeps device memory flat (no leaked storages, no growing pool).
import * as torch from 'typetorch';
import { Net } from './tutorial-net.js';
import { describe, expect, it } from 'vitest';
import { gpu } from './gpu.js';

await gpu();

const { nn, optim } = torch;


/** A fixed stream of learnable batches: the class decides the mean colour of the image. */
function makeBatches(count: number, batchSize: number, seed: number): [torch.Tensor, torch.Tensor][] {
  const g = new torch.Generator().manualSeed(seed);
  const batches: [torch.Tensor, torch.Tensor][] = [];
  for (let i = 0; i < count; i++) {
    const labels = torch.randint(0, 10, [batchSize], { generator: g });
    const shift = labels.to('float32').div(10).sub(0.45).reshape(batchSize, 1, 1, 1);
    const images = torch.randn([batchSize, 3, 32, 32], { generator: g }).mul(0.5).add(shift);
    batches.push([images, labels]);
  }
  return batches;
}

/** One SGD step of the tutorial; returns the loss tensor (on the net's device). */
function step(net: Net, optimizer: torch.optim.SGD, criterion: torch.nn.CrossEntropyLoss, images: torch.Tensor, labels: torch.Tensor): torch.Tensor {
  optimizer.zeroGrad();
  const loss = criterion.call(net.call(images), labels);
  loss.backward();
  optimizer.step();
  return loss;
}

describe('the tutorial Net on webgpu', () => {
  it('trains 200 steps from the same weights and batches as on the CPU, losses equal within 1e-3 relative', async () => {
    torch.manualSeed(0);
    const cpuNet = new Net();
    const gpuNet = new Net();
    gpuNet.loadStateDict(cpuNet.stateDict());
    gpuNet.to('webgpu');
    expect(gpuNet.conv1.weight.device).toBe('webgpu');
    const criterion = new nn.CrossEntropyLoss();
    const cpuOpt = new optim.SGD(cpuNet.parameters(), { lr: 0.01, momentum: 0.9 });
    const gpuOpt = new optim.SGD(gpuNet.parameters(), { lr: 0.01, momentum: 0.9 });
    const batches = makeBatches(200, 4, 1);
    const cpuLosses: number[] = [];
    const gpuLosses: torch.Tensor[] = [];
    for (const [images, labels] of batches) {
      cpuLosses.push(Number(step(cpuNet, cpuOpt, criterion, images, labels).itemSync()));
      gpuLosses.push(step(gpuNet, gpuOpt, criterion, images.to('webgpu'), labels.to('webgpu')).detach());
    }
    const gpuValues = Array.from((await torch.stack(gpuLosses).data()) as Float32Array);
    const worst = Math.max(...gpuValues.map((v, i) => Math.abs(v - cpuLosses[i]!) / Math.abs(cpuLosses[i]!)));
    expect(worst).toBeLessThan(1e-3);
    // It learned: the last losses are well below the first (ln 10 = 2.30 at chance).
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(gpuValues.slice(-20))).toBeLessThan(0.8 * mean(gpuValues.slice(0, 20)));
    // And the weights agree after 200 steps.
    await gpuNet.toAsync('cpu');
    const a = gpuNet.fc3.weight.dataSync() as Float32Array;
    const b = cpuNet.fc3.weight.dataSync() as Float32Array;
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-3);
  }, 300_000);

  // Batch 1 keeps 1000 steps affordable on SwiftShader; a step allocates the same tensors at any batch size.
  it('keeps live storages and pool bytes flat over 1000 training steps', async () => {
    torch.manualSeed(1);
    const net = new Net().to('webgpu');
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
    const batches = makeBatches(8, 1, 2).map(([x, y]) => [x.to('webgpu'), y.to('webgpu')] as const);
    const samples: { storages: number; bytes: number; pooled: number }[] = [];
    for (let i = 1; i <= 1000; i++) {
      const [images, labels] = batches[i % batches.length]!;
      const loss = torch.tidy(() => step(net, optimizer, criterion, images, labels).detach());
      if (i % 100 === 0) {
        await loss.item(); // let the GPU catch up, as a training loop that logs does
        const m = torch.memory('webgpu');
        samples.push({ storages: m.numStorages, bytes: m.bytes, pooled: m.pooledBytes });
      }
      loss.dispose();
    }
    const [first] = samples;
    for (const s of samples) {
      expect(s.storages).toBe(first!.storages);
      expect(s.bytes).toBe(first!.bytes);
      expect(s.pooled).toBeLessThanOrEqual(first!.pooled * 1.05 + (1 << 20));
    }
    expect(samples).toHaveLength(10);
  }, 600_000);
});
