// The DataLoader's Web Worker path (browsers, Deno), tested in Node: a minimal `Worker` class on
// globalThis adapts node:worker_threads to the Web Worker API (module worker from a Blob URL,
// postMessage/onmessage/onerror/terminate), and the loader is made to take the Web Worker path.
import { Worker as NodeWorker } from 'node:worker_threads';
import { resolveObjectURL } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { ConcatDataset, DataLoader, Subset, TensorDataset, activeWorkerCount, type WorkerDatasetSpec } from '@typetorch/data';
import { setWorkerHost } from '../src/worker-pool.js';
import { WEB_WORKER_SOURCE } from '../src/worker-source.js';
// @ts-expect-error -- a plain JavaScript fixture (workers import it without TypeScript)
import { NoisyDataset, FailingDataset } from './fixtures/datasets.mjs';

const fixtures = new URL('./fixtures/datasets.mjs', import.meta.url).href;
const spec = (exportName: string, args: unknown[]): WorkerDatasetSpec => ({ module: fixtures, export: exportName, args });
// What a page would pass: the URLs of core and the CPU backend (here the built packages).
const workerImports = [
  new URL('../../core/dist/index.js', import.meta.url).href,
  new URL('../../backend-cpu/dist/index.js', import.meta.url).href,
];

const dir = mkdtempSync(join(tmpdir(), 'typetorch-web-workers-'));
// Gives a worker thread the Web Worker global API: self, postMessage, onmessage.
const shimUrl = pathToFileURL(join(dir, 'shim.mjs')).href;
writeFileSync(join(dir, 'shim.mjs'), `import { parentPort } from 'node:worker_threads';
globalThis.self = globalThis;
globalThis.postMessage = (message, transfer) => parentPort.postMessage(message, transfer);
parentPort.on('message', (data) => { if (typeof globalThis.onmessage === 'function') globalThis.onmessage({ data }); });
`);

type Listener<E> = ((event: E) => void) | null;

/** A Web Worker made of a Node worker thread; counts what it started and what has exited. */
class ThreadBackedWorker {
  static created = 0;
  static notTerminated = 0;
  static threadsRunning = 0;
  static sources: string[] = [];
  static options: unknown[] = [];
  onmessage: Listener<{ data: unknown }> = null;
  onmessageerror: Listener<unknown> = null;
  onerror: Listener<{ message: string; error: unknown; preventDefault(): void }> = null;
  private thread: NodeWorker | undefined;
  private queue: unknown[] = [];
  private terminated = false;

  constructor(url: string | URL, options?: { type?: string; name?: string }) {
    ThreadBackedWorker.options.push(options);
    if (options?.type !== 'module') throw new TypeError('this test Worker runs module workers only');
    const blob = resolveObjectURL(String(url));
    if (blob === undefined) throw new TypeError(`not a live Blob URL: ${String(url)}`);
    const n = ThreadBackedWorker.created++;
    ThreadBackedWorker.notTerminated++;
    void blob.text().then((source) => {
      if (this.terminated) return;
      ThreadBackedWorker.sources.push(source);
      const file = join(dir, `worker-${n}.mjs`);
      writeFileSync(file, `import ${JSON.stringify(shimUrl)};\n${source}`);
      const thread = new NodeWorker(pathToFileURL(file));
      ThreadBackedWorker.threadsRunning++;
      thread.unref();
      thread.on('exit', () => ThreadBackedWorker.threadsRunning--);
      thread.on('message', (data: unknown) => this.onmessage?.({ data }));
      thread.on('messageerror', (error: unknown) => this.onmessageerror?.(error));
      thread.on('error', (error: Error) => this.onerror?.({ message: error.message, error, preventDefault() {} }));
      this.thread = thread;
      for (const message of this.queue) thread.postMessage(message);
      this.queue = [];
    });
  }

  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void {
    if (this.terminated) return;
    if (this.thread === undefined) this.queue.push(message);
    else this.thread.postMessage(message, transfer as ArrayBuffer[] | undefined);
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    ThreadBackedWorker.notTerminated--;
    void this.thread?.terminate();
  }
}

const saved = (globalThis as { Worker?: unknown }).Worker;
beforeAll(() => {
  (globalThis as { Worker?: unknown }).Worker = ThreadBackedWorker;
  setWorkerHost('web');
});
afterAll(() => {
  setWorkerHost(undefined);
  (globalThis as { Worker?: unknown }).Worker = saved;
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  ThreadBackedWorker.created = 0;
  ThreadBackedWorker.sources = [];
  ThreadBackedWorker.options = [];
});

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

async function waitFor(check: () => boolean): Promise<void> {
  for (let k = 0; k < 200 && !check(); k++) await new Promise((r) => setTimeout(r, 20));
}

