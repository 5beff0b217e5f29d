import { describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import { cpuBackend } from '@typetorch/backend-cpu';
import type { Backend, Tensor, View } from '@typetorch/core';
import { recordGraphNodes } from './helpers/recording-engine.js';

const NaN_ = Number.NaN;
const inf = Number.POSITIVE_INFINITY;

function f64(data: unknown): Tensor {
  return torch.tensor(data, { dtype: 'float64' });
}

function i64(data: unknown): Tensor {
  return torch.tensor(data, { dtype: 'int64' });
}

/** Compares nested values elementwise with a relative/absolute tolerance; NaN equals NaN, infinities match exactly. */
function expectClose(actual: Tensor, expected: unknown, tol = 1e-6): void {
  const got = actual.tolistSync();
  const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
  const shapeOf = (v: unknown): number[] => (Array.isArray(v) ? [v.length, ...(v.length > 0 ? shapeOf(v[0]) : [])] : []);
  expect([...actual.shape]).toEqual(shapeOf(expected));
  const a = flat(got) as number[];
  const e = flat(expected) as number[];
  expect(a.length).toBe(e.length);
  a.forEach((value, i) => {
    const want = e[i];
    if (Number.isNaN(want)) expect(value, `element ${i}`).toBeNaN();
    else if (!Number.isFinite(want)) expect(value, `element ${i}`).toBe(want);
    else expect(Math.abs(value - want), `element ${i}: ${value} vs ${want}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want)));
  });
}

describe('sum', () => {
  const x = f64([[1, 2, 3], [4, 5, 6]]);

  it('sums every element into a 0-d tensor without a dim', () => {
    const s = x.sum();
    expect(s.shape).toEqual([]);
    expect(s.tolistSync()).toBe(21);
  });

  it('sums along one dim, a negative dim, and a list of dims', () => {
    expect(x.sum(0).tolistSync()).toEqual([5, 7, 9]);
    expect(x.sum(1).tolistSync()).toEqual([6, 15]);
    expect(x.sum(-1).tolistSync()).toEqual([6, 15]);
    expect(x.sum([0, 1]).tolistSync()).toBe(21);
    expect(x.sum([-1, 0]).tolistSync()).toBe(21);
  });

  it('keeps reduced dims with size 1 when keepdim is set', () => {
    const s = x.sum(1, { keepdim: true });
    expect(s.shape).toEqual([2, 1]);
    expect(s.tolistSync()).toEqual([[6], [15]]);
    expect(x.sum([0, 1], { keepdim: true }).tolistSync()).toEqual([[21]]);
    expect(x.sum({ keepdim: true }).shape).toEqual([1, 1]);
  });

  it('treats null and an empty list of dims as all dims, as PyTorch 1.13 does', () => {
    expect(x.sum(null).tolistSync()).toBe(21);
    expect(x.sum([]).tolistSync()).toBe(21);
  });

  it('reduces a 3-D tensor over non-adjacent dims', () => {
    const t = torch.arange(24, { dtype: 'float64' }).reshape(2, 3, 4);
    expect(t.sum([0, 2]).tolistSync()).toEqual([60, 92, 124]);
    expect(t.sum([0, 2], { keepdim: true }).shape).toEqual([1, 3, 1]);
  });

  it('reads transposed (non-contiguous) inputs correctly', () => {
    const t = x.t();
    expect(t.sum(0).tolistSync()).toEqual([6, 15]);
    expect(t.sum(1).tolistSync()).toEqual([5, 7, 9]);
  });

  it('gives int64 for integer and bool inputs', () => {
    const ints = torch.tensor([1, 2, 3], { dtype: 'int32' }).sum();
    expect(ints.dtype).toBe('int64');
    expect(ints.tolistSync()).toBe(6);
    const bools = torch.tensor([true, false, true]).sum();
    expect(bools.dtype).toBe('int64');
    expect(bools.tolistSync()).toBe(2);
    expect(torch.tensor([200, 100], { dtype: 'uint8' }).sum().tolistSync()).toBe(300);
  });

  it('converts to the dtype option before summing', () => {
    const s = torch.tensor([1, 2, 3], { dtype: 'int32' }).sum({ dtype: 'float64' });
    expect(s.dtype).toBe('float64');
    expect(s.tolistSync()).toBe(6);
    const t = f64([[1.5, 2.5]]).sum(1, { dtype: 'int32' });
    expect(t.dtype).toBe('int32');
    expect(t.tolistSync()).toEqual([3]);
  });

  it('keeps float32 for float32 inputs', () => {
    expect(torch.tensor([1, 2]).sum().dtype).toBe('float32');
  });

  it('gives 0 for empty tensors and empty dims', () => {
    expect(torch.tensor([]).sum().tolistSync()).toBe(0);
    const e = torch.zeros(0, 3);
    expect(e.sum(0).tolistSync()).toEqual([0, 0, 0]);
    expect(e.sum(1).shape).toEqual([0]);
  });

  it('accepts dim 0 and -1 on a 0-d tensor', () => {
    expect(f64(3).sum(0).tolistSync()).toBe(3);
    expect(f64(3).sum(-1, { keepdim: true }).shape).toEqual([]);
  });

  it('propagates NaN', () => {
    expect(f64([1, NaN_, 2]).sum().tolistSync()).toBeNaN();
  });

  it('rejects duplicate and out-of-range dims', () => {
    expect(() => x.sum([0, 0])).toThrow('[sum] dim 0 appears multiple times in the list of dims');
    expect(() => x.sum([0, -2])).toThrow('[sum] dim 0 appears multiple times');
    expect(() => x.sum(2)).toThrow('[sum] dimension out of range (expected to be in range of [-2, 1], but got 2)');
    expect(() => x.sum(1.5)).toThrow('[sum] expected dim to be an integer, got 1.5');
  });
});

describe('mean', () => {
  const x = f64([[1, 2, 3], [4, 5, 6]]);

  it('averages all elements or along dims', () => {
    expect(x.mean().tolistSync()).toBe(3.5);
    expect(x.mean(0).tolistSync()).toEqual([2.5, 3.5, 4.5]);
    expect(x.mean(-1, { keepdim: true }).tolistSync()).toEqual([[2], [5]]);
    expect(x.mean([0, 1]).tolistSync()).toBe(3.5);
  });

  it('rejects integer inputs with PyTorch\'s message unless a float dtype is given', () => {
    expect(() => i64([1, 2]).mean()).toThrow(
      '[mean] could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: int64',
    );
    expect(() => torch.tensor([true]).mean()).toThrow('Got: bool');
    expect(i64([1, 2]).mean({ dtype: 'float64' }).tolistSync()).toBe(1.5);
    expect(() => x.mean({ dtype: 'int32' })).toThrow(
      '[mean] could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: int32',
    );
  });

  it('gives NaN for an empty reduction', () => {
    expect(torch.tensor([]).mean().tolistSync()).toBeNaN();
    expect(torch.zeros(0, 2).mean(0).tolistSync()).toEqual([NaN_, NaN_]);
  });
});

describe('prod', () => {
  it('multiplies all elements or along one dim', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    expect(x.prod().tolistSync()).toBe(720);
    expect(x.prod(1).tolistSync()).toEqual([6, 120]);
    expect(x.prod(-2, { keepdim: true }).tolistSync()).toEqual([[4, 10, 18]]);
  });

  it('gives int64 for integers and bools, and 1 for empty reductions', () => {
    const p = torch.tensor([2, 3], { dtype: 'int32' }).prod();
    expect(p.dtype).toBe('int64');
    expect(p.tolistSync()).toBe(6);
    expect(torch.tensor([true, true]).prod().dtype).toBe('int64');
    expect(torch.tensor([]).prod().tolistSync()).toBe(1);
    expect(torch.tensor([[1, 2]], { dtype: 'int32' }).prod(1, { dtype: 'int32' }).dtype).toBe('int32');
  });

  it('rejects a list of dims', () => {
    expect(() => f64([1]).prod([0] as unknown as number)).toThrow('[prod] expected dim to be one integer');
  });
});

describe('max and min', () => {
  const x = f64([[1, 5, 5], [7, 2, 0]]);

  it('returns the extreme element as a 0-d tensor without a dim', () => {
    expect(x.max().shape).toEqual([]);
    expect(x.max().tolistSync()).toBe(7);
    expect(x.min().tolistSync()).toBe(0);
    expect(torch.tensor([3, 9], { dtype: 'int32' }).max().dtype).toBe('int32');
  });

  it('returns values and int64 indices of the first occurrence along a dim', () => {
    const { values, indices } = x.max(1);
    expect(values.tolistSync()).toEqual([5, 7]);
    expect(indices.dtype).toBe('int64');
    expect(indices.tolistSync()).toEqual([1, 0]);
    const m = x.min(0, { keepdim: true });
    expect(m.values.tolistSync()).toEqual([[1, 2, 0]]);
    expect(m.indices.tolistSync()).toEqual([[0, 1, 1]]);
    expect(x.max(-1).indices.tolistSync()).toEqual([1, 0]);
  });

  it('propagates NaN and returns the index of the first NaN', () => {
    const n = f64([1, NaN_, 3, NaN_]);
    expect(n.max().tolistSync()).toBeNaN();
    expect(n.min().tolistSync()).toBeNaN();
    const { values, indices } = n.max(0);
    expect(values.tolistSync()).toBeNaN();
    expect(indices.tolistSync()).toBe(1);
    expect(n.min(0).indices.tolistSync()).toBe(1);
  });

  it('has the same forms as torch.max and torch.min', () => {
    expect(torch.max(x).tolistSync()).toBe(7);
    expect(torch.min(x, 1).values.tolistSync()).toEqual([1, 0]);
    expect(torch.max(x, f64(6)).tolistSync()).toEqual([[6, 6, 6], [7, 6, 6]]);
  });

  it('is the elementwise maximum / minimum with a tensor argument', () => {
    const other = f64([4, 4, 4]);
    expect(x.max(other).tolistSync()).toEqual([[4, 5, 5], [7, 4, 4]]);
    expect(x.min(other).tolistSync()).toEqual([[1, 4, 4], [4, 2, 0]]);
  });

  it('works on bool tensors', () => {
    const { values, indices } = torch.tensor([false, true, true]).max(0);
    expect(values.tolistSync()).toBe(true);
    expect(indices.tolistSync()).toBe(1);
  });

  it('reduces a 0-d tensor to itself with index 0', () => {
    const { values, indices } = f64(3).max(0);
    expect(values.tolistSync()).toBe(3);
    expect(indices.tolistSync()).toBe(0);
  });

  it('rejects empty inputs because max has no identity', () => {
    expect(() => torch.tensor([]).max()).toThrow(/^\[max\] expected a non-empty input, got shape \[0\]: the operation does not have an identity/);
    expect(() => torch.tensor([]).min()).toThrow('[min] expected a non-empty input');
    expect(() => torch.zeros(0, 3).max(0)).toThrow('[max] expected reduction dim 0 to have non-zero size, got shape [0, 3]');
  });

  it('reduces a non-empty dim of a tensor with zero elements to an empty result', () => {
    const { values, indices } = torch.zeros(0, 3).max(1);
    expect(values.shape).toEqual([0]);
    expect(indices.shape).toEqual([0]);
  });
});

describe('amax and amin', () => {
  const x = f64([[1, 5, 5], [7, 2, 0]]);

  it('reduces over several dims and keeps dims on request', () => {
    expect(x.amax().tolistSync()).toBe(7);
    expect(x.amax(0).tolistSync()).toEqual([7, 5, 5]);
    expect(x.amin([0, 1]).tolistSync()).toBe(0);
    expect(x.amin(-1, { keepdim: true }).tolistSync()).toEqual([[1], [0]]);
  });

  it('propagates NaN', () => {
    expect(f64([[1, NaN_], [2, 3]]).amax(1).tolistSync()).toEqual([NaN_, 3]);
  });

  it('rejects empty reductions', () => {
    expect(() => torch.zeros(0, 3).amax(0)).toThrow('[amax] expected reduction dim 0 to have non-zero size');
    expect(() => torch.zeros(0, 3).amin()).toThrow('[amin] expected a non-empty input');
    expect(torch.zeros(0, 3).amax(1).shape).toEqual([0]);
  });
});

describe('argmax and argmin', () => {
  const x = f64([[1, 9, 9], [7, 2, 0]]);

  it('indexes the flattened tensor without a dim', () => {
    expect(x.argmax().tolistSync()).toBe(1);
    expect(x.argmin().tolistSync()).toBe(5);
    expect(x.argmax().dtype).toBe('int64');
    expect(x.argmax(null, { keepdim: true }).shape).toEqual([1, 1]);
  });

  it('indexes the flattened tensor of a transposed input in its logical order', () => {
    expect(x.t().argmax().tolistSync()).toBe(2); // x.t() = [[1, 7], [9, 2], [9, 0]]
    expect(x.t().argmin().tolistSync()).toBe(5);
  });

  it('indexes along a dim, with keepdim', () => {
    expect(x.argmax(1).tolistSync()).toEqual([1, 0]);
    expect(torch.argmax(x, -1, { keepdim: true }).tolistSync()).toEqual([[1], [0]]);
    expect(x.argmin(0, { keepdim: true }).tolistSync()).toEqual([[0, 1, 1]]);
  });

  it('returns the first NaN', () => {
    expect(f64([1, NaN_, 3]).argmax().tolistSync()).toBe(1);
    expect(f64([1, NaN_, 3]).argmin().tolistSync()).toBe(1);
  });

  it('rejects bool inputs and empty reductions', () => {
    expect(() => torch.tensor([true]).argmax()).toThrow('[argmax] not implemented for bool tensors');
    expect(() => torch.tensor([]).argmax()).toThrow('[argmax] expected a non-empty input');
    expect(() => torch.zeros(0, 3).argmin(0)).toThrow('[argmin] expected reduction dim 0 to have non-zero size');
  });
});

describe('all and any', () => {
  it('reduce to bool for any input dtype', () => {
    const x = f64([[1, 0], [2, 3]]);
    expect(x.all().dtype).toBe('bool');
    expect(x.all().tolistSync()).toBe(false);
    expect(x.any().tolistSync()).toBe(true);
    expect(x.all(1).tolistSync()).toEqual([false, true]);
    expect(x.any(0, { keepdim: true }).tolistSync()).toEqual([[true, true]]);
    expect(torch.tensor([1, 2], { dtype: 'int64' }).all().tolistSync()).toBe(true);
  });

  it('keep uint8 for uint8 inputs, as PyTorch 1.13 does', () => {
    const a = torch.tensor([1, 2], { dtype: 'uint8' }).all();
    expect(a.dtype).toBe('uint8');
    expect(a.tolistSync()).toBe(1);
  });

  it('count NaN as true and give the identities on empty input', () => {
    expect(f64([1, NaN_]).all().tolistSync()).toBe(true);
    expect(torch.zeros(0, 3).all().tolistSync()).toBe(true);
    expect(torch.zeros(0, 3).any().tolistSync()).toBe(false);
  });
});

describe('std and var', () => {
  const x = f64([[1, 2, 3, 4], [2, 2, 2, 2]]);

  it('use Bessel\'s correction by default', () => {
    expect(x.var().tolistSync()).toBeCloseTo(0.7857142857142857, 12);
    expectClose(x.var(1), [1.6666666666666667, 0]);
    expectClose(x.std(1), [Math.sqrt(5 / 3), 0]);
  });

  it('accept correction and unbiased', () => {
    expectClose(x.var(1, { correction: 0 }), [1.25, 0]);
    expectClose(x.var(1, { unbiased: false }), [1.25, 0]);
    expectClose(x.var(1, { correction: 2 }), [2.5, 0]);
    expect(x.std({ unbiased: false }).tolistSync()).toBeCloseTo(Math.sqrt(0.6875), 12);
    expect(() => x.var(1, { correction: 1, unbiased: true })).toThrow('[var] expected only one of correction and unbiased');
  });

  it('reduce several dims and keep dims', () => {
    const v = x.var([0, 1], { keepdim: true });
    expect(v.shape).toEqual([1, 1]);
    expectClose(v, [[0.7857142857142857]], 1e-12);
    expectClose(x.var(0, { correction: 0 }), [0.25, 0, 0.25, 1]);
  });

  it('give inf or NaN when N - correction is not positive, as PyTorch does', () => {
    const y = f64([1, 2, 3, 4]);
    expect(y.var({ correction: 4 }).tolistSync()).toBe(inf);
    expect(y.std({ correction: 5 }).tolistSync()).toBe(inf);
    expect(f64([3]).std().tolistSync()).toBeNaN();
    expect(f64(3).var({ unbiased: false }).tolistSync()).toBe(0);
    expect(torch.zeros(0, 3).std().tolistSync()).toBeNaN();
  });

  it('reject integer inputs', () => {
    expect(() => i64([1, 2]).std()).toThrow('[std] std and var only support floating point and complex dtypes, got int64');
    expect(() => i64([1, 2]).var()).toThrow('[var] std and var only support floating point');
  });
});

describe('logsumexp', () => {
  it('computes log(sum(exp(x))) along dims', () => {
    expectClose(f64([[1, 2], [3, 4]]).logsumexp(1), [2.3132616875182226, 4.313261687518223]);
    expectClose(f64([[1, 2], [3, 4]]).logsumexp([0, 1], { keepdim: true }), [[4.440189698561196]]);
  });

  it('is stable for large inputs', () => {
    expectClose(torch.tensor([1000, 1000]).logsumexp(0), 1000.6931471805599, 1e-6);
    expectClose(f64([-1000, -1000]).logsumexp(0), -999.3068528194401);
  });

  it('keeps -inf rows at -inf without NaN and handles +inf and NaN like PyTorch', () => {
    expectClose(f64([[-inf, -inf], [0, -inf]]).logsumexp(1), [-inf, 0]);
    expect(f64([inf, 1]).logsumexp(0).tolistSync()).toBe(inf);
    expect(f64([inf, -inf]).logsumexp(0).tolistSync()).toBe(inf);
    expect(f64([NaN_, 1]).logsumexp(0).tolistSync()).toBeNaN();
  });

  it('gives -inf for empty reductions and the default float dtype for integers', () => {
    expectClose(torch.zeros(0, 3).logsumexp(0), [-inf, -inf, -inf]);
    const r = torch.tensor([1, 2], { dtype: 'int64' }).logsumexp(0);
    expect(r.dtype).toBe('float32');
    expect(r.tolistSync()).toBeCloseTo(2.3133, 4);
  });
});

describe('norm', () => {
  const x = f64([[3, -4], [0, 0]]);

  it('defaults to the 2-norm over all elements; \'fro\' is the same', () => {
    expect(x.norm().tolistSync()).toBe(5);
    expect(x.norm('fro').tolistSync()).toBe(5);
    expectClose(x.norm(2, 1), [5, 0]);
    expectClose(x.norm('fro', [0, 1], { keepdim: true }), [[5]]);
  });

  it('computes the 1-, inf-, -inf- and 0-norms', () => {
    expect(x.norm(1).tolistSync()).toBe(7);
    expect(x.norm(Infinity).tolistSync()).toBe(4);
    expect(x.norm(-Infinity).tolistSync()).toBe(0);
    expectClose(x.norm(-Infinity, 1), [3, 0]);
    expect(x.norm(0).tolistSync()).toBe(2);
  });

  it('computes other p as sum(|x|^p)^(1/p)', () => {
    expectClose(f64([[1, -2], [3, 0]]).norm(3, 1), [2.080083823051904, 3]);
    expectClose(f64([[1, -2], [3, 0]]).norm(0.5), 17.191508225450303);
    expectClose(f64([[1, -2], [3, 0]]).norm(-1), 0);
  });

  it('gives 0 for empty reductions for every p', () => {
    expectClose(torch.zeros(0, 3).norm(), 0);
    expectClose(torch.zeros(0, 3).norm(-Infinity, 0), [0, 0, 0]);
    expectClose(torch.zeros(0, 3).norm(-1), 0);
  });

  it('propagates NaN in the inf-norm and overflows like PyTorch in the 2-norm', () => {
    expect(f64([1, NaN_]).norm(Infinity).tolistSync()).toBeNaN();
    expect(torch.tensor([1e30, 1e30]).norm().tolistSync()).toBe(inf);
  });

  it('rejects integer inputs and unknown p', () => {
    expect(() => i64([1]).norm()).toThrow('[norm] input dtype should be either floating point or complex. Got int64 instead.');
    expect(() => x.norm('nuc' as 'fro')).toThrow('[norm] expected p to be a number');
  });
});

describe('cumsum and cumprod', () => {
  it('scan along a dim', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    expect(x.cumsum(1).tolistSync()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(x.cumsum(0).tolistSync()).toEqual([[1, 2, 3], [5, 7, 9]]);
    expect(x.cumprod(-1).tolistSync()).toEqual([[1, 2, 6], [4, 20, 120]]);
    expect(x.t().cumsum(1).tolistSync()).toEqual([[1, 5], [2, 7], [3, 9]]);
  });

  it('give int64 for integers and bools unless dtype is given', () => {
    const c = torch.tensor([1, 2], { dtype: 'int32' }).cumsum(0);
    expect(c.dtype).toBe('int64');
    expect(c.tolistSync()).toEqual([1, 3]);
    expect(torch.tensor([true, true]).cumprod(0).tolistSync()).toEqual([1, 1]);
    const d = f64([1.5, 2.5]).cumsum(0, { dtype: 'int32' });
    expect(d.dtype).toBe('int32');
    expect(d.tolistSync()).toEqual([1, 3]);
  });

  it('handle 0-d and empty tensors', () => {
    expect(f64(3).cumsum(0).tolistSync()).toBe(3);
    expect(torch.zeros(0, 3).cumsum(0).shape).toEqual([0, 3]);
  });
});

describe('softmax and logSoftmax', () => {
  it('give rows that sum to 1', () => {
    const x = torch.randn(4, 7, { dtype: 'float64' });
    const s = x.softmax(1);
    expectClose(s.sum(1), [1, 1, 1, 1], 1e-12);
    expectClose(x.softmax(0).sum(0), Array(7).fill(1), 1e-12);
  });

  it('compute hand-checked values', () => {
    expectClose(f64([1, 2, 3]).softmax(0), [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], 1e-12);
    expectClose(f64([1, 2, 3]).logSoftmax(-1), [-2.4076059644443806, -1.4076059644443806, -0.4076059644443806], 1e-12);
  });

  it('are stable for large inputs', () => {
    expectClose(torch.tensor([1000, 1000]).softmax(0), [0.5, 0.5]);
    expectClose(torch.tensor([1000, 0]).logSoftmax(0), [0, -1000]);
  });

  it('handle -inf like PyTorch', () => {
    expectClose(f64([-inf, 0]).softmax(0), [0, 1]);
    expectClose(f64([-inf, 0]).logSoftmax(0), [-inf, 0]);
    expectClose(f64([-inf, -inf]).softmax(0), [NaN_, NaN_]);
  });

  it('convert to the dtype option and reject integer inputs without one', () => {
    const s = torch.tensor([1, 2], { dtype: 'int64' }).softmax(0, { dtype: 'float64' });
    expect(s.dtype).toBe('float64');
    expectClose(s, [0.2689414213699951, 0.7310585786300049], 1e-12);
    expect(() => torch.tensor([1, 2], { dtype: 'int64' }).softmax(0)).toThrow('[softmax] not implemented for int64 tensors');
    expect(() => f64([1]).logSoftmax(0, { dtype: 'int32' })).toThrow('[logSoftmax] not implemented for int32 tensors');
  });

  it('handle 0-d and empty tensors', () => {
    expect(f64(3).softmax(0).tolistSync()).toBe(1);
    expect(f64(3).logSoftmax(0).tolistSync()).toBe(0);
    expect(torch.zeros(0, 3).softmax(0).shape).toEqual([0, 3]);
  });
});

describe('fused softmax kernels', () => {
  it('uses the backend\'s fused kernel when it has one and the composite otherwise', () => {
    const calls: { shape: number[]; strides: number[]; axis: number; dtype: string }[] = [];
    const spy: Backend = {
      ...cpuBackend,
      name: 'softmax-spy',
      fused: {
        softmax: (out: View, x: View, axis: number) => {
          calls.push({ shape: [...x.shape], strides: [...x.strides], axis, dtype: out.dtype });
          cpuBackend.fill(out, 0.5);
        },
      },
    };
    torch.registerBackend('softmax-spy', spy);
    try {
      const x = torch.tensor([[1, 2], [3, 4]], { device: 'softmax-spy' });
      expect(x.t().softmax(-1).tolistSync()).toEqual([[0.5, 0.5], [0.5, 0.5]]);
      expect(calls).toEqual([{ shape: [2, 2], strides: [1, 2], axis: 1, dtype: 'float32' }]);
      expectClose(x.logSoftmax(1), [[-1.3132616875182228, -0.31326168751822286], [-1.3132616875182228, -0.31326168751822286]]);
      expect(calls.length).toBe(1);
    } finally {
      torch.unregisterBackend('softmax-spy');
    }
  });
});

describe('graph nodes recorded for autograd', () => {
  const nodes = recordGraphNodes();

  const leaf = () => f64([[1, 5], [5, 2]]).requiresGrad_();

  it('records sum and mean once with their normalised dims', () => {
    const x = leaf();
    x.sum(-1, { keepdim: true });
    x.mean();
    expect(nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['sum', { dims: [1], keepdim: true, allDims: false }],
      ['mean', { dims: [0, 1], keepdim: false, allDims: true }],
    ]);
    expect(nodes[0].inputs[0]).toBe(x);
  });

  it('records maxDim with the indices tensor, and maxAll for the whole tensor', () => {
    const x = leaf();
    const { values, indices } = x.max(1);
    x.min();
    expect(nodes.map((n) => n.op)).toEqual(['maxDim', 'minAll']);
    expect(Object.keys(nodes[0].attrs).sort()).toEqual(['dim', 'indices', 'keepdim']);
    expect(nodes[0].attrs.dim).toBe(1);
    expect(nodes[0].attrs.keepdim).toBe(false);
    expect(nodes[0].attrs.indices).toBe(indices);
    expect(nodes[0].outputs.length).toBe(1);
    expect(nodes[0].outputs[0]).toBe(values);
    expect(values.gradFn?.name).toBe('maxDim');
    expect(indices.gradFn).toBeNull();
  });

  it('records composites as one node each', () => {
    const x = leaf();
    x.var(0, { unbiased: false });
    x.std();
    x.logsumexp(1);
    x.norm(Infinity, 0, { keepdim: true });
    x.softmax(-1);
    x.logSoftmax(0);
    x.cumprod(1);
    x.amax([0, 1]);
    x.prod(0);
    expect(nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['var', { dims: [0], correction: 0, keepdim: false }],
      ['std', { dims: [0, 1], correction: 1, keepdim: false }],
      ['logsumexp', { dims: [1], keepdim: false }],
      ['norm', { p: Infinity, dims: [0], keepdim: true }],
      ['softmax', { dim: 1 }],
      ['logSoftmax', { dim: 0 }],
      ['cumprod', { dim: 1 }],
      ['amax', { dims: [0, 1], keepdim: false }],
      ['prod', { dim: 0, dims: [0], keepdim: false }],
    ]);
  });

  it('records nothing for argmax, all and any', () => {
    const x = leaf();
    x.argmax();
    x.all();
    x.any(0);
    expect(nodes).toEqual([]);
  });
});
