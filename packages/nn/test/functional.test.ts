// nn.functional against PyTorch 1.13: values and input gradients from
// scripts/fixtures/gen_nn_unit.py (fixtures/functional.json), plus shapes, errors and behaviours
// the fixtures cannot express.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { loadFixture, runOpCase, valuesOf, type OpCase } from './fixtures/fixture-utils.js';

type Tensor = torch.Tensor;
const F = torch.nn.functional;

type Call = (inputs: Tensor[], o: Record<string, unknown>) => Tensor | Tensor[];

const OPS: Record<string, Call> = {
  relu: ([x]) => F.relu(x),
  leakyRelu: ([x], o) => F.leakyRelu(x, o.negativeSlope as number),
  elu: ([x], o) => F.elu(x, o.alpha as number),
  gelu: ([x], o) => F.gelu(x, { approximate: o.approximate as 'none' | 'tanh' }),
  silu: ([x]) => F.silu(x),
  sigmoid: ([x]) => F.sigmoid(x),
  tanh: ([x]) => F.tanh(x),
  softplus: ([x], o) => F.softplus(x, o.beta as number, o.threshold as number),
  softmax: ([x], o) => F.softmax(x, o.dim as number),
  logSoftmax: ([x], o) => F.logSoftmax(x, o.dim as number),
  linear: ([x, w, b]) => F.linear(x, w, b ?? null),
  batchNorm: ([x, rm, rv, w, b], o) => {
    const out = F.batchNorm(x, rm, rv, { weight: w ?? null, bias: b ?? null, training: o.training as boolean, momentum: o.momentum as number, eps: o.eps as number });
    return out;
  },
  layerNorm: ([x, w, b], o) => F.layerNorm(x, o.normalizedShape as number[], { weight: w ?? null, bias: b ?? null, eps: o.eps as number }),
  groupNorm: ([x, w, b], o) => F.groupNorm(x, o.numGroups as number, { weight: w ?? null, bias: b ?? null, eps: o.eps as number }),
  normalize: ([x], o) => F.normalize(x, { p: o.p as number, dim: o.dim as number }),
  embedding: ([i, w], o) => F.embedding(i, w, { paddingIdx: (o.paddingIdx as number | undefined) ?? null }),
  oneHot: ([i], o) => F.oneHot(i, o.numClasses as number),
  pad: ([x], o) => F.pad(x, o.pad as number[], o.mode as torch.nn.functional.PadMode, o.value as number),
  interpolate: ([x], o) => F.interpolate(x, o as torch.nn.functional.InterpolateOptions),
};

const { cases } = loadFixture<{ cases: OpCase[] }>('functional.json');

describe('nn.functional matches PyTorch 1.13 (values and gradients)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const inputs = runOpCase(c, OPS[c.op]);
      if (c.extra?.runningMean) {
        // batchNorm updated the running statistics in place, as PyTorch does.
        expect(valuesOf(inputs[1]).map((v, i) => Math.abs(v - Number(c.extra!.runningMean[i])) < 1e-12)).not.toContain(false);
        expect(valuesOf(inputs[2]).map((v, i) => Math.abs(v - Number(c.extra!.runningVar[i])) < 1e-12)).not.toContain(false);
      }
    });
  }
  it('covers every op in the table', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(OPS)));
  });
});

