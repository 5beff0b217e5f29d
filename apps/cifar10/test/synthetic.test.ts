import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { DataLoader, TensorDataset } from '@typetorch/data';
import { accuracy, evaluate } from '../src/evaluate.js';
import { Net } from '../src/net.js';
import { collectingReporter } from '../src/progress.js';
import { makeSyntheticSplit, SYNTHETIC_CLASSES } from '../src/synthetic.js';
import { train, type Batches } from '../src/train.js';

describe('synthetic dataset', () => {
  it('is deterministic in the seed, balanced, and in [0, 1]', async () => {
    const a = makeSyntheticSplit(50, 3), b = makeSyntheticSplit(50, 3), c = makeSyntheticSplit(50, 4);
    expect(a.images.shape).toEqual([50, 3, 32, 32]);
    expect(a.labels.dtype).toBe('int64');
    expect(await a.images.eq(b.images).all().item()).toBe(true);
    expect(await a.images.eq(c.images).all().item()).toBe(false);
    expect(await a.images.min().item()).toBeGreaterThanOrEqual(0);
    expect(await a.images.max().item()).toBeLessThanOrEqual(1);
    const counts = new Array(10).fill(0);
    for (const label of (await a.labels.tolist()) as number[]) counts[label] += 1;
    expect(counts).toEqual(new Array(10).fill(5));
    expect(SYNTHETIC_CLASSES).toHaveLength(10);
  });

  it('is learnable: the tutorial Net reaches at least 90% test accuracy after one short epoch', async () => {
    torch.manualSeed(0);
    const loader = (n: number, seed: number, shuffle: boolean) => {
      const split = makeSyntheticSplit(n, seed);
      const dataset = new TensorDataset(split.images.sub(0.5).div(0.5), split.labels);
      return new DataLoader(dataset, { batchSize: 8, shuffle }) as unknown as Batches;
    };
    const net = new Net();
    const reporter = collectingReporter();
    const result = await train(net, loader(3000, 1, true), { epochs: 1, lr: 0.01, momentum: 0.9, logEvery: 125 }, reporter);
    const evaluation = await evaluate(net, loader(1000, 2, false), 10);
    console.log(`synthetic: ${accuracy(evaluation).toFixed(1)} % test accuracy after ${result.seconds.toFixed(1)} s of training`);
    expect(reporter.lines).toHaveLength(3);
    expect(reporter.lines[0]).toMatch(/^\[1, {3}125\] loss: \d\.\d{3}$/);
    expect(evaluation.total).toBe(1000);
    expect(accuracy(evaluation)).toBeGreaterThanOrEqual(90);
  }, 120_000);
});
