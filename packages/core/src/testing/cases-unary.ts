/**
 * Conformance cases for `unary`: every op, on strided inputs, with NaN and infinities, on every
 * dtype the op accepts.
 *
 * @module
 */
import type { UnaryOp } from '../backend/contract.js';
import type { DType } from '../dtype.js';
import type { Value } from './harness.js';
import type { Suite } from './suite.js';

const ERF: ReadonlyMap<number, number> = new Map([
  [-3, -0.9999779095030014], [-2, -0.9953222650189527], [-0.75, -0.7111556336535151], [0, 0],
  [0.5, 0.5204998778130465], [1, 0.8427007929497149], [1.5, 0.9661051464753108], [2.25, 0.9985372834133188],
  [4, 0.9999999845827421], [Infinity, 1], [-Infinity, -1],
]);

interface MathOp {
  readonly op: UnaryOp;
  /** The exact function, in float64. */
  readonly f: (x: number) => number;
  /** Inputs inside the domain, plus the edge values whose result the op defines. */
  readonly inputs: readonly number[];
}

const GENERAL = [-2.5, -0.75, -0.125, 0, 0.375, 1, 2.25];
const POSITIVE = [0, 0.01, 0.5, 1, 2, 10, 1000, -1];
const SPECIAL = [NaN, Infinity, -Infinity];

const MATH_OPS: readonly MathOp[] = [
  { op: 'exp', f: Math.exp, inputs: [...GENERAL, -100, 50] },
  { op: 'exp2', f: (x) => 2 ** x, inputs: [...GENERAL, -30, 20] },
  { op: 'expm1', f: Math.expm1, inputs: [...GENERAL, 1e-7] },
  { op: 'log', f: Math.log, inputs: POSITIVE },
  { op: 'log2', f: Math.log2, inputs: POSITIVE },
  { op: 'log10', f: Math.log10, inputs: POSITIVE },
  { op: 'log1p', f: Math.log1p, inputs: [-1, -0.5, 0, 1e-7, 0.5, 3, -2] },
  { op: 'sqrt', f: Math.sqrt, inputs: [0, 0.25, 2, 9, 1e4, -1] },
  { op: 'rsqrt', f: (x) => 1 / Math.sqrt(x), inputs: [0, 0.25, 2, 9, 1e4, -1] },
  { op: 'reciprocal', f: (x) => 1 / x, inputs: [...GENERAL, -0.001] },
  { op: 'sin', f: Math.sin, inputs: [...GENERAL, 10, -100] },
  { op: 'cos', f: Math.cos, inputs: [...GENERAL, 10, -100] },
  { op: 'tan', f: Math.tan, inputs: [...GENERAL, 1.5] },
  { op: 'asin', f: Math.asin, inputs: [-1, -0.5, 0, 0.375, 1, 2] },
  { op: 'acos', f: Math.acos, inputs: [-1, -0.5, 0, 0.375, 1, -2] },
  { op: 'atan', f: Math.atan, inputs: [...GENERAL, 100] },
  { op: 'sinh', f: Math.sinh, inputs: GENERAL },
  { op: 'cosh', f: Math.cosh, inputs: GENERAL },
  { op: 'tanh', f: Math.tanh, inputs: [...GENERAL, 20, -20] },
  { op: 'sigmoid', f: (x) => 1 / (1 + Math.exp(-x)), inputs: [...GENERAL, -1000, -20, 20, 1000] },
  { op: 'erf', f: (x) => ERF.get(x) ?? NaN, inputs: [...ERF.keys()].filter(Number.isFinite) },
];

/** An op whose expected values are listed per input dtype. */
interface TableOp {
  readonly op: UnaryOp;
  readonly what: string;
  readonly dtypes: readonly DType[];
  readonly inputs: (dtype: DType) => readonly Value[];
  readonly expected: (dtype: DType) => readonly Value[];
}

const FLOATS: readonly DType[] = ['float32', 'float64'];
const SIGNED: readonly DType[] = ['int32', 'int64'];
const NUMERIC: readonly DType[] = [...FLOATS, ...SIGNED, 'uint8'];

const FLOAT_EDGES = [-2.5, -0, 0, 3, NaN, -Infinity];
const INT_EDGES = [-7, 0, 5, -1];
const UINT8_EDGES = [0, 1, 200];
const edges = (dtype: DType): number[] => (FLOATS.includes(dtype) ? FLOAT_EDGES : dtype === 'uint8' ? UINT8_EDGES : INT_EDGES);

const ROUNDING = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -1.7, 1.2, 2.7];
const CLASSIFY = [NaN, Infinity, -Infinity, 0, -0, 1.5];
const classifyInputs = (dtype: DType): Value[] =>
  FLOATS.includes(dtype) ? CLASSIFY : dtype === 'bool' ? [false, true] : [0, 3];

