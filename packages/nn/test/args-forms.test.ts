// PyTorch lets every optional argument be given positionally or by keyword (`nn.Dropout(0.2)` and
// `nn.Dropout(p=0.2)`); typetorch's layers and nn.functional take a positional value or a trailing
// camelCase options object. These tests check that both forms build the same layer (same
// parameters, same printed form, same output) and compute the same function, and that mixing
// them follows Python's rules.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';

type Tensor = torch.Tensor;
const { nn } = torch;
const F = nn.functional;

async function expectSame(a: Tensor | Tensor[], b: Tensor | Tensor[]): Promise<void> {
  const as = Array.isArray(a) ? a : [a];
  const bs = Array.isArray(b) ? b : [b];
  expect(as.length).toBe(bs.length);
  for (let i = 0; i < as.length; i++) {
    expect([...as[i].shape]).toEqual([...bs[i].shape]);
    expect(as[i].dtype).toBe(bs[i].dtype);
    const values = async (t: Tensor) => Array.from((await t.data()) as ArrayLike<number | bigint | boolean>);
    expect(await values(as[i])).toEqual(await values(bs[i]));
  }
}

/** Runs `make` after seeding, so random parameters and dropout masks can be compared. */
function seeded<M>(make: () => M): M {
  torch.manualSeed(0);
  return make();
}

interface LayerForm {
  name: string;
  positional: () => torch.nn.Module;
  keyword: () => torch.nn.Module;
  input: () => Tensor;
  repr: string;
}

const x4 = () => torch.linspace(-3, 3, 2 * 4 * 5 * 5).reshape(2, 4, 5, 5);
const x3 = () => torch.linspace(-3, 3, 2 * 4 * 9).reshape(2, 4, 9);
const x2 = () => torch.linspace(-3, 3, 24).reshape(4, 6);

