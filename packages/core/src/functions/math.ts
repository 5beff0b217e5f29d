/**
 * `torch.*` elementwise functions: `torch.add(x, y)` is `x.add(y)`.
 *
 * @module
 */
import { Tensor, type TensorLike } from '../tensor.js';
import * as ew from '../ops/elementwise.js';
import type { ClampBound } from '../ops/elementwise.js';

/** True when `value` is a Tensor (PyTorch's `torch.is_tensor`). */
export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

/** Number of elements of a tensor. */
export function numel(x: Tensor): number {
  return x.numel();
}

/** Negation, elementwise. */
export function neg(x: Tensor): Tensor {
  return x.neg();
}

/** Alias of neg, elementwise. */
export function negative(x: Tensor): Tensor {
  return x.negative();
}

/** Absolute value, elementwise. */
export function abs(x: Tensor): Tensor {
  return x.abs();
}

/** Sign (-1, 0 or 1), elementwise. */
export function sign(x: Tensor): Tensor {
  return x.sign();
}

/** Exponential, elementwise. */
export function exp(x: Tensor): Tensor {
  return x.exp();
}

/** Base-2 exponential, elementwise. */
export function exp2(x: Tensor): Tensor {
  return x.exp2();
}

/** `exp(x) - 1`, accurate near 0, elementwise. */
export function expm1(x: Tensor): Tensor {
  return x.expm1();
}

/** Natural logarithm, elementwise. */
export function log(x: Tensor): Tensor {
  return x.log();
}

/** Base-2 logarithm, elementwise. */
export function log2(x: Tensor): Tensor {
  return x.log2();
}

/** Base-10 logarithm, elementwise. */
export function log10(x: Tensor): Tensor {
  return x.log10();
}

/** `log(1 + x)`, accurate near 0, elementwise. */
export function log1p(x: Tensor): Tensor {
  return x.log1p();
}

/** Square root, elementwise. */
export function sqrt(x: Tensor): Tensor {
  return x.sqrt();
}

/** Reciprocal square root, elementwise. */
export function rsqrt(x: Tensor): Tensor {
  return x.rsqrt();
}

/** Reciprocal, elementwise. */
export function reciprocal(x: Tensor): Tensor {
  return x.reciprocal();
}

/** Sine, elementwise. */
export function sin(x: Tensor): Tensor {
  return x.sin();
}

/** Cosine, elementwise. */
export function cos(x: Tensor): Tensor {
  return x.cos();
}

/** Tangent, elementwise. */
export function tan(x: Tensor): Tensor {
  return x.tan();
}

/** Arcsine, elementwise. */
export function asin(x: Tensor): Tensor {
  return x.asin();
}

/** Arccosine, elementwise. */
export function acos(x: Tensor): Tensor {
  return x.acos();
}

/** Arctangent, elementwise. */
export function atan(x: Tensor): Tensor {
  return x.atan();
}

/** Hyperbolic sine, elementwise. */
export function sinh(x: Tensor): Tensor {
  return x.sinh();
}

/** Hyperbolic cosine, elementwise. */
export function cosh(x: Tensor): Tensor {
  return x.cosh();
}

/** Hyperbolic tangent, elementwise. */
export function tanh(x: Tensor): Tensor {
  return x.tanh();
}

/** Logistic sigmoid, elementwise. */
export function sigmoid(x: Tensor): Tensor {
  return x.sigmoid();
}

/** Rectified linear unit, elementwise. */
export function relu(x: Tensor): Tensor {
  return x.relu();
}

/** Error function, elementwise. */
export function erf(x: Tensor): Tensor {
  return x.erf();
}

/** Rounds down, elementwise. */
export function floor(x: Tensor): Tensor {
  return x.floor();
}

/** Rounds up, elementwise. */
export function ceil(x: Tensor): Tensor {
  return x.ceil();
}

/** Rounds half to even, elementwise. */
export function round(x: Tensor): Tensor {
  return x.round();
}

/** Rounds toward zero, elementwise. */
export function trunc(x: Tensor): Tensor {
  return x.trunc();
}

/** Square, elementwise. */
export function square(x: Tensor): Tensor {
  return x.square();
}

/** Logical not, elementwise. */
export function logicalNot(x: Tensor): Tensor {
  return x.logicalNot();
}

/** True where NaN, elementwise. */
export function isnan(x: Tensor): Tensor {
  return x.isnan();
}

/** True where infinite, elementwise. */
export function isinf(x: Tensor): Tensor {
  return x.isinf();
}

/** True where finite, elementwise. */
export function isfinite(x: Tensor): Tensor {
  return x.isfinite();
}

/** `a + alpha * b`. */
export function add(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  return ew.add(a, b, options);
}

/** `a - alpha * b`. */
export function sub(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  return ew.sub(a, b, options);
}

/** Elementwise product. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return ew.mul(a, b);
}

/** Division (true, or rounded with `roundingMode`). */
export function div(a: TensorLike, b: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
  return ew.div(a, b, options);
}

/** True division. */
export function trueDivide(a: TensorLike, b: TensorLike): Tensor {
  return ew.div(a, b);
}

/** Division rounded toward negative infinity. */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return ew.floorDivide(a, b);
}

/** Python's modulus (the divisor's sign). */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  return ew.remainder(a, b);
}

/** C's modulus (the dividend's sign). */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  return ew.fmod(a, b);
}

/** Elementwise power (base or exponent may be a scalar). */
export function pow(base: TensorLike, exponent: TensorLike): Tensor {
  return ew.pow(base, exponent);
}

/** Four-quadrant arctangent of `a / b`. */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  return ew.atan2(a, b);
}

/** Elementwise minimum (NaN propagates). */
export function minimum(a: Tensor, b: Tensor): Tensor {
  return ew.minimum(a, b);
}

/** Elementwise maximum (NaN propagates). */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return ew.maximum(a, b);
}

/** `start + weight * (end - start)`. */
export function lerp(start: Tensor, end: Tensor, weight: TensorLike): Tensor {
  return ew.lerp(start, end, weight);
}

/** `condition ? a : b`, elementwise with broadcasting. */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  return ew.where(condition, a, b);
}

/** `x` with `value` where `mask` is true. */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  return ew.maskedFill(x, mask, value);
}

/** Elementwise `==`. */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return ew.compare('eq', a, b);
}

/** Elementwise `!=`. */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return ew.compare('ne', a, b);
}

/** Elementwise `<`. */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return ew.compare('lt', a, b);
}

/** Elementwise `<=`. */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return ew.compare('le', a, b);
}

/** Elementwise `>`. */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return ew.compare('gt', a, b);
}

/** Elementwise `>=`. */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return ew.compare('ge', a, b);
}

/** Elementwise logical and. */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return ew.compare('logicalAnd', a, b);
}

/** Elementwise logical or. */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return ew.compare('logicalOr', a, b);
}

/** Elementwise logical exclusive or. */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return ew.compare('logicalXor', a, b);
}


/** Clamps into `[min, max]`: `clamp(x, min, max)` or `clamp(x, { min, max })`. */
export function clamp(x: Tensor, min?: ClampBound | { min?: ClampBound; max?: ClampBound }, max?: ClampBound): Tensor {
  return ew.clamp(x, min, max);
}

/** Alias of {@link clamp}. */
export function clip(x: Tensor, min?: ClampBound | { min?: ClampBound; max?: ClampBound }, max?: ClampBound): Tensor {
  return ew.clamp(x, min, max);
}

/** True when two tensors have the same shape and values. */
export function equal(a: Tensor, b: Tensor): boolean {
  return ew.equal(a, b);
}