describe('activations', () => {
  it('softmax with dim null uses PyTorch implicit dim (0 for 1-D and 3-D, else 1)', () => {
    const x = torch.randn(2, 3);
    expect(valuesOf(F.softmax(x, null).sum(1))).toEqual(valuesOf(F.softmax(x, 1).sum(1)));
    const y = torch.randn(2, 3, 4);
    expect(valuesOf(F.logSoftmax(y, null))).toEqual(valuesOf(F.logSoftmax(y, 0)));
  });

  it('relu inplace overwrites its input', () => {
    const x = torch.tensor([-1, 2]);
    const y = F.relu(x, { inplace: true });
    expect(y).toBe(x);
    expect(valuesOf(x)).toEqual([0, 2]);
  });

  it('leakyRelu and elu inplace write into the input', () => {
    const x = torch.tensor([-2, 3]);
    F.leakyRelu(x, 0.5, { inplace: true });
    expect(valuesOf(x)).toEqual([-1, 3]);
    const z = torch.tensor([0, 1], { dtype: 'float64' });
    F.elu(z, 1, { inplace: true });
    expect(valuesOf(z)).toEqual([0, 1]);
  });

  it('logsigmoid is stable and has derivative 1 - sigmoid(x), 0.5 at 0', () => {
    const x = torch.tensor([-800, -1, 0, 2, 800], { dtype: 'float64', requiresGrad: true });
    const y = F.logsigmoid(x);
    const expected = [-800, -Math.log1p(Math.E), -Math.LN2, -Math.log1p(Math.exp(-2)), 0];
    valuesOf(y).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    y.sum().backward();
    const grads = [1, 1 - 1 / (1 + Math.E), 0.5, 1 - 1 / (1 + Math.exp(-2)), 0];
    valuesOf(x.grad!).forEach((v, i) => expect(v).toBeCloseTo(grads[i], 12));
  });

  it('inplace activations on a non-leaf keep correct gradients (values from PyTorch)', () => {
    const cases: [string, (t: Tensor) => Tensor, number[]][] = [
      ['relu', (t) => F.relu(t, { inplace: true }), [0, 2, 2]],
      ['leakyRelu', (t) => F.leakyRelu(t, 0.1, { inplace: true }), [0.20000000298023224, 2, 2]],
      ['elu', (t) => F.elu(t, 1, { inplace: true }), [0.2706705331802368, 2, 2]],
      ['silu', (t) => F.silu(t, { inplace: true }), [-0.18156850337982178, 1.8553410768508911, 2.1053292751312256]],
    ];
    for (const [name, fn, expected] of cases) {
      const a = torch.tensor([-1, 0.5, 2], { requiresGrad: true });
      const y = a.mul(2);
      expect(fn(y), name).toBe(y);
      y.sum().backward();
      valuesOf(a.grad!).forEach((v, i) => expect(v, name).toBeCloseTo(expected[i], 6));
    }
  });

  it('gelu rejects unknown approximations', () => {
    expect(() => F.gelu(torch.ones(1), { approximate: 'fast' as 'tanh' })).toThrow(/approximate argument must be either none or tanh/);
  });

  it('softplus and elu give finite gradients for large inputs (no 0 * inf)', () => {
    const x = torch.tensor([1000, -1000, 50], { dtype: 'float64', requiresGrad: true });
    F.softplus(x).add(F.elu(x)).sum().backward();
    expect(valuesOf(x.grad!).every(Number.isFinite)).toBe(true);
    expect(valuesOf(x.grad!)).toEqual([2, 0, 2]);
  });
});

