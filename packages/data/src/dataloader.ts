/**
 * PyTorch's `torch.utils.data.DataLoader`: batches of a dataset, read with `for await`.
 *
 * @module
 */
import { Generator, randint } from '@typetorch/core';
import { collateBatch, defaultConvert, type Collated } from './collate.js';
import { Dataset, IterableDataset, isMapDataset } from './dataset.js';
import { BatchSampler, RandomSampler, SequentialSampler, type Sized } from './sampler.js';
import { WorkerPool } from './worker-pool.js';
import { decodeSample, type WorkerDatasetSpec } from './worker-protocol.js';

/** A sampler as the DataLoader takes it: any iterable of indices, with a length for `loader.length`. */
export type IndexSampler = Iterable<number> & Partial<Sized>;

/** A batch sampler: any iterable of index arrays, with a length for `loader.length`. */
export type IndexBatchSampler = Iterable<readonly number[]> & Partial<Sized>;

/** Options of {@link DataLoader} (PyTorch's keyword arguments, in camelCase). */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); `null` turns automatic batching off: samples come one by one. */
  batchSize?: number | null;
  /** Visit the samples in a new random order each pass (default false). */
  shuffle?: boolean;
  /** Which indices to visit, in which order (excludes `shuffle`). */
  sampler?: IndexSampler;
  /** Yields whole batches of indices (excludes batchSize, shuffle, sampler and dropLast). */
  batchSampler?: IndexBatchSampler;
  /** Drop the last batch when it is shorter than `batchSize` (default false). */
  dropLast?: boolean;
  /** Makes a batch from a list of samples (default: {@link defaultCollate}). Runs on the main thread. */
  collateFn?: (batch: T[]) => B;
  /** The generator for shuffling and for the workers' base seed (default: `torch.defaultGenerator`). */
  generator?: Generator;
  /**
   * Worker threads that call `get()` (default 0: the main thread does). Each worker builds its own
   * copy of the dataset from `workerDataset` or the dataset's `workerSpec()`. Node's
   * `worker_threads` in Node; Web Workers (`globalThis.Worker`) in browsers and Deno.
   */
  numWorkers?: number;
  /** Batches each worker works on ahead (default 2; only with `numWorkers > 0`). */
  prefetchFactor?: number;
  /** How a worker builds the dataset, when the dataset's own `workerSpec()` does not say. */
  workerDataset?: WorkerDatasetSpec;
  /**
   * Module URLs each worker imports, in order, before it builds the dataset: with Web Workers,
   * where bare specifiers such as `'@typetorch/core'` do not resolve (workers see no import map),
   * the URLs of core and the CPU backend, e.g. `[coreUrl, cpuBackendUrl]`, so that the dataset
   * module, importing core from the same URL, gets a registered backend. Default: none in Node;
   * with Web Workers, `@typetorch/core` and `@typetorch/backend-cpu` where `import.meta.resolve`
   * can resolve them, else none (the dataset module then has to import them itself).
   */
  workerImports?: readonly string[];
  /**
   * Keep the worker threads between passes (default false: each pass starts and stops its own).
   * They are unref'd, so they never keep the process alive; {@link DataLoader.close} stops them.
   */
  persistentWorkers?: boolean;
}

function fail(message: string): never {
  throw new Error(`[DataLoader] ${message}`);
}

/**
 * Iterates over a dataset in batches:
 *
 * ```ts
 * const loader = new DataLoader(ds, { batchSize: 16, shuffle: true });
 * for await (const [xb, yb] of loader) { ... }
 * ```
 *
 * Map-style datasets are read through a sampler (sequential, random with `shuffle`, or yours) and
 * a batch sampler; iterable datasets are read in order. With `numWorkers > 0`, worker threads
 * fetch the samples (batches still come in order), and an error in a worker is thrown from the
 * loop with the sample index. Breaking out of the loop stops the workers.
 */
