/**
 * Conformance cases for exact int64: values above 2^53, where a detour through float64 would lose
 * the low bits, and wrapping at 64 bits like C. Only for backends that declare `exactInt64`.
 *
 * @module
 */
import type { BinaryOp, ReduceOp, UnaryOp } from '../backend/contract.js';
import type { Suite } from './suite.js';

const P53 = 2n ** 53n;
const MAX = 2n ** 63n - 1n;
const MIN = -(2n ** 63n);

interface BinaryTable { op: BinaryOp; a: bigint[]; b: bigint[]; expected: (bigint | boolean)[] }

const BINARY: readonly BinaryTable[] = [
  { op: 'add', a: [P53, MAX, MIN], b: [1n, 1n, -1n], expected: [P53 + 1n, MIN, MAX] },
  { op: 'sub', a: [P53 + 2n, MIN], b: [1n, 1n], expected: [P53 + 1n, MAX] },
  { op: 'mul', a: [3037000499n, P53 + 1n, 2n ** 32n], b: [3037000499n, 3n, 2n ** 32n], expected: [9223372030926249001n, 3n * P53 + 3n, 0n] },
  { op: 'floorDivide', a: [-(2n ** 62n) - 1n, P53 + 1n], b: [2n, -1n], expected: [-(2n ** 61n) - 1n, -P53 - 1n] },
  { op: 'remainder', a: [-(2n ** 62n) - 1n, P53 + 1n], b: [2n, -(P53 - 1n)], expected: [1n, -(P53 - 1n) + 2n] },
  { op: 'pow', a: [3n, 2n, -3n], b: [39n, 63n, 39n], expected: [4052555153018976267n, MIN, -4052555153018976267n] },
  { op: 'minimum', a: [P53 + 1n, -P53 - 1n], b: [P53, -P53], expected: [P53, -P53 - 1n] },
  { op: 'maximum', a: [P53 + 1n, -P53 - 1n], b: [P53, -P53], expected: [P53 + 1n, -P53] },
  { op: 'eq', a: [P53 + 1n, MAX], b: [P53, MAX], expected: [false, true] },
  { op: 'ne', a: [P53 + 1n, MAX], b: [P53, MAX], expected: [true, false] },
  { op: 'lt', a: [P53, MAX - 1n], b: [P53 + 1n, MAX], expected: [true, true] },
  { op: 'le', a: [P53 + 1n, MAX], b: [P53, MAX], expected: [false, true] },
  { op: 'gt', a: [P53 + 1n, MAX], b: [P53, MAX], expected: [true, false] },
  { op: 'ge', a: [P53, MAX - 1n], b: [P53 + 1n, MAX], expected: [false, false] },
];

interface UnaryTable { op: UnaryOp; x: bigint[]; expected: bigint[] }

const UNARY: readonly UnaryTable[] = [
  { op: 'neg', x: [P53 + 1n, MIN, 0n], expected: [-P53 - 1n, MIN, 0n] },
  { op: 'abs', x: [-P53 - 1n, P53 + 3n], expected: [P53 + 1n, P53 + 3n] },
  { op: 'sign', x: [-P53 - 1n, 0n, MAX], expected: [-1n, 0n, 1n] },
  { op: 'relu', x: [-P53 - 1n, P53 + 1n], expected: [0n, P53 + 1n] },
];

interface ReduceTable { op: ReduceOp; x: bigint[]; expected: bigint }

const REDUCE: readonly ReduceTable[] = [
  { op: 'sum', x: [P53, 1n, 1n], expected: P53 + 2n },
  { op: 'sum', x: [MAX, 1n], expected: MIN },
  { op: 'prod', x: [2n ** 31n + 1n, 2n ** 31n - 1n, 3n], expected: 3n * (2n ** 62n - 1n) - 2n ** 64n },
  { op: 'max', x: [P53, P53 + 1n, P53], expected: P53 + 1n },
  { op: 'min', x: [-P53, -P53 - 1n, -P53], expected: -P53 - 1n },
  { op: 'argmax', x: [P53, P53 + 1n, P53 + 1n], expected: 1n },
  { op: 'argmin', x: [P53 + 1n, P53, P53], expected: 1n },
];

