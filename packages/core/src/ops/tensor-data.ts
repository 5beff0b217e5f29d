/**
 * Reading the `data` argument of `torch.tensor`: nested arrays of any depth, typed arrays, scalars
 * and one-element tensors, with PyTorch's shape checks (ragged input is an error naming the dim)
 * and dtype inference (numbers are floats, bigints int64, booleans bool, typed arrays and tensors
 * their own dtype, promoted together as PyTorch promotes a list's elements).
 *
 * @module
 */
import type { TypedArray } from '../backend/contract.js';
import { newArray, promoteTypes, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { checkedScalar, describeValue } from './creation-options.js';

/** Any standard typed array that `torch.tensor` accepts. */
export type AnyTypedArray =
  | TypedArray | Int8Array | Int16Array | Uint16Array | Uint32Array | Uint8ClampedArray | BigUint64Array;

/** The dtype that stores each native typed array without conversion. */
export function nativeTypedArrayDType(value: unknown): DType | undefined {
  if (value instanceof Float32Array) return 'float32';
  if (value instanceof Float64Array) return 'float64';
  if (value instanceof Int32Array) return 'int32';
  if (value instanceof BigInt64Array) return 'int64';
  if (value instanceof Uint8Array) return 'uint8';
  return undefined;
}

/**
 * The dtype a typed array's values get: its own for the native five, else the smallest dtype that
 * holds every value (Int8/Int16/Uint16 → int32, Uint32/BigUint64 → int64, Uint8Clamped → uint8).
 */
export function typedArrayDType(value: unknown): DType | undefined {
  const native = nativeTypedArrayDType(value);
  if (native !== undefined) return native;
  if (value instanceof Int8Array || value instanceof Int16Array || value instanceof Uint16Array) return 'int32';
  if (value instanceof Uint32Array || value instanceof BigUint64Array) return 'int64';
  if (value instanceof Uint8ClampedArray) return 'uint8';
  return undefined;
}

/** True for the typed arrays that {@link typedArrayDType} knows. */
export function isTypedArray(value: unknown): value is AnyTypedArray {
  return typedArrayDType(value) !== undefined;
}

/** A typed array converted to the native array of its {@link typedArrayDType} (the same array when native). */
export function toNativeArray(value: AnyTypedArray): TypedArray {
  if (nativeTypedArrayDType(value) !== undefined) return value as TypedArray;
  if (value instanceof BigUint64Array) return BigInt64Array.from(value, (v) => BigInt.asIntN(64, v));
  if (value instanceof Uint32Array) return BigInt64Array.from(value, (v) => BigInt(v));
  if (value instanceof Uint8ClampedArray) return new Uint8Array(value);
  return Int32Array.from(value as Int8Array | Int16Array | Uint16Array);
}

type Leaf = number | bigint | boolean | Tensor;

/** Nested data flattened into host memory, ready to be written to a device. */
export interface HostData {
  /** The values in row-major order (placeholders where `tensorLeaves` go). */
  readonly data: TypedArray;
  /** The shape of the nested data. */
  readonly shape: number[];
  /** The dtype of `data`: the requested one, or the one inferred from the values. */
  readonly dtype: DType;
  /** One-element tensors found among the values, to be copied in on the device by a kernel. */
  readonly tensorLeaves: { index: number; tensor: Tensor }[];
}

/** The shape implied by the first element at each depth (checked against every element later). */
function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let current: unknown = data;
  for (;;) {
    if (Array.isArray(current)) {
      shape.push(current.length);
      if (current.length === 0) return shape;
      current = current[0];
    } else if (isTypedArray(current)) {
      shape.push(current.length);
      return shape;
    } else {
      return shape;
    }
  }
}

function isSequence(value: unknown): boolean {
  return Array.isArray(value) || isTypedArray(value);
}

class Flattener {
  readonly leaves: Leaf[] = [];
  dtype: DType | undefined;

  constructor(
    private readonly op: string,
    private readonly shape: readonly number[],
    private readonly defaultFloat: DType,
  ) {}

  private promote(dtype: DType): void {
    this.dtype = this.dtype === undefined ? dtype : promoteTypes(this.dtype, dtype);
  }

  walk(value: unknown, depth: number): void {
    const rank = this.shape.length;
    if (depth === rank) {
      this.leaf(value, depth);
      return;
    }
    const expected = this.shape[depth];
    if (Array.isArray(value)) {
      if (value.length !== expected) this.ragged(expected, depth, value.length);
      for (let i = 0; i < value.length; i++) this.walk(value[i], depth + 1);
    } else if (isTypedArray(value)) {
      if (value.length !== expected) this.ragged(expected, depth, value.length);
      if (depth !== rank - 1 && expected > 0) {
        throw new Error(`[${this.op}] expected a sequence at dim ${depth + 1} (got a number from a ${value.constructor.name})`);
      }
      this.promote(typedArrayDType(value)!);
      for (let i = 0; i < value.length; i++) this.leaves.push(value[i]);
    } else {
      throw new Error(`[${this.op}] expected a sequence of length ${expected} at dim ${depth} (got ${describeValue(value)})`);
    }
  }

  private ragged(expected: number, depth: number, got: number): never {
    throw new Error(`[${this.op}] expected a sequence of length ${expected} at dim ${depth} (got ${got})`);
  }

  private leaf(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'number':
        this.promote(this.defaultFloat);
        this.leaves.push(value);
        return;
      case 'bigint':
        this.promote('int64');
        this.leaves.push(value);
        return;
      case 'boolean':
        this.promote('bool');
        this.leaves.push(value);
        return;
    }
    if (value instanceof Tensor) {
      if (value.numel() !== 1) {
        throw new Error(
          `[${this.op}] only one-element tensors can be converted to scalars, got a tensor of shape [${value.shape.join(', ')}] at dim ${depth}`,
        );
      }
      this.promote(value.dtype);
      this.leaves.push(value);
      return;
    }
    if (isSequence(value)) {
      throw new Error(`[${this.op}] expected a number at dim ${depth} (got a sequence); nested arrays must not be ragged`);
    }
    throw new Error(`[${this.op}] expected numbers, bigints, booleans or one-element tensors, got ${describeValue(value)} at dim ${depth}`);
  }
}

/**
 * Flattens nested arrays (or a scalar) into a host array of `dtype`, or of the inferred dtype when
 * `dtype` is undefined (the default float dtype when there are no values). Values are converted
 * with PyTorch's overflow checks (see `checkedScalar`).
 */
export function flattenNested(op: string, data: unknown, dtype: DType | undefined, defaultFloat: DType): HostData {
  const shape = inferShape(data);
  const flattener = new Flattener(op, shape, defaultFloat);
  flattener.walk(data, 0);
  const target = dtype ?? flattener.dtype ?? defaultFloat;
  const leaves = flattener.leaves;
  const out = newArray(target, leaves.length);
  const tensorLeaves: { index: number; tensor: Tensor }[] = [];
  const floating = target === 'float32' || target === 'float64';
  for (let i = 0; i < leaves.length; i++) {
    const v = leaves[i];
    if (v instanceof Tensor) {
      tensorLeaves.push({ index: i, tensor: v });
    } else if (floating && typeof v === 'number') {
      out[i] = v; // Float32Array/Float64Array stores round as the dtype does
    } else {
      out[i] = checkedScalar(op, v, target);
    }
  }
  return { data: out, shape, dtype: target, tensorLeaves };
}