const TABLE_OPS: readonly TableOp[] = [
  {
    op: 'neg', what: 'negates, wrapping uint8 modulo 256', dtypes: NUMERIC, inputs: edges,
    expected: (d) => (FLOATS.includes(d) ? [2.5, 0, -0, -3, NaN, Infinity] : d === 'uint8' ? [0, 255, 56] : [7, 0, -5, 1]),
  },
  {
    op: 'abs', what: 'takes the absolute value', dtypes: NUMERIC, inputs: edges,
    expected: (d) => (FLOATS.includes(d) ? [2.5, 0, 0, 3, NaN, Infinity] : d === 'uint8' ? UINT8_EDGES : [7, 0, 5, 1]),
  },
  {
    op: 'sign', what: 'gives -1, 0 or 1, and 0 for NaN as PyTorch does', dtypes: NUMERIC, inputs: edges,
    expected: (d) => (FLOATS.includes(d) ? [-1, 0, 0, 1, 0, -1] : d === 'uint8' ? [0, 1, 1] : [-1, 0, 1, -1]),
  },
  {
    op: 'relu', what: 'clamps negatives to zero and keeps NaN', dtypes: NUMERIC, inputs: edges,
    expected: (d) => (FLOATS.includes(d) ? [0, 0, 0, 3, NaN, 0] : d === 'uint8' ? UINT8_EDGES : [0, 0, 5, 0]),
  },
  { op: 'floor', what: 'rounds down', dtypes: FLOATS, inputs: () => ROUNDING, expected: () => [-3, -2, -1, 0, 1, 2, -2, 1, 2] },
  { op: 'ceil', what: 'rounds up', dtypes: FLOATS, inputs: () => ROUNDING, expected: () => [-2, -1, 0, 1, 2, 3, -1, 2, 3] },
  {
    op: 'round', what: 'rounds half to even', dtypes: FLOATS, inputs: () => ROUNDING,
    expected: () => [-2, -2, 0, 0, 2, 2, -2, 1, 3],
  },
  { op: 'trunc', what: 'rounds toward zero', dtypes: FLOATS, inputs: () => ROUNDING, expected: () => [-2, -1, 0, 0, 1, 2, -1, 1, 2] },
  {
    op: 'logicalNot', what: 'is true only for zeros (NaN counts as true)', dtypes: [...NUMERIC, 'bool'],
    inputs: classifyInputs,
    expected: (d) => (FLOATS.includes(d) ? [false, false, false, true, true, false] : [true, false]),
  },
  {
    op: 'isnan', what: 'is true only for NaN', dtypes: [...NUMERIC, 'bool'], inputs: classifyInputs,
    expected: (d) => (FLOATS.includes(d) ? [true, false, false, false, false, false] : [false, false]),
  },
  {
    op: 'isinf', what: 'is true only for infinities', dtypes: [...NUMERIC, 'bool'], inputs: classifyInputs,
    expected: (d) => (FLOATS.includes(d) ? [false, true, true, false, false, false] : [false, false]),
  },
  {
    op: 'isfinite', what: 'is false for NaN and infinities', dtypes: [...NUMERIC, 'bool'], inputs: classifyInputs,
    expected: (d) => (FLOATS.includes(d) ? [false, false, false, true, true, true] : [true, true]),
  },
];

const PREDICATES: readonly UnaryOp[] = ['logicalNot', 'isnan', 'isinf', 'isfinite'];

export function unaryCases(suite: Suite): void {
  for (const dtype of suite.dtypes(...FLOATS)) {
    const round = dtype === 'float32' ? Math.fround : (x: number) => x;
    for (const { op, f, inputs } of MATH_OPS) {
      suite.add(`unary ${op} matches the double-precision reference on a strided input, NaN and infinities (${dtype})`, async (h) => {
        const xs = [...inputs, ...SPECIAL].map(round);
        const out = h.empty(dtype, [xs.length]);
        h.backend.unary(op, out, h.tensor(dtype, xs, [xs.length], 'strided'));
        await h.expect(out, xs.map(f), op);
      });
    }

    suite.add(`unary reads transposed and broadcast inputs, rank 0 and empty views (${dtype})`, async (h) => {
      const out = h.empty(dtype, [2, 3]);
      h.backend.unary('neg', out, h.tensor(dtype, [1, 2, 3, 4, 5, 6], [2, 3], 'strided'));
      await h.expect(out, [-1, -2, -3, -4, -5, -6], 'neg of a transposed view');
      h.backend.unary('exp', out, h.broadcast(dtype, [0, 1], [2, 1], [2, 3]));
      await h.expect(out, [1, 1, 1, Math.E, Math.E, Math.E], 'exp of a broadcast view');
      const scalar = h.empty(dtype, []);
      h.backend.unary('sqrt', scalar, h.tensor(dtype, [16], []));
      await h.expect(scalar, [4], 'rank-0 sqrt');
      const empty = h.empty(dtype, [3, 0]);
      h.backend.unary('log', empty, h.tensor(dtype, [], [3, 0]));
      await h.expect(empty, [], 'empty log');
    });
  }

  for (const { op, what, dtypes, inputs, expected } of TABLE_OPS) {
    for (const dtype of suite.dtypes(...dtypes)) {
      suite.add(`unary ${op} ${what} (${dtype})`, async (h) => {
        const xs = inputs(dtype);
        const out = h.empty(PREDICATES.includes(op) ? 'bool' : dtype, [xs.length]);
        h.backend.unary(op, out, h.tensor(dtype, xs, [xs.length], 'strided'));
        await h.expect(out, expected(dtype), op);
      });
    }
  }
}
