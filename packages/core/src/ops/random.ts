/**
 * Random tensors: `rand`, `randn`, `randint`, `randperm`, their `*Like` forms, the in-place
 * `uniform_`, `normal_`, `bernoulli_`, and `bernoulli`/`multinomial`.
 *
 * Every random value comes from the backend's counter-based `uniform` kernel (or, for results that
 * are computed on the host, the same Philox formula via `uniformAt`), so a seed gives the same
 * numbers on every device. Derived distributions are composites of elementwise ops:
 *
 * - uniform in `[from, to)`: `from + u * (to - from)` in the tensor's dtype;
 * - normal: Box–Muller, `sqrt(-2 log(1 - u1)) * cos(2π u2)` and `... * sin(2π u2)` (one pair of
 *   uniforms gives two normals; `1 - u1` lies in `(0, 1]`, so the log is finite);
 * - randint: `floor(u * (high - low)) + low` from a float64 draw, exact for ranges up to 2**53;
 * - bernoulli: `u < p`, with float32 draws (float64 for float64 tensors).
 *
 * @module
 */
import type { View } from '../backend/contract.js';
import { isFloatingPoint, type DType } from '../dtype.js';
import { getDefaultDtype } from '../defaults.js';
import { backendOf, checkTensor, emptyTensor, viewOf, castTo } from '../dispatch.js';
import { uniformAt } from '../random/philox.js';
import { broadcastShapes, checkNonNegative, parseSize, showShape, type SizeArgs } from '../shape.js';
import { Tensor, type TensorOptions } from '../tensor.js';
import {
  TENSOR_OPTION_KEYS, describeValue, finishCreation, hostTensor, resolveOptions, splitOptions, type ResolvedOptions,
} from './creation-options.js';
import * as ew from './elementwise.js';
import { copyInto } from './inplace.js';
import { Generator, generatorOf } from './generator.js';

export { Generator, defaultGenerator, manualSeed, seed, initialSeed, getRngState, setRngState, type GeneratorState } from './generator.js';
export { multinomial, multinomialAsync, type MultinomialOptions } from './multinomial.js';

/** Options of random creation functions: the tensor options plus a {@link Generator}. */
export interface RandomOptions extends TensorOptions {
  /** The generator to draw from (default: `torch.defaultGenerator`). */
  generator?: Generator;
}

/** Options of in-place random ops. */
export interface GeneratorOptions {
  /** The generator to draw from (default: `torch.defaultGenerator`). */
  generator?: Generator;
}

const RANDOM_OPTION_KEYS = [...TENSOR_OPTION_KEYS, 'generator'];

/** A new contiguous tensor of uniform numbers in [0, 1) from the backend's kernel. */
function drawUniform(shape: readonly number[], dtype: 'float32' | 'float64', device: string, generator: Generator): Tensor {
  const out = emptyTensor(shape, dtype, device);
  const n = out.numel();
  if (n > 0) backendOf(out).uniform(viewOf(out), generator._key, generator._advance(n));
  return out;
}

/** Disposes the temporaries of a composite as soon as it is done with them (device memory). */
class Temporaries {
  private readonly list: Tensor[] = [];
  /** Registers `t` for disposal and returns it. */
  add(t: Tensor): Tensor {
    this.list.push(t);
    return t;
  }
  /** Disposes everything registered. */
  dispose(): void {
    for (const t of this.list) t.dispose();
  }
}

function checkFloat(op: string, dtype: DType): asserts dtype is 'float32' | 'float64' {
  if (!isFloatingPoint(dtype)) throw new Error(`[${op}] expected a floating-point dtype (float32 or float64), got ${dtype}`);
}

function flatView(t: Tensor, offset: number, length: number): View {
  return { ...viewOf(t), shape: [length], strides: [1], offset: t._offset + offset };
}

/** Uniform numbers in [0, 1) of `shape` and a floating `dtype`. */
function uniformTensor(shape: readonly number[], dtype: DType, device: string, generator: Generator, op: string): Tensor {
  checkFloat(op, dtype);
  return drawUniform(shape, dtype, device, generator);
}

