import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/backend.js';
import { output, values, view } from './helpers.js';

describe('gather, scatter and scatterAdd', () => {
  it('report an index out of bounds with the dimension and its size', () => {
    const x = view('float32', [1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => cpuBackend.gather(output('float32', [1, 1]), x, 1, view('int64', [5n], [1, 1])))
      .toThrow('[gather] index 5 is out of bounds for dimension 1 with size 3');
    expect(() => cpuBackend.gather(output('float32', [1, 1]), x, 0, view('int32', [-1], [1, 1])))
      .toThrow('[gather] index -1 is out of bounds for dimension 0 with size 2');
    expect(() => cpuBackend.scatter(x, 1, view('int64', [3n], [1, 1]), view('float32', [9], [1, 1])))
      .toThrow('[scatter] index 3 is out of bounds for dimension 1 with size 3');
    expect(() => cpuBackend.scatterAdd(x, 0, view('int32', [2], [1, 1]), view('float32', [9], [1, 1])))
      .toThrow('[scatterAdd] index 2 is out of bounds for dimension 0 with size 2');
  });

  it('lets the last write win in scatter with duplicate indices', () => {
    const out = view('int32', [0, 0, 0]);
    cpuBackend.scatter(out, 0, view('int64', [1n, 1n, 1n]), view('int32', [7, 8, 9]));
    expect(values(out)).toEqual([0, 9, 0]);
  });

  it('gathers along an inner dimension of a transposed source', () => {
    // x = [[1, 2, 3], [4, 5, 6]] stored column-major.
    const x = view('float64', [1, 4, 2, 5, 3, 6], [2, 3], [1, 2]);
    const out = output('float64', [2, 2]);
    cpuBackend.gather(out, x, 1, view('int32', [2, 0, 1, 1], [2, 2]));
    expect(values(out)).toEqual([3, 1, 5, 5]);
  });

  it('adds exactly into int64 and accumulates bools as logical or', () => {
    const big = view('int64', [2n ** 60n, 0n]);
    cpuBackend.scatterAdd(big, 0, view('int64', [0n, 0n]), view('int64', [1n, 2n ** 60n]));
    expect(values(big)).toEqual([2n ** 61n + 1n, 0n]);
    const flags = view('bool', [false, false, true]);
    cpuBackend.scatterAdd(flags, 0, view('int64', [0n, 0n, 1n]), view('bool', [true, true, false]));
    expect(values(flags)).toEqual([1, 0, 1]);
  });

  it('rounds float32 scatterAdd after each addition, as PyTorch does on CPU', () => {
    const out = view('float32', [16777216]);
    cpuBackend.scatterAdd(out, 0, view('int64', [0n, 0n]), view('float32', [1, 1]));
    expect(values(out)).toEqual([16777216]);
  });
});