describe('DataLoader with Web Workers (globalThis.Worker, module Blob URL)', () => {
  it('gives the same batches with numWorkers 2 as with 0 (seeded shuffle), in module workers from a Blob URL', async () => {
    const ds = new NoisyDataset(23, 4);
    const make = (numWorkers: number) => new DataLoader(ds, {
      batchSize: 4, shuffle: true, generator: new torch.Generator().manualSeed(5), numWorkers,
      workerDataset: spec('NoisyDataset', [23, 4]), ...(numWorkers > 0 ? { workerImports } : {}),
    });
    const main = await collect(make(0));
    const workers = await collect(make(2));
    expect(main).toHaveLength(6);
    expect(workers).toEqual(main);
    expect((main[5] as { shape: number[] }[])[0].shape).toEqual([3, 3]);
    // It really went through the Web Worker API: two module workers running the web program.
    expect(ThreadBackedWorker.created).toBe(2);
    expect(ThreadBackedWorker.options).toEqual([
      { type: 'module', name: 'typetorch-data-worker-0' }, { type: 'module', name: 'typetorch-data-worker-1' },
    ]);
    expect(ThreadBackedWorker.sources).toEqual([WEB_WORKER_SOURCE, WEB_WORKER_SOURCE]);
    expect(WEB_WORKER_SOURCE).not.toContain('require(');
    expect(activeWorkerCount()).toBe(0);
    expect(ThreadBackedWorker.notTerminated).toBe(0);
  });

  it('runs TensorDataset, Subset and ConcatDataset (data sent in the init message) and keeps the order', async () => {
    const x = torch.arange(30, { dtype: 'float32' }).reshape([10, 3]);
    const y = torch.arange(10).mul(10);
    const ds = new ConcatDataset([new TensorDataset(x, y), new Subset(new TensorDataset(x, y), [9, 0, 4])]);
    const main = await collect(new DataLoader(ds, { batchSize: 3 }));
    const workers = await collect(new DataLoader(ds, { batchSize: 3, numWorkers: 3, prefetchFactor: 1, workerImports: [] }));
    expect(workers).toEqual(main);
    expect(main).toHaveLength(5);
    expect((main[4] as { values: unknown }[])[1].values).toEqual([40]);
    expect((main[3] as { values: unknown }[])[1].values).toEqual([90, 90, 0]);
  });

  it('throws a worker error with the sample index and terminates the workers', async () => {
    const loader = new DataLoader(new FailingDataset(12, 9), {
      batchSize: 2, numWorkers: 2, workerDataset: spec('FailingDataset', [12, 9]), workerImports,
    });
    const got: number[][] = [];
    let error: Error | undefined;
    try {
      for await (const b of loader) got.push((b as torch.Tensor).tolistSync() as number[]);
    } catch (e) {
      error = e as Error;
    }
    // Batch [8, 9] is the fifth, so worker 0 (round-robin) fails on it.
    expect(error?.message).toBe('[DataLoader] worker 0 failed on sample index 9: sample 9 is corrupt');
    expect((error?.cause as Error).stack).toContain('FailingDataset');
    expect(got).toEqual([[[0], [1]], [[2], [3]], [[4], [5]], [[6], [7]]]);
    expect(activeWorkerCount()).toBe(0);
    expect(ThreadBackedWorker.notTerminated).toBe(0);
    await waitFor(() => ThreadBackedWorker.threadsRunning === 0);
    expect(ThreadBackedWorker.threadsRunning).toBe(0);
  });

  it('terminates the workers when the loop is broken off, and on return()', async () => {
    const loader = new DataLoader(new NoisyDataset(100, 2), {
      batchSize: 2, numWorkers: 2, workerDataset: spec('NoisyDataset', [100, 2]), workerImports,
    });
    let batches = 0;
    for await (const batch of loader) {
      expect(activeWorkerCount()).toBe(2);
      expect(ThreadBackedWorker.notTerminated).toBe(2);
      expect((batch as torch.Tensor[])[0].shape).toEqual([2, 3]);
      if (++batches === 3) break;
    }
    expect(batches).toBe(3);
    expect(activeWorkerCount()).toBe(0);
    expect(ThreadBackedWorker.notTerminated).toBe(0);
    await waitFor(() => ThreadBackedWorker.threadsRunning === 0);
    expect(ThreadBackedWorker.threadsRunning).toBe(0);

    const it = loader[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    expect(ThreadBackedWorker.notTerminated).toBe(2);
    expect(await it.return(undefined)).toEqual({ done: true, value: undefined });
    expect(activeWorkerCount()).toBe(0);
    expect(ThreadBackedWorker.notTerminated).toBe(0);
    expect(ThreadBackedWorker.created).toBe(4);
  });

  it('says which workerImports URL could not be imported', async () => {
    const bad = new URL('./fixtures/no-such-module.mjs', import.meta.url).href;
    const loader = new DataLoader(new NoisyDataset(4, 0), {
      numWorkers: 1, workerDataset: spec('NoisyDataset', [4, 0]), workerImports: [...workerImports, bad],
    });
    await expect(collect(loader)).rejects.toThrow(
      `[DataLoader] worker 0 could not build the dataset (NoisyDataset): could not import ${bad} (workerImports): `,
    );
    expect(ThreadBackedWorker.notTerminated).toBe(0);
    expect(() => new DataLoader(new NoisyDataset(4, 0), { numWorkers: 1, workerImports: 'x' as unknown as string[] })).toThrow(
      '[DataLoader] workerImports should be an array of module URLs (strings)',
    );
  });
});
