/**
 * The DataLoader's workers: Node's `node:worker_threads` in Node, Web Workers (`globalThis.Worker`,
 * a module worker from a Blob URL) in browsers and Deno. Both run the same program, generated per
 * host by `workerProgram` (worker-source.ts), and speak the same protocol. `node:worker_threads` is loaded
 * through a dynamic import whose specifier is computed, so bundlers for the browser never pull it
 * in.
 *
 * @module
 */
import type { WorkerDatasetSpec, WorkerReply } from './worker-protocol.js';
import { NODE_WORKER_SOURCE, WEB_WORKER_SOURCE, type WorkerHostKind, type WorkerStartData } from './worker-source.js';

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

/** The slice of the Web Worker API this module uses. */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onmessageerror: ((event: unknown) => void) | null;
  onerror: ((event: { message?: string; error?: unknown; preventDefault?(): void }) => void) | null;
}

type WebWorkerClass = new (url: string, options: { type: 'module'; name?: string }) => WebWorker;

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

function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}

/** The Web Worker constructor, if this platform has one (browsers, Deno). */
function webWorkerClass(): WebWorkerClass | undefined {
  const W = (globalThis as { Worker?: unknown }).Worker;
  return typeof W === 'function' ? (W as WebWorkerClass) : undefined;
}

let hostOverride: WorkerHostKind | undefined;

/**
 * @internal For tests: make the DataLoader use this worker API (`'web'`: Web Workers through
 * `globalThis.Worker` even in Node), or `undefined` to choose by platform again.
 */
export function setWorkerHost(kind: WorkerHostKind | undefined): void {
  hostOverride = kind;
}

/**
 * Which worker API this platform gets: Node's `worker_threads` in Node, else Web Workers where
 * `globalThis.Worker` exists (browsers, Deno); an error where there is neither.
 */
function workerHost(): WorkerHostKind {
  if (hostOverride !== undefined) return hostOverride;
  if (isNode()) return 'node';
  if (webWorkerClass() !== undefined) return 'web';
  throw new Error(
    '[DataLoader] numWorkers > 0 needs Node worker threads or Web Workers (globalThis.Worker), and this platform has neither: use numWorkers: 0',
  );
}

async function loadWorkerThreads(): Promise<WorkerThreadsModule> {
  const specifier = ['node', 'worker_threads'].join(':');
  return (await import(/* @vite-ignore */ specifier)) as WorkerThreadsModule;
}

/**
 * The module URLs a Web Worker imports before the dataset module when the DataLoader's
 * `workerImports` option is not given: `@typetorch/core` and `@typetorch/backend-cpu`, each where
 * `import.meta.resolve` can resolve it from here (an import map, Deno, Node), else none.
 */
export function defaultWorkerImports(): string[] {
  const out: string[] = [];
  const meta = import.meta as unknown as { resolve?: (specifier: string) => string };
  if (typeof meta.resolve !== 'function') return out;
  for (const specifier of ['@typetorch/core', '@typetorch/backend-cpu']) {
    try {
      out.push(meta.resolve(specifier));
    } catch {
      // not resolvable from here: the dataset module has to bring its own
    }
  }
  return out;
}

/** What the pool needs of one worker, whichever API runs it. */
interface WorkerHandle {
  post(message: unknown): void;
  terminate(): Promise<void>;
}

/** Callbacks of a started worker. */
interface WorkerEvents {
  message(reply: WorkerReply): void;
  error(error: Error): void;
  exit(code: number): void;
}

