/**
 * Conformance cases for `reduce` and `scan`: every axis set of a 3-d strided input against a plain
 * reference, NaN rules, first-occurrence arg reductions, integer sums into int64, empty axes.
 *
 * @module
 */
import type { ReduceOp, ScanOp } from '../backend/contract.js';
import type { DType } from '../dtype.js';
import { numelOf } from '../shape.js';
import { unravel, type Value } from './harness.js';
import type { Suite } from './suite.js';

const FLOATS: readonly DType[] = ['float32', 'float64'];
const SHAPE = [2, 3, 4];
const AXIS_SETS = [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]];

/** The shape `out` has when `shape` is reduced over `axes`. */
function reducedShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((size, d) => (axes.includes(d) ? 1 : size));
}

/** Straightforward reductions over row-major values, in float64: the expected results. */
function reference(op: ReduceOp, values: readonly number[], shape: readonly number[], axes: readonly number[]): Value[] {
  const outShape = reducedShape(shape, axes);
  const groups: number[][] = Array.from({ length: numelOf(outShape) }, () => []);
  values.forEach((v, i) => {
    const index = unravel(i, shape).map((k, d) => (axes.includes(d) ? 0 : k));
    groups[index.reduce((at, k, d) => at * outShape[d] + k, 0)].push(v);
  });
  return groups.map((g): Value => {
    switch (op) {
      case 'sum': return g.reduce((a, b) => a + b, 0);
      case 'prod': return g.reduce((a, b) => a * b, 1);
      case 'max': return g.some(Number.isNaN) ? NaN : Math.max(...g);
      case 'min': return g.some(Number.isNaN) ? NaN : Math.min(...g);
      case 'any': return g.some((v) => v !== 0);
      case 'all': return g.every((v) => v !== 0);
      case 'argmax': case 'argmin': {
        const nan = g.findIndex(Number.isNaN);
        if (nan >= 0) return nan;
        const best = op === 'argmax' ? Math.max(...g) : Math.min(...g);
        return g.indexOf(best);
      }
    }
  });
}

/** Distinct-ish values in [1/6, 11/6] so that products of 24 of them stay moderate. */
const VALUES = Array.from({ length: 24 }, (_, i) => (((i * 7) % 11) + 1) / 6);

