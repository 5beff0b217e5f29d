/**
 * Samplers: which sample indices a DataLoader visits, in which order (PyTorch's
 * `torch.utils.data.Sampler` family). Samplers run on the host: they draw from core's seeded
 * generators on the CPU device and read the results synchronously.
 *
 * @module
 */
import { Generator, Tensor, multinomial, randint, randperm, tensor } from '@typetorch/core';

/** Something with a length: a dataset, an array, a sampler. */
export interface Sized {
  /** The number of elements. */
  readonly length: number;
}

/** The base of every sampler: an iterable of indices (or of index batches) with a length. */
export abstract class Sampler<T = number> implements Iterable<T> {
  /** The indices, in the order to visit them. */
  abstract [Symbol.iterator](): Iterator<T>;
  /** How many items one pass yields. */
  abstract get length(): number;
}

/** Options of samplers that draw random numbers. */
export interface SamplerGeneratorOptions {
  /** The generator to draw from (default: a fresh one seeded from `torch.defaultGenerator`, as in PyTorch). */
  generator?: Generator;
}

function checkPositiveInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`[${op}] ${name} should be a positive integer value, but got ${name}=${String(value)}`);
  }
  return value;
}

function checkBool(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`[${op}] ${name} should be a boolean value, but got ${name}=${String(value)}`);
  return value;
}

/** Reads a 1-D integer tensor on the host and frees it. */
function toIndices(t: Tensor): number[] {
  const out = Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);
  t.dispose();
  return out;
}

/**
 * The generator a random sampler uses for one pass: the given one, or (PyTorch's behaviour) a new
 * generator seeded by a draw from the default generator, so `torch.manualSeed` makes it reproducible.
 */
export function passGenerator(generator: Generator | undefined): Generator {
  if (generator !== undefined) return generator;
  const seed = toIndices(randint(0, 2 ** 52, [1], { device: 'cpu' }))[0];
  return new Generator().manualSeed(seed);
}

/** Visits `0 .. n-1` in order. */
export class SequentialSampler extends Sampler<number> {
  /** Samples the indices of `dataSource`. */
  constructor(
    /** The dataset (or anything with a length) whose indices are sampled. */
    readonly dataSource: Sized,
  ) {
    super();
  }

  /** `0, 1, ..., n-1`. */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    for (let i = 0; i < n; i++) yield i;
  }

  /** The data source's length. */
  get length(): number {
    return this.dataSource.length;
  }
}

/** Options of {@link RandomSampler}. */
export interface RandomSamplerOptions extends SamplerGeneratorOptions {
  /** Draw with replacement (default false: a permutation). */
  replacement?: boolean;
  /** How many indices per pass (default the data source's length). */
  numSamples?: number;
}

/**
 * Visits random indices: a random permutation (repeated and truncated when `numSamples` differs
 * from the length), or, with `replacement`, `numSamples` independent uniform draws.
 */
export class RandomSampler extends Sampler<number> {
  /** Whether indices are drawn with replacement. */
  readonly replacement: boolean;
  /** The generator, if one was given. */
  readonly generator: Generator | undefined;
  private readonly requestedSamples: number | undefined;

  /** Samples the indices of `dataSource` randomly. */
  constructor(
    /** The dataset (or anything with a length) whose indices are sampled. */
    readonly dataSource: Sized,
    options: RandomSamplerOptions = {},
  ) {
    super();
    const op = 'RandomSampler';
    this.replacement = checkBool(op, 'replacement', options.replacement ?? false);
    this.requestedSamples = options.numSamples === undefined ? undefined : checkPositiveInt(op, 'numSamples', options.numSamples);
    this.generator = options.generator;
    checkPositiveInt(op, 'numSamples', this.numSamples);
  }

  /** `numSamples`, or the data source's length. */
  get numSamples(): number {
    return this.requestedSamples ?? this.dataSource.length;
  }