const layerForms: LayerForm[] = [
  { name: 'ReLU', positional: () => new nn.ReLU(false), keyword: () => new nn.ReLU({ inplace: false }), input: x2, repr: 'ReLU()' },
  { name: 'SiLU', positional: () => new nn.SiLU(true), keyword: () => new nn.SiLU({ inplace: true }), input: x2, repr: 'SiLU(inplace=True)' },
  {
    name: 'LeakyReLU', positional: () => new nn.LeakyReLU(0.1, true), keyword: () => new nn.LeakyReLU({ negativeSlope: 0.1, inplace: true }),
    input: x2, repr: 'LeakyReLU(negative_slope=0.1, inplace=True)',
  },
  { name: 'ELU', positional: () => new nn.ELU(0.5), keyword: () => new nn.ELU({ alpha: 0.5 }), input: x2, repr: 'ELU(alpha=0.5)' },
  { name: 'GELU', positional: () => new nn.GELU('tanh'), keyword: () => new nn.GELU({ approximate: 'tanh' }), input: x2, repr: "GELU(approximate='tanh')" },
  { name: 'Softmax', positional: () => new nn.Softmax(0), keyword: () => new nn.Softmax({ dim: 0 }), input: x2, repr: 'Softmax(dim=0)' },
  { name: 'LogSoftmax', positional: () => new nn.LogSoftmax(1), keyword: () => new nn.LogSoftmax({ dim: 1 }), input: x2, repr: 'LogSoftmax(dim=1)' },
  {
    name: 'Softplus', positional: () => new nn.Softplus(2, 3), keyword: () => new nn.Softplus({ beta: 2, threshold: 3 }),
    input: x2, repr: 'Softplus(beta=2, threshold=3)',
  },
  {
    name: 'Dropout (eval)', positional: () => new nn.Dropout(0.2, false).eval(), keyword: () => new nn.Dropout({ p: 0.2, inplace: false }).eval(),
    input: x2, repr: 'Dropout(p=0.2, inplace=False)',
  },
  {
    name: 'Dropout2d (seeded)', positional: () => seeded(() => new nn.Dropout2d(0.5)), keyword: () => seeded(() => new nn.Dropout2d({ p: 0.5 })),
    input: x4, repr: 'Dropout2d(p=0.5, inplace=False)',
  },
  { name: 'Flatten', positional: () => new nn.Flatten(0, 1), keyword: () => new nn.Flatten({ startDim: 0, endDim: 1 }), input: x4, repr: 'Flatten(start_dim=0, end_dim=1)' },
  {
    name: 'Linear', positional: () => seeded(() => new nn.Linear(6, 3, false)), keyword: () => seeded(() => new nn.Linear(6, 3, { bias: false })),
    input: x2, repr: 'Linear(in_features=6, out_features=3, bias=False)',
  },
  {
    name: 'Conv2d', positional: () => seeded(() => new nn.Conv2d(4, 4, 3, 2, 1, 1, 2, false, 'reflect')),
    keyword: () => seeded(() => new nn.Conv2d(4, 4, 3, { stride: 2, padding: 1, dilation: 1, groups: 2, bias: false, paddingMode: 'reflect' })),
    input: x4, repr: 'Conv2d(4, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), groups=2, bias=False, padding_mode=reflect)',
  },
  {
    name: 'Conv2d (mixed)', positional: () => seeded(() => new nn.Conv2d(4, 2, 3, 1, { padding: 'same' })),
    keyword: () => seeded(() => new nn.Conv2d(4, 2, 3, { stride: 1, padding: 'same' })),
    input: x4, repr: 'Conv2d(4, 2, kernel_size=(3, 3), stride=(1, 1), padding=same)',
  },
  {
    name: 'Conv1d', positional: () => seeded(() => new nn.Conv1d(4, 2, 3, 2, 1)), keyword: () => seeded(() => new nn.Conv1d(4, 2, 3, { stride: 2, padding: 1 })),
    input: x3, repr: 'Conv1d(4, 2, kernel_size=(3,), stride=(2,), padding=(1,))',
  },
  {
    name: 'ConvTranspose2d', positional: () => seeded(() => new nn.ConvTranspose2d(4, 2, 3, 2, 1, 1)),
    keyword: () => seeded(() => new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 })),
    input: x4, repr: 'ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))',
  },
  {
    name: 'MaxPool2d', positional: () => new nn.MaxPool2d(3, 2, 1, 1, false, true),
    keyword: () => new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: 1, returnIndices: false, ceilMode: true }),
    input: x4, repr: 'MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)',
  },
  {
    name: 'MaxPool2d (indices)', positional: () => new nn.MaxPool2d(2, null, 0, 1, true), keyword: () => new nn.MaxPool2d(2, { returnIndices: true }),
    input: x4, repr: 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
  },
  {
    name: 'MaxPool1d', positional: () => new nn.MaxPool1d(3, 2, 1), keyword: () => new nn.MaxPool1d(3, { stride: 2, padding: 1 }),
    input: x3, repr: 'MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)',
  },
  {
    name: 'AvgPool2d', positional: () => new nn.AvgPool2d(3, 2, 1, true, false, null),
    keyword: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    input: x4, repr: 'AvgPool2d(kernel_size=3, stride=2, padding=1)',
  },
  {
    name: 'BatchNorm2d', positional: () => new nn.BatchNorm2d(4, 1e-3, null, false, true),
    keyword: () => new nn.BatchNorm2d(4, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: true }),
    input: x4, repr: 'BatchNorm2d(4, eps=0.001, momentum=None, affine=False, track_running_stats=True)',
  },
  {
    name: 'LayerNorm', positional: () => new nn.LayerNorm([5, 5], 1e-3, false), keyword: () => new nn.LayerNorm([5, 5], { eps: 1e-3, elementwiseAffine: false }),
    input: x4, repr: 'LayerNorm((5, 5), eps=0.001, elementwise_affine=False)',
  },
  {
    name: 'GroupNorm', positional: () => new nn.GroupNorm(2, 4, 1e-3, false), keyword: () => new nn.GroupNorm(2, 4, { eps: 1e-3, affine: false }),
    input: x4, repr: 'GroupNorm(2, 4, eps=0.001, affine=False)',
  },
  {
    name: 'Embedding', positional: () => seeded(() => new nn.Embedding(10, 3, 0, 1.5, 1)),
    keyword: () => seeded(() => new nn.Embedding(10, 3, { paddingIdx: 0, maxNorm: 1.5, normType: 1 })),
    input: () => torch.tensor([[0, 2, 9], [4, 4, 1]], { dtype: 'int64' }), repr: 'Embedding(10, 3, padding_idx=0, max_norm=1.5, norm_type=1)',
  },
];