function spawnNode(threads: WorkerThreadsModule, data: WorkerStartData, on: WorkerEvents): WorkerHandle {
  const worker = new threads.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
  worker.unref();
  worker.on('exit', (code) => on.exit(code));
  worker.on('message', (reply) => on.message(reply));
  worker.on('error', (error) => on.error(error));
  return {
    post: (message) => worker.postMessage(message),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

function spawnWeb(Worker: WebWorkerClass, url: string, data: WorkerStartData, on: WorkerEvents): WorkerHandle {
  const worker = new Worker(url, { type: 'module', name: `typetorch-data-worker-${data.id}` });
  let exited = false;
  worker.onmessage = (event) => on.message(event.data as WorkerReply);
  worker.onmessageerror = () => on.error(new Error('a reply could not be deserialized'));
  worker.onerror = (event) => {
    event.preventDefault?.();
    const message = typeof event.message === 'string' && event.message !== ''
      ? event.message
      : 'the worker script could not be loaded or threw (does the Content Security Policy allow blob: module workers?)';
    on.error(event.error instanceof Error ? event.error : new Error(message));
  };
  worker.postMessage({ type: 'init', ...data });
  return {
    post: (message) => worker.postMessage(message),
    terminate: () => {
      // A Web Worker has no exit event: it is gone once terminate() returns.
      worker.terminate();
      if (!exited) {
        exited = true;
        on.exit(0);
      }
      return Promise.resolve();
    },
  };
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
  /**
   * Module URLs (or paths) each worker imports before building the dataset (default: none in
   * Node; {@link defaultWorkerImports} with Web Workers).
   */
  imports?: readonly string[];
}

/** A set of workers (threads or Web Workers) that fetch samples by index, each request answered in full by one worker. */
export class WorkerPool {
  private readonly pending = new Map<number, Pending>();
  private readonly exited: Promise<void>[] = [];
  private closed = false;
  private nextId = 0;

  private constructor(private readonly workers: WorkerHandle[], exits: Promise<void>[], private readonly release: () => void) {
    this.exited = exits;
  }

  /** Starts `numWorkers` workers (threads in Node, Web Workers elsewhere), each building the dataset from `spec`. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const host = workerHost();
    let spawn: (data: WorkerStartData, on: WorkerEvents) => WorkerHandle;
    let release = (): void => undefined;
    let imports = options.imports;
    if (host === 'node') {
      const threads = await loadWorkerThreads();
      spawn = (data, on) => spawnNode(threads, data, on);
    } else {
      const Worker = webWorkerClass();
      if (Worker === undefined) throw new Error('[DataLoader] Web Workers are not available here (globalThis.Worker is undefined): use numWorkers: 0');
      imports ??= defaultWorkerImports();
      // One Blob URL for the pool's workers, revoked when the pool is closed.
      const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
      release = () => URL.revokeObjectURL(url);
      spawn = (data, on) => spawnWeb(Worker, url, data, on);
    }
    const base = host === 'web' ? (globalThis as { location?: { href?: unknown } }).location?.href : undefined;
    const workers: WorkerHandle[] = [];
    const exits: Promise<void>[] = [];
    // The listeners are attached before the pool object exists; they reach it through this holder.
    const ref: { pool?: WorkerPool } = {};
    const pendingEarly: Array<(p: WorkerPool) => void> = [];
    try {
      for (let id = 0; id < options.numWorkers; id++) {
        let exited!: () => void;
        exits.push(new Promise<void>((resolve) => (exited = resolve)));
        const data: WorkerStartData = {
          id, numWorkers: options.numWorkers, seed: options.baseSeed + id, spec: options.spec, imports: imports ?? [],
          ...(typeof base === 'string' ? { base } : {}),
        };
        workers.push(spawn(data, {
          exit: (code) => {
            liveWorkers--;
            const onExit = (p: WorkerPool) => p.workerExited(id, code);
            if (ref.pool) onExit(ref.pool);
            else pendingEarly.push(onExit);
            exited();
          },
          message: (reply) => ref.pool?.receive(id, reply, options.describe),
          error: (error) => ref.pool?.failAll(new Error(`[DataLoader] worker ${id} crashed: ${error.message}`, { cause: error })),
        }));
        liveWorkers++;
      }
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      release();
      throw error;
    }
    const pool = new WorkerPool(workers, exits, release);
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
      this.workers[worker].post({ id, indices });
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
    this.release();
  }
}
