/**
 * Elementwise operations: PyTorch's dtype promotion and broadcasting on top of the backend's
 * `unary`, `binary` and `where` kernels.
 *
 * @module
 */
import type { BinaryOp, UnaryOp } from '../backend/contract.js';
import { isFloatingPoint, resultType, type DType, type Operand } from '../dtype.js';
import { getDefaultDtype } from '../defaults.js';
import {
  backendOf, broadcastViewOf, castTo, checkTensor, commonDevice, differentiable, emptyTensor, scalarTensor, viewOf,
} from '../dispatch.js';
import { broadcastShapes, showShape } from '../shape.js';
import { Tensor, type ScalarLike, type TensorLike } from '../tensor.js';
import { checkedScalar } from './creation-options.js';

/** Unary functions whose result is floating point: integer inputs become the default float dtype. */
const FLOAT_FUNCTIONS = new Set<UnaryOp>([
  'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'reciprocal', 'sin', 'cos',
  'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'sigmoid', 'erf',
]);
/** Unary predicates with a bool result. */
const BOOL_RESULTS = new Set<UnaryOp>(['logicalNot', 'isnan', 'isinf', 'isfinite']);
/** Rounding functions: the identity on integers. */
const ROUNDING = new Set<UnaryOp>(['floor', 'ceil', 'round', 'trunc']);
/** Unary ops with a derivative (the others are piecewise constant or boolean). */
const NOT_DIFFERENTIABLE = new Set<UnaryOp>(['logicalNot', 'isnan', 'isinf', 'isfinite']);

function operand(t: TensorLike): Operand {
  return t instanceof Tensor ? { dtype: t.dtype, dim: t.shape.length } : t;
}

function checkOperand(op: string, value: unknown): TensorLike {
  if (value instanceof Tensor || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return value;
  }
  const given = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new Error(`[${op}] expected a Tensor or a number, got ${given}`);
}

/** A tensor operand converted to `dtype`, or a scalar operand as a 0-d tensor of `dtype`. */
function asOperandTensor(value: TensorLike, dtype: DType, device: string): Tensor {
  return value instanceof Tensor ? castTo(value, dtype) : scalarTensor(value, dtype, device);
}

/**
 * A scalar that PyTorch converts to the tensor's dtype with its overflow check (fill values,
 * clamp bounds, `where` and `maskedFill` scalars): `uint8.clamp({ max: 300 })` is an error rather
 * than a bound of 44. Arithmetic (`add`, `mul`) does not check and wraps, as in PyTorch.
 */
function checkedScalarTensor(op: string, value: ScalarLike, dtype: DType, device: string): Tensor {
  checkedScalar(op, value, dtype);
  return scalarTensor(value, dtype, device);
}

/** Applies a unary function with PyTorch's dtype rules, recording the op for autograd. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  checkTensor(op, x);
  const dtype = x.dtype;
  if (dtype === 'bool' && (op === 'neg' || op === 'abs' || op === 'relu' || ROUNDING.has(op))) {
    throw new Error(
      op === 'neg'
        ? `[neg] negation on a bool tensor is not supported; to invert a mask use logicalNot()`
        : `[${op}] is not supported for bool tensors`,
    );
  }
  if (ROUNDING.has(op) && !isFloatingPoint(dtype)) return castTo(x, dtype) === x ? copyOf(x) : x;
  const compute = () => {
    const inDtype = FLOAT_FUNCTIONS.has(op) && !isFloatingPoint(dtype) ? getDefaultDtype() : dtype;
    const input = castTo(x, inDtype);
    const out = emptyTensor(x.shape, BOOL_RESULTS.has(op) ? 'bool' : inDtype, x.device);
    backendOf(x).unary(op, viewOf(out), viewOf(input));
    return out;
  };
  return NOT_DIFFERENTIABLE.has(op) ? compute() : differentiable(op, [x], {}, compute);
}

function copyOf(x: Tensor): Tensor {
  const out = emptyTensor(x.shape, x.dtype, x.device);
  backendOf(x).copy(viewOf(out), viewOf(x));
  return out;
}

/** Runs a binary kernel on operands already converted to `computeDtype`, writing `outDtype`. */
function binaryKernel(op: BinaryOp, a: TensorLike, b: TensorLike, computeDtype: DType, outDtype: DType, name: string = op): Tensor {
  const tensors = [a, b].filter((v): v is Tensor => v instanceof Tensor);
  const device = commonDevice(name, tensors);
  const shape = broadcastShapes(name, a instanceof Tensor ? a.shape : [], b instanceof Tensor ? b.shape : []);
  const at = asOperandTensor(a, computeDtype, device);
  const bt = asOperandTensor(b, computeDtype, device);
  const out = emptyTensor(shape, outDtype, device);
  backendOf(out).binary(op, viewOf(out), broadcastViewOf(at, shape), broadcastViewOf(bt, shape));
  return out;
}

