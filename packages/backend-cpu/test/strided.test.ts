import { describe, expect, it } from 'vitest';
import { collapse, forEachRow, isContiguous } from '../src/strided.js';

/** Every (row length, offsets, steps) that forEachRow produces. */
function rows(shape: number[], operands: { strides: number[]; offset: number }[]) {
  const seen: [number, number[], number[]][] = [];
  forEachRow(shape, operands, (n, offsets, steps) => seen.push([n, [...offsets], [...steps]]));
  return seen;
}

describe('collapse', () => {
  it('merges a contiguous tensor into one dimension and drops size-1 dimensions', () => {
    expect(collapse([2, 1, 3, 4], [[12, 12, 4, 1]])).toEqual({ shape: [24], strides: [[1]] });
  });

  it('keeps dimensions apart where any operand is not contiguous across them', () => {
    // out is contiguous, x is its transpose: nothing can merge.
    expect(collapse([2, 3], [[3, 1], [1, 2]])).toEqual({ shape: [2, 3], strides: [[3, 1], [1, 2]] });
  });

  it('merges broadcast dimensions whose zero strides line up', () => {
    expect(collapse([4, 2, 3], [[6, 3, 1], [0, 0, 1]])).toEqual({ shape: [8, 3], strides: [[3, 1], [0, 1]] });
  });

  it('reports an empty shape as a single zero dimension', () => {
    expect(collapse([3, 0, 2], [[0, 2, 1]]).shape).toEqual([0]);
  });
});

describe('forEachRow', () => {
  it('visits a contiguous block as one row', () => {
    expect(rows([2, 3], [{ strides: [3, 1], offset: 5 }])).toEqual([[6, [5], [1]]]);
  });

  it('walks the outer dimensions of a transposed view in row-major order', () => {
    expect(rows([3, 2], [{ strides: [1, 3], offset: 0 }])).toEqual([
      [2, [0], [3]],
      [2, [1], [3]],
      [2, [2], [3]],
    ]);
  });

  it('carries every operand along the odometer, including a reversed 3-d layout', () => {
    const seen = rows([2, 2, 2], [{ strides: [4, 2, 1], offset: 0 }, { strides: [1, 2, 4], offset: 10 }]);
    expect(seen.map(([, offsets]) => offsets)).toEqual([[0, 10], [2, 12], [4, 11], [6, 13]]);
    expect(seen.every(([n, , steps]) => n === 2 && steps[0] === 1 && steps[1] === 4)).toBe(true);
  });

  it('merges the dimensions that every operand can merge, even in a permuted layout', () => {
    const seen = rows([2, 2, 2], [{ strides: [4, 2, 1], offset: 0 }, { strides: [1, 4, 2], offset: 0 }]);
    expect(seen).toEqual([[4, [0, 0], [1, 2]], [4, [4, 1], [1, 2]]]);
  });

  it('calls the body once for rank 0 and never for an empty shape', () => {
    const scalar = rows([], [{ strides: [], offset: 7 }]);
    expect(scalar.map(([n, offsets]) => [n, offsets])).toEqual([[1, [7]]]);
    expect(rows([4, 0], [{ strides: [0, 1], offset: 0 }])).toEqual([]);
  });
});

describe('isContiguous', () => {
  it('accepts row-major layouts at any offset, with size-1 dimensions of any stride', () => {
    expect(isContiguous([2, 1, 3], [3, 99, 1])).toBe(true);
    expect(isContiguous([], [])).toBe(true);
  });

  it('rejects transposed, gapped and broadcast layouts', () => {
    expect(isContiguous([2, 3], [1, 2])).toBe(false);
    expect(isContiguous([3], [2])).toBe(false);
    expect(isContiguous([2, 3], [0, 1])).toBe(false);
  });
});