describe('layers: positional and keyword arguments give the same layer', () => {
  for (const c of layerForms) {
    it(c.name, async () => {
      const a = c.positional();
      const b = c.keyword();
      expect(a.toString()).toBe(c.repr);
      expect(b.toString()).toBe(c.repr);
      const sa = a.stateDict();
      const sb = b.stateDict();
      expect(Object.keys(sa)).toEqual(Object.keys(sb));
      for (const k of Object.keys(sa)) await expectSame(sa[k], sb[k]);
      torch.manualSeed(3);
      const ya = a.call(c.input()) as Tensor | Tensor[];
      torch.manualSeed(3);
      const yb = b.call(c.input()) as Tensor | Tensor[];
      await expectSame(ya, yb);
    });
  }
});

describe('losses: the class weight goes positionally or by name', () => {
  const logits = () => torch.linspace(-2, 2, 12).reshape(4, 3);
  const labels = () => torch.tensor([0, 2, 1, 2], { dtype: 'int64' });
  const w = () => torch.tensor([0.2, 1, 3]);

  it('CrossEntropyLoss and NLLLoss', async () => {
    const a = new nn.CrossEntropyLoss(w(), { labelSmoothing: 0.1, reduction: 'sum' });
    const b = new nn.CrossEntropyLoss({ weight: w(), labelSmoothing: 0.1, reduction: 'sum' });
    await expectSame(a.call(logits(), labels()), b.call(logits(), labels()));
    await expectSame(new nn.NLLLoss(w()).call(logits(), labels()), new nn.NLLLoss({ weight: w() }).call(logits(), labels()));
  });

  it('BCELoss and BCEWithLogitsLoss', async () => {
    const p = () => torch.linspace(0.1, 0.9, 6);
    const t = () => torch.tensor([0, 1, 1, 0, 1, 0]);
    const w6 = () => torch.linspace(1, 2, 6);
    await expectSame(new nn.BCELoss(w6()).call(p(), t()), new nn.BCELoss({ weight: w6() }).call(p(), t()));
    await expectSame(
      new nn.BCEWithLogitsLoss(w6(), { posWeight: torch.tensor([2]) }).call(p(), t()),
      new nn.BCEWithLogitsLoss({ weight: w6(), posWeight: torch.tensor([2]) }).call(p(), t()),
    );
  });

  it('HuberLoss takes reduction and delta positionally, as PyTorch', async () => {
    const a = new nn.HuberLoss('sum', 0.5);
    expect(a.reduction).toBe('sum');
    expect(a.delta).toBe(0.5);
    await expectSame(a.call(logits(), logits().mul(0.3)), new nn.HuberLoss({ reduction: 'sum', delta: 0.5 }).call(logits(), logits().mul(0.3)));
  });
});

