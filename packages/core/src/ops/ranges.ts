/**
 * `arange` and `linspace`, with PyTorch's sizes, dtypes, errors and values. The values are
 * computed on the host (they depend only on the arguments) and written to the device.
 *
 * The values reproduce PyTorch's CPU kernels bit for bit (checked against PyTorch 1.13). Each element
 * is `start + step * i` (linspace: counted from the start for the first half and as
 * `end - step * (steps - 1 - i)` from the end for the second half, so both ends are exact), where the
 * compiler fuses the multiply-add into one FMA with a single rounding (emulated by `fma64`/`fma32`,
 * which is why `linspace(-1, 1, 7)` has `-2.9802e-08` in the middle, as in PyTorch). Long outputs go
 * through PyTorch's SIMD loop, whose vectors of 32 bytes count from their first element; `simdLoop`
 * follows the same layout (one thread; PyTorch with several threads also splits outputs longer than
 * 32768 elements per thread).
 *
 * @module
 */
import type { TypedArray } from '../backend/contract.js';
import { itemSize, newArray, type DType } from '../dtype.js';
import { getDefaultDtype } from '../defaults.js';
import type { Tensor, TensorOptions } from '../tensor.js';
import { finishCreation, hostTensor, resolveOptions, splitOptions, checkedScalar, describeValue } from './creation-options.js';

// ---- exact rounding (error-free transformations) ----

/** `a + b` as a rounded sum and its exact error. */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

const SPLITTER = 134217729; // 2 ** 27 + 1, Veltkamp's splitting constant

/** `a * b` as a rounded product and its exact error (Dekker). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** `a * b + c` with one rounding to float64, as C's `fma`. */
export function fma64(a: number, b: number, c: number): number {
  const [p, pe] = twoProduct(a, b);
  if (!Number.isFinite(p)) return p + c;
  const [s, se] = twoSum(p, c);
  return s + (se + pe);
}

/** The float32 nearest to the exact sum `hi + lo` (`hi` the rounded double, `lo` its error). */
function roundToFloat32(hi: number, lo: number): number {
  const r = Math.fround(hi);
  if (lo === 0 || r === hi) return r;
  // Rounding twice (to double, then to float32) only goes wrong when `hi` is exactly halfway
  // between two float32 values; then the sign of the lost error `lo` decides.
  const other = r + 2 * (hi - r);
  if (Math.fround(other) !== other) return r;
  return lo > 0 === other > r ? other : r;
}

/** `a * b + c` in float32 with one rounding (all three are float32 values). */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b; // exact: two 24-bit significands fit in 53 bits
  if (!Number.isFinite(p)) return Math.fround(p + c);
  return roundToFloat32(...twoSum(p, c));
}

/** `a - b` in float32 with one rounding. */
function sub32(a: number, b: number): number {
  return roundToFloat32(...twoSum(a, -b));
}

// ---- PyTorch's SIMD loop ----

/** Bytes of one `Vectorized<T>` in PyTorch's CPU kernels (AVX2, NEON and the portable fallback). */
const VECTOR_BYTES = 32;

/**
 * PyTorch's `cpu_serial_kernel_vec` loop over `n` outputs on one thread: whole vectors of `lanes`
 * elements two at a time while two fit, then the rest one element at a time.
 */
function simdLoop(n: number, lanes: number, vector: (first: number) => void, scalar: (i: number) => void): void {
  let i = 0;
  for (; i + 2 * lanes <= n; i += 2 * lanes) {
    vector(i);
    vector(i + lanes);
  }
  for (; i < n; i++) scalar(i);
}

// ---- linspace ----

/**
 * The values of `torch.linspace(start, end, steps)` in `dtype`, as PyTorch's CPU kernel computes
 * them: the step in the dtype's precision (float64 for integer dtypes), `start + step * i` for the
 * first half and `end - step * (steps - 1 - i)` for the second, converted to the dtype. A SIMD
 * vector starts from its first element's value and adds `j * step` for the others.
 */