export function reduceCases(suite: Suite): void {
  for (const dtype of suite.dtypes(...FLOATS)) {
    const round = dtype === 'float32' ? Math.fround : (x: number) => x;
    const values = VALUES.map(round);
    for (const op of ['sum', 'prod', 'max', 'min'] as const) {
      suite.add(`reduce ${op} over every set of axes of a strided 3-d input (${dtype})`, async (h) => {
        const x = h.tensor(dtype, values, SHAPE, 'strided');
        for (const axes of AXIS_SETS) {
          const out = h.empty(dtype, reducedShape(SHAPE, axes));
          h.backend.reduce(op, out, x, axes);
          await h.expect(out, reference(op, values, SHAPE, axes), `${op} over [${axes.join(', ')}]`);
        }
      });
    }

    for (const op of ['argmax', 'argmin'] as const) {
      suite.add(`reduce ${op} returns the first extreme along each axis, and the first NaN (${dtype})`, async (h) => {
        // Ties (9 at several places) must resolve to the first index.
        const tied = [3, 9, 9, 1, 1, 5, 9, 0, 2, 1, 1, 7, 4, 4, 0, 9, 9, 2, 0, 3, 0, 8, 1, 1];
        const x = h.tensor(dtype, tied, SHAPE, 'strided');
        for (const axis of [0, 1, 2]) {
          const out = h.empty('int64', reducedShape(SHAPE, [axis]));
          h.backend.reduce(op, out, x, [axis]);
          await h.expect(out, reference(op, tied, SHAPE, [axis]), `${op} along ${axis}`);
        }
        const withNaN = [1, NaN, 5, NaN, -1];
        const out = h.empty('int64', [1]);
        h.backend.reduce(op, out, h.tensor(dtype, withNaN), [0]);
        await h.expect(out, [1], `${op} with NaN`);
      });
    }

    suite.add(`reduce max and min propagate NaN (${dtype})`, async (h) => {
      const x = h.tensor(dtype, [1, NaN, 3, 4, 5, 6], [2, 3]);
      for (const op of ['max', 'min'] as const) {
        const out = h.empty(dtype, [2, 1]);
        h.backend.reduce(op, out, x, [1]);
        await h.expect(out, [NaN, op === 'max' ? 6 : 4], op);
      }
    });

    suite.add(`reduce over an empty axis gives sum 0, prod 1, any false, all true (${dtype})`, async (h) => {
      const x = h.tensor(dtype, [], [2, 0]);
      for (const [op, expected] of [['sum', 0], ['prod', 1], ['any', false], ['all', true]] as const) {
        const out = h.empty(op === 'any' || op === 'all' ? 'bool' : dtype, [2, 1]);
        h.backend.reduce(op, out, x, [1]);
        await h.expect(out, [expected, expected], `${op} of nothing`);
      }
    });

    suite.add(`reduce over no axes copies, also for rank 0 (${dtype})`, async (h) => {
      const out = h.empty(dtype, [2, 2]);
      h.backend.reduce('sum', out, h.tensor(dtype, [1, 2, 3, 4], [2, 2], 'strided'), []);
      await h.expect(out, [1, 2, 3, 4], 'sum over no axes');
      const scalar = h.empty(dtype, []);
      h.backend.reduce('max', scalar, h.tensor(dtype, [7], []), []);
      await h.expect(scalar, [7], 'rank-0 max');
    });

    suite.add(`reduce sums a broadcast input once per broadcast copy (${dtype})`, async (h) => {
      const out = h.empty(dtype, [1, 3]);
      h.backend.reduce('sum', out, h.broadcast(dtype, [1, 2, 3], [3], [4, 3]), [0]);
      await h.expect(out, [4, 8, 12], 'sum of a broadcast');
    });
  }

  for (const dtype of suite.dtypes()) {
    suite.add(`reduce any and all test for non-zero along each axis (${dtype})`, async (h) => {
      const values = [0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1].map((v) => (dtype === 'bool' ? v === 1 : v * 3));
      const numbers = values.map(Number);
      const x = h.tensor(dtype, values, [3, 4], 'strided');
      for (const op of ['any', 'all'] as const) {
        for (const axes of [[0], [1], [0, 1]]) {
          const out = h.empty('bool', reducedShape([3, 4], axes));
          h.backend.reduce(op, out, x, axes);
          await h.expect(out, reference(op, numbers, [3, 4], axes), `${op} over [${axes.join(', ')}]`);
        }
      }
    });
  }

  for (const dtype of suite.dtypes('int32', 'int64', 'uint8', 'bool')) {
    suite.add(`reduce sums and multiplies integers exactly into int64 (${dtype})`, async (h) => {
      const values = dtype === 'bool' ? [true, false, true, true, true, false] : [3, 200, 7, 1, 2, 5];
      const numbers = values.map(Number);
      const x = h.tensor(dtype, values, [2, 3], 'strided');
      for (const op of ['sum', 'prod'] as const) {
        const out = h.empty('int64', [2, 1]);
        h.backend.reduce(op, out, x, [1]);
        await h.expect(out, reference(op, numbers, [2, 3], [1]), `${op} into int64`);
      }
      for (const op of ['max', 'min'] as const) {
        const out = h.empty(dtype, [1, 3]);
        h.backend.reduce(op, out, x, [0]);
        const expected = reference(op, numbers, [2, 3], [0]);
        await h.expect(out, dtype === 'bool' ? expected.map((v) => v !== 0) : expected, op);
      }
      const arg = h.empty('int64', [2, 1]);
      h.backend.reduce('argmax', arg, x, [1]);
      await h.expect(arg, reference('argmax', numbers, [2, 3], [1]), 'argmax');
    });
  }

  scanCases(suite);
}

/** Running sums and products along one axis, in float64. */
function referenceScan(op: ScanOp, values: readonly number[], shape: readonly number[], axis: number): number[] {
  return values.map((_, i) => {
    const index = unravel(i, shape);
    let acc = op === 'cumsum' ? 0 : 1;
    for (let k = 0; k <= index[axis]; k++) {
      const at = index.map((v, d) => (d === axis ? k : v)).reduce((p, v, d) => p * shape[d] + v, 0);
      acc = op === 'cumsum' ? acc + values[at] : acc * values[at];
    }
    return acc;
  });
}

function scanCases(suite: Suite): void {
  for (const dtype of suite.dtypes(...FLOATS)) {
    const values = VALUES.slice(0, 12).map(dtype === 'float32' ? Math.fround : (x: number) => x);
    for (const op of ['cumsum', 'cumprod'] as const) {
      suite.add(`scan ${op} runs along each axis of a strided input (${dtype})`, async (h) => {
        const x = h.tensor(dtype, values, [3, 4], 'strided');
        for (const axis of [0, 1]) {
          const out = h.empty(dtype, [3, 4]);
          h.backend.scan(op, out, x, axis);
          await h.expect(out, referenceScan(op, values, [3, 4], axis), `${op} along ${axis}`);
        }
        const empty = h.empty(dtype, [2, 0]);
        h.backend.scan(op, empty, h.tensor(dtype, [], [2, 0]), 1);
        await h.expect(empty, [], `${op} of an empty axis`);
      });
    }
  }

  for (const dtype of suite.dtypes('int32', 'int64', 'uint8', 'bool')) {
    suite.add(`scan accumulates integers into int64 (${dtype})`, async (h) => {
      const values = dtype === 'bool' ? [true, true, false, true, false, true] : [3, 200, 7, 1, 2, 5];
      const numbers = values.map(Number);
      const x = h.tensor(dtype, values, [2, 3], 'strided');
      for (const op of ['cumsum', 'cumprod'] as const) {
        const out = h.empty('int64', [2, 3]);
        h.backend.scan(op, out, x, 1);
        await h.expect(out, referenceScan(op, numbers, [2, 3], 1), op);
      }
    });
  }
}
