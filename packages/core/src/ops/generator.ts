/**
 * Random number generators: PyTorch's `torch.Generator`, `manual_seed`, `seed`, `initial_seed`,
 * on top of the counter-based Philox generator, so a seed gives the same numbers on every device.
 *
 * A generator is a 64-bit seed (the Philox key: low and high 32 bits) and a counter: the number of
 * random elements drawn so far. A draw of `n` elements uses counters `counter .. counter + n - 1`
 * and advances the counter by `n`, so consecutive draws never overlap and a draw's values do not
 * depend on how a device schedules its work.
 *
 * @module
 */

/** PyTorch's seed of a new `torch.Generator()`. */
const DEFAULT_SEED = 67280421310721n;
const TWO_POW_32 = 4294967296;

/**
 * A generator's state (PyTorch's `get_state()` returns it packed into a uint8 tensor; here it is a
 * plain object that `setState` accepts back).
 */
export interface GeneratorState {
  /** The seed, as an unsigned 64-bit integer. */
  readonly seed: bigint;
  /** How many random elements were drawn since seeding. */
  readonly counter: number;
}

/** A seed from the platform's random source, below 2**53 so that `initialSeed()` is exact. */
function nondeterministicSeed(): bigint {
  const words = new Uint32Array(2);
  const crypto = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (crypto?.getRandomValues) crypto.getRandomValues(words);
  else for (let i = 0; i < 2; i++) words[i] = Math.floor(Math.random() * TWO_POW_32);
  return (BigInt(words[0] & 0x1fffff) << 32n) | BigInt(words[1]);
}

/** Checks a user-supplied seed and reduces it to an unsigned 64-bit integer (negative seeds wrap, as in PyTorch). */
function toSeed(op: string, seed: unknown): bigint {
  if (typeof seed === 'bigint') return BigInt.asUintN(64, seed);
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) return BigInt.asUintN(64, BigInt(seed));
  throw new Error(`[${op}] expected an integer seed (a safe-integer number or a bigint), got ${String(seed)}`);
}

/**
 * A random number generator (PyTorch's `torch.Generator`). Pass one as `{ generator }` to random
 * functions to draw from an independent stream; otherwise they use {@link defaultGenerator}.
 */
export class Generator {
  private seedValue: bigint = DEFAULT_SEED;
  /** @internal The Philox key: the seed's low and high 32 bits. */
  _key: [number, number] = [0, 0];
  /** @internal Random elements drawn since seeding. */
  _counter = 0;

  /** A generator seeded with PyTorch's default seed 67280421310721. */
  constructor() {
    this.manualSeed(DEFAULT_SEED);
  }

  /** Seeds the generator (integers; negative seeds wrap to 64 bits) and restarts its stream; returns it. */
  manualSeed(seed: number | bigint): this {
    this.seedValue = toSeed('manualSeed', seed);
    this._key = [Number(this.seedValue & 0xffffffffn), Number(this.seedValue >> 32n)];
    this._counter = 0;
    return this;
  }

  /** Seeds the generator from a nondeterministic source and returns the new seed. */
  seed(): number {
    this.manualSeed(nondeterministicSeed());
    return this.initialSeed();
  }

  /** The seed this generator was last seeded with (a number; seeds above 2**53 are rounded, see `getState`). */
  initialSeed(): number {
    return Number(this.seedValue);
  }

  /** The generator's state, to restore later with {@link setState}. */
  getState(): GeneratorState {
    return { seed: this.seedValue, counter: this._counter };
  }

  /** Restores a state returned by {@link getState}; returns the generator. */
  setState(state: GeneratorState): this {
    if (typeof state !== 'object' || state === null || !Number.isSafeInteger(state.counter) || state.counter < 0) {
      throw new Error(`[setState] expected a state { seed, counter } returned by getState(), got ${String(state)}`);
    }
    this.manualSeed(state.seed);
    this._counter = state.counter;
    return this;
  }

  /** @internal Reserves `n` consecutive counters and returns the first. */
  _advance(n: number): number {
    const first = this._counter;
    this._counter += n;
    return first;
  }
}

/**
 * The generator that random functions use when none is given (PyTorch's `torch.default_generator`).
 * As in PyTorch it starts from a nondeterministic seed; call {@link manualSeed} for reproducible runs.
 */
export const defaultGenerator: Generator = new Generator();
defaultGenerator.seed();

/** Seeds the default generator (`torch.manual_seed`) and returns it. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** Seeds the default generator nondeterministically and returns the seed (`torch.seed`). */
export function seed(): number {
  return defaultGenerator.seed();
}

/** The default generator's seed (`torch.initial_seed`). */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

/** The default generator's state (`torch.get_rng_state`, as a plain object). */
export function getRngState(): GeneratorState {
  return defaultGenerator.getState();
}

/** Restores the default generator's state (`torch.set_rng_state`). */
export function setRngState(state: GeneratorState): void {
  defaultGenerator.setState(state);
}

/** The generator from an options object, checked, or the default one. */
export function generatorOf(op: string, options: { generator?: unknown } | undefined): Generator {
  const g = options?.generator;
  if (g === undefined || g === null) return defaultGenerator;
  if (!(g instanceof Generator)) throw new Error(`[${op}] expected generator to be a torch.Generator, got ${String(g)}`);
  return g;
}