export function linspaceValues(start: number, end: number, steps: number, dtype: DType): TypedArray {
  const out = newArray(dtype, steps);
  const set = out as unknown as (number | bigint)[];
  if (steps === 0) return out;
  if (steps === 1) {
    set[0] = checkedScalar('linspace', start, dtype);
    return out;
  }
  const halfway = Math.floor(steps / 2);
  const lanes = VECTOR_BYTES / itemSize(dtype);
  if (dtype === 'float32') {
    const a = Math.fround(start);
    const b = Math.fround(end);
    const step = Math.fround(sub32(b, a) / Math.fround(steps - 1));
    const value = (i: number) => (i < halfway ? fma32(step, Math.fround(i), a) : fma32(-step, Math.fround(steps - i - 1), b));
    simdLoop(steps, lanes, (first) => {
      const base = value(first);
      for (let j = 0; j < lanes; j++) out[first + j] = roundToFloat32(...twoSum(base, Math.fround(j * step)));
    }, (i) => { out[i] = value(i); });
  } else if (dtype === 'float64') {
    const step = (end - start) / (steps - 1);
    const value = (i: number) => (i < halfway ? fma64(step, i, start) : fma64(-step, steps - i - 1, end));
    simdLoop(steps, lanes, (first) => {
      const base = value(first);
      for (let j = 0; j < lanes; j++) out[first + j] = base + j * step;
    }, (i) => { out[i] = value(i); });
  } else {
    // Integer dtypes: the ends converted first (truncating), the step and values in float64.
    const a = Number(checkedScalar('linspace', start, dtype));
    const b = Number(checkedScalar('linspace', end, dtype));
    const step = (b - a) / (steps - 1);
    const store = (i: number, v: number) => { set[i] = dtype === 'int64' ? BigInt(Math.trunc(v)) : Math.trunc(v); };
    const value = (i: number) => Math.trunc(i < halfway ? fma64(step, i, a) : fma64(-step, steps - i - 1, b));
    simdLoop(steps, lanes, (first) => {
      const base = value(first);
      for (let j = 0; j < lanes; j++) store(first + j, base + j * step);
    }, (i) => store(i, value(i)));
  }
  return out;
}

/** `steps` values from `start` to `end` inclusive, evenly spaced (default float dtype). */
export function linspace(start: number | bigint, end: number | bigint, steps: number, options?: TensorOptions): Tensor {
  const op = 'linspace';
  checkRangeNumber(op, 'start', start);
  checkRangeNumber(op, 'end', end);
  if (typeof steps !== 'number' || !Number.isInteger(steps)) {
    throw new Error(`[linspace] expected steps to be an integer, got ${describeValue(steps)}`);
  }
  if (steps < 0) throw new Error(`[linspace] number of steps must be non-negative, got ${steps}`);
  const o = resolveOptions(op, options, { dtype: getDefaultDtype() });
  if (o.dtype === 'bool') throw new Error(`[linspace] not implemented for dtype bool`);
  const values = linspaceValues(Number(start), Number(end), steps, o.dtype);
  return finishCreation(hostTensor(values, [steps], o.dtype, o.device), o.requiresGrad);
}

// ---- arange ----

function checkRangeNumber(op: string, name: string, value: unknown): asserts value is number | bigint {
  if (typeof value !== 'number' && typeof value !== 'bigint') {
    throw new Error(`[${op}] expected ${name} to be a number or bigint, got ${describeValue(value)}`);
  }
}

function truncBig(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
}

/**
 * The values of `torch.arange(start, end, step)` in `dtype`, with PyTorch's size
 * `ceil((end - start) / step)` and errors. Integer dtypes truncate the arguments first and count
 * exactly (int64 in bigint arithmetic); floating dtypes compute `start + step * i` in float64.
 */
