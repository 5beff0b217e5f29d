/**
 * Building views by hand for kernel tests: storage from values, views with chosen strides.
 */
import type { DType, TypedArray, View } from '@typetorch/core';
import { cpuBackend } from '../src/backend.js';

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides: number[] = [];
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d];
  }
  return strides;
}

function hostArray(dtype: DType, values: readonly (number | bigint | boolean)[]): TypedArray {
  switch (dtype) {
    case 'float32': return Float32Array.from(values as number[]);
    case 'float64': return Float64Array.from(values as number[]);
    case 'int32': return Int32Array.from(values as number[]);
    case 'int64': return BigInt64Array.from(values.map((v) => BigInt(v as number | bigint)));
    case 'uint8': return Uint8Array.from(values as number[]);
    case 'bool': return Uint8Array.from(values.map((v) => (v ? 1 : 0)));
  }
}

/** A view over a new storage holding `values`; shape, strides and offset describe how to read it. */
export function view(
  dtype: DType, values: readonly (number | bigint | boolean)[], shape: readonly number[] = [values.length],
  strides: readonly number[] = stridesOf(shape), offset = 0,
): View {
  const handle = cpuBackend.alloc(dtype, values.length);
  cpuBackend.write(handle, dtype, hostArray(dtype, values), 0);
  return { handle, dtype, shape, strides, offset };
}

/** A contiguous output view of a shape, filled with a sentinel so unwritten elements show. */
export function output(dtype: DType, shape: readonly number[]): View {
  const numel = shape.reduce((a, b) => a * b, 1);
  const handle = cpuBackend.alloc(dtype, numel);
  const v: View = { handle, dtype, shape, strides: stridesOf(shape), offset: 0 };
  cpuBackend.fill(v, dtype === 'int64' ? 77n : 77);
  return v;
}

/** The view's elements in row-major order as plain numbers or bigints. */
export function values(v: View): (number | bigint)[] {
  return Array.from(cpuBackend.readSync!(v) as ArrayLike<number | bigint>);
}

/** A transposed view of a row-major `[rows, cols]` matrix stored as `[cols, rows]`. */
export function transposed(dtype: DType, rowMajor: readonly number[], rows: number, cols: number): View {
  const stored: number[] = [];
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) stored.push(rowMajor[i * cols + j]);
  return view(dtype, stored, [rows, cols], [1, rows]);
}