/** Tensor inputs of a binary op; scalar operands become 0-d tensors so rules see two inputs. */
function binaryInputs(op: string, a: TensorLike, b: TensorLike, dtype: DType): [Tensor, Tensor] {
  const device = commonDevice(op, [a, b].filter((v): v is Tensor => v instanceof Tensor));
  return [
    a instanceof Tensor ? a : scalarTensor(a, dtype, device),
    b instanceof Tensor ? b : scalarTensor(b, dtype, device),
  ];
}

/** A differentiable arithmetic op on promoted operands. */
function arithmetic(op: BinaryOp, a: TensorLike, b: TensorLike, options: { floatResult?: boolean } = {}): Tensor {
  checkOperand(op, a);
  checkOperand(op, b);
  let dtype = resultType([operand(a), operand(b)], getDefaultDtype());
  if (options.floatResult && !isFloatingPoint(dtype)) dtype = getDefaultDtype();
  const [at, bt] = binaryInputs(op, a, b, dtype);
  return differentiable(op, [at, bt], {}, () => binaryKernel(op, at, bt, dtype, dtype));
}

/**
 * `alpha * b` for `add`/`sub`, in the dtype `a op b` has: PyTorch rejects a fractional `alpha` when
 * that dtype is integral (it would silently turn an integer sum into a float one), and a bool sum
 * stays bool.
 */
function scaledByAlpha(op: 'add' | 'sub', a: TensorLike, b: TensorLike, alpha: number): TensorLike {
  checkOperand(op, a);
  checkOperand(op, b);
  const dtype = resultType([operand(a), operand(b)], getDefaultDtype());
  if (!isFloatingPoint(dtype) && !Number.isInteger(alpha)) {
    throw new Error(`[${op}] for integral input tensors, argument alpha must not be a floating point number, got ${alpha}`);
  }
  if (!(b instanceof Tensor)) return Number(b) * alpha;
  const scaled = b.mul(alpha);
  return dtype === 'bool' ? castTo(scaled, 'bool') : scaled;
}

/** `a + alpha * b`. */
export function add(a: TensorLike, b: TensorLike, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  if (alpha === 1) return arithmetic('add', a, b);
  return arithmetic('add', a, scaledByAlpha('add', a, b, alpha));
}

/** `a - alpha * b`. */
export function sub(a: TensorLike, b: TensorLike, options: { alpha?: number } = {}): Tensor {
  // PyTorch rejects bool operands of `-`, tensors and Python bools alike.
  const isBool = (v: TensorLike) => typeof v === 'boolean' || (v instanceof Tensor && v.dtype === 'bool');
  if (isBool(a) || isBool(b)) {
    throw new Error(`[sub] subtraction with bool tensors is not supported; use logicalXor() instead`);
  }
  const alpha = options.alpha ?? 1;
  if (alpha === 1) return arithmetic('sub', a, b);
  return arithmetic('sub', a, scaledByAlpha('sub', a, b, alpha));
}

/** Elementwise product. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('mul', a, b);
}

/** True division, or rounded division with `roundingMode` `'trunc'` or `'floor'`. */
export function div(a: TensorLike, b: TensorLike, options: { roundingMode?: 'trunc' | 'floor' | null } = {}): Tensor {
  const mode = options.roundingMode ?? null;
  if (mode === null) return arithmetic('div', a, b, { floatResult: true });
  if (mode !== 'trunc' && mode !== 'floor') {
    throw new Error(`[div] expected roundingMode to be 'trunc', 'floor' or null, got ${JSON.stringify(mode)}`);
  }
  const dtype = resultType([operand(a), operand(b)], getDefaultDtype());
  rejectBool('div', dtype);
  if (mode === 'floor') return floorDivide(a, b);
  if (isFloatingPoint(dtype)) return unary('trunc', arithmetic('div', a, b));
  // Integer truncation: floor division, plus one where a remainder is left and the signs differ.
  const q = floorDivide(a, b);
  const r = remainder(a, b);
  const signsDiffer = compare('logicalXor', compare('lt', a, 0), compare('lt', b, 0));
  return where(compare('logicalAnd', r.ne(0), signsDiffer), q.add(1), q);
}

/** Division rounded toward negative infinity (not differentiable, as in PyTorch). */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  checkOperand('floorDivide', a);
  checkOperand('floorDivide', b);
  const dtype = resultType([operand(a), operand(b)], getDefaultDtype());
  rejectBool('floorDivide', dtype);
  return binaryKernel('floorDivide', a, b, dtype, dtype, 'floorDivide');
}

