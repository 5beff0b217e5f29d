// Runs in headless Chromium (tools/browser's runInBrowser, from ../web-workers-browser.test.ts):
// the DataLoader's Web Worker path with real module Web Workers from a Blob URL. Publishes plain
// values; the Node test asserts them.
import * as torch from 'typetorch';
import { DataLoader, TensorDataset, activeWorkerCount } from '@typetorch/data';
import { importModule, runPage } from '../../../../tools/browser/src/page.js';
import type * as Datasets from './web-workers.dataset.js';

/** What this page publishes. */
export interface WebWorkersPageResult {
  /** Facts about the page: no Node `process`, whether `Worker` is the browser's. */
  env: { hasProcess: boolean; nativeWorker: boolean };
  /** Every batch of the seeded, shuffled BusyDataset loader, without workers and with 2. */
  busy: { main: unknown[]; workers: unknown[] };
  /** A TensorDataset (tensors sent in the start message), without workers and with 2. */
  tensors: { main: unknown[]; workers: unknown[] };
  /** WhereDataset's batches with 2 workers. */
  where: unknown[];
  /** A `get` that throws inside a worker. */
  failure: { message: string | null; causeStack: string | null; batchesBefore: unknown[]; activeAfter: number };
  /** Breaking off a `for await` loop, and `return()` on an iterator. */
  breakOff: { batches: number; activeDuring: number; activeAfterBreak: number; activeAfterReturn: number };
  /** Workers constructed and terminated over the whole page, counted around the real `Worker`. */
  workers: { created: number; terminated: number };
}

// Counts the Web Workers the DataLoader starts and stops, while still starting real ones.
const counts = { created: 0, terminated: 0 };
const NativeWorker = globalThis.Worker;
globalThis.Worker = class CountingWorker extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    counts.created++;
  }

  override terminate(): void {
    counts.terminated++;
    super.terminate();
  }
};

/** A collated batch as plain data: tensors become `{ dtype, shape, values }`. */
function plain(v: unknown): unknown {
  if (v instanceof torch.Tensor) return { dtype: v.dtype, shape: [...v.shape], values: v.tolistSync() };
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

async function collect(loader: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const batch of loader) out.push(plain(batch));
  return out;
}

runPage(async (): Promise<WebWorkersPageResult> => {
  const { BusyDataset, FailingDataset, WhereDataset } = await importModule<typeof Datasets>('dataset');
  // The workers' imports come from the dataset module itself (it bundles typetorch): none extra.
  const workerImports: string[] = [];

  const busy = new BusyDataset(22, 20_000);
  const seeded = (numWorkers: number) => new DataLoader(busy, {
    batchSize: 4, shuffle: true, generator: new torch.Generator().manualSeed(7), numWorkers, workerImports,
  });
  const busyMain = await collect(seeded(0));
  const busyWorkers = await collect(seeded(2));

  const x = torch.arange(24, { dtype: 'float32' }).reshape([8, 3]);
  const y = torch.arange(8).mul(10);
  const tensorData = new TensorDataset(x, y);
  const tensorsMain = await collect(new DataLoader(tensorData, { batchSize: 3 }));
  const tensorsWorkers = await collect(new DataLoader(tensorData, { batchSize: 3, numWorkers: 2, workerImports }));

  const where = await collect(new DataLoader(new WhereDataset(), { batchSize: 2, numWorkers: 2, workerImports }));

  const batchesBefore: unknown[] = [];
  let failure: Error | undefined;
  try {
    for await (const batch of new DataLoader(new FailingDataset(12, 9), { batchSize: 2, numWorkers: 2, workerImports })) {
      batchesBefore.push(plain(batch));
    }
  } catch (error) {
    failure = error as Error;
  }
  const activeAfterFailure = activeWorkerCount();

  const long = new DataLoader(new BusyDataset(200, 1000), { batchSize: 2, numWorkers: 2, workerImports });
  let batches = 0;
  let activeDuring = -1;
  for await (const _batch of long) {
    activeDuring = activeWorkerCount();
    if (++batches === 3) break;
  }
  const activeAfterBreak = activeWorkerCount();
  const iterator = long[Symbol.asyncIterator]();
  await iterator.next();
  await iterator.return?.(undefined);
  const activeAfterReturn = activeWorkerCount();

  return {
    env: {
      hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
      nativeWorker: /\[native code\]/.test(Function.prototype.toString.call(NativeWorker)),
    },
    busy: { main: busyMain, workers: busyWorkers },
    tensors: { main: tensorsMain, workers: tensorsWorkers },
    where,
    failure: {
      message: failure?.message ?? null,
      causeStack: failure?.cause instanceof Error ? failure.cause.stack ?? null : null,
      batchesBefore,
      activeAfter: activeAfterFailure,
    },
    breakOff: { batches, activeDuring, activeAfterBreak, activeAfterReturn },
    workers: { ...counts },
  };
});