export function arangeValues(start: number | bigint, end: number | bigint, step: number | bigint, dtype: DType): TypedArray {
  if (dtype === 'bool') throw new Error(`[arange] not implemented for dtype bool`);
  const startN = Number(start);
  const endN = Number(end);
  if (!Number.isFinite(startN) || !Number.isFinite(endN)) {
    throw new Error(`[arange] unsupported range: ${startN} -> ${endN}`);
  }
  const integral = dtype !== 'float32' && dtype !== 'float64';
  // Integer dtypes step and compare with the truncated arguments (PyTorch's accumulate type int64).
  let xStart: number | bigint = startN;
  let xEnd: number | bigint = endN;
  let xStep: number | bigint = Number(step);
  if (integral) {
    if (typeof step === 'number' && !Number.isFinite(step)) throw new Error(`[arange] step must be nonzero, got ${step}`);
    xStart = truncBig(start);
    xEnd = truncBig(end);
    xStep = truncBig(step);
  }
  const sizeD = dtype === 'int64'
    ? Math.ceil(Number((xEnd as bigint) - (xStart as bigint)) / Number(xStep))
    : Math.ceil((endN - startN) / Number(step));
  if (!(xStep > 0 || xStep < 0)) throw new Error(`[arange] step must be nonzero`);
  if (!((xStep > 0 && xEnd >= xStart) || (xStep < 0 && xEnd <= xStart))) {
    throw new Error(`[arange] upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  }
  if (!(sizeD >= 0) || !Number.isSafeInteger(sizeD)) throw new Error(`[arange] invalid size ${sizeD}, possible overflow?`);
  const size = sizeD;
  const out = newArray(dtype, size);
  const set = out as unknown as (number | bigint)[];
  if (dtype === 'float32' || dtype === 'float64') {
    // The accumulate type is float64; a SIMD vector starts from its first value in the dtype.
    const s = startN;
    const st = Number(step);
    simdLoop(size, VECTOR_BYTES / itemSize(dtype), (first) => {
      const base = dtype === 'float32' ? Math.fround(fma64(st, first, s)) : fma64(st, first, s);
      for (let j = 0; j < VECTOR_BYTES / itemSize(dtype); j++) out[first + j] = fma64(j, st, base);
    }, (i) => { out[i] = fma64(st, i, s); }); // Float32Array rounds the double, as PyTorch casts it
  } else if (dtype === 'int64') {
    const s = xStart as bigint;
    const st = xStep as bigint;
    for (let i = 0; i < size; i++) set[i] = s + BigInt(i) * st;
  } else {
    const s = xStart as bigint;
    const st = xStep as bigint;
    for (let i = 0; i < size; i++) {
      const v = s + BigInt(i) * st;
      set[i] = dtype === 'int32' ? Number(BigInt.asIntN(32, v)) : Number(BigInt.asUintN(8, v));
    }
  }
  return out;
}

/**
 * `torch.arange`: `arange(end)`, `arange(start, end)` or `arange(start, end, step)`, with an
 * optional trailing options object. Integer arguments (integral numbers or bigints) give int64, any
 * fractional argument the default float dtype.
 */
export function arange(end: number | bigint, options?: TensorOptions): Tensor;
export function arange(start: number | bigint, end: number | bigint, options?: TensorOptions): Tensor;
export function arange(start: number | bigint, end: number | bigint, step: number | bigint, options?: TensorOptions): Tensor;
export function arange(...args: unknown[]): Tensor {
  const [numbers, options] = splitOptions(args);
  if (numbers.length < 1 || numbers.length > 3) {
    throw new Error(`[arange] expected end, or start, end and an optional step, got ${numbers.length} arguments`);
  }
  numbers.forEach((v, i) => checkRangeNumber('arange', ['start', 'end', 'step'][numbers.length === 1 ? 1 : i], v));
  const [start, end, step] = (numbers.length === 1 ? [0, numbers[0], 1] : [numbers[0], numbers[1], numbers[2] ?? 1]) as (number | bigint)[];
  const integral = [start, end, step].every((v) => typeof v === 'bigint' || Number.isInteger(v));
  const o = resolveOptions('arange', options, { dtype: integral ? 'int64' : getDefaultDtype() });
  const values = arangeValues(start, end, step, o.dtype);
  return finishCreation(hostTensor(values, [values.length], o.dtype, o.device), o.requiresGrad);
}
