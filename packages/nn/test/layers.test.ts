// Layers against PyTorch 1.13: each fixture case (scripts/fixtures/gen_nn_unit.py,
// fixtures/layers.json) builds the layer with PyTorch's constructor arguments, loads PyTorch's
// state dict, runs forward (several times for BatchNorm's running statistics), and compares the
// output, the input and parameter gradients, the state after the steps and the printed form.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { expectTensor, expectValues, fromJson, loadFixture, type TensorJson } from './fixtures/fixture-utils.js';

type Tensor = torch.Tensor;
const { nn } = torch;

interface LayerCase {
  name: string;
  ctor: { type: string; args: unknown[] };
  train: boolean;
  steps: number;
  state: Record<string, TensorJson>;
  input: TensorJson;
  output: TensorJson | TensorJson[];
  gradOutput: number[];
  inputGrad: number[];
  paramGrads: Record<string, number[]>;
  stateAfter: Record<string, TensorJson>;
  repr: string;
}

/** Layer classes by PyTorch name, constructed with the fixture's (camelCase) arguments. */
function build(type: string, args: unknown[]): torch.nn.Module {
  const ctor = (nn as unknown as Record<string, new (...a: unknown[]) => torch.nn.Module>)[type];
  if (typeof ctor !== 'function') throw new Error(`no layer ${type}`);
  return new ctor(...args);
}

const { cases } = loadFixture<{ cases: LayerCase[] }>('layers.json');

describe('layers match PyTorch 1.13 (forward, gradients, state, repr)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const layer = build(c.ctor.type, c.ctor.args).to('float64');
      const sd: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.state)) sd[k] = fromJson(v);
      layer.loadStateDict(sd);
      layer.train(c.train);
      expect(String(layer)).toBe(c.repr);
      const x = fromJson(c.input, true);
      let out: Tensor | Tensor[] = x;
      for (let s = 0; s < c.steps; s++) out = (layer as unknown as { call(x: Tensor): Tensor | Tensor[] }).call(x);
      const outs = Array.isArray(out) ? out : [out];
      const expected = Array.isArray(c.output) ? c.output : [c.output];
      outs.forEach((o, i) => expectTensor(o, expected[i], `${c.name} output ${i}`));
      outs[0].backward(torch.tensor(c.gradOutput, { dtype: 'float64' }).reshape([...outs[0].shape]));
      expectValues(x.grad!, c.input.shape, c.inputGrad, `${c.name} input grad`);
      const params = Object.fromEntries(layer.namedParameters());
      expect(Object.keys(params).filter((k) => params[k].grad !== null).sort()).toEqual(Object.keys(c.paramGrads).sort());
      for (const [k, g] of Object.entries(c.paramGrads)) expectValues(params[k].grad!, [...params[k].shape], g, `${c.name} grad of ${k}`);
      const after = layer.stateDict();
      expect(Object.keys(after)).toEqual(Object.keys(c.stateAfter));
      for (const [k, v] of Object.entries(c.stateAfter)) expectTensor(after[k], v, `${c.name} state ${k} after`);
    });
  }
});

/** Mean and bounds of the values of a tensor. */
function stats(t: Tensor): { min: number; max: number; mean: number; std: number } {
  const v = Array.from(t.detach().contiguous().dataSync() as Float32Array, Number);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { min: Math.min(...v), max: Math.max(...v), mean, std };
}

