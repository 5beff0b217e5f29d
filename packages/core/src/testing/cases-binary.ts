/**
 * Conformance cases for `binary`: broadcasting by zero strides, Python's division semantics, C's
 * integer wrapping, NaN rules, bool results.
 *
 * @module
 */
import type { BinaryOp } from '../backend/contract.js';
import type { DType } from '../dtype.js';
import type { Value } from './harness.js';
import type { Suite } from './suite.js';

const FLOATS: readonly DType[] = ['float32', 'float64'];
const SIGNED: readonly DType[] = ['int32', 'int64'];
const INTS: readonly DType[] = [...SIGNED, 'uint8'];
const COMPARISONS: readonly BinaryOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const LOGICAL: readonly BinaryOp[] = ['logicalAnd', 'logicalOr', 'logicalXor'];

/** One op on elementwise pairs of `a` and `b`, for the dtypes listed. */
interface Table {
  readonly op: BinaryOp;
  readonly what: string;
  readonly dtypes: readonly DType[];
  readonly a: readonly Value[];
  readonly b: readonly Value[];
  readonly expected: readonly Value[];
}

const TABLES: readonly Table[] = [
  { op: 'div', what: 'gives infinities and NaN for division by zero', dtypes: FLOATS, a: [7, 1, -1, 0], b: [2, 0, 0, 0], expected: [3.5, Infinity, -Infinity, NaN] },
  {
    op: 'floorDivide', what: 'rounds toward negative infinity like Python', dtypes: FLOATS,
    a: [5, -5, 5, -5, 7.5, -7.5, -5, 5, 1, -1, 0], b: [3, 3, -3, -3, 2, 2, Infinity, -Infinity, 0, 0, 0],
    expected: [1, -2, -2, 1, 3, -4, -1, -1, Infinity, -Infinity, NaN],
  },
  {
    op: 'remainder', what: "takes the divisor's sign like Python", dtypes: FLOATS,
    a: [5, -5, 5, -5, 7.5, -7.5, 5, -5, 5, Infinity], b: [3, 3, -3, -3, 2, 2, Infinity, Infinity, 0, 3],
    expected: [2, 1, -1, -2, 1.5, 0.5, 5, Infinity, NaN, NaN],
  },
  {
    op: 'pow', what: "follows C's pow, where 1^NaN and (-1)^inf are 1", dtypes: FLOATS,
    a: [2, 4, 2, -2, 1, -1, 0, NaN, 9], b: [3, 0.5, -1, 3, NaN, Infinity, 0, 0, -0.5],
    expected: [8, 2, 0.5, -8, 1, 1, 1, 1, 1 / 3],
  },
  {
    op: 'atan2', what: 'gives the angle in every quadrant', dtypes: FLOATS,
    a: [1, 1, -1, -1, 0, 2], b: [1, -1, 1, -1, 1, 0],
    expected: [Math.atan2(1, 1), Math.atan2(1, -1), Math.atan2(-1, 1), Math.atan2(-1, -1), 0, Math.PI / 2],
  },
  { op: 'minimum', what: 'propagates NaN from either side', dtypes: FLOATS, a: [1, NaN, 3, -2], b: [2, 1, NaN, -5], expected: [1, NaN, NaN, -5] },
  { op: 'maximum', what: 'propagates NaN from either side', dtypes: FLOATS, a: [1, NaN, 3, -2], b: [2, 1, NaN, -5], expected: [2, NaN, NaN, -2] },
  { op: 'eq', what: 'is false for NaN', dtypes: FLOATS, a: [1, 2, 3, NaN, NaN], b: [2, 2, 2, 1, NaN], expected: [false, true, false, false, false] },
  { op: 'ne', what: 'is true for NaN', dtypes: FLOATS, a: [1, 2, 3, NaN, NaN], b: [2, 2, 2, 1, NaN], expected: [true, false, true, true, true] },
  { op: 'lt', what: 'is false for NaN', dtypes: FLOATS, a: [1, 2, 3, NaN, NaN], b: [2, 2, 2, 1, NaN], expected: [true, false, false, false, false] },
  { op: 'le', what: 'is false for NaN', dtypes: FLOATS, a: [1, 2, 3, NaN, NaN], b: [2, 2, 2, 1, NaN], expected: [true, true, false, false, false] },
  { op: 'gt', what: 'is false for NaN', dtypes: FLOATS, a: [1, 2, 3, NaN, NaN], b: [2, 2, 2, 1, NaN], expected: [false, false, true, false, false] },
  { op: 'ge', what: 'is false for NaN', dtypes: FLOATS, a: [1, 2, 3, NaN, NaN], b: [2, 2, 2, 1, NaN], expected: [false, true, true, false, false] },
  { op: 'logicalAnd', what: 'treats NaN as true', dtypes: FLOATS, a: [0, 0, 2, NaN], b: [0, -1, 0, 3], expected: [false, false, false, true] },
  { op: 'logicalOr', what: 'treats NaN as true', dtypes: FLOATS, a: [0, 0, 2, NaN], b: [0, -1, 0, 3], expected: [false, true, true, true] },
  { op: 'logicalXor', what: 'treats NaN as true', dtypes: FLOATS, a: [0, 0, 2, NaN], b: [0, -1, 0, 3], expected: [false, true, true, false] },

  { op: 'add', what: 'wraps at 32 bits like C', dtypes: ['int32'], a: [2147483647, -2147483648], b: [1, -1], expected: [-2147483648, 2147483647] },
  { op: 'mul', what: 'wraps at 32 bits like C', dtypes: ['int32'], a: [65536, 123456789, -7], b: [65536, 987654321, 6], expected: [0, -67153019, -42] },
  { op: 'add', what: 'wraps modulo 256', dtypes: ['uint8'], a: [200, 255, 1], b: [100, 1, 2], expected: [44, 0, 3] },
  { op: 'sub', what: 'wraps modulo 256', dtypes: ['uint8'], a: [3, 0, 9], b: [5, 1, 2], expected: [254, 255, 7] },
  { op: 'mul', what: 'wraps modulo 256', dtypes: ['uint8'], a: [20, 16, 3], b: [20, 16, 5], expected: [144, 0, 15] },
  {
    op: 'floorDivide', what: 'rounds toward negative infinity like Python', dtypes: SIGNED,
    a: [7, -7, 7, -7, 0, 6], b: [2, 2, -2, -2, 3, -3], expected: [3, -4, -4, 3, 0, -2],
  },
  {
    op: 'remainder', what: "takes the divisor's sign like Python", dtypes: SIGNED,
    a: [7, -7, 7, -7, 0, 6], b: [3, 3, -3, -3, 3, -3], expected: [1, 2, -2, -1, 0, 0],
  },
  { op: 'floorDivide', what: 'divides unsigned bytes', dtypes: ['uint8'], a: [7, 200, 255], b: [2, 3, 255], expected: [3, 66, 1] },
  { op: 'remainder', what: 'divides unsigned bytes', dtypes: ['uint8'], a: [7, 200, 255], b: [2, 3, 7], expected: [1, 2, 3] },
  { op: 'pow', what: 'is exact repeated multiplication', dtypes: INTS, a: [2, 3, 0, 5, 1], b: [7, 4, 0, 1, 9], expected: [128, 81, 1, 5, 1] },
  {
    op: 'pow', what: 'gives 0 for negative exponents except for bases 1 and -1', dtypes: SIGNED,
    a: [2, 1, -1, -1, -2, -3], b: [-1, -5, -3, -2, 3, 0], expected: [0, 1, -1, 1, -8, 1],
  },
  { op: 'pow', what: 'wraps modulo 256', dtypes: ['uint8'], a: [3, 2], b: [5, 9], expected: [243, 0] },
  { op: 'minimum', what: 'picks the smaller integer', dtypes: INTS, a: [1, 9, 4], b: [2, 3, 4], expected: [1, 3, 4] },
  { op: 'maximum', what: 'picks the larger integer', dtypes: INTS, a: [1, 9, 4], b: [2, 3, 4], expected: [2, 9, 4] },
  { op: 'logicalXor', what: 'compares truthiness', dtypes: INTS, a: [0, 0, 7, 3], b: [0, 2, 0, 1], expected: [false, true, true, false] },

  { op: 'add', what: 'is logical or on bool', dtypes: ['bool'], a: [true, true, false, false], b: [true, false, true, false], expected: [true, true, true, false] },
  { op: 'mul', what: 'is logical and on bool', dtypes: ['bool'], a: [true, true, false, false], b: [true, false, true, false], expected: [true, false, false, false] },
  { op: 'maximum', what: 'is logical or on bool', dtypes: ['bool'], a: [true, true, false, false], b: [true, false, true, false], expected: [true, true, true, false] },
  { op: 'logicalAnd', what: 'combines bools', dtypes: ['bool'], a: [true, true, false, false], b: [true, false, true, false], expected: [true, false, false, false] },
  { op: 'logicalOr', what: 'combines bools', dtypes: ['bool'], a: [true, true, false, false], b: [true, false, true, false], expected: [true, true, true, false] },
  { op: 'lt', what: 'orders false before true', dtypes: ['bool'], a: [true, true, false, false], b: [true, false, true, false], expected: [false, false, true, false] },
];