describe('dropout', () => {
  it('scales survivors by 1 / (1 - p) and zeroes the rest in training', () => {
    torch.manualSeed(1);
    const x = torch.ones(2000);
    const y = F.dropout(x, 0.25);
    const v = valuesOf(y);
    expect(new Set(v.map((a) => a.toFixed(6)))).toEqual(new Set(['0.000000', (1 / 0.75).toFixed(6)]));
    const zeros = v.filter((a) => a === 0).length / v.length;
    expect(zeros).toBeGreaterThan(0.2);
    expect(zeros).toBeLessThan(0.3);
  });

  it('is reproducible under torch.manualSeed', () => {
    torch.manualSeed(7);
    const a = valuesOf(F.dropout(torch.ones(50), 0.5));
    torch.manualSeed(7);
    const b = valuesOf(F.dropout(torch.ones(50), 0.5));
    expect(a).toEqual(b);
  });

  it('is the identity when not training or p = 0, and zeros for p = 1', () => {
    const x = torch.randn(3, 4);
    expect(F.dropout(x, 0.5, { training: false })).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
    expect(valuesOf(F.dropout(x, 1)).every((v) => v === 0)).toBe(true);
  });

  it('gradient is the mask times 1 / (1 - p)', () => {
    torch.manualSeed(3);
    const x = torch.ones(100, { requiresGrad: true });
    const y = F.dropout(x, 0.5);
    y.sum().backward();
    expect(valuesOf(x.grad!)).toEqual(valuesOf(y));
  });

  it('dropout2d zeroes whole channels', () => {
    torch.manualSeed(11);
    const y = F.dropout2d(torch.ones(8, 16, 3, 3), 0.5);
    const perChannel = y.reshape(8 * 16, 9);
    for (const row of perChannel.tolistSync() as number[][]) {
      expect(new Set(row).size).toBe(1);
      expect([0, 2]).toContain(row[0]);
    }
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => F.dropout(torch.ones(2), 1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
  });
});

describe('errors in PyTorch words', () => {
  it('layerNorm shape mismatch', () => {
    expect(() => F.layerNorm(torch.ones(2, 3), [4])).toThrow('Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]');
  });
  it('groupNorm channels not divisible', () => {
    expect(() => F.groupNorm(torch.ones(2, 6, 4), 4)).toThrow(
      'Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 4] and num_groups=4',
    );
  });
  it('batchNorm needs more than one value per channel when training', () => {
    expect(() => F.batchNorm(torch.ones(1, 3), null, null, { training: true })).toThrow(
      'Expected more than 1 value per channel when training, got input size torch.Size([1, 3])',
    );
  });
  it('embedding indices out of range and float indices', () => {
    const w = torch.randn(5, 3);
    expect(() => F.embedding(torch.tensor([1, 7], { dtype: 'int64' }), w)).toThrow('index out of range in self');
    expect(() => F.embedding(torch.tensor([1, 2]), w)).toThrow(/Expected tensor for argument #1 'indices'/);
    expect(() => F.embedding(torch.tensor([1], { dtype: 'int64' }), w, { paddingIdx: 7 })).toThrow('Padding_idx must be within num_embeddings');
  });
  it('oneHot class checks', () => {
    expect(() => F.oneHot(torch.tensor([1, 2], { dtype: 'int64' }), 2)).toThrow('Class values must be smaller than num_classes.');
    expect(() => F.oneHot(torch.tensor([1, -2], { dtype: 'int64' }), 3)).toThrow('Class values must be non-negative.');
    expect(() => F.oneHot(torch.tensor([1.0]))).toThrow('one_hot is only applicable to index tensor.');
    expect(() => F.oneHot(torch.zeros(0, { dtype: 'int64' }))).toThrow('Can not infer total number of classes from empty tensor.');
    expect([...F.oneHot(torch.zeros(0, { dtype: 'int64' }), 3).shape]).toEqual([0, 3]);
  });
  it('pad argument checks', () => {
    const x = torch.ones(1, 1, 3, 3);
    expect(() => F.pad(x, [1])).toThrow('Padding length must be divisible by 2');
    expect(() => F.pad(x, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toThrow('Padding length too large');
    expect(() => F.pad(x, [3, 3], 'reflect')).toThrow(/Only 2D, 3D, 4D, 5D padding with non-constant padding/);
    expect(() => F.pad(x, [3, 3, 0, 0], 'reflect')).toThrow(/Padding size should be less than the corresponding input dimension/);
    expect(() => F.pad(x, [1, 1], 'foo' as torch.nn.functional.PadMode)).toThrow('Unrecognised padding mode foo');
    expect(() => F.pad(x, [-2, -2])).toThrow('start (0) + length (-1) exceeds dimension size (1).');
    expect(() => F.pad(x, [-2, -1, 1, 0])).toThrow(
      'The input size 3, plus negative padding -2 and -1 resulted in a negative output size, which is invalid. Check dimension 3 of your input.',
    );
    expect([...F.pad(x, [-1, -2]).shape]).toEqual([1, 1, 3, 0]);
    expect(() => F.pad(torch.ones(2, 3), [1, 1], 'circular')).toThrow('Invalid padding size, expected 0 but got 2');
    expect(() => F.pad(torch.ones(1, 1, 3), [4, 0], 'circular')).toThrow('Padding value causes wrapping around more than once.');
  });
  it('pad of an int64 tensor truncates the fill value, as PyTorch', () => {
    const y = F.pad(torch.tensor([[1, 2]], { dtype: 'int64' }), [1, 0], { value: 2.5 });
    expect(y.dtype).toBe('int64');
    expect(valuesOf(y)).toEqual([2, 1, 2]);
  });
  it('interpolate argument checks', () => {
    const x = torch.ones(1, 1, 2, 2);
    expect(() => F.interpolate(x, { size: 3, scaleFactor: 2 })).toThrow('only one of size or scale_factor should be defined');
    expect(() => F.interpolate(x, {})).toThrow('either size or scale_factor should be defined');
    expect(() => F.interpolate(x, { size: 3, alignCorners: true })).toThrow(/align_corners option can only be set with the interpolating modes/);
    expect(() => F.interpolate(torch.ones(1, 1, 2), { size: 3, mode: 'bilinear' })).toThrow('Got 3D input, but bilinear mode needs 4D input');
    expect(() => F.interpolate(x, { size: [3], mode: 'nearest' })).toThrow(/same number of spatial dimensions/);
    expect(() => F.interpolate(x, { size: 3, recomputeScaleFactor: true })).toThrow('recompute_scale_factor is not meaningful with an explicit size.');
  });
  it('interpolate nearest doubles each pixel for a factor of 2', () => {
    const y = F.interpolate(torch.tensor([[[[1, 2], [3, 4]]]]), { scaleFactor: 2 });
    expect(y.tolistSync()).toEqual([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
  });
});

describe('embedding', () => {
  it('renormalises looked-up rows to maxNorm in place', () => {
    const w = torch.tensor([[3, 4], [0.3, 0.4], [6, 8]], { dtype: 'float64' });
    const y = F.embedding(torch.tensor([0, 1], { dtype: 'int64' }), w, { maxNorm: 1 });
    const rows = w.tolistSync() as number[][];
    expect(rows[0][0]).toBeCloseTo(0.6, 6);
    expect(rows[0][1]).toBeCloseTo(0.8, 6);
    expect(rows[1]).toEqual([0.3, 0.4]);
    expect(rows[2]).toEqual([6, 8]); // not looked up
    expect((y.tolistSync() as number[][])[0][0]).toBeCloseTo(0.6, 6);
  });
});