  /** One pass: draws from the generator lazily, when iteration starts. */
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const total = this.numSamples;
    const g = passGenerator(this.generator);
    if (this.replacement) {
      // PyTorch draws in chunks of 32 so a long pass never materialises all indices at once.
      for (let done = 0; done < total; done += 32) {
        yield* toIndices(randint(0, n, [Math.min(32, total - done)], { generator: g, device: 'cpu' }));
      }
      return;
    }
    for (let k = 0; k < Math.floor(total / n); k++) yield* toIndices(randperm(n, { generator: g, device: 'cpu' }));
    if (total % n > 0) yield* toIndices(randperm(n, { generator: g, device: 'cpu' })).slice(0, total % n);
  }

  /** `numSamples`. */
  get length(): number {
    return this.numSamples;
  }
}

/** Visits the given indices in a random order (a new permutation each pass). */
export class SubsetRandomSampler extends Sampler<number> {
  /** The indices to visit. */
  readonly indices: readonly number[];
  /** The generator, if one was given. */
  readonly generator: Generator | undefined;

  /** Samples from `indices` without replacement. */
  constructor(indices: readonly number[], options: SamplerGeneratorOptions = {}) {
    super();
    this.indices = [...indices];
    this.generator = options.generator;
  }

  /** The indices, permuted. */
  *[Symbol.iterator](): Iterator<number> {
    const perm = toIndices(randperm(this.indices.length, { generator: this.generator, device: 'cpu' }));
    for (const i of perm) yield this.indices[i];
  }

  /** The number of indices. */
  get length(): number {
    return this.indices.length;
  }
}

/** Options of {@link WeightedRandomSampler}. */
export interface WeightedRandomSamplerOptions extends SamplerGeneratorOptions {
  /** Draw with replacement (default true, as in PyTorch). */
  replacement?: boolean;
}

/** Visits `numSamples` indices in `0 .. weights.length-1`, index `i` with probability proportional to `weights[i]`. */
export class WeightedRandomSampler extends Sampler<number> {
  /** The weights (float64, 1-D, on the CPU). */
  readonly weights: Tensor;
  /** How many indices per pass. */
  readonly numSamples: number;
  /** Whether indices are drawn with replacement. */
  readonly replacement: boolean;
  /** The generator, if one was given. */
  readonly generator: Generator | undefined;

  /** Samples with the given (non-negative, not necessarily normalised) weights. */
  constructor(weights: readonly number[] | Tensor, numSamples: number, options: WeightedRandomSamplerOptions = {}) {
    super();
    const op = 'WeightedRandomSampler';
    this.numSamples = checkPositiveInt(op, 'numSamples', numSamples);
    this.replacement = checkBool(op, 'replacement', options.replacement ?? true);
    const w = weights instanceof Tensor ? weights.to({ dtype: 'float64', device: 'cpu' }) : tensor([...weights], { dtype: 'float64', device: 'cpu' });
    if (w.dim() !== 1) throw new Error(`[${op}] weights should be a 1d sequence but given weights have shape [${w.shape.join(', ')}]`);
    this.weights = w;
    this.generator = options.generator;
  }

  /** One pass of weighted draws. */
  *[Symbol.iterator](): Iterator<number> {
    yield* toIndices(multinomial(this.weights, this.numSamples, { replacement: this.replacement, generator: this.generator }));
  }

  /** `numSamples`. */
  get length(): number {
    return this.numSamples;
  }
}

/** Groups another sampler's indices into batches of `batchSize` (the last one shorter unless `dropLast`). */
export class BatchSampler extends Sampler<number[]> {
  /** The batch size. */
  readonly batchSize: number;
  /** Whether a last, short batch is dropped. */
  readonly dropLast: boolean;

  /** Batches `sampler`'s indices. */
  constructor(
    /** The sampler whose indices are grouped into batches. */
    readonly sampler: Iterable<number> & Sized,
    batchSize: number,
    dropLast: boolean,
  ) {
    super();
    this.batchSize = checkPositiveInt('BatchSampler', 'batchSize', batchSize);
    this.dropLast = checkBool('BatchSampler', 'dropLast', dropLast);
  }

  /** The batches of one pass. */
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const index of this.sampler) {
      batch.push(index);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }

  /** The number of batches. */
  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