/** Standard normal numbers of `shape` by Box–Muller, two normals per pair of uniforms. */
function normalTensor(shape: readonly number[], dtype: DType, device: string, generator: Generator, op: string): Tensor {
  checkFloat(op, dtype);
  const out = emptyTensor(shape, dtype, device);
  const n = out.numel();
  if (n === 0) return out;
  const half = Math.ceil(n / 2);
  const temps = new Temporaries();
  const u = temps.add(drawUniform([2, half], dtype, device, generator));
  const u1 = new Tensor(u._storage, [half], [1], 0, u);
  const u2 = new Tensor(u._storage, [half], [1], half, u);
  const radius = temps.add(ew.unary('sqrt', temps.add(ew.mul(temps.add(ew.unary('log', temps.add(ew.sub(1, u1)))), -2))));
  const angle = temps.add(ew.mul(u2, 2 * Math.PI));
  const cosines = temps.add(ew.mul(radius, temps.add(ew.unary('cos', angle))));
  const sines = temps.add(ew.mul(radius, temps.add(ew.unary('sin', angle))));
  const backend = backendOf(out);
  backend.copy(flatView(out, 0, half), flatView(cosines, 0, half));
  if (n > half) backend.copy(flatView(out, half, n - half), flatView(sines, 0, n - half));
  temps.dispose();
  return out;
}

function sizedRandom(
  op: string,
  args: readonly unknown[],
  make: (shape: number[], o: ResolvedOptions, generator: Generator) => Tensor,
): Tensor {
  const [sizeArgs, options] = splitOptions<RandomOptions>(args);
  const shape = parseSize(op, sizeArgs);
  checkNonNegative(op, shape);
  const o = resolveOptions(op, options, { dtype: getDefaultDtype() }, RANDOM_OPTION_KEYS);
  return finishCreation(make(shape, o, generatorOf(op, options)), o.requiresGrad);
}

/** Uniform random numbers in [0, 1): `rand(5, 3)`, `rand([5, 3], { dtype: 'float64', generator })`. */
export function rand(...args: [...SizeArgs] | [...SizeArgs, RandomOptions]): Tensor {
  return sizedRandom('rand', args, (shape, o, g) => uniformTensor(shape, o.dtype, o.device, g, 'rand'));
}

/** Standard normal random numbers: `randn(3, 4)`, `randn([3, 4], { generator })`. */
export function randn(...args: [...SizeArgs] | [...SizeArgs, RandomOptions]): Tensor {
  return sizedRandom('randn', args, (shape, o, g) => normalTensor(shape, o.dtype, o.device, g, 'randn'));
}

function likeRandom(op: string, x: Tensor, options: RandomOptions | undefined): [ResolvedOptions, Generator] {
  checkTensor(op, x);
  return [resolveOptions(op, options, { dtype: x.dtype, device: x.device }, RANDOM_OPTION_KEYS), generatorOf(op, options)];
}

/** Uniform random numbers in [0, 1) with `x`'s shape, dtype and device (unless given). */
export function randLike(x: Tensor, options?: RandomOptions): Tensor {
  const [o, g] = likeRandom('randLike', x, options);
  return finishCreation(uniformTensor(x.shape, o.dtype, o.device, g, 'randLike'), o.requiresGrad);
}

/** Standard normal random numbers with `x`'s shape, dtype and device (unless given). */
export function randnLike(x: Tensor, options?: RandomOptions): Tensor {
  const [o, g] = likeRandom('randnLike', x, options);
  return finishCreation(normalTensor(x.shape, o.dtype, o.device, g, 'randnLike'), o.requiresGrad);
}

// ---- integers ----

function checkBound(op: string, name: string, value: unknown): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new Error(`[${op}] expected ${name} to be an integer (at most 2**53 in magnitude), got ${describeValue(value)}`);
  }
  return n;
}