describe('nn.functional: positional and keyword arguments compute the same', () => {
  const x = () => torch.linspace(-3, 3, 2 * 4 * 5 * 5).reshape(2, 4, 5, 5);
  const m = () => torch.linspace(-2, 2, 24).reshape(4, 6);
  const forms: [string, () => Tensor | Tensor[], () => Tensor | Tensor[]][] = [
    ['relu', () => F.relu(m(), false), () => F.relu(m(), { inplace: false })],
    ['leakyRelu', () => F.leakyRelu(m(), 0.2), () => F.leakyRelu(m(), { negativeSlope: 0.2 })],
    ['elu', () => F.elu(m(), 0.3), () => F.elu(m(), { alpha: 0.3 })],
    ['gelu', () => F.gelu(m(), 'tanh'), () => F.gelu(m(), { approximate: 'tanh' })],
    ['silu', () => F.silu(m(), false), () => F.silu(m(), { inplace: false })],
    ['softmax', () => F.softmax(m(), 0), () => F.softmax(m(), { dim: 0 })],
    ['softmax with dtype', () => F.softmax(m(), 1, { dtype: 'float64' }), () => F.softmax(m(), { dim: 1, dtype: 'float64' })],
    ['logSoftmax', () => F.logSoftmax(m(), 1), () => F.logSoftmax(m(), { dim: 1 })],
    ['softplus', () => F.softplus(m(), 2, 1), () => F.softplus(m(), { beta: 2, threshold: 1 })],
    ['dropout (not training)', () => F.dropout(m(), 0.3, false), () => F.dropout(m(), { p: 0.3, training: false })],
    ['dropout (seeded)', () => seeded(() => F.dropout(m(), 0.3)), () => seeded(() => F.dropout(m(), { p: 0.3 }))],
    ['oneHot', () => F.oneHot(torch.tensor([0, 3], { dtype: 'int64' }), 5), () => F.oneHot(torch.tensor([0, 3], { dtype: 'int64' }), { numClasses: 5 })],
    ['linear', () => F.linear(m(), torch.ones(2, 6), torch.tensor([1, 2])), () => F.linear(m(), torch.ones(2, 6), { bias: torch.tensor([1, 2]) })],
    [
      'conv2d', () => F.conv2d(x(), torch.ones(2, 2, 3, 3), null, 2, 1, 1, 2),
      () => F.conv2d(x(), torch.ones(2, 2, 3, 3), { stride: 2, padding: 1, dilation: 1, groups: 2 }),
    ],
    ['conv1d', () => F.conv1d(x().flatten(2), torch.ones(3, 4, 3), torch.ones(3), 2), () => F.conv1d(x().flatten(2), torch.ones(3, 4, 3), { bias: torch.ones(3), stride: 2 })],
    [
      'convTranspose2d', () => F.convTranspose2d(x(), torch.ones(4, 2, 3, 3), null, 2, 1, 1),
      () => F.convTranspose2d(x(), torch.ones(4, 2, 3, 3), { stride: 2, padding: 1, outputPadding: 1 }),
    ],
    ['maxPool2d', () => F.maxPool2d(x(), 3, 2, 1, 1, true, true), () => F.maxPool2d(x(), 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true })],
    ['maxPool1d', () => F.maxPool1d(x().flatten(2), 3, 2, 1), () => F.maxPool1d(x().flatten(2), 3, { stride: 2, padding: 1 })],
    ['avgPool2d', () => F.avgPool2d(x(), 3, 2, 1, true, false), () => F.avgPool2d(x(), 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })],
    [
      'batchNorm', () => F.batchNorm(x(), null, null, torch.ones(4).mul(2), null, true, 0.1, 1e-3),
      () => F.batchNorm(x(), null, null, { weight: torch.ones(4).mul(2), training: true, eps: 1e-3 }),
    ],
    ['layerNorm', () => F.layerNorm(x(), [5, 5], null, torch.ones(5, 5), 1e-3), () => F.layerNorm(x(), [5, 5], { bias: torch.ones(5, 5), eps: 1e-3 })],
    ['groupNorm', () => F.groupNorm(x(), 2, torch.ones(4).mul(3)), () => F.groupNorm(x(), 2, { weight: torch.ones(4).mul(3) })],
    ['normalize', () => F.normalize(m(), 1, 0, 1e-3), () => F.normalize(m(), { p: 1, dim: 0, eps: 1e-3 })],
    ['pad', () => F.pad(x(), [1, 2], 'constant', 7), () => F.pad(x(), [1, 2], { mode: 'constant', value: 7 })],
    ['interpolate', () => F.interpolate(x(), null, 2, 'bilinear', true), () => F.interpolate(x(), { scaleFactor: 2, mode: 'bilinear', alignCorners: true })],
    [
      'embedding', () => F.embedding(torch.tensor([1, 2], { dtype: 'int64' }), m(), 1),
      () => F.embedding(torch.tensor([1, 2], { dtype: 'int64' }), m(), { paddingIdx: 1 }),
    ],
    ['huberLoss', () => F.huberLoss(m(), m().mul(0.5), 'sum', 0.7), () => F.huberLoss(m(), m().mul(0.5), { reduction: 'sum', delta: 0.7 })],
    [
      'crossEntropy', () => F.crossEntropy(m(), torch.tensor([0, 5, 2, 1], { dtype: 'int64' }), torch.linspace(1, 2, 6), { ignoreIndex: 5 }),
      () => F.crossEntropy(m(), torch.tensor([0, 5, 2, 1], { dtype: 'int64' }), { weight: torch.linspace(1, 2, 6), ignoreIndex: 5 }),
    ],
    [
      'nllLoss', () => F.nllLoss(m(), torch.tensor([0, 5, 2, 1], { dtype: 'int64' }), torch.linspace(1, 2, 6)),
      () => F.nllLoss(m(), torch.tensor([0, 5, 2, 1], { dtype: 'int64' }), { weight: torch.linspace(1, 2, 6) }),
    ],
    [
      'binaryCrossEntropy', () => F.binaryCrossEntropy(m().sigmoid(), m().gt(0).float(), m().abs()),
      () => F.binaryCrossEntropy(m().sigmoid(), m().gt(0).float(), { weight: m().abs() }),
    ],
    [
      'binaryCrossEntropyWithLogits', () => F.binaryCrossEntropyWithLogits(m(), m().gt(0).float(), m().abs(), { reduction: 'none' }),
      () => F.binaryCrossEntropyWithLogits(m(), m().gt(0).float(), { weight: m().abs(), reduction: 'none' }),
    ],
  ];
  for (const [name, positional, keyword] of forms) {
    it(name, async () => {
      await expectSame(positional(), keyword());
    });
  }
});

