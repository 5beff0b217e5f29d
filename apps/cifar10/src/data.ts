/**
 * Getting the data: CIFAR-10 from `--data-dir` (downloading it if allowed), or — when it is neither on
 * disk nor downloadable — the built-in synthetic set, announced in one line that says how to provide
 * CIFAR-10.
 */
import * as torch from 'typetorch';
import * as vision from '@typetorch/vision';
import { DataLoader, TensorDataset } from '@typetorch/data';
import { makeSyntheticSplit, SYNTHETIC_CLASSES } from './synthetic.js';
import type { Batches } from './train.js';
import { workerImports } from './worker-imports.js';

/** Sizes of the synthetic splits: enough for one epoch at batch 4 to pass 90% test accuracy. */
export const SYNTHETIC_TRAIN_SIZE = 10000;
export const SYNTHETIC_TEST_SIZE = 2000;

/** A dataset of (image [3, 32, 32] normalised to [-1, 1], label) pairs. */
export interface ImageDataset {
  readonly length: number;
  get(index: number): readonly [torch.Tensor, number | torch.Tensor];
}

/** The train and test sets and their loaders, and whether they are the synthetic stand-in. */
export interface LoadedData {
  synthetic: boolean;
  classes: readonly string[];
  trainset: ImageDataset;
  testset: ImageDataset;
  trainLoader: Batches;
  testLoader: Batches;
  /** The one line printed when falling back to synthetic data because CIFAR-10 is unavailable. */
  notice?: string;
}

/** How to load. `download: false` never touches the network (tests, `--synthetic`). */
export interface LoadOptions {
  dataDir: string;
  download: boolean;
  synthetic: boolean;
  batchSize: number;
  workers: number;
  seed: number;
  /** Where to download CIFAR-10 from (default: the official URL); tests point it at a closed port. */
  url?: string;
}

/** The one-line explanation printed when CIFAR-10 cannot be had. */
export function offlineNotice(dataDir: string, reason: string): string {
  const firstLine = reason.split('\n')[0].trim();
  return `[synthetic] CIFAR-10 is not in ${dataDir} and could not be downloaded (${firstLine}); ` +
    `training on a built-in SYNTHETIC 10-class dataset instead. To use CIFAR-10, put cifar-10-python.tar.gz ` +
    `(or its extracted cifar-10-batches-py/) in a folder and pass --data-dir <folder>.`;
}

/**
 * The train and test loaders. Workers building CIFAR-10 load it from `--data-dir` themselves and
 * need the imports of worker-imports.ts; the synthetic TensorDatasets are shared with the workers
 * as raw data and need none.
 */
function loaders(trainset: ImageDataset, testset: ImageDataset, options: LoadOptions, synthetic: boolean): Pick<LoadedData, 'trainLoader' | 'testLoader'> {
  const imports = options.workers > 0 && !synthetic ? { workerImports: workerImports() } : {};
  const make = (dataset: ImageDataset, shuffle: boolean) =>
    new DataLoader(dataset as never, { batchSize: options.batchSize, shuffle, numWorkers: options.workers, ...imports }) as unknown as Batches;
  return { trainLoader: make(trainset, true), testLoader: make(testset, false) };
}

/** The synthetic train/test sets (normalised like CIFAR-10's tutorial transform), generated from `seed`. */
export function syntheticData(options: LoadOptions, notice?: string): LoadedData {
  const normalise = (t: torch.Tensor) => t.sub(0.5).div(0.5); // Normalize(0.5, 0.5, 0.5) after ToTensor
  const train = makeSyntheticSplit(SYNTHETIC_TRAIN_SIZE, options.seed * 2 + 1);
  const test = makeSyntheticSplit(SYNTHETIC_TEST_SIZE, options.seed * 2 + 2);
  const trainset = new TensorDataset(normalise(train.images), train.labels) as unknown as ImageDataset;
  const testset = new TensorDataset(normalise(test.images), test.labels) as unknown as ImageDataset;
  return { synthetic: true, classes: SYNTHETIC_CLASSES, trainset, testset, ...loaders(trainset, testset, options, true), notice };
}

/** CIFAR-10 with the tutorial's transform, or the synthetic fallback (with its notice) when it cannot be loaded. */
export async function loadData(options: LoadOptions): Promise<LoadedData> {
  if (options.synthetic) return syntheticData(options);
  const { transforms } = vision;
  const transform = new transforms.Compose([
    new transforms.ToTensor(),
    new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
  ]);
  let trainset, testset;
  try {
    const common = { root: options.dataDir, download: options.download, transform, url: options.url };
    trainset = await vision.datasets.CIFAR10.load({ ...common, train: true });
    testset = await vision.datasets.CIFAR10.load({ ...common, train: false });
  } catch (error) {
    return syntheticData(options, offlineNotice(options.dataDir, (error as Error).message ?? String(error)));
  }
  const train = trainset as unknown as ImageDataset, test = testset as unknown as ImageDataset;
  return { synthetic: false, classes: trainset.classes, trainset: train, testset: test, ...loaders(train, test, options, false) };
}
