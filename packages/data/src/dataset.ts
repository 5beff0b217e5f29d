/**
 * Datasets: PyTorch's `torch.utils.data.Dataset`, `IterableDataset`, `TensorDataset`,
 * `ConcatDataset`, `Subset` and `random_split`.
 *
 * @module
 */
import { Generator, Tensor, randperm } from '@typetorch/core';
import { encodeTensorShared, type WorkerDatasetSpec } from './worker-protocol.js';

/**
 * A map-style dataset (PyTorch's `Dataset`): `get(i)` returns sample `i` for `0 <= i < length`.
 * Subclass it and implement both:
 *
 * ```ts
 * class Squares extends Dataset<[Tensor, Tensor]> {
 *   get length() { return 10; }
 *   get(i: number): [Tensor, Tensor] { return [torch.tensor([i]), torch.tensor([i * i])]; }
 * }
 * ```
 *
 * To use it with `numWorkers > 0`, override {@link Dataset.workerSpec} (or pass the DataLoader
 * option `workerDataset`) so that a worker thread can build the same dataset.
 */
export abstract class Dataset<T> {
  /** The number of samples. */
  abstract get length(): number;

  /** Sample `index` (0-based). */
  abstract get(index: number): T;

  /**
   * How a worker thread builds this dataset, or `undefined` when it cannot (the default): the
   * DataLoader then needs the `workerDataset` option for `numWorkers > 0`. A dataset defined in a
   * module returns `{ module: import.meta.url, export: 'MyDataset', args: [...] }`.
   */
  workerSpec(): WorkerDatasetSpec | undefined {
    return undefined;
  }

  /**
   * Why {@link Dataset.workerSpec} returns `undefined`, when the dataset can say (e.g. which of its
   * transforms is a function that cannot travel to a worker); the DataLoader puts it in its error.
   */
  workerSpecProblem(): string | undefined {
    return undefined;
  }
}

/**
 * An iterable-style dataset (PyTorch's `IterableDataset`): a stream of samples, read with
 * `for await`. Implement `[Symbol.asyncIterator]` (an `async *` method is easiest). Define a
 * `length` getter too if the stream's length is known, so that `DataLoader.length` works.
 */
export abstract class IterableDataset<T> implements AsyncIterable<T> {
  /** The samples, in order. */
  abstract [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** Whether `value` is a map-style dataset (has a `get` method and a `length`). */
export function isMapDataset(value: unknown): value is Dataset<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { get?: unknown }).get === 'function'
    && typeof (value as { length?: unknown }).length === 'number';
}

/** The length of a dataset-like value, checked. */
function lengthOf(op: string, dataset: unknown, what = 'dataset'): number {
  const n = (dataset as { length?: unknown } | null)?.length;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new Error(`[${op}] expected the ${what} to have a non-negative integer length, got ${String(n)}`);
  }
  return n;
}

/**
 * A dataset of tensors sharing their first dimension (PyTorch's `TensorDataset`): sample `i` is
 * `[t0[i], t1[i], ...]` (views, not copies).
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<T> {
  /** The tensors, in the order given. */
  readonly tensors: Readonly<T>;

  /** Wraps tensors whose first dimensions are equal. */
  constructor(...tensors: T) {
    super();
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`[TensorDataset] argument ${i} is not a Tensor`);
      if (t.dim() === 0) throw new Error(`[TensorDataset] tensor ${i} is 0-d; every tensor needs a first dimension`);
    });
    const first = tensors[0]?.shape[0];
    tensors.forEach((t, i) => {
      if (t.shape[0] !== first) {
        throw new Error(`[TensorDataset] Size mismatch between tensors: tensor 0 has ${first} rows but tensor ${i} has ${t.shape[0]}`);
      }
    });
    this.tensors = tensors;
  }

  /** The common first dimension (0 without tensors). */
  get length(): number {
    return this.tensors.length === 0 ? 0 : this.tensors[0].shape[0];
  }

  /** `[t0[index], t1[index], ...]`; negative indices count from the end. */
  get(index: number): T {
    return this.tensors.map((t) => t.select(0, index)) as T;
  }

  /** Workers get the tensors' data once, in shared memory. */
  override workerSpec(): WorkerDatasetSpec {
    return { kind: 'tensors', tensors: this.tensors.map((t) => encodeTensorShared(t)) };
  }
}

