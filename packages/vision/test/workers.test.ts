// Vision datasets in DataLoader worker threads: each worker loads the dataset from the same root
// with transforms rebuilt from their specs; the batches match the main thread's, random transforms
// follow the per-worker seeds, and a transform that cannot travel is named in the error.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import * as vision from '@typetorch/vision';
import { DataLoader, activeWorkerCount } from '@typetorch/data';
import { CIFAR_ROOT, WORKER_IMPORTS, fixturePixel } from './helpers.js';

const { transforms } = vision;
type Batch = [torch.Tensor, torch.Tensor];

/** Every batch of one pass as plain arrays: images [B, 3, 32, 32] and labels. */
async function collect(loader: AsyncIterable<unknown>): Promise<{ images: number[][][][]; labels: number[] }[]> {
  const out = [];
  for await (const batch of loader) {
    const [x, y] = batch as Batch;
    out.push({ images: x.tolistSync() as number[][][][], labels: y.tolistSync() as number[] });
  }
  return out;
}

/** Which fixture image (0..9 in the training split) an image is, from its top-left red pixel. */
function imageIndexOf(redTopLeft: number): number {
  const g = Array.from({ length: 10 }, (_, k) => k).find((k) => fixturePixel(k, 0, 0, 0) === redTopLeft);
  if (g === undefined) throw new Error(`no fixture image has pixel ${redTopLeft}`);
  return g;
}

/** Whether `img` ([3, 32, 32] in [0, 1]) is a 32×32 window of image g padded by 4 with zeros, mirrored or not. */
function isPaddedWindow(img: number[][][], g: number): boolean {
  const padded = (c: number, y: number, x: number) =>
    y < 4 || y >= 36 || x < 4 || x >= 36 ? 0 : fixturePixel(g, c, y - 4, x - 4);
  for (let top = 0; top <= 8; top++) {
    for (let left = 0; left <= 8; left++) {
      for (const flip of [false, true]) {
        let same = true;
        for (let c = 0; c < 3 && same; c++) {
          for (let y = 0; y < 32 && same; y++) {
            for (let x = 0; x < 32 && same; x++) {
              same = Math.round(img[c][y][x] * 255) === padded(c, top + y, left + (flip ? 31 - x : x));
            }
          }
        }
        if (same) return true;
      }
    }
  }
  return false;
}