export function int64Cases(suite: Suite): void {
  if (!suite.exactInt64 || !suite.supports('int64')) return;

  suite.add('int64 write, read, copy and fill keep every bit', async (h) => {
    const values = [MIN, MAX, P53 + 1n, -P53 - 1n, 2n ** 62n + 12345n, 0n];
    const x = h.tensor('int64', values, [2, 3], 'strided');
    await h.expect(x, values, 'read');
    const out = h.empty('int64', [2, 3]);
    h.backend.copy(out, x);
    await h.expect(out, values, 'copy');
    h.backend.fill(out, 2n ** 60n + 1n);
    await h.expect(out, new Array(6).fill(2n ** 60n + 1n), 'fill');
  });

  for (const { op, a, b, expected } of BINARY) {
    suite.add(`int64 binary ${op} is exact above 2^53 and wraps at 64 bits`, async (h) => {
      const bool = typeof expected[0] === 'boolean';
      const out = h.empty(bool ? 'bool' : 'int64', [a.length]);
      h.backend.binary(op, out, h.tensor('int64', a, [a.length], 'strided'), h.tensor('int64', b));
      await h.expect(out, expected, op);
    });
  }

  for (const { op, x, expected } of UNARY) {
    suite.add(`int64 unary ${op} is exact above 2^53`, async (h) => {
      const out = h.empty('int64', [x.length]);
      h.backend.unary(op, out, h.tensor('int64', x, [x.length], 'strided'));
      await h.expect(out, expected, op);
    });
  }

  for (const { op, x, expected } of REDUCE) {
    suite.add(`int64 reduce ${op} of [${x.join(', ')}] is exact`, async (h) => {
      const out = h.empty('int64', [1]);
      h.backend.reduce(op, out, h.tensor('int64', x, [x.length], 'strided'), [0]);
      await h.expect(out, [expected], op);
    });
  }

  suite.add('int64 scans are exact above 2^53', async (h) => {
    const out = h.empty('int64', [3]);
    h.backend.scan('cumsum', out, h.tensor('int64', [P53, 1n, 1n]), 0);
    await h.expect(out, [P53, P53 + 1n, P53 + 2n], 'cumsum');
    h.backend.scan('cumprod', out, h.tensor('int64', [2n ** 31n + 1n, 2n ** 31n - 1n, 2n]), 0);
    await h.expect(out, [2n ** 31n + 1n, 2n ** 62n - 1n, 2n ** 63n - 2n], 'cumprod');
  });

  suite.add('int64 matmul, where, gather and scatterAdd are exact above 2^53', async (h) => {
    const out = h.empty('int64', [1, 1]);
    h.backend.matmul(out, h.tensor('int64', [2n ** 31n, 1n], [1, 2]), h.tensor('int64', [2n ** 31n, 1n], [2, 1]));
    await h.expect(out, [2n ** 62n + 1n], 'matmul');
    const picked = h.empty('int64', [2]);
    h.backend.where(picked, h.tensor('bool', [true, false]), h.tensor('int64', [P53 + 1n, 0n]), h.tensor('int64', [0n, MIN]));
    await h.expect(picked, [P53 + 1n, MIN], 'where');
    h.backend.gather(picked, h.tensor('int64', [P53 + 1n, P53 + 3n, MAX]), 0, h.tensor('int64', [2n, 1n]));
    await h.expect(picked, [MAX, P53 + 3n], 'gather');
    const sums = h.tensor('int64', [P53, 0n]);
    h.backend.scatterAdd(sums, 0, h.tensor('int64', [0n, 0n, 1n]), h.tensor('int64', [1n, 1n, MAX]));
    await h.expect(sums, [P53 + 2n, MAX], 'scatterAdd');
  });

  if (!suite.supports('float64')) return;
  suite.add('int64 converts to and from float64 through the nearest double', async (h) => {
    const floats = h.empty('float64', [2]);
    h.backend.copy(floats, h.tensor('int64', [P53 + 1n, -(2n ** 60n)]));
    await h.expect(floats, [2 ** 53, -(2 ** 60)], 'int64 -> float64');
    const ints = h.empty('int64', [2]);
    h.backend.copy(ints, h.tensor('float64', [2 ** 60, -(2 ** 62) - 2 ** 11]));
    await h.expect(ints, [2n ** 60n, -(2n ** 62n) - 2n ** 11n], 'float64 -> int64');
  });
}