/** Index of the first cumulative size greater than `index` (Python's `bisect_right`). */
function bisectRight(sorted: readonly number[], index: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (index < sorted[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Several map-style datasets one after another (PyTorch's `ConcatDataset`). */
export class ConcatDataset<T> extends Dataset<T> {
  /** The datasets, in order. */
  readonly datasets: readonly Dataset<T>[];
  /** Running totals of the datasets' lengths. */
  readonly cumulativeSizes: readonly number[];

  /** Concatenates `datasets` (a non-empty list of map-style datasets). */
  constructor(datasets: Iterable<Dataset<T>>) {
    super();
    const list = [...datasets];
    if (list.length === 0) throw new Error('[ConcatDataset] datasets should not be an empty iterable');
    const sizes: number[] = [];
    let total = 0;
    list.forEach((d, i) => {
      if (d instanceof IterableDataset || !isMapDataset(d)) {
        throw new Error(`[ConcatDataset] dataset ${i} is not a map-style Dataset (ConcatDataset does not support IterableDataset)`);
      }
      total += lengthOf('ConcatDataset', d, `dataset ${i}`);
      sizes.push(total);
    });
    this.datasets = list;
    this.cumulativeSizes = sizes;
  }

  /** The sum of the datasets' lengths. */
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  /** Sample `index` of the concatenation; negative indices count from the end. */
  get(index: number): T {
    let i = index;
    if (i < 0) {
      if (-i > this.length) throw new Error(`[ConcatDataset] absolute value of index should not exceed dataset length, got ${index} for length ${this.length}`);
      i += this.length;
    }
    if (!Number.isInteger(i) || i >= this.length) throw new Error(`[ConcatDataset] index ${index} is out of range for length ${this.length}`);
    const which = bisectRight(this.cumulativeSizes, i);
    const start = which === 0 ? 0 : this.cumulativeSizes[which - 1];
    return this.datasets[which].get(i - start);
  }

  /** Available when every part has a worker spec. */
  override workerSpec(): WorkerDatasetSpec | undefined {
    const parts = this.datasets.map((d) => d.workerSpec());
    if (parts.some((p) => p === undefined)) return undefined;
    return { kind: 'concat', datasets: parts as WorkerDatasetSpec[] };
  }

  /** The first part's problem, named by its position. */
  override workerSpecProblem(): string | undefined {
    for (const [i, d] of this.datasets.entries()) {
      const problem = d.workerSpec() === undefined ? d.workerSpecProblem() : undefined;
      if (problem !== undefined) return `dataset ${i} (${d.constructor.name}): ${problem}`;
    }
    return undefined;
  }
}

/** The samples of `dataset` at `indices`, in that order (PyTorch's `Subset`). */
export class Subset<T> extends Dataset<T> {
  /** The underlying dataset. */
  readonly dataset: Dataset<T>;
  /** Which of its samples this subset holds. */
  readonly indices: readonly number[];

  /** A view of `dataset` through `indices`. */
  constructor(dataset: Dataset<T>, indices: readonly number[]) {
    super();
    indices.forEach((v, i) => {
      if (!Number.isInteger(v)) throw new Error(`[Subset] index ${i} is not an integer: ${String(v)}`);
    });
    this.dataset = dataset;
    this.indices = [...indices];
  }

  /** The number of indices. */
  get length(): number {
    return this.indices.length;
  }

  /** `dataset.get(indices[index])`. */
  get(index: number): T {
    const i = index < 0 ? index + this.indices.length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.indices.length) {
      throw new Error(`[Subset] index ${index} is out of range for length ${this.indices.length}`);
    }
    return this.dataset.get(this.indices[i]);
  }

  /** Available when the underlying dataset has one. */
  override workerSpec(): WorkerDatasetSpec | undefined {
    const inner = this.dataset.workerSpec();
    return inner === undefined ? undefined : { kind: 'subset', dataset: inner, indices: [...this.indices] };
  }

  /** The underlying dataset's problem. */
  override workerSpecProblem(): string | undefined {
    const problem = this.dataset.workerSpecProblem();
    return problem === undefined ? undefined : `its dataset (${this.dataset.constructor.name}): ${problem}`;
  }
}

/** Options of {@link randomSplit}. */
export interface RandomSplitOptions {
  /** The generator for the permutation (default: `torch.defaultGenerator`). */
  generator?: Generator;
}

/** Python's `math.isclose(a, b)` with its default relative tolerance. */
function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Splits a dataset into non-overlapping random subsets (PyTorch's `random_split`). `lengths` are
 * either the subsets' sizes, summing to the dataset's length, or fractions summing to 1: each
 * subset gets `floor(n * fraction)` samples and the remainder is dealt one by one, round-robin,
 * from the first subset on — exactly as PyTorch 1.13 does.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: RandomSplitOptions = {}): Subset<T>[] {
  const op = 'randomSplit';
  const n = lengthOf(op, dataset);
  let sizes = [...lengths];
  sizes.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`[${op}] length ${i} is not a number: ${String(v)}`);
  });
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (isClose(sum, 1) && sum <= 1) {
    sizes = sizes.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new Error(`[${op}] Fraction at index ${i} is not between 0 and 1: ${frac}`);
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
  } else {
    sizes.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0) throw new Error(`[${op}] length ${i} must be a non-negative integer (or all lengths fractions summing to 1), got ${v}`);
    });
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== n) {
    throw new Error(`[${op}] Sum of input lengths does not equal the length of the input dataset! (${total} vs ${n})`);
  }
  const perm = randperm(total, { generator: options.generator, device: 'cpu', dtype: 'int32' });
  const indices = Array.from(perm.dataSync() as Int32Array);
  perm.dispose();
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const size of sizes) {
    out.push(new Subset(dataset, indices.slice(offset, offset + size)));
    offset += size;
  }
  return out;
}
