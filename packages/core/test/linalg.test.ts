import { describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import { cpuBackend } from '@typetorch/backend-cpu';
import type { Backend, Tensor, View } from '@typetorch/core';
import { recordGraphNodes } from './helpers/recording-engine.js';

const flatten = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flatten) : [v as number]);
const numel = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = step;
    step *= shape[i];
  }
  return out;
}

/** PyTorch's matmul rules written as plain loops: the reference the kernel path is checked against. */
function naiveMatmul(a: Tensor, b: Tensor): { shape: number[]; values: number[] } {
  const av = flatten(a.tolistSync());
  const bv = flatten(b.tolistSync());
  const aShape = a.ndim === 1 ? [1, a.shape[0]] : [...a.shape];
  const bShape = b.ndim === 1 ? [b.shape[0], 1] : [...b.shape];
  const [m, k] = aShape.slice(-2);
  const n = bShape[bShape.length - 1];
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const pad = (s: number[]) => [...Array<number>(rank - s.length).fill(1), ...s];
  const pa = pad(aBatch);
  const pb = pad(bBatch);
  const batch = pa.map((d, i) => Math.max(d, pb[i]));
  const aStr = stridesOf(pa);
  const bStr = stridesOf(pb);
  const values: number[] = [];
  for (let flat = 0; flat < numel(batch); flat++) {
    let rem = flat;
    let aBase = 0;
    let bBase = 0;
    for (let i = rank - 1; i >= 0; i--) {
      const idx = rem % batch[i];
      rem = Math.floor(rem / batch[i]);
      if (pa[i] !== 1) aBase += idx * aStr[i];
      if (pb[i] !== 1) bBase += idx * bStr[i];
    }
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < n; c++) {
        let acc = 0;
        for (let j = 0; j < k; j++) acc += av[(aBase * m + r) * k + j] * bv[(bBase * k + j) * n + c];
        values.push(acc);
      }
    }
  }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  return { shape, values };
}

function expectMatchesNaive(out: Tensor, a: Tensor, b: Tensor): void {
  const ref = naiveMatmul(a, b);
  expect([...out.shape]).toEqual(ref.shape);
  const got = flatten(out.tolistSync());
  expect(got.length).toBe(ref.values.length);
  got.forEach((v, i) => expect(Math.abs(v - ref.values[i])).toBeLessThan(1e-10 * (1 + Math.abs(ref.values[i]))));
}

const randn = (...shape: number[]) => torch.randn(shape, { dtype: 'float64' });

describe('matmul shapes against a naive loop', () => {
  const cases: [number[], number[], number[]][] = [
    [[3], [3], []],
    [[2, 3], [3], [2]],
    [[3], [3, 4], [4]],
    [[2, 3], [3, 4], [2, 4]],
    [[5, 2, 3], [3, 4], [5, 2, 4]],
    [[2, 3], [5, 3, 4], [5, 2, 4]],
    [[5, 2, 3], [5, 3, 4], [5, 2, 4]],
    [[5, 2, 3], [1, 3, 4], [5, 2, 4]],
    [[2, 1, 2, 3], [5, 3, 4], [2, 5, 2, 4]],
    [[3], [5, 3, 4], [5, 4]],
    [[5, 2, 3], [3], [5, 2]],
    [[1, 1, 3], [2, 1, 3, 1], [2, 1, 1, 1]],
  ];
  for (const [aShape, bShape, outShape] of cases) {
    it(`multiplies [${aShape}] by [${bShape}] into [${outShape}]`, () => {
      const a = randn(...aShape);
      const b = randn(...bShape);
      const out = a.matmul(b);
      expect(out.shape).toEqual(outShape);
      expectMatchesNaive(out, a, b);
      expectMatchesNaive(torch.matmul(a, b), a, b);
    });
  }
});