describe('mixing the two forms follows Python', () => {
  it('rejects a value given both positionally and by name', () => {
    expect(() => new nn.Dropout(0.2, { p: 0.3 } as never)).toThrow("[Dropout] got multiple values for argument 'p'");
    expect(() => F.softmax(torch.ones(2), 0, { dim: 0 } as never)).toThrow("[softmax] got multiple values for argument 'dim'");
  });

  it('rejects more positional values than the parameters', () => {
    expect(() => new (nn.ReLU as unknown as new (...a: unknown[]) => unknown)(true, true)).toThrow(/\[ReLU\] takes at most 1 optional positional argument/);
  });

  it('rejects an options object that is not last', () => {
    expect(() => new (nn.LeakyReLU as unknown as new (...a: unknown[]) => unknown)({ inplace: true }, 0.2)).toThrow(
      '[LeakyReLU] the options object must be the last argument',
    );
  });

  it('reads undefined positional values as "not given" and null as a value', () => {
    const relu = new nn.LeakyReLU(undefined, true);
    expect(relu.negativeSlope).toBe(0.01);
    expect(relu.inplace).toBe(true);
    expect(new nn.BatchNorm1d(3, undefined, null).momentum).toBeNull();
    expect(new nn.Softmax(null).dim).toBeNull();
  });

  it('types returnIndices from either form', () => {
    const pooled: [Tensor, Tensor] = new nn.MaxPool2d(2, null, 0, 1, true).call(torch.ones(1, 1, 4, 4));
    const viaOptions: [Tensor, Tensor] = new nn.MaxPool2d(2, { returnIndices: true }).call(torch.ones(1, 1, 4, 4));
    const fn: [Tensor, Tensor] = F.maxPool2d(torch.ones(1, 1, 4, 4), 2, { returnIndices: true });
    expect([pooled.length, viaOptions.length, fn.length]).toEqual([2, 2, 2]);
  });
});
