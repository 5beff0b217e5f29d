/**
 * Dtypes and PyTorch's type promotion.
 *
 * @module
 */
import type { TypedArray } from './backend/contract.js';

/** The element types a tensor can hold. `'float32'` is the default. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

/** `torch.float32`. */
export const float32 = 'float32' as const;
/** `torch.float64`. */
export const float64 = 'float64' as const;
/** `torch.float`, an alias of float32. */
export const float = 'float32' as const;
/** `torch.double`, an alias of float64. */
export const double = 'float64' as const;
/** `torch.int32`. */
export const int32 = 'int32' as const;
/** `torch.int`, an alias of int32. */
export const int = 'int32' as const;
/** `torch.int64`. */
export const int64 = 'int64' as const;
/** `torch.long`, an alias of int64. */
export const long = 'int64' as const;
/** `torch.uint8`. */
export const uint8 = 'uint8' as const;
/** `torch.bool`. */
export const bool = 'bool' as const;

/** All dtypes, in promotion order within each category. */
export const DTYPES: readonly DType[] = ['bool', 'uint8', 'int32', 'int64', 'float32', 'float64'];

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  switch (dtype) {
    case 'float64': case 'int64': return 8;
    case 'float32': case 'int32': return 4;
    default: return 1;
  }
}

/** True for float32 and float64. */
export function isFloatingPoint(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** True for uint8, int32, int64 (not bool). */
export function isIntegral(dtype: DType): boolean {
  return dtype === 'uint8' || dtype === 'int32' || dtype === 'int64';
}

/** Checks a user-supplied dtype name and returns it typed; throws for unknown names. */
export function checkDType(dtype: unknown, op = 'dtype'): DType {
  if (typeof dtype === 'string' && (DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  throw new Error(`[${op}] unknown dtype ${JSON.stringify(dtype)}: expected one of ${DTYPES.join(', ')}`);
}

/** The host array type that stores a dtype. */
export function arrayConstructor(dtype: DType) {
  switch (dtype) {
    case 'float32': return Float32Array;
    case 'float64': return Float64Array;
    case 'int32': return Int32Array;
    case 'int64': return BigInt64Array;
    case 'uint8': case 'bool': return Uint8Array;
  }
}

/** Allocates a zeroed host array for `n` elements of `dtype`. */
export function newArray(dtype: DType, n: number): TypedArray {
  return new (arrayConstructor(dtype))(n);
}

const CATEGORY: Record<DType, number> = { bool: 0, uint8: 1, int32: 1, int64: 1, float32: 2, float64: 2 };
const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, int64: 3, float32: 4, float64: 5 };

/** The promoted type of two dtypes (PyTorch's `promote_types`). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The kind of a JavaScript value used as a scalar operand: integers count as int, others as float. */
export type ScalarKind = 'bool' | 'int' | 'float';

/** The kind of a JavaScript scalar as PyTorch sees a Python scalar (bigint and integral numbers are ints). */
export function scalarKind(value: number | bigint | boolean): ScalarKind {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  return Number.isInteger(value) ? 'int' : 'float';
}

/** One operand of {@link resultType}: a tensor (by dtype and rank) or a JavaScript scalar. */
export type Operand = {
  /** The tensor's dtype. */
  readonly dtype: DType;
  /** The tensor's number of dimensions. */
  readonly dim: number;
} | number | bigint | boolean;

/**
 * PyTorch's `combine_categories`: the lower tier only raises the result when it is of a higher
 * category (bool < integer < floating).
 */
function combineCategories(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (isFloatingPoint(higher)) return higher;
  if (higher === 'bool' || isFloatingPoint(lower)) return promoteTypes(higher, lower);
  return higher;
}

function promoteOptional(a: DType | undefined, b: DType): DType {
  return a === undefined ? b : promoteTypes(a, b);
}

/**
 * The result dtype of an op over tensors and scalars (PyTorch's `result_type`). Three tiers count,
 * strongest first: tensors with dimensions, zero-dimensional tensors, and JavaScript scalars. A
 * weaker tier only changes the result when its category is higher; a float scalar then brings the
 * default float dtype and an integer scalar int64.
 */
export function resultType(operands: readonly Operand[], defaultFloat: DType = 'float32'): DType {
  let dimResult: DType | undefined;
  let zeroDimResult: DType | undefined;
  let scalarResult: DType | undefined;
  for (const operand of operands) {
    if (typeof operand === 'object') {
      if (operand.dim > 0) dimResult = promoteOptional(dimResult, operand.dtype);
      else zeroDimResult = promoteOptional(zeroDimResult, operand.dtype);
    } else {
      const kind = scalarKind(operand);
      const dtype: DType = kind === 'bool' ? 'bool' : kind === 'int' ? 'int64' : defaultFloat;
      scalarResult = promoteOptional(scalarResult, dtype);
    }
  }
  const result = combineCategories(dimResult, combineCategories(zeroDimResult, scalarResult));
  if (result === undefined) throw new Error('[resultType] expected at least one operand');
  return result;
}

/** Whether a value of dtype `from` may be written into a tensor of dtype `to` by an in-place op. */
export function canCast(from: DType, to: DType): boolean {
  return CATEGORY[from] <= CATEGORY[to];
}
