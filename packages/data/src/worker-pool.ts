/**
 * The DataLoader's worker threads (Node's `node:worker_threads`). `node:worker_threads` is loaded
 * through a dynamic import whose specifier is computed, so bundlers for the browser never pull it
 * in. Browsers are not supported yet: `numWorkers > 0` there is a clear error.
 *
 * @module
 */
import type { WorkerDatasetSpec, WorkerReply } from './worker-protocol.js';
import { NODE_WORKER_SOURCE } from './worker-source.js';

/** The slice of Node's `Worker` this module uses (declared here: the package has no Node types). */
interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (reply: WorkerReply) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  terminate(): Promise<number>;
  unref(): void;
}

interface WorkerThreadsModule {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}

/** What a worker thread sees through {@link getWorkerInfo}. */
export interface WorkerInfo {
  /** This worker's number, `0 .. numWorkers - 1`. */
  readonly id: number;
  /** How many workers the DataLoader started. */
  readonly numWorkers: number;
  /** The DataLoader's base seed plus `id` (PyTorch's per-worker seed). */
  readonly seed: number;
  /** The dataset this worker built. */
  readonly dataset: unknown;
}

/**
 * Inside a DataLoader worker, which worker this is (PyTorch's `get_worker_info()`); `null` on the
 * main thread. Works whichever copy of this package the dataset's module imports.
 */
export function getWorkerInfo(): WorkerInfo | null {
  return (globalThis as { __typetorchWorkerInfo?: WorkerInfo }).__typetorchWorkerInfo ?? null;
}

let liveWorkers = 0;

/**
 * How many DataLoader worker threads are running in this process (started and not yet exited).
 * Useful to check that an abandoned iteration stopped its workers.
 */
export function activeWorkerCount(): number {
  return liveWorkers;
}

async function loadWorkerThreads(): Promise<WorkerThreadsModule> {
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!isNode) {
    throw new Error(
      '[DataLoader] numWorkers > 0 needs Node worker threads; Web Workers in browsers are not supported yet: use numWorkers: 0',
    );
  }
  const specifier = ['node', 'worker_threads'].join(':');
  return (await import(/* @vite-ignore */ specifier)) as WorkerThreadsModule;
}

interface Pending {
  resolve(samples: unknown[]): void;
  reject(error: Error): void;
}

/** Options of {@link WorkerPool.start}. */
export interface WorkerPoolOptions {
  /** How the workers build the dataset. */
  spec: WorkerDatasetSpec;
  /** How many workers. */
  numWorkers: number;
  /** The base seed; worker `i` gets `baseSeed + i`. */
  baseSeed: number;
  /** A description of the dataset for error messages. */
  describe: string;
}

/** A set of worker threads that fetch samples by index, each request answered in full by one worker. */
export class WorkerPool {
  private readonly pending = new Map<number, Pending>();
  private readonly exited: Promise<void>[] = [];
  private closed = false;
  private nextId = 0;

  private constructor(private readonly workers: NodeWorker[], exits: Promise<void>[]) {
    this.exited = exits;
  }

  /** Starts `numWorkers` threads, each building the dataset from `spec`. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const { Worker } = await loadWorkerThreads();
    const workers: NodeWorker[] = [];
    const exits: Promise<void>[] = [];
    // The listeners are attached before the pool object exists; they reach it through this holder.
    const ref: { pool?: WorkerPool } = {};
    const pendingEarly: Array<(p: WorkerPool) => void> = [];
    for (let id = 0; id < options.numWorkers; id++) {
      const worker = new Worker(NODE_WORKER_SOURCE, {
        eval: true,
        workerData: { id, numWorkers: options.numWorkers, seed: options.baseSeed + id, spec: options.spec },
      });
      liveWorkers++;
      worker.unref();
      exits.push(new Promise<void>((resolve) => {
        worker.on('exit', (code) => {
          liveWorkers--;
          const onExit = (p: WorkerPool) => p.workerExited(id, code);
          if (ref.pool) onExit(ref.pool);
          else pendingEarly.push(onExit);
          resolve();
        });
      }));
      worker.on('message', (reply) => ref.pool?.receive(id, reply, options.describe));
      worker.on('error', (error) => ref.pool?.failAll(new Error(`[DataLoader] worker ${id} crashed: ${error.message}`, { cause: error })));
      workers.push(worker);
    }
    const pool = new WorkerPool(workers, exits);
    ref.pool = pool;
    for (const f of pendingEarly) f(pool);
    return pool;
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** How many threads the pool runs. */
  get size(): number {
    return this.workers.length;
  }

  /** Sends `indices` to worker `worker`; resolves to the (encoded) samples. */
  fetch(worker: number, indices: readonly number[]): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new Error('[DataLoader] the worker pool is closed'));
    // Request ids are unique over the pool's life, so replies to a pass that was broken off
    // (persistent workers) can never be taken for replies to the next pass.
    const id = this.nextId++;
    return new Promise<unknown[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[worker].postMessage({ id, indices });
    });
  }

  private receive(worker: number, reply: WorkerReply, describe: string): void {
    const p = this.pending.get(reply.id);
    if (p === undefined) return;
    this.pending.delete(reply.id);
    if (reply.type === 'batch') {
      p.resolve(reply.samples);
      return;
    }
    const where = reply.index === null
      ? `could not build the dataset (${describe})`
      : `failed on sample index ${reply.index}`;
    const cause = new Error(reply.message);
    if (reply.stack !== undefined) cause.stack = reply.stack;
    p.reject(new Error(`[DataLoader] worker ${worker} ${where}: ${reply.message}`, { cause }));
  }

  private workerExited(id: number, code: number): void {
    if (!this.closed) this.failAll(new Error(`[DataLoader] worker ${id} exited unexpectedly (exit code ${code})`));
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  /** Stops every worker and waits until their threads have exited. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('[DataLoader] the worker pool was closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
    await Promise.all(this.exited);
  }
}