/** Integers uniform in `[low, high)` of `shape`, as `dtype`. */
function randintTensor(op: string, low: number, high: number, shape: readonly number[], o: ResolvedOptions, g: Generator): Tensor {
  if (!(low < high)) throw new Error(`[${op}] expected low < high, got low=${low} and high=${high}`);
  if (o.dtype === 'bool' && (low < 0 || high > 2)) {
    throw new Error(`[${op}] bounds [${low}, ${high}) do not fit dtype bool`);
  }
  const range = high - low;
  if (!Number.isSafeInteger(range)) throw new Error(`[${op}] the range high - low = ${range} exceeds 2**53`);
  const temps = new Temporaries();
  const u = temps.add(drawUniform(shape, 'float64', o.device, g));
  // floor(u * range) < range for every u < 1 when range <= 2**53, so no value reaches `high`.
  const offsets = ew.unary('floor', temps.add(ew.mul(u, range)));
  const values = low === 0 ? offsets : ew.add(temps.add(offsets), low);
  const out = castTo(values, o.dtype);
  if (out !== values) temps.add(values);
  temps.dispose();
  return out;
}

/**
 * Random integers in `[low, high)` (int64 unless `dtype` says else): `randint(3, 10, [2, 2])`, or
 * `randint(10, [2, 2])` with `low` 0. The size is an array, as in PyTorch.
 */
export function randint(high: number | bigint, size: readonly number[], options?: RandomOptions): Tensor;
export function randint(low: number | bigint, high: number | bigint, size: readonly number[], options?: RandomOptions): Tensor;
export function randint(...args: unknown[]): Tensor {
  const op = 'randint';
  const withLow = !Array.isArray(args[1]);
  const [lowArg, highArg, size, options] = withLow ? args : [0, ...args];
  if (!Array.isArray(size)) {
    throw new Error(`[${op}] expected the size as an array (randint(low, high, [sizes]) or randint(high, [sizes])), got ${describeValue(size)}`);
  }
  const low = checkBound(op, 'low', lowArg);
  const high = checkBound(op, 'high', highArg);
  const shape = parseSize(op, [size]);
  checkNonNegative(op, shape);
  const opts = options as RandomOptions | undefined;
  const o = resolveOptions(op, opts, { dtype: 'int64' }, RANDOM_OPTION_KEYS);
  return finishCreation(randintTensor(op, low, high, shape, o, generatorOf(op, opts)), o.requiresGrad);
}

/**
 * Random integers in `[low, high)` with `x`'s shape, dtype and device (unless given):
 * `randintLike(x, 10)` or `randintLike(x, 3, 10)`.
 */
export function randintLike(x: Tensor, high: number | bigint, options?: RandomOptions): Tensor;
export function randintLike(x: Tensor, low: number | bigint, high: number | bigint, options?: RandomOptions): Tensor;
export function randintLike(x: Tensor, ...args: unknown[]): Tensor {
  const op = 'randintLike';
  const withLow = typeof args[1] === 'number' || typeof args[1] === 'bigint';
  const [lowArg, highArg, options] = withLow ? args : [0, ...args];
  const [o, g] = likeRandom(op, x, options as RandomOptions | undefined);
  const t = randintTensor(op, checkBound(op, 'low', lowArg), checkBound(op, 'high', highArg), x.shape, o, g);
  return finishCreation(t, o.requiresGrad);
}

/**
 * A random permutation of `0 .. n-1` (int64 unless `dtype` says else). Computed on the host by a
 * Fisher–Yates shuffle driven by the generator's Philox stream, then written to the device.
 */
export function randperm(n: number, options?: RandomOptions): Tensor {
  const op = 'randperm';
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Error(`[${op}] expected n to be an integer, got ${describeValue(n)}`);
  checkNonNegative(op, [n]);
  const o = resolveOptions(op, options, { dtype: 'int64' }, RANDOM_OPTION_KEYS);
  if (o.dtype === 'bool') throw new Error(`[${op}] not implemented for dtype bool`);
  if ((o.dtype === 'uint8' && n > 256) || (o.dtype === 'float32' && n > 2 ** 24)) {
    throw new Error(`[${op}] n = ${n} is too large for dtype ${o.dtype}`);
  }
  const g = generatorOf(op, options);
  const perm = new Float64Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const first = g._advance(n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniformAt(g._key, first, i, true) * (i + 1));
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
  const values = o.dtype === 'int64' ? BigInt64Array.from(perm, (v) => BigInt(v))
    : o.dtype === 'int32' ? Int32Array.from(perm)
    : o.dtype === 'uint8' ? Uint8Array.from(perm)
    : o.dtype === 'float32' ? Float32Array.from(perm)
    : perm;
  return finishCreation(hostTensor(values, [n], o.dtype, o.device), o.requiresGrad);
}