describe('default initialisation (PyTorch distributions and bounds)', () => {
  it('Linear: weight and bias uniform in ±1/√inFeatures', () => {
    torch.manualSeed(0);
    const fc = new nn.Linear(400, 120);
    const bound = 1 / Math.sqrt(400);
    const w = stats(fc.weight);
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeLessThanOrEqual(bound);
    expect(w.max).toBeGreaterThan(0.95 * bound); // the whole range is used
    expect(Math.abs(w.mean)).toBeLessThan(0.02 * bound * 10);
    expect(w.std).toBeCloseTo(bound / Math.sqrt(3), 3); // U(-b, b) has std b/√3
    const b = stats(fc.bias!);
    expect(b.min).toBeGreaterThanOrEqual(-bound);
    expect(b.max).toBeLessThanOrEqual(bound);
  });

  it('Conv2d: bounds from fan_in = inChannels / groups * kH * kW', () => {
    torch.manualSeed(1);
    const conv = new nn.Conv2d(6, 16, 5);
    const bound = 1 / Math.sqrt(6 * 25);
    const w = stats(conv.weight);
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeLessThanOrEqual(bound);
    expect(w.std).toBeCloseTo(bound / Math.sqrt(3), 3);
    const grouped = new nn.Conv2d(4, 8, 3, { groups: 2 });
    expect(stats(grouped.weight).max).toBeLessThanOrEqual(1 / Math.sqrt(2 * 9));
    expect(stats(grouped.bias!).max).toBeLessThanOrEqual(1 / Math.sqrt(2 * 9));
  });

  it('ConvTranspose2d: fan_in from weight dim 1 (outChannels / groups)', () => {
    torch.manualSeed(2);
    const deconv = new nn.ConvTranspose2d(16, 4, 3);
    const bound = 1 / Math.sqrt(4 * 9);
    expect([...deconv.weight.shape]).toEqual([16, 4, 3, 3]);
    const w = stats(deconv.weight);
    expect(w.max).toBeLessThanOrEqual(bound);
    expect(w.max).toBeGreaterThan(0.9 * bound);
  });

  it('BatchNorm: weight ones, bias zeros, running mean 0, var 1, int64 counter 0', () => {
    const bn = new nn.BatchNorm2d(3);
    const sd = bn.stateDict();
    expect(Object.keys(sd)).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(sd.weight.tolistSync()).toEqual([1, 1, 1]);
    expect(sd.bias.tolistSync()).toEqual([0, 0, 0]);
    expect(sd.running_mean.tolistSync()).toEqual([0, 0, 0]);
    expect(sd.running_var.tolistSync()).toEqual([1, 1, 1]);
    expect(sd.num_batches_tracked.dtype).toBe('int64');
    expect([...sd.num_batches_tracked.shape]).toEqual([]);
    expect(bn.parameters().length).toBe(2);
  });

  it('Embedding: N(0, 1) with the padding row zeroed', () => {
    torch.manualSeed(4);
    const emb = new nn.Embedding(1000, 8, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(999);
    const s = stats(emb.weight.narrow(0, 0, 999));
    expect(Math.abs(s.mean)).toBeLessThan(0.05);
    expect(s.std).toBeGreaterThan(0.95);
    expect(s.std).toBeLessThan(1.05);
    expect(emb.weight.select(0, 999).tolistSync()).toEqual(new Array(8).fill(0));
  });

  it('LayerNorm and GroupNorm: ones and zeros', () => {
    const ln = new nn.LayerNorm([2, 3]);
    expect(ln.weight!.tolistSync()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(new nn.GroupNorm(2, 4).bias!.tolistSync()).toEqual([0, 0, 0, 0]);
  });

  it('layers take dtype options', () => {
    expect(new nn.Linear(2, 3, { dtype: 'float64' }).weight.dtype).toBe('float64');
    const bn = new nn.BatchNorm1d(2, { dtype: 'float64' });
    expect(bn.runningMean!.dtype).toBe('float64');
    expect(bn.numBatchesTracked!.dtype).toBe('int64');
  });
});

describe('printed form (extra_repr) as PyTorch 1.13 prints it', () => {
  const cases: [torch.nn.Module, string][] = [
    [new nn.Linear(2, 8), 'Linear(in_features=2, out_features=8, bias=True)'],
    [new nn.Linear(2, 8, { bias: false }), 'Linear(in_features=2, out_features=8, bias=False)'],
    [new nn.Conv2d(3, 6, 5), 'Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))'],
    [new nn.Conv2d(3, 6, 5, { stride: 2, padding: 1, dilation: 2, groups: 3, bias: false }),
      'Conv2d(3, 6, kernel_size=(5, 5), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=3, bias=False)'],
    [new nn.Conv2d(3, 6, 5, { padding: 'same' }), 'Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1), padding=same)'],
    [new nn.Conv2d(3, 6, [3, 5], { paddingMode: 'reflect', padding: [1, 2] }),
      'Conv2d(3, 6, kernel_size=(3, 5), stride=(1, 1), padding=(1, 2), padding_mode=reflect)'],
    [new nn.Conv1d(3, 6, 5), 'Conv1d(3, 6, kernel_size=(5,), stride=(1,))'],
    [new nn.ConvTranspose2d(3, 6, 3, { stride: 2, outputPadding: 1 }), 'ConvTranspose2d(3, 6, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))'],
    [new nn.MaxPool2d(2, 2), 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'],
    [new nn.MaxPool2d(2), 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'],
    [new nn.MaxPool2d([2, 3], [1, 2]), 'MaxPool2d(kernel_size=(2, 3), stride=(1, 2), padding=0, dilation=1, ceil_mode=False)'],
    [new nn.MaxPool1d(3), 'MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)'],
    [new nn.AvgPool2d(2), 'AvgPool2d(kernel_size=2, stride=2, padding=0)'],
    [new nn.AdaptiveAvgPool2d([5, 7]), 'AdaptiveAvgPool2d(output_size=(5, 7))'],
    [new nn.AdaptiveAvgPool2d(5), 'AdaptiveAvgPool2d(output_size=5)'],
    [new nn.AdaptiveAvgPool2d([null, 7]), 'AdaptiveAvgPool2d(output_size=(None, 7))'],
    [new nn.BatchNorm2d(6), 'BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)'],
    [new nn.BatchNorm1d(6, { momentum: null, affine: false }), 'BatchNorm1d(6, eps=1e-05, momentum=None, affine=False, track_running_stats=True)'],
    [new nn.LayerNorm(4), 'LayerNorm((4,), eps=1e-05, elementwise_affine=True)'],
    [new nn.LayerNorm([3, 4], { elementwiseAffine: false }), 'LayerNorm((3, 4), eps=1e-05, elementwise_affine=False)'],
    [new nn.GroupNorm(2, 6), 'GroupNorm(2, 6, eps=1e-05, affine=True)'],
    [new nn.Dropout(), 'Dropout(p=0.5, inplace=False)'],
    [new nn.Dropout2d(0.2), 'Dropout2d(p=0.2, inplace=False)'],
    [new nn.Embedding(10, 3), 'Embedding(10, 3)'],
    [new nn.Embedding(10, 3, { paddingIdx: 0 }), 'Embedding(10, 3, padding_idx=0)'],
    [new nn.Embedding(10, 3, { maxNorm: 1 }), 'Embedding(10, 3, max_norm=1)'],
    [new nn.Embedding(10, 3, { maxNorm: 1.5 }), 'Embedding(10, 3, max_norm=1.5)'],
    [new nn.ELU(1), 'ELU(alpha=1)'],
    [new nn.ELU(0.5, true), 'ELU(alpha=0.5, inplace=True)'],
    [new nn.Dropout(0), 'Dropout(p=0, inplace=False)'],
    [new nn.Flatten(), 'Flatten(start_dim=1, end_dim=-1)'],
    [new nn.Unflatten(1, [2, 5]), 'Unflatten(dim=1, unflattened_size=(2, 5))'],
    [new nn.Identity(), 'Identity()'],
    [new nn.ReLU(), 'ReLU()'],
    [new nn.ReLU(true), 'ReLU(inplace=True)'],
    [new nn.LeakyReLU(), 'LeakyReLU(negative_slope=0.01)'],
    [new nn.LeakyReLU(0.2, true), 'LeakyReLU(negative_slope=0.2, inplace=True)'],
    [new nn.ELU(), 'ELU(alpha=1.0)'],
    [new nn.GELU(), "GELU(approximate='none')"],
    [new nn.GELU('tanh'), "GELU(approximate='tanh')"],
    [new nn.SiLU(), 'SiLU()'],
    [new nn.Sigmoid(), 'Sigmoid()'],
    [new nn.Tanh(), 'Tanh()'],
    [new nn.Softmax(), 'Softmax(dim=None)'],
    [new nn.Softmax(1), 'Softmax(dim=1)'],
    [new nn.LogSoftmax(-1), 'LogSoftmax(dim=-1)'],
    [new nn.Softplus(), 'Softplus(beta=1, threshold=20)'],
    [new nn.BatchNorm2d(3, { eps: 1e-3, momentum: 0.01 }), 'BatchNorm2d(3, eps=0.001, momentum=0.01, affine=True, track_running_stats=True)'],
  ];
  for (const [layer, text] of cases) it(text, () => expect(String(layer)).toBe(text));
});

describe('BatchNorm', () => {
  it('eval mode uses the running statistics and does not update them', () => {
    const bn = new nn.BatchNorm1d(2);
    bn.call(torch.tensor([[1, 2], [3, 6]]));
    const mean = bn.runningMean!.tolistSync() as number[];
    expect(mean[0]).toBeCloseTo(0.2, 6);
    expect(mean[1]).toBeCloseTo(0.4, 6);
    const v = bn.runningVar!.tolistSync() as number[];
    expect(v[0]).toBeCloseTo(0.9 + 0.1 * 2, 6); // unbiased variance of [1, 3] is 2
    expect(v[1]).toBeCloseTo(0.9 + 0.1 * 8, 6);
    expect(Number(bn.numBatchesTracked!.itemSync())).toBe(1);
    bn.eval();
    const y = bn.call(torch.tensor([[0.2, 0.4]]));
    expect(y.tolistSync()).toEqual([[0, 0]]);
    expect(Number(bn.numBatchesTracked!.itemSync())).toBe(1);
  });

  it('without running statistics it normalises with batch statistics in eval mode too', () => {
    const bn = new nn.BatchNorm1d(1, { trackRunningStats: false, affine: false });
    expect(Object.keys(bn.stateDict())).toEqual([]);
    bn.eval();
    const y = bn.call(torch.tensor([[1], [3]], { dtype: 'float64' }));
    expect((y.tolistSync() as number[][]).map((r) => Math.round(r[0] * 1e4) / 1e4)).toEqual([-1, 1]);
  });

  it('checks the input rank', () => {
    expect(() => new nn.BatchNorm2d(3).call(torch.ones(2, 3))).toThrow('expected 4D input (got 2D input)');
    expect(() => new nn.BatchNorm1d(3).call(torch.ones(2, 3, 2, 2))).toThrow('expected 2D or 3D input (got 4D input)');
    expect(() => new nn.BatchNorm1d(3).call(torch.ones(1, 3))).toThrow('Expected more than 1 value per channel when training');
  });

  it('loads PyTorch checkpoints without num_batches_tracked (state dict version < 2)', () => {
    const src = new nn.BatchNorm1d(2);
    const sd = src.stateDict();
    delete (sd as Record<string, Tensor>).num_batches_tracked;
    Object.defineProperty(sd, '_metadata', { value: { '': { version: 1 } }, enumerable: false });
    const bn = new nn.BatchNorm1d(2);
    noThrow(() => bn.loadStateDict(sd));
    expect(Number(bn.numBatchesTracked!.itemSync())).toBe(0);
  });

  it('resetRunningStats restores mean 0, var 1, counter 0', () => {
    const bn = new nn.BatchNorm1d(2);
    bn.call(torch.randn(4, 2));
    bn.resetRunningStats();
    expect(bn.runningMean!.tolistSync()).toEqual([0, 0]);
    expect(bn.runningVar!.tolistSync()).toEqual([1, 1]);
    expect(Number(bn.numBatchesTracked!.itemSync())).toBe(0);
  });
});

function noThrow(fn: () => unknown): void {
  expect(fn).not.toThrow();
}

describe('Dropout layers', () => {
  it('drop in training mode and are the identity in eval mode', () => {
    torch.manualSeed(5);
    const drop = new nn.Dropout(0.5);
    const x = torch.ones(1000);
    const y = drop.call(x);
    const zeros = (y.tolistSync() as number[]).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(400);
    expect(zeros).toBeLessThan(600);
    drop.eval();
    expect(drop.call(x)).toBe(x);
  });

  it('Dropout2d zeroes channels in training and nothing in eval', () => {
    torch.manualSeed(6);
    const d = new nn.Dropout2d(0.5);
    const y = d.call(torch.ones(4, 8, 2, 2)).sum([2, 3]);
    expect(new Set(y.tolistSync() as number[][]).size).toBeGreaterThan(0);
    for (const row of y.tolistSync() as number[][]) for (const v of row) expect([0, 8]).toContain(v);
    d.eval();
    expect(d.call(torch.ones(1, 2, 2, 2)).sum().itemSync()).toBe(8);
  });

  it('reject bad probabilities', () => {
    expect(() => new nn.Dropout(-0.1)).toThrow('dropout probability has to be between 0 and 1, but got -0.1');
  });
});

describe('Embedding', () => {
  it('looks up rows and gives no gradient to the padding row', () => {
    const emb = new nn.Embedding(4, 2, { paddingIdx: 1 });
    const idx = torch.tensor([[1, 2], [2, 1]], { dtype: 'int64' });
    const out = emb.call(idx);
    expect([...out.shape]).toEqual([2, 2, 2]);
    out.sum().backward();
    expect(emb.weight.grad!.tolistSync()).toEqual([[0, 0], [0, 0], [2, 2], [0, 0]]);
  });

  it('fromPretrained freezes by default', () => {
    const emb = nn.Embedding.fromPretrained(torch.tensor([[1, 2], [3, 4]]));
    expect(emb.weight.requiresGrad).toBe(false);
    expect(emb.call(torch.tensor([1], { dtype: 'int64' })).tolistSync()).toEqual([[3, 4]]);
    expect(nn.Embedding.fromPretrained(torch.ones(2, 2), { freeze: false }).weight.requiresGrad).toBe(true);
  });
});

describe('Conv and pooling layers', () => {
  it('run the CIFAR-10 tutorial shapes', () => {
    const x = torch.randn(4, 3, 32, 32);
    const conv1 = new nn.Conv2d(3, 6, 5);
    const pool = new nn.MaxPool2d(2, 2);
    const y = pool.call(conv1.call(x));
    expect([...y.shape]).toEqual([4, 6, 14, 14]);
  });

  it('ConvTranspose2d forward with outputSize picks the output padding', () => {
    const up = new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1 });
    const x = torch.randn(1, 2, 4, 4);
    expect([...up.call(x).shape]).toEqual([1, 3, 7, 7]);
    expect([...up.call(x, [8, 8]).shape]).toEqual([1, 3, 8, 8]);
    expect([...up.call(x, [1, 3, 8, 7]).shape]).toEqual([1, 3, 8, 7]);
    expect(() => up.call(x, [10, 10])).toThrow('requested an output size of [10, 10], but valid sizes range from [7, 7] to [8, 8]');
  });

  it('check constructor arguments as PyTorch', () => {
    expect(() => new nn.Conv2d(3, 6, 3, { groups: 2 })).toThrow('in_channels must be divisible by groups');
    expect(() => new nn.Conv2d(4, 6, 3, { groups: 4 })).toThrow('out_channels must be divisible by groups');
    expect(() => new nn.Conv2d(4, 6, 3, { groups: 0 })).toThrow('groups must be a positive integer');
    expect(() => new nn.Conv2d(4, 6, 3, { padding: 'full' as 'same' })).toThrow(/Invalid padding string 'full'/);
    expect(() => new nn.Conv2d(4, 6, 3, { padding: 'same', stride: 2 })).toThrow("padding='same' is not supported for strided convolutions");
    expect(() => new nn.Conv2d(4, 6, 3, { paddingMode: 'mirror' as 'reflect' })).toThrow(/padding_mode must be one of/);
    expect(() => new nn.ConvTranspose2d(4, 6, 3, { paddingMode: 'reflect' as 'zeros' })).toThrow('Only "zeros" padding mode is supported for ConvTranspose2d');
    expect(() => new nn.GroupNorm(4, 6)).toThrow('num_channels must be divisible by num_groups');
  });

  it('MaxPool2d with returnIndices returns values and int64 indices', () => {
    const pool = new nn.MaxPool2d(2, { returnIndices: true });
    const [values, indices] = pool.call(torch.tensor([[[[1, 5], [3, 2]]]]));
    expect(values.tolistSync()).toEqual([[[[5]]]]);
    expect(indices.dtype).toBe('int64');
    expect(indices.tolistSync()).toEqual([[[[1]]]]);
  });

  it('Linear, Flatten, Unflatten and Identity shapes', () => {
    expect([...new nn.Linear(3, 2).call(torch.randn(5, 4, 3)).shape]).toEqual([5, 4, 2]);
    expect([...new nn.Flatten().call(torch.randn(2, 3, 4)).shape]).toEqual([2, 12]);
    expect([...new nn.Flatten(0, 1).call(torch.randn(2, 3, 4)).shape]).toEqual([6, 4]);
    expect([...new nn.Unflatten(1, [3, 4]).call(torch.randn(2, 12)).shape]).toEqual([2, 3, 4]);
    const x = torch.randn(2);
    expect(new nn.Identity(54, { unused: true }).call(x)).toBe(x);
  });
});