export class DataLoader<T, B = Collated<T>> implements AsyncIterable<B> {
  /** The dataset. */
  readonly dataset: Dataset<T> | IterableDataset<T>;
  /** Samples per batch, or `null` without automatic batching. */
  readonly batchSize: number | null;
  /** Whether a short last batch is dropped. */
  readonly dropLast: boolean;
  /** The index sampler (undefined for iterable datasets). */
  readonly sampler: IndexSampler | undefined;
  /** The batch sampler (undefined for iterable datasets and without automatic batching). */
  readonly batchSampler: IndexBatchSampler | undefined;
  /** How many worker threads each pass starts. */
  readonly numWorkers: number;
  /** Batches each worker works on ahead. */
  readonly prefetchFactor: number;
  /** The generator, if one was given. */
  readonly generator: Generator | undefined;
  /** The collate function, if one was given. */
  readonly collateFn: ((batch: T[]) => B) | undefined;
  /** Whether worker threads are kept between passes. */
  readonly persistentWorkers: boolean;
  /** The module URLs each worker imports before the dataset ({@link DataLoaderOptions.workerImports}), if given. */
  readonly workerImports: readonly string[] | undefined;
  private readonly workerDataset: WorkerDatasetSpec | undefined;
  private persistentPool: Promise<WorkerPool> | undefined;