// ---- in place ----

/** Fills `x` with uniform numbers in `[from, to)`; returns `x`. */
export function uniform_<T extends Tensor>(x: T, from = 0, to = 1, options?: GeneratorOptions): T {
  const op = 'uniform_';
  checkTensor(op, x, 'self');
  checkFloat(op, x.dtype);
  if (!(from <= to)) throw new Error(`[${op}] expected from <= to, got from=${from} > to=${to}`);
  const temps = new Temporaries();
  let values = temps.add(drawUniform(x.shape, x.dtype, x.device, generatorOf(op, options)));
  if (from !== 0 || to !== 1) values = temps.add(ew.add(temps.add(ew.mul(values, to - from)), from));
  copyInto(x, values);
  temps.dispose();
  return x;
}

/** Fills `x` with normal numbers of mean `mean` and standard deviation `std`; returns `x`. */
export function normal_<T extends Tensor>(x: T, mean = 0, std = 1, options?: GeneratorOptions): T {
  const op = 'normal_';
  checkTensor(op, x, 'self');
  checkFloat(op, x.dtype);
  if (!(std >= 0)) throw new Error(`[${op}] expected std >= 0, got std=${std}`);
  const temps = new Temporaries();
  let values = temps.add(normalTensor(x.shape, x.dtype, x.device, generatorOf(op, options), op));
  if (std !== 1) values = temps.add(ew.mul(values, std));
  if (mean !== 0) values = temps.add(ew.add(values, mean));
  copyInto(x, values);
  temps.dispose();
  return x;
}

/** The draw dtype of Bernoulli samples: float64 only when the probabilities or output are float64. */
function bernoulliDrawDType(...dtypes: DType[]): 'float32' | 'float64' {
  return dtypes.includes('float64') ? 'float64' : 'float32';
}

/**
 * Fills `x` (any dtype) with 1 with probability `p` and 0 otherwise; `p` is a number in [0, 1] or a
 * tensor of probabilities that broadcasts to `x`'s shape. Returns `x`.
 */
export function bernoulli_<T extends Tensor>(x: T, p: number | Tensor = 0.5, options?: GeneratorOptions): T {
  const op = 'bernoulli_';
  checkTensor(op, x, 'self');
  if (p instanceof Tensor) {
    const shape = broadcastShapes(op, x.shape, p.shape);
    if (shape.length !== x.shape.length || shape.some((d, i) => d !== x.shape[i])) {
      throw new Error(`[${op}] probabilities of shape ${showShape(p.shape)} do not broadcast to the input's shape ${showShape(x.shape)}`);
    }
  } else if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new Error(`[${op}] expected p to be in [0, 1], got p=${String(p)}`);
  }
  const temps = new Temporaries();
  const drawDType = bernoulliDrawDType(x.dtype, p instanceof Tensor ? p.dtype : 'float32');
  const u = temps.add(drawUniform(x.shape, drawDType, x.device, generatorOf(op, options)));
  const mask = temps.add(ew.compare('lt', u, p));
  copyInto(x, mask);
  temps.dispose();
  return x;
}

/**
 * Bernoulli samples with `x`'s probabilities: 1 with probability `x[i]`, else 0, in `x`'s dtype.
 * Not differentiable (no gradient flows to the probabilities).
 */
export function bernoulli(x: Tensor, options?: GeneratorOptions): Tensor {
  const op = 'bernoulli';
  checkTensor(op, x);
  if (!isFloatingPoint(x.dtype)) {
    throw new Error(`[${op}] expected a floating-point tensor of probabilities, got ${x.dtype}`);
  }
  const temps = new Temporaries();
  const u = temps.add(drawUniform(x.shape, bernoulliDrawDType(x.dtype), x.device, generatorOf(op, options)));
  const mask = temps.add(ew.compare('lt', u, x));
  const out = castTo(mask, x.dtype);
  temps.dispose();
  return out;
}