describe('matmul operands read in place', () => {
  it('multiplies transposed operands', () => {
    const a = randn(4, 3).t();
    const b = randn(5, 4).t();
    expect(a.isContiguous()).toBe(false);
    expectMatchesNaive(a.matmul(b), a, b);
    expectMatchesNaive(a.matmul(a.t()), a, a.t());
  });

  it('multiplies batched transposed and expanded operands', () => {
    const a = randn(3, 4, 2).mT; // [3, 2, 4]
    const b = randn(1, 4, 5).expand(3, 4, 5);
    expectMatchesNaive(a.matmul(b), a, b);
    expectMatchesNaive(b.mT.matmul(a.mT), b.mT, a.mT);
  });

  it('multiplies strided vectors and sliced matrices', () => {
    const v = randn(3, 2).select(1, 0); // [3], stride 2
    const m = randn(3, 8).narrow(1, 1, 4); // [3, 4], offset 1
    expectMatchesNaive(v.matmul(m), v, m);
    expectMatchesNaive(m.t().matmul(v), m.t(), v);
    expectMatchesNaive(v.matmul(v), v, v);
  });

  it('hands transposed and broadcast operands to the kernel as strided views, without copies', () => {
    const kernelCalls: { a: View; b: View; out: View }[] = [];
    let copies = 0;
    const spy: Backend = {
      ...cpuBackend,
      name: 'matmul-spy',
      copy: (out: View, x: View) => {
        copies++;
        cpuBackend.copy(out, x);
      },
      matmul: (out: View, a: View, b: View) => {
        kernelCalls.push({ a, b, out });
        cpuBackend.matmul(out, a, b);
      },
    };
    torch.registerBackend('matmul-spy', spy);
    try {
      const a = torch.tensor([[1, 2, 3], [4, 5, 6]], { device: 'matmul-spy' }); // [2, 3]
      const v = torch.tensor([1, 10], { device: 'matmul-spy' });
      copies = 0;
      const out = a.t().matmul(v); // [3, 2] @ [2]
      expect(copies).toBe(0);
      expect(kernelCalls.length).toBe(1);
      const { a: av, b: bv, out: ov } = kernelCalls[0];
      expect([av.shape, av.strides, bv.shape, bv.strides, ov.shape]).toEqual([[3, 2], [1, 3], [2, 1], [1, 0], [3, 1]]);
      expect(out.tolistSync()).toEqual([41, 52, 63]);
      const batched = torch.tensor([[[1, 0], [0, 1]]], { device: 'matmul-spy' }).expand(2, 2, 2).matmul(a);
      expect(copies).toBe(0);
      expect(kernelCalls[1].a.strides).toEqual([0, 2, 1]);
      expect(kernelCalls[1].b.strides).toEqual([0, 3, 1]);
      expect(batched.tolistSync()).toEqual([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]]);
    } finally {
      torch.unregisterBackend('matmul-spy');
    }
  });

  it('does not write into or copy its operands', () => {
    const a = randn(2, 3);
    const before = a.tolistSync();
    const version = a._version;
    a.matmul(randn(3, 2));
    expect(a.tolistSync()).toEqual(before);
    expect(a._version).toBe(version);
  });
});