describe('vision datasets in DataLoader workers', () => {
  it('gives the same CIFAR10 batches (ToTensor + Normalize) with numWorkers 2 as with 0, seeded shuffle', async () => {
    const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);
    const trainset = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, transform, checkIntegrity: false });
    const make = (numWorkers: number) => new DataLoader(trainset, {
      batchSize: 3, shuffle: true, generator: new torch.Generator().manualSeed(5), numWorkers, workerImports: WORKER_IMPORTS,
    });
    const main = await collect(make(0));
    const workers = await collect(make(2));
    expect(workers).toEqual(main);
    expect(main.map((b) => b.labels.length)).toEqual([3, 3, 3, 1]);
    // Every image is fixture image g normalised: (pixel / 255 - 0.5) / 0.5, with g's label.
    const seen: number[] = [];
    for (const { images, labels } of main) {
      images.forEach((img, k) => {
        const g = imageIndexOf(Math.round((img[0][0][0] * 0.5 + 0.5) * 255));
        seen.push(g);
        expect(labels[k]).toBe(trainset.targets[g]);
        for (const [c, y, x] of [[0, 0, 0], [1, 5, 7], [2, 31, 31], [2, 16, 3]]) {
          expect(img[c][y][x]).toBeCloseTo((fixturePixel(g, c, y, x) / 255 - 0.5) / 0.5, 6);
        }
      });
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // shuffled
    expect(activeWorkerCount()).toBe(0);
  });

  it('makes RandomCrop + RandomHorizontalFlip reproducible across worker runs from the loader seed', async () => {
    const generator = new torch.Generator().manualSeed(1);
    const transform = new transforms.Compose([
      new transforms.RandomCrop(32, { padding: 4, generator }),
      new transforms.RandomHorizontalFlip(0.5, { generator }),
      new transforms.ToTensor(),
    ]);
    const trainset = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, transform, checkIntegrity: false });
    const run = (seed: number) => collect(new DataLoader(trainset, {
      batchSize: 2, generator: new torch.Generator().manualSeed(seed), numWorkers: 2, workerImports: WORKER_IMPORTS,
    }));
    const first = await run(7);
    const second = await run(7);
    const other = await run(8);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    const images = first.flatMap((b) => b.images);
    expect(images).toHaveLength(10);
    // Each output is a real window of its padded (maybe mirrored) image, and not all are the plain image.
    images.forEach((img, g) => expect(isPaddedWindow(img, g)).toBe(true));
    const untouched = images.filter((img, g) => img[0].every((row, y) => row.every((v, x) => Math.round(v * 255) === fixturePixel(g, 0, y, x))));
    expect(untouched.length).toBeLessThan(10);
  });

  it('describes a dataset as plain data that never downloads', async () => {
    const transform = new transforms.Compose([new transforms.CenterCrop(28), new transforms.Resize([16, 20]), new transforms.ConvertImageDtype('float32')]);
    const trainset = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, train: false, transform, checkIntegrity: false, format: 'binary' });
    const spec = trainset.workerSpec() as { module: string; export: string; method: string; args: [Record<string, unknown>] };
    expect(structuredClone(spec)).toEqual(spec);
    expect([spec.export, spec.method, spec.module.endsWith('/cifar.ts') || spec.module.endsWith('/cifar.js')]).toEqual(['CIFAR10', 'load', true]);
    expect(spec.args[0]).toMatchObject({ root: CIFAR_ROOT, train: false, download: false, checkIntegrity: false, format: 'binary' });
    const composed = spec.args[0].transform as { __typetorchWorkerObject: { export: string; args: [{ __typetorchWorkerObject: { export: string; args: unknown[] } }[]] } };
    expect(composed.__typetorchWorkerObject.export).toBe('Compose');
    expect(composed.__typetorchWorkerObject.args[0].map((t) => [t.__typetorchWorkerObject.export, t.__typetorchWorkerObject.args]))
      .toEqual([['CenterCrop', [[28, 28]]], ['Resize', [[16, 20]]], ['ConvertImageDtype', ['float32']]]);
    expect(trainset.workerSpecProblem()).toBeUndefined();
    // The worker's copy gives the same (resized) images.
    const main = await collect(new DataLoader(trainset, { batchSize: 4 }));
    const workers = await collect(new DataLoader(trainset, { batchSize: 4, numWorkers: 1, workerImports: WORKER_IMPORTS }));
    expect(workers).toEqual(main);
    expect([main[0].images.length, main[0].images[0].length, main[0].images[0][0].length, main[0].images[0][0][0].length]).toEqual([4, 16, 20, 3]); // raw HWC images, resized
  });

  it('names the Lambda (or function) transform that keeps a dataset out of workers', async () => {
    const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Lambda((x: torch.Tensor) => x.mul(2))]);
    const trainset = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, transform, checkIntegrity: false });
    expect(trainset.workerSpec()).toBeUndefined();
    const loader = new DataLoader(trainset, { batchSize: 2, numWorkers: 2 });
    await expect(collect(loader)).rejects.toThrow(
      '[DataLoader] numWorkers: 2 needs a dataset that worker threads can build: CIFAR10 cannot be rebuilt in a worker because ' +
        'its transform Compose[1] is a Lambda, whose function cannot be sent to a worker thread',
    );
    function double(y: number): number {
      return 2 * y;
    }
    const labelled = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, targetTransform: double, checkIntegrity: false });
    expect(labelled.workerSpecProblem()).toBe(
      'its targetTransform is the function double, and a function cannot be sent to a worker thread ' +
        '(use the built-in transforms, or a Transform subclass with workerSpec())',
    );
    expect(activeWorkerCount()).toBe(0);
  });
});