/** PyTorch has no bool kernel for rounded division, remainders and powers: `a // b` of two bools is an error. */
function rejectBool(op: string, dtype: DType): void {
  if (dtype === 'bool') throw new Error(`[${op}] not implemented for bool tensors; convert with .int() or .float() first`);
}

/** Python's modulus (the divisor's sign). */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  checkOperand('remainder', a);
  checkOperand('remainder', b);
  rejectBool('remainder', resultType([operand(a), operand(b)], getDefaultDtype()));
  return arithmetic('remainder', a, b);
}

/** `±1` in `dtype`, negative where `x` is negative (for floats also at -0, so signs of zero survive). */
function signOfDividend(x: Tensor, dtype: DType): Tensor {
  let negative = compare('lt', x, 0);
  if (isFloatingPoint(x.dtype)) negative = compare('logicalOr', negative, compare('lt', unary('reciprocal', x.detach()), 0));
  return castTo(where(negative, -1, 1), dtype);
}

/**
 * C's modulus (the dividend's sign, `std::fmod`). Computed as `s * remainder(s * a, |b|)` with `s`
 * the sign of `a`: both operands of the remainder are then non-negative, where the remainder is
 * exactly C's `fmod` with no rounding, unlike `a - b * trunc(a / b)`, which loses precision (the
 * quotient rounds: `fmod(1e8, 3)` is 1, not 0), gives NaN for an infinite divisor (`fmod(5.5, inf)`
 * is 5.5) and drops the sign of a zero result. The signs are constants, so the derivative stays
 * 1 for `a` and `-trunc(a / b)` for `b`.
 */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  checkOperand('fmod', a);
  checkOperand('fmod', b);
  const dtype = resultType([operand(a), operand(b)], getDefaultDtype());
  rejectBool('fmod', dtype);
  const device = commonDevice('fmod', [a, b].filter((v): v is Tensor => v instanceof Tensor));
  const at = a instanceof Tensor ? a : scalarTensor(a, dtype, device);
  const signA = signOfDividend(at, dtype);
  let magnitudeB: TensorLike;
  if (b instanceof Tensor) magnitudeB = mul(b, castTo(where(compare('lt', b, 0), -1, 1), dtype));
  else if (typeof b === 'bigint') magnitudeB = b < 0n ? -b : b;
  else magnitudeB = typeof b === 'number' ? Math.abs(b) : b;
  return mul(remainder(mul(at, signA), magnitudeB), signA);
}

/** Elementwise power; integer tensors cannot take negative integer exponents. */
export function pow(base: TensorLike, exponent: TensorLike): Tensor {
  checkOperand('pow', base);
  checkOperand('pow', exponent);
  const dtype = resultType([operand(base), operand(exponent)], getDefaultDtype());
  rejectBool('pow', dtype);
  if (!isFloatingPoint(dtype)) {
    const negative = typeof exponent === 'number' ? exponent < 0 : typeof exponent === 'bigint' ? exponent < 0n : false;
    if (negative) throw new Error(`[pow] integers to negative integer powers are not allowed`);
  }
  const [bt, et] = binaryInputs('pow', base, exponent, dtype);
  const attrs = { scalarExponent: !(exponent instanceof Tensor), scalarBase: !(base instanceof Tensor) };
  return differentiable('pow', [bt, et], attrs, () => binaryKernel('pow', bt, et, dtype, dtype));
}

/** Four-quadrant arctangent of `a / b`. */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('atan2', a, b, { floatResult: true });
}

/** Elementwise minimum of two tensors (NaN propagates). */
export function minimum(a: Tensor, b: Tensor): Tensor {
  checkTensor('minimum', a);
  checkTensor('minimum', b, 'other');
  return arithmetic('minimum', a, b);
}

/** Elementwise maximum of two tensors (NaN propagates). */
export function maximum(a: Tensor, b: Tensor): Tensor {
  checkTensor('maximum', a);
  checkTensor('maximum', b, 'other');
  return arithmetic('maximum', a, b);
}

/** `start + weight * (end - start)`. */
export function lerp(start: Tensor, end: Tensor, weight: TensorLike): Tensor {
  checkTensor('lerp', start);
  checkTensor('lerp', end, 'end');
  // PyTorch's lerp has floating-point kernels only and does not promote: every tensor operand
  // must have start's dtype (an integer lerp would silently truncate the interpolation).
  if (!isFloatingPoint(start.dtype)) {
    throw new Error(`[lerp] not implemented for ${start.dtype} tensors; convert with .float() first`);
  }
  for (const [name, t] of [['end', end], ['weight', weight]] as const) {
    if (t instanceof Tensor && t.dtype !== start.dtype) {
      throw new Error(`[lerp] expected dtype ${start.dtype} for \`${name}\` but got dtype ${t.dtype}`);
    }
  }
  const w = weight instanceof Tensor ? weight : scalarTensor(weight, start.dtype, start.device);
  return differentiable('lerp', [start, end, w], { scalarWeight: !(weight instanceof Tensor) }, () => add(start, mul(w, sub(end, start))));
}

