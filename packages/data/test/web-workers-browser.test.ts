// The DataLoader's Web Worker path in a real browser: headless Chromium (tools/browser's harness)
// runs browser/web-workers.page.ts, whose DataLoaders start real module Web Workers from a Blob
// URL, and the workers import the dataset module (browser/web-workers.dataset.ts) over http.
// web-workers.test.ts covers the same path in Node with a stand-in Worker.
import { beforeAll, describe, expect, it } from 'vitest';
import { runInBrowser } from '../../../tools/browser/src/index.js';
import type { WebWorkersPageResult } from './browser/web-workers.page.js';

let page: WebWorkersPageResult;

beforeAll(async () => {
  page = await runInBrowser<WebWorkersPageResult>({
    entry: new URL('./browser/web-workers.page.ts', import.meta.url),
    modules: { dataset: new URL('./browser/web-workers.dataset.ts', import.meta.url) },
    timeoutMs: 15_000,
  });
}, 30_000);

type Batch = { dtype: string; shape: number[]; values: unknown }[];

describe('DataLoader with Web Workers in headless Chromium', () => {
  it('runs in a browser page with the browser\'s own Worker', () => {
    expect(page.env).toEqual({ hasProcess: false, nativeWorker: true });
  });

  it('gives the same seeded, shuffled batches with numWorkers 2 as with 0', () => {
    const { main, workers } = page.busy;
    expect(main).toHaveLength(6);
    expect(workers).toEqual(main);
    const first = main[0] as Batch;
    expect(first.map((t) => [t.dtype, t.shape])).toEqual([['float32', [4, 3]], ['float64', [4, 2]], ['int64', [4]]]);
    // Shuffled: the 22 indices each once, not in order.
    const indices = (main as Batch[]).flatMap((b) => (b[1].values as number[][]).map((row) => row[0]));
    expect([...indices].sort((a, b) => a - b)).toEqual(Array.from({ length: 22 }, (_, i) => i));
    expect(indices).not.toEqual(Array.from({ length: 22 }, (_, i) => i));
    // The arithmetic of get(i) done in the page and in the workers agrees with Node's.
    const work = (i: number) => {
      let acc = 0;
      for (let k = 1; k <= 20_000; k++) acc = (acc * 31 + i * k) % 1_000_003;
      return acc;
    };
    expect((first[1].values as number[][]).map(([i, acc]) => acc === work(i))).toEqual([true, true, true, true]);
    expect(first[2].values).toEqual((first[1].values as number[][]).map(([i]) => i % 3));
  });

  it('sends a TensorDataset\'s tensors to the workers and keeps the order', () => {
    expect(page.tensors.workers).toEqual(page.tensors.main);
    expect(page.tensors.main).toEqual([
      [{ dtype: 'float32', shape: [3, 3], values: [[0, 1, 2], [3, 4, 5], [6, 7, 8]] }, { dtype: 'int64', shape: [3], values: [0, 10, 20] }],
      [{ dtype: 'float32', shape: [3, 3], values: [[9, 10, 11], [12, 13, 14], [15, 16, 17]] }, { dtype: 'int64', shape: [3], values: [30, 40, 50] }],
      [{ dtype: 'float32', shape: [2, 3], values: [[18, 19, 20], [21, 22, 23]] }, { dtype: 'int64', shape: [2], values: [60, 70] }],
    ]);
  });

  it('builds the samples inside Web Workers, batches dealt round-robin', () => {
    const rows = (page.where as { index: { values: number[] }; worker: { values: number[] }; inWorkerScope: { values: boolean[] } }[])
      .map((b) => ({ index: b.index.values, worker: b.worker.values, inWorkerScope: b.inWorkerScope.values }));
    expect(rows).toEqual([
      { index: [0, 1], worker: [0, 0], inWorkerScope: [true, true] },
      { index: [2, 3], worker: [1, 1], inWorkerScope: [true, true] },
      { index: [4, 5], worker: [0, 0], inWorkerScope: [true, true] },
      { index: [6, 7], worker: [1, 1], inWorkerScope: [true, true] },
    ]);
  });

  it('reports an error thrown by get() in a worker with the sample index, and stops the workers', () => {
    expect(page.failure.message).toBe('[DataLoader] worker 0 failed on sample index 9: sample 9 is corrupt');
    expect(page.failure.causeStack).toContain('FailingDataset');
    // torch.tensor([i]) of a JavaScript number is float32 (API.md).
    expect(page.failure.batchesBefore).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]].map((values) => ({ dtype: 'float32', shape: [2, 1], values: values.map((v) => [v]) })));
    expect(page.failure.activeAfter).toBe(0);
  });

  it('stops the workers when the loop is broken off and on return()', () => {
    expect(page.breakOff).toEqual({ batches: 3, activeDuring: 2, activeAfterBreak: 0, activeAfterReturn: 0 });
  });

  it('terminates every Web Worker it started', () => {
    // busy 2 + tensors 2 + where 2 + failing 2 + broken-off 2 + return() 2
    expect(page.workers).toEqual({ created: 12, terminated: 12 });
  });
});