describe('matmul values, dtypes and empty sizes', () => {
  it('computes a hand-checked product', () => {
    const a = torch.tensor([[1, 2], [3, 4]]);
    const b = torch.tensor([[5, 6], [7, 8]]);
    expect(a.matmul(b).tolistSync()).toEqual([[19, 22], [43, 50]]);
    expect(torch.tensor([1, 2, 3]).matmul(torch.tensor([4, 5, 6])).tolistSync()).toBe(32);
  });

  it('multiplies integer tensors exactly in their dtype', () => {
    const a = torch.tensor([[1, 2], [3, 4]], { dtype: 'int64' });
    const out = a.matmul(a);
    expect(out.dtype).toBe('int64');
    expect(out.tolistSync()).toEqual([[7, 10], [15, 22]]);
    expect(torch.tensor([[2]], { dtype: 'int32' }).mm(torch.tensor([[3]], { dtype: 'int32' })).dtype).toBe('int32');
  });

  it('gives zeros for an empty inner dimension and empty results for empty M or N', () => {
    const z = randn(2, 0).matmul(randn(0, 3));
    expect(z.shape).toEqual([2, 3]);
    expect(z.tolistSync()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(randn(0, 2).matmul(randn(2, 3)).shape).toEqual([0, 3]);
    expect(randn(2, 2).matmul(randn(2, 0)).shape).toEqual([2, 0]);
    expect(randn(0, 2, 3).matmul(randn(3, 1)).shape).toEqual([0, 2, 1]);
    expect(randn(0).dot(randn(0)).tolistSync()).toBe(0);
  });
});

describe('matmul errors', () => {
  it('names both shapes when inner dimensions differ', () => {
    expect(() => randn(2, 3).matmul(randn(4, 5))).toThrow('[matmul] shapes [2, 3] and [4, 5]: inner dimensions 3 and 4 differ');
    expect(() => randn(3).matmul(randn(4))).toThrow('[matmul] shapes [3] and [4]: inner dimensions 3 and 4 differ');
    expect(() => randn(2, 3).matmul(randn(4))).toThrow('[matmul] shapes [2, 3] and [4]: inner dimensions 3 and 4 differ');
    expect(() => randn(3).matmul(randn(4, 5))).toThrow('[matmul] shapes [3] and [4, 5]: inner dimensions 3 and 4 differ');
  });

  it('rejects batch dims that do not broadcast', () => {
    expect(() => randn(2, 2, 3).matmul(randn(3, 3, 5))).toThrow(
      '[matmul] shapes [2, 2, 3] and [3, 3, 5]: batch dimensions [2] and [3] cannot be broadcast (sizes 2 and 3 differ)',
    );
  });

  it('rejects 0-d operands, mixed dtypes and bool', () => {
    expect(() => torch.tensor(2).matmul(randn(2, 3))).toThrow(
      '[matmul] both arguments to matmul need to be at least 1D, but they are 0D and 2D',
    );
    expect(() => torch.randn(2, 3).matmul(randn(3, 4))).toThrow(
      '[matmul] expected both operands to have the same dtype, but found float32 and float64',
    );
    expect(() => torch.tensor([[true]]).matmul(torch.tensor([[true]]))).toThrow('[matmul] not implemented for bool tensors');
  });

  it('requires tensors', () => {
    expect(() => torch.matmul(randn(2), [1, 2] as unknown as Tensor)).toThrow('[matmul] expected other to be a Tensor, got an array');
  });
});

describe('mm, bmm, mv, dot and outer', () => {
  it('mm multiplies 2-D matrices and rejects other ranks', () => {
    const a = randn(2, 3);
    const b = randn(3, 4);
    expectMatchesNaive(a.mm(b), a, b);
    expectMatchesNaive(torch.mm(b.t(), a.t()), b.t(), a.t());
    expect(() => randn(2, 3, 4).mm(randn(4, 5))).toThrow('[mm] expected 2-D tensors, got 3-D and 2-D');
    expect(() => randn(3).mm(randn(3, 5))).toThrow('[mm] expected 2-D tensors, got 1-D and 2-D');
    expect(() => randn(2, 3).mm(randn(4, 5))).toThrow('[mm] shapes [2, 3] and [4, 5]: inner dimensions 3 and 4 differ');
    expect(() => randn(2, 3).mm(torch.randn(3, 4))).toThrow('[mm] expected both operands to have the same dtype');
  });

  it('bmm multiplies equal batches of 3-D tensors and does not broadcast', () => {
    const a = randn(4, 2, 3);
    const b = randn(4, 3, 5);
    const out = torch.bmm(a, b);
    expect(out.shape).toEqual([4, 2, 5]);
    expectMatchesNaive(out, a, b);
    expect(() => randn(2, 3, 4).bmm(randn(3, 4, 5))).toThrow('[bmm] shapes [2, 3, 4] and [3, 4, 5]: batch sizes 2 and 3 differ');
    expect(() => randn(1, 3, 4).bmm(randn(2, 4, 5))).toThrow('[bmm] shapes [1, 3, 4] and [2, 4, 5]: batch sizes 1 and 2 differ');
    expect(() => randn(2, 3, 4).bmm(randn(2, 5, 5))).toThrow('[bmm] shapes [2, 3, 4] and [2, 5, 5]: inner dimensions 4 and 5 differ');
    expect(() => randn(3, 4).bmm(randn(2, 4, 5))).toThrow('[bmm] expected 3-D tensors, got 2-D and 3-D');
  });

  it('mv multiplies a matrix by a vector', () => {
    const a = randn(2, 3);
    const v = randn(3);
    expect(a.mv(v).shape).toEqual([2]);
    expectMatchesNaive(torch.mv(a, v), a, v);
    expect(() => randn(3).mv(randn(3))).toThrow('[mv] expected a 2-D matrix and a 1-D vector, got 1-D and 1-D');
    expect(() => randn(2, 3).mv(randn(3, 1))).toThrow('[mv] expected a 2-D matrix and a 1-D vector, got 2-D and 2-D');
    expect(() => randn(2, 3).mv(randn(4))).toThrow('[mv] shapes [2, 3] and [4]: inner dimensions 3 and 4 differ');
  });

  it('dot multiplies vectors of the same length and dtype', () => {
    expect(torch.tensor([1, 2, 3]).dot(torch.tensor([4, 5, 6])).tolistSync()).toBe(32);
    const a = randn(5);
    expect(torch.dot(a, a).shape).toEqual([]);
    expect(() => randn(3).dot(randn(4))).toThrow('[dot] expected both vectors to have the same number of elements, got shapes [3] and [4]');
    expect(() => randn(3, 1).dot(randn(3))).toThrow('[dot] expected 1-D tensors, got 2-D and 1-D');
    expect(() => randn(3).dot(torch.randn(3))).toThrow('[dot] expected both operands to have the same dtype, but found float64 and float32');
  });

  it('outer multiplies every pair with type promotion', () => {
    const o = torch.outer(torch.tensor([1, 2]), torch.tensor([3, 4, 5], { dtype: 'int64' }));
    expect(o.dtype).toBe('float32');
    expect(o.tolistSync()).toEqual([[3, 4, 5], [6, 8, 10]]);
    expect(() => randn(2, 2).outer(randn(3))).toThrow('[outer] expected 1-D tensors, got 2-D and 1-D');
  });
});

describe('graph nodes recorded for autograd', () => {
  const ops = recordGraphNodes();

  it('names the node after the case PyTorch dispatches to, with both operands as inputs', () => {
    const v = randn(3).requiresGrad_();
    const m = randn(3, 3).requiresGrad_();
    const t = randn(2, 3, 3).requiresGrad_();
    v.matmul(v);
    m.matmul(v);
    m.matmul(m);
    v.matmul(m);
    t.matmul(m);
    t.bmm(t);
    m.mm(m);
    m.mv(v);
    v.dot(v);
    expect(ops.map((o) => o.op)).toEqual(['dot', 'mv', 'mm', 'matmul', 'matmul', 'bmm', 'mm', 'mv', 'dot']);
    expect(ops[4].inputs.length).toBe(2);
    expect(ops[4].inputs[0]).toBe(t);
    expect(ops[4].inputs[1]).toBe(m);
    // Only the general case carries an attribute: whether it is a vector times a matrix.
    expect(ops.map((o) => o.attrs)).toEqual([{}, {}, {}, { vectorMatrix: true }, { vectorMatrix: false }, {}, {}, {}, {}]);
  });
});
