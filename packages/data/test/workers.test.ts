// DataLoader worker threads: same batches as the main thread, errors with the sample index,
// workers stopped when iteration ends or is broken off.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { DataLoader, TensorDataset, Subset, ConcatDataset, activeWorkerCount, getWorkerInfo, type WorkerDatasetSpec } from '@typetorch/data';
// @ts-expect-error -- a plain JavaScript fixture (workers import it without TypeScript)
import { NoisyDataset, FailingDataset } from './fixtures/datasets.mjs';

const fixtures = new URL('./fixtures/datasets.mjs', import.meta.url).href;
const spec = (exportName: string, args: unknown[]): WorkerDatasetSpec => ({ module: fixtures, export: exportName, args });

/** Every batch of one pass as plain data. */
async function collect(loader: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  const plain = (v: unknown): unknown => v instanceof torch.Tensor ? { dtype: v.dtype, shape: [...v.shape], values: v.tolistSync() }
    : Array.isArray(v) ? v.map(plain)
    : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
    : v;
  for await (const batch of loader) out.push(plain(batch));
  return out;
}

async function waitForWorkers(count: number): Promise<void> {
  for (let k = 0; k < 100 && activeWorkerCount() !== count; k++) await new Promise((r) => setTimeout(r, 20));
}

describe('DataLoader with numWorkers > 0', () => {
  it('gives the same batches with numWorkers 2 as with 0 (seeded shuffle, per-index sample randomness)', async () => {
    const ds = new NoisyDataset(37, 5);
    const make = (numWorkers: number) => new DataLoader(ds, {
      batchSize: 5, shuffle: true, generator: new torch.Generator().manualSeed(11), numWorkers, workerDataset: spec('NoisyDataset', [37, 5]),
    });
    const main = await collect(make(0));
    const workers = await collect(make(2));
    expect(main).toHaveLength(8);
    expect(workers).toEqual(main);
    const [x, label, record] = main[0] as [{ shape: number[]; dtype: string }, { dtype: string }, { id: { dtype: string }; name: string[]; even: { dtype: string } }];
    expect(x).toMatchObject({ shape: [5, 3], dtype: 'float32' });
    expect(label.dtype).toBe('int64');
    expect(record.id.dtype).toBe('int64');
    expect(record.name).toHaveLength(5);
    expect(record.even).toMatchObject({ dtype: 'bool', shape: [5] });
    expect(activeWorkerCount()).toBe(0);
  });

  it('runs TensorDataset, Subset and ConcatDataset in workers without a module (data shared with the workers)', async () => {
    const x = torch.arange(60, { dtype: 'float32' }).reshape([20, 3]);
    const y = torch.arange(20).mul(10);
    const flags = torch.arange(20).remainder(2).eq(0);
    const ds = new ConcatDataset([new TensorDataset(x, y, flags), new Subset(new TensorDataset(x, y, flags), [19, 0, 5])]);
    const main = await collect(new DataLoader(ds, { batchSize: 4 }));
    const workers = await collect(new DataLoader(ds, { batchSize: 4, numWorkers: 3, prefetchFactor: 1 }));
    expect(workers).toEqual(main);
    expect(main).toHaveLength(6);
    expect((main[5] as { values: unknown }[])[1].values).toEqual([190, 0, 50]);
    expect((main[5] as { dtype: string }[])[2].dtype).toBe('bool');
  });

  it('spreads batches over the workers round-robin and gives each its seed', async () => {
    const loader = new DataLoader(new NoisyDataset(8, 1), {
      batchSize: 2, numWorkers: 2, generator: new torch.Generator().manualSeed(3), workerDataset: spec('WhoDataset', []),
      collateFn: (b) => b,
    });
    const batches = (await collect(loader)) as { index: number; worker: number; seed: number }[][];
    expect(batches.map((b) => b.map((s) => s.index))).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]]);
    expect(batches.map((b) => b[0].worker)).toEqual([0, 1, 0, 1]);
    expect(batches[1][0].seed - batches[0][0].seed).toBe(1);
    expect(getWorkerInfo()).toBeNull();
  });

  it('throws a worker error in the iterating code with the sample index, and stops the workers', async () => {
    const loader = new DataLoader(new FailingDataset(20, 13), { batchSize: 4, numWorkers: 2, workerDataset: spec('FailingDataset', [20, 13]) });
    const got: number[][] = [];
    let error: Error | undefined;
    try {
      for await (const b of loader) got.push((b as torch.Tensor).tolistSync() as number[]);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^\[DataLoader\] worker 1 failed on sample index 13: sample 13 is corrupt$/);
    expect((error?.cause as Error).stack).toContain('FailingDataset');
    expect(got).toEqual([[[0], [1], [2], [3]], [[4], [5], [6], [7]], [[8], [9], [10], [11]]]);
    await waitForWorkers(0);
    expect(activeWorkerCount()).toBe(0);
  });

  it('stops the worker threads when the loop is broken off', async () => {
    const loader = new DataLoader(new NoisyDataset(100, 2), { batchSize: 2, numWorkers: 2, workerDataset: spec('NoisyDataset', [100, 2]) });
    let batches = 0;
    for await (const batch of loader) {
      expect(activeWorkerCount()).toBe(2);
      expect((batch as torch.Tensor[])[0].shape[0]).toBe(2);
      if (++batches === 3) break;
    }
    expect(batches).toBe(3);
    expect(activeWorkerCount()).toBe(0);
  });

  it('stops the workers when return() is called on the iterator directly', async () => {
    const it = new DataLoader(new NoisyDataset(10, 2), { numWorkers: 2, workerDataset: spec('NoisyDataset', [10, 2]) })[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(activeWorkerCount()).toBe(2);
    expect(await it.return(undefined)).toEqual({ done: true, value: undefined });
    expect(activeWorkerCount()).toBe(0);
  });

  it('keeps persistent workers between passes, gives the same batches, and stops them on close()', async () => {
    const make = (numWorkers: number) => new DataLoader(new NoisyDataset(12, 3), {
      batchSize: 4, shuffle: true, generator: new torch.Generator().manualSeed(8), numWorkers,
      persistentWorkers: numWorkers > 0, workerDataset: spec('NoisyDataset', [12, 3]),
    });
    const main = make(0);
    const kept = make(2);
    const expected = [await collect(main), await collect(main)];
    expect(expected[1]).not.toEqual(expected[0]);
    expect(await collect(kept)).toEqual(expected[0]);
    expect(activeWorkerCount()).toBe(2);
    for await (const batch of kept) {
      expect((batch as torch.Tensor[])[0].shape[0]).toBe(4);
      break; // broken off: the threads stay for the next pass
    }
    expect(activeWorkerCount()).toBe(2);
    await kept.close();
    expect(activeWorkerCount()).toBe(0);
    expect(() => new DataLoader(new NoisyDataset(2, 0), { persistentWorkers: true })).toThrow(
      '[DataLoader] persistentWorkers option needs numWorkers > 0',
    );
  });

  it('explains when a worker cannot build the dataset', async () => {
    const bad = new DataLoader(new NoisyDataset(4, 0), { numWorkers: 1, workerDataset: spec('NoSuchDataset', []) });
    await expect(collect(bad)).rejects.toThrow(/^\[DataLoader\] worker 0 could not build the dataset \(NoisyDataset\): module .*datasets\.mjs has no export "NoSuchDataset"/);
    const noSpec = new DataLoader(new NoisyDataset(4, 0), { numWorkers: 1 });
    await expect(collect(noSpec)).rejects.toThrow(/^\[DataLoader\] numWorkers: 1 needs a dataset that worker threads can build: pass the workerDataset option/);
    await waitForWorkers(0);
    expect(activeWorkerCount()).toBe(0);
  });
});