/** A bound of `clamp`: a scalar, a tensor, or none. */
export type ClampBound = TensorLike | null | undefined;

/** Clamps into `[min, max]`: `clamp(x, min, max)` or `clamp(x, { min, max })`; NaN stays NaN. */
export function clamp(x: Tensor, min?: ClampBound | { min?: ClampBound; max?: ClampBound }, max?: ClampBound): Tensor {
  checkTensor('clamp', x);
  let lo: ClampBound = min as ClampBound;
  let hi: ClampBound = max;
  if (min !== null && typeof min === 'object' && !(min instanceof Tensor)) ({ min: lo, max: hi } = min);
  if ((lo === undefined || lo === null) && (hi === undefined || hi === null)) {
    throw new Error(`[clamp] expected at least one of min and max to be given`);
  }
  const bounds = [lo, hi].filter((v): v is TensorLike => v !== undefined && v !== null);
  const dtype = resultType([operand(x), ...bounds.map(operand)], getDefaultDtype());
  const toTensor = (v: ClampBound) =>
    v === undefined || v === null ? null : v instanceof Tensor ? v : checkedScalarTensor('clamp', v, dtype, x.device);
  const loT = toTensor(lo);
  const hiT = toTensor(hi);
  const inputs = [x, ...(loT ? [loT] : []), ...(hiT ? [hiT] : [])];
  return differentiable('clamp', inputs, { hasMin: loT !== null, hasMax: hiT !== null }, () => {
    let out: Tensor = x;
    if (loT) out = binaryKernel('maximum', out, loT, dtype, dtype, 'clamp');
    if (hiT) out = binaryKernel('minimum', out, hiT, dtype, dtype, 'clamp');
    return out === x ? castTo(x, dtype) : out;
  });
}

/** Comparisons and logical ops: operands promoted together, bool result, no gradient. */
export function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  checkOperand(op, a);
  checkOperand(op, b);
  const dtype = resultType([operand(a), operand(b)], getDefaultDtype());
  return binaryKernel(op, a, b, dtype, 'bool');
}

/** True when two tensors have the same shape and values (reads values synchronously). */
export function equal(a: Tensor, b: Tensor): boolean {
  checkTensor('equal', a);
  checkTensor('equal', b, 'other');
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  return compare('eq', a, b).all().itemSync() === true;
}

/** `condition ? a : b` elementwise, broadcasting all three. */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', condition, 'condition');
  if (condition.dtype !== 'bool') {
    throw new Error(`[where] expected condition to be a bool tensor, got ${condition.dtype}`);
  }
  checkOperand('where', a);
  checkOperand('where', b);
  const dtype = resultType([operand(a), operand(b)], getDefaultDtype());
  const device = commonDevice('where', [condition, a, b].filter((v): v is Tensor => v instanceof Tensor));
  const at = a instanceof Tensor ? a : checkedScalarTensor('where', a, dtype, device);
  const bt = b instanceof Tensor ? b : checkedScalarTensor('where', b, dtype, device);
  return differentiable('where', [condition, at, bt], {}, () => {
    const shape = broadcastShapes('where', condition.shape, at.shape, bt.shape);
    const out = emptyTensor(shape, dtype, device);
    backendOf(out).where(
      viewOf(out), broadcastViewOf(condition, shape),
      broadcastViewOf(castTo(at, dtype), shape), broadcastViewOf(castTo(bt, dtype), shape),
    );
    return out;
  });
}

/**
 * `x` with `value` where `mask` is true. `x` and `mask` broadcast together, as in PyTorch's
 * out-of-place `masked_fill` (`maskedFill_` keeps `x`'s shape, so there the mask must broadcast to it).
 */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  checkTensor('maskedFill', x);
  checkTensor('maskedFill', mask, 'mask');
  if (mask.dtype !== 'bool') throw new Error(`[maskedFill] expected mask to be a bool tensor, got ${mask.dtype}`);
  if (value instanceof Tensor && value.shape.length !== 0) {
    throw new Error(`[maskedFill] expected value to be a 0-dimensional tensor, got shape ${showShape(value.shape)}`);
  }
  const shape = broadcastShapes('maskedFill', x.shape, mask.shape);
  const v = value instanceof Tensor ? castTo(value, x.dtype) : checkedScalarTensor('maskedFill', value, x.dtype, x.device);
  return differentiable('maskedFill', [x, mask, v], {}, () => {
    const out = emptyTensor(shape, x.dtype, x.device);
    backendOf(out).where(viewOf(out), broadcastViewOf(mask, shape), broadcastViewOf(v, shape), broadcastViewOf(x, shape));
    return out;
  });
}
