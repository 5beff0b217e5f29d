/**
 * Test helpers: decoding the PyTorch fixtures written by scripts/fixtures/gen_optim.py (see its
 * docstring for the format) and comparing tensors and state dicts like `torch.testing.assert_close`.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import '@typetorch/backend-cpu';
import '@typetorch/autograd';
import { Tensor, tensor, type DType } from '@typetorch/core';

/** A tensor as the fixtures encode it. */
export interface TensorSpec {
  __tensor__: { dtype: DType; shape: number[]; data: Array<number | { __float__: string }> };
}

/** Reads a fixture file next to the tests. */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

function decodeFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  const name = (v as { __float__: string }).__float__;
  return name === 'inf' ? Infinity : name === '-inf' ? -Infinity : NaN;
}

/** A fixture tensor as a new typetorch tensor. */
export function decodeTensor(spec: TensorSpec): Tensor {
  const { dtype, shape, data } = spec.__tensor__;
  return tensor(data.map(decodeFloat), { dtype }).reshape(shape);
}

/** Decodes any fixture value: tensors, non-finite floats, arrays and objects. */
export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    if ('__tensor__' in value) return decodeTensor(value as TensorSpec);
    if ('__float__' in value) return decodeFloat(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

/** Tolerances per dtype, as in the brief: float32 rtol 1e-5 / atol 1e-6, float64 tighter. */
export function tolerance(dtype: DType): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
}

/** Asserts same dtype, shape and values within `rtol`/`atol` (NaN equals NaN). */
export function expectClose(actual: Tensor, expected: Tensor, where: string, tol = tolerance(expected.dtype)): void {
  expect(actual.dtype, `${where}: dtype`).toBe(expected.dtype);
  expect([...actual.shape], `${where}: shape`).toEqual([...expected.shape]);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < e.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (Number.isNaN(y)) {
      expect(Number.isNaN(x), `${where}[${i}] is NaN`).toBe(true);
      continue;
    }
    const ok = Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y);
    if (!ok) expect(x, `${where}[${i}] (rtol ${tol.rtol}, atol ${tol.atol})`).toBe(y);
  }
}

/** Asserts two numbers agree to a relative `rtol` (non-finite values exactly). */
export function expectNumberClose(actual: unknown, expected: number, where: string, rtol = 1e-12): void {
  expect(typeof actual, `${where}: type`).toBe('number');
  const x = actual as number;
  if (!Number.isFinite(expected) || x === expected) {
    expect(x, where).toBe(expected);
    return;
  }
  expect(Math.abs(x - expected) <= rtol * Math.abs(expected), `${where}: ${x} vs ${expected} (rtol ${rtol})`).toBe(true);
}

/**
 * Asserts that a state-dict-like value equals the decoded PyTorch value: same keys in the same
 * order (objects), same lengths (arrays), close tensors and numbers, equal strings, booleans and nulls.
 */
export function expectStateEqual(actual: unknown, expected: unknown, where: string, options: { rtol?: number; tensorTol?: { rtol: number; atol: number } } = {}): void {
  if (expected instanceof Tensor) {
    expect(actual instanceof Tensor, `${where}: is a tensor`).toBe(true);
    expectClose(actual as Tensor, expected, where, options.tensorTol ?? tolerance(expected.dtype));
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${where}: is an array`).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${where}: length`).toBe(expected.length);
    expected.forEach((e, i) => expectStateEqual(a[i], e, `${where}[${i}]`, options));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${where}: is an object`).toBe(true);
    const a = actual as Record<string, unknown>;
    expect(Object.keys(a), `${where}: keys`).toEqual(Object.keys(expected));
    for (const [k, e] of Object.entries(expected)) expectStateEqual(a[k], e, `${where}.${k}`, options);
    return;
  }
  if (typeof expected === 'number') {
    expectNumberClose(actual, expected, where, options.rtol);
    return;
  }
  expect(actual, where).toBe(expected);
}
