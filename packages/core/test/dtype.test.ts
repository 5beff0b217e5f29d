import { describe, expect, it } from 'vitest';
import { canCast, DTYPES, promoteTypes, resultType, type DType, type Operand } from '../src/dtype.js';
import { CAN_CAST, RESULT_TYPE } from './fixtures/promotion-table.js';

/** The JavaScript operand for an operand spec of the generated table (see gen_promotion.py). */
function operand(spec: string, intAsBigint = false): Operand {
  const [kind, name] = spec.split(':');
  if (kind === 't') return { dtype: name as DType, dim: 1 };
  if (kind === 'z') return { dtype: name as DType, dim: 0 };
  if (name === 'bool') return true;
  if (name === 'int') return intAsBigint ? 2n : 2;
  return 2.5;
}

describe('resultType matches torch.result_type', () => {
  it.each(RESULT_TYPE.map(([a, b, f32, f64]) => ({ a, b, f32, f64 })))(
    '$a with $b gives $f32 (float64 default: $f64)',
    ({ a, b, f32, f64 }) => {
      expect(resultType([operand(a), operand(b)], 'float32')).toBe(f32);
      expect(resultType([operand(a), operand(b)], 'float64')).toBe(f64);
    },
  );

  it('treats bigint scalars as Python ints', () => {
    for (const [a, b, f32] of RESULT_TYPE) {
      expect(resultType([operand(a, true), operand(b, true)], 'float32')).toBe(f32);
    }
  });

  it('is symmetric in its operands', () => {
    const specs = [...new Set(RESULT_TYPE.map((row) => row[0]))];
    for (const a of specs) {
      for (const b of specs) {
        expect(resultType([operand(a), operand(b)])).toBe(resultType([operand(b), operand(a)]));
      }
    }
  });

  it('with one operand returns its own type, and a lone float scalar the default float dtype', () => {
    for (const dtype of DTYPES) expect(resultType([{ dtype, dim: 2 }])).toBe(dtype);
    expect(resultType([1.5], 'float64')).toBe('float64');
    expect(resultType([3])).toBe('int64');
    expect(resultType([false])).toBe('bool');
  });

  it('throws without operands', () => {
    expect(() => resultType([])).toThrow(/at least one operand/);
  });
});

describe('promoteTypes', () => {
  it('matches torch.result_type of two tensors with dimensions', () => {
    for (const [a, b, f32] of RESULT_TYPE) {
      if (a.startsWith('t:') && b.startsWith('t:')) {
        expect(promoteTypes(a.slice(2) as DType, b.slice(2) as DType)).toBe(f32);
      }
    }
  });
});

describe('canCast matches torch.can_cast', () => {
  it.each(CAN_CAST.map(([from, to, expected]) => ({ from, to, expected })))(
    '$from to $to is $expected',
    ({ from, to, expected }) => {
      expect(canCast(from as DType, to as DType)).toBe(expected);
    },
  );

  it('covers every pair of dtypes', () => {
    expect(CAN_CAST).toHaveLength(DTYPES.length * DTYPES.length);
  });
});