/** The six comparisons of `a` against `b`, written out from JavaScript's own operators. */
function compare(op: BinaryOp, a: number, b: number): boolean {
  switch (op) {
    case 'eq': return a === b;
    case 'ne': return a !== b;
    case 'lt': return a < b;
    case 'le': return a <= b;
    case 'gt': return a > b;
    default: return a >= b;
  }
}

/** Add, sub and mul of small numbers, exact in every dtype. */
function arithmetic(op: BinaryOp, a: number, b: number): number {
  return op === 'add' ? a + b : op === 'sub' ? a - b : a * b;
}

export function binaryCases(suite: Suite): void {
  for (const { op, what, dtypes, a, b, expected } of TABLES) {
    for (const dtype of suite.dtypes(...dtypes)) {
      suite.add(`binary ${op} ${what} (${dtype})`, async (h) => {
        const bool = COMPARISONS.includes(op) || LOGICAL.includes(op);
        const out = h.empty(bool ? 'bool' : dtype, [a.length]);
        h.backend.binary(op, out, h.tensor(dtype, a, [a.length], 'strided'), h.tensor(dtype, b));
        await h.expect(out, expected, op);
      });
    }
  }

  for (const dtype of suite.dtypes('float32', 'float64', 'int32', 'int64', 'uint8')) {
    const ops: BinaryOp[] = FLOATS.includes(dtype) ? ['add', 'sub', 'mul', 'div'] : ['add', 'sub', 'mul'];
    for (const op of ops) {
      suite.add(`binary ${op} broadcasts a column against a row and reads transposed operands (${dtype})`, async (h) => {
        // a: [2, 1] broadcast along columns; b: [3] broadcast along rows. Results stay positive for uint8.
        const a = [12, 30];
        const b = [1, 2, 3];
        const f = (x: number, y: number) => (op === 'div' ? x / y : arithmetic(op, x, y));
        const out = h.empty(dtype, [2, 3]);
        h.backend.binary(op, out, h.broadcast(dtype, a, [2, 1], [2, 3]), h.broadcast(dtype, b, [3], [2, 3]));
        await h.expect(out, a.flatMap((x) => b.map((y) => f(x, y))), `${op} of broadcast operands`);

        const m = [20, 21, 22, 23, 24, 25];
        h.backend.binary(op, out, h.tensor(dtype, m, [2, 3], 'strided'), h.tensor(dtype, [1, 2, 3, 4, 5, 6], [2, 3], 'strided'));
        await h.expect(out, m.map((x, i) => f(x, i + 1)), `${op} of transposed operands`);
      });
    }

    suite.add(`binary comparisons order numbers, on broadcast operands (${dtype})`, async (h) => {
      const a = [1, 2, 3];
      for (const op of COMPARISONS) {
        const out = h.empty('bool', [3, 3]);
        h.backend.binary(op, out, h.broadcast(dtype, a, [3, 1], [3, 3]), h.broadcast(dtype, a, [3], [3, 3]));
        await h.expect(out, a.flatMap((x) => a.map((y) => compare(op, x, y))), op);
      }
    });

    suite.add(`binary works on rank-0 and empty views (${dtype})`, async (h) => {
      const scalar = h.empty(dtype, []);
      h.backend.binary('add', scalar, h.tensor(dtype, [2], []), h.tensor(dtype, [3], []));
      await h.expect(scalar, [5], 'rank-0 add');
      const empty = h.empty(dtype, [0, 3]);
      h.backend.binary('mul', empty, h.tensor(dtype, [], [0, 3]), h.broadcast(dtype, [1, 2, 3], [3], [0, 3]));
      await h.expect(empty, [], 'empty mul');
    });
  }
}
