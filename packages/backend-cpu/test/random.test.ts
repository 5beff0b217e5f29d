import { uniformAt } from '@typetorch/core';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/backend.js';
import { output, values, view } from './helpers.js';

describe('uniform', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`reproduces uniformAt element for element, across the 2^32 counter boundary (${dtype})`, () => {
      const key = [0x12345678, 0x9abcdef0] as const;
      const counter = 2 ** 32 - 500;
      const out = output(dtype, [10, 100]);
      cpuBackend.uniform(out, key, counter);
      const expected = Array.from({ length: 1000 }, (_, i) => uniformAt(key, counter, i, dtype === 'float64'));
      expect(values(out)).toEqual(expected);
    });
  }

  it('numbers a strided output in the row-major order of its view', () => {
    // A [3, 2] view of a 6-element storage, column-major: view element (i, j) is storage slot i + 3j.
    const storage = view('float32', [0, 0, 0, 0, 0, 0], [6]);
    const transposed = { ...storage, shape: [3, 2], strides: [1, 3] };
    cpuBackend.uniform(transposed, [1, 2], 40);
    const expected = Array.from({ length: 6 }, (_, i) => uniformAt([1, 2], 40, i, false));
    expect(values(transposed)).toEqual(expected);
    expect(values(storage)).toEqual([expected[0], expected[2], expected[4], expected[1], expected[3], expected[5]]);
  });

  it('refuses integer outputs', () => {
    expect(() => cpuBackend.uniform(output('int32', [2]), [1, 2], 0)).toThrow('[uniform] expects a float32 or float64 output, got int32');
  });
});