  /** A loader over `dataset`; see {@link DataLoaderOptions}. */
  constructor(dataset: Dataset<T> | IterableDataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const iterable = dataset instanceof IterableDataset;
    if (!iterable && !isMapDataset(dataset)) fail('expected a Dataset (with get() and length) or an IterableDataset');
    const numWorkers = options.numWorkers ?? 0;
    if (!Number.isSafeInteger(numWorkers) || numWorkers < 0) {
      fail(`numWorkers option should be a non-negative integer; use numWorkers: 0 to disable workers (got ${String(numWorkers)})`);
    }
    const prefetchFactor = options.prefetchFactor ?? 2;
    if (options.prefetchFactor !== undefined && numWorkers === 0 && prefetchFactor !== 2) {
      fail('prefetchFactor option could only be specified with workers; set numWorkers > 0 to use it');
    }
    if (!Number.isSafeInteger(prefetchFactor) || prefetchFactor <= 0) fail(`prefetchFactor should be a positive integer, got ${String(prefetchFactor)}`);
    const persistentWorkers = options.persistentWorkers ?? false;
    if (persistentWorkers && numWorkers === 0) fail('persistentWorkers option needs numWorkers > 0');
    const shuffle = options.shuffle ?? false;
    if (typeof shuffle !== 'boolean') fail(`shuffle should be a boolean, got ${String(shuffle)}`);
    const dropLast = options.dropLast ?? false;
    if (typeof dropLast !== 'boolean') fail(`dropLast should be a boolean, got ${String(dropLast)}`);
    let batchSize = options.batchSize === undefined ? 1 : options.batchSize;
    if (batchSize !== null && (typeof batchSize !== 'number' || !Number.isSafeInteger(batchSize) || batchSize <= 0)) {
      fail(`batchSize should be a positive integer value (or null to turn batching off), but got batchSize=${String(batchSize)}`);
    }

    let sampler = options.sampler;
    let batchSampler = options.batchSampler;
    if (iterable) {
      if (shuffle) fail('DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true');
      if (sampler !== undefined) fail('DataLoader with IterableDataset: expected unspecified sampler option');
      if (batchSampler !== undefined) fail('DataLoader with IterableDataset: expected unspecified batchSampler option');
      if (numWorkers > 0) fail('numWorkers > 0 is not supported for an IterableDataset yet; use numWorkers: 0');
    } else {
      if (sampler !== undefined && shuffle) fail('sampler option is mutually exclusive with shuffle');
      if (batchSampler !== undefined) {
        if ((options.batchSize !== undefined && options.batchSize !== 1) || shuffle || sampler !== undefined || dropLast) {
          fail('batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
        }
        batchSize = null;
      } else if (batchSize === null && dropLast) {
        fail('batchSize: null disables automatic batching and is mutually exclusive with dropLast');
      }
      if (sampler === undefined) {
        const ds = dataset as Dataset<T>;
        sampler = shuffle ? new RandomSampler(ds, { generator: options.generator }) : new SequentialSampler(ds);
      }
      if (batchSize !== null && batchSampler === undefined) {
        batchSampler = new BatchSampler(sampler as Iterable<number> & Sized, batchSize, dropLast);
      }
    }

    this.dataset = dataset;
    this.batchSize = batchSampler !== undefined && options.batchSampler !== undefined ? null : batchSize;
    this.dropLast = dropLast;
    this.sampler = sampler;
    this.batchSampler = batchSampler;
    this.numWorkers = numWorkers;
    this.prefetchFactor = prefetchFactor;
    this.generator = options.generator;
    this.collateFn = options.collateFn;
    this.workerDataset = options.workerDataset;
    const workerImports = options.workerImports;
    if (workerImports !== undefined && (!Array.isArray(workerImports) || !workerImports.every((u) => typeof u === 'string'))) {
      fail('workerImports should be an array of module URLs (strings)');
    }
    this.workerImports = workerImports === undefined ? undefined : [...workerImports];
    this.persistentWorkers = persistentWorkers;
  }

  /** Stops the worker threads kept by `persistentWorkers` (a no-op otherwise); the loader stays usable. */
  async close(): Promise<void> {
    const pool = this.persistentPool;
    this.persistentPool = undefined;
    if (pool !== undefined) await (await pool.catch(() => undefined))?.close();
  }

  /** The number of batches in one pass (samples, without automatic batching). */
  get length(): number {
    if (this.dataset instanceof IterableDataset) {
      const n = (this.dataset as unknown as { length?: unknown }).length;
      if (typeof n !== 'number') fail('length is unknown: the IterableDataset defines no length');
      if (this.batchSize === null) return n;
      return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    }
    const counted = this.batchSampler ?? this.sampler;
    if (counted?.length === undefined) fail('length is unknown: the sampler defines no length');
    return counted.length;
  }

  /** One pass over the data: `for await (const batch of loader)`. */
  [Symbol.asyncIterator](): AsyncGenerator<B> {
    if (this.dataset instanceof IterableDataset) return this.iterateStream(this.dataset);
    // As in PyTorch, each pass draws a base seed from the loader's generator before sampling, so
    // a seeded loader's shuffles do not depend on numWorkers.
    const base = randint(0, 2 ** 52, [1], { generator: this.generator, device: 'cpu' });
    const baseSeed = Number((base.dataSync() as BigInt64Array)[0]);
    base.dispose();
    const requests = this.indexBatches();
    return this.numWorkers === 0 ? this.iterateMain(requests) : this.iterateWorkers(requests, baseSeed);
  }

  /** The index lists to fetch, each with whether it is a batch (true) or a single sample. */
  private *indexBatches(): Generator_<readonly number[]> {
    if (this.batchSampler !== undefined) {
      for (const batch of this.batchSampler) yield batch;
    } else {
      for (const index of this.sampler as IndexSampler) yield [index];
    }
  }

  private finish(samples: T[], indices: readonly number[]): B {
    if (this.batchSize === null && this.batchSampler === undefined) {
      return (this.collateFn ? this.collateFn(samples) : defaultConvert(samples[0])) as B;
    }
    if (this.collateFn) return this.collateFn(samples);
    return collateBatch(samples, indices) as B;
  }

  private async *iterateMain(requests: Iterator<readonly number[]>): AsyncGenerator<B> {
    const dataset = this.dataset as Dataset<T>;
    for (let r = requests.next(); !r.done; r = requests.next()) {
      const samples: T[] = [];
      for (const i of r.value) samples.push(await dataset.get(i));
      yield this.finish(samples, r.value);
    }
  }

  private workerSpec(): WorkerDatasetSpec {
    const spec = this.workerDataset ?? (this.dataset as Dataset<T>).workerSpec?.();
    if (spec === undefined) {
      // The dataset may know why it cannot be rebuilt (a transform that is a function, say): say so first.
      const problem = (this.dataset as Dataset<T>).workerSpecProblem?.();
      fail(
        `numWorkers: ${this.numWorkers} needs a dataset that worker threads can build: ` +
          (problem === undefined ? '' : `${this.dataset.constructor.name} cannot be rebuilt in a worker because ${problem}; `) +
          `pass the workerDataset option ` +
          `({ module: import.meta.url, export: 'MyDataset', args: [...] }) or implement workerSpec() on ` +
          `${this.dataset.constructor.name}`,
      );
    }
    return spec;
  }

  private startPool(baseSeed: number): Promise<WorkerPool> {
    const describe = this.dataset.constructor.name;
    return new Promise<WorkerDatasetSpec>((resolve) => resolve(this.workerSpec()))
      .then((spec) => WorkerPool.start({ spec, numWorkers: this.numWorkers, baseSeed, describe, imports: this.workerImports }));
  }

  private async *iterateWorkers(requests: Iterator<readonly number[]>, baseSeed: number): AsyncGenerator<B> {
    let poolPromise: Promise<WorkerPool>;
    if (this.persistentWorkers) {
      const kept = this.persistentPool;
      const usable = kept !== undefined && (await kept.catch(() => undefined))?.isClosed === false;
      poolPromise = usable ? kept : (this.persistentPool = this.startPool(baseSeed));
    } else {
      poolPromise = this.startPool(baseSeed);
    }
    let pool: WorkerPool;
    try {
      pool = await poolPromise;
    } catch (error) {
      if (this.persistentPool === poolPromise) this.persistentPool = undefined;
      throw error;
    }
    let failed = false;
    try {
      const inFlight = new Map<number, { indices: readonly number[]; result: Promise<unknown[]> }>();
      const capacity = this.numWorkers * this.prefetchFactor;
      let sent = 0;
      let exhausted = false;
      const fill = () => {
        while (!exhausted && inFlight.size < capacity) {
          const r = requests.next();
          if (r.done) {
            exhausted = true;
            break;
          }
          const result = pool.fetch(sent % this.numWorkers, r.value);
          result.catch(() => undefined); // awaited in order below; avoids an unhandled rejection meanwhile
          inFlight.set(sent, { indices: r.value, result });
          sent++;
        }
      };
      fill();
      for (let next = 0; inFlight.has(next); next++) {
        const { indices, result } = inFlight.get(next)!;
        const samples = (await result).map(decodeSample) as T[];
        inFlight.delete(next);
        fill();
        yield this.finish(samples, indices);
      }
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // Persistent workers survive a finished or broken-off pass, not a failed one.
      if (!this.persistentWorkers || failed) {
        if (this.persistentPool === poolPromise) this.persistentPool = undefined;
        await pool.close();
      }
    }
  }

  private async *iterateStream(dataset: IterableDataset<T>): AsyncGenerator<B> {
    const size = this.batchSize;
    let batch: T[] = [];
    let count = 0;
    const indicesOf = (n: number) => Array.from({ length: n }, (_, k) => count - n + k);
    for await (const sample of dataset) {
      count++;
      if (size === null) {
        yield this.finish([sample], [count - 1]);
        continue;
      }
      batch.push(sample);
      if (batch.length === size) {
        yield this.finish(batch, indicesOf(size));
        batch = [];
      }
    }
    if (size !== null && batch.length > 0 && !this.dropLast) yield this.finish(batch, indicesOf(batch.length));
  }
}

/** A synchronous generator (the name `Generator` is taken by torch's random number generator). */
type Generator_<T> = globalThis.Generator<T, void, undefined>;
