// Losses (functional and modules) against PyTorch 1.13: values and gradients from
// scripts/fixtures/gen_nn_unit.py (fixtures/loss.json), module options and state, and errors in
// PyTorch's words.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { fromJson, loadFixture, runOpCase, valuesOf, type OpCase, type TensorJson } from './fixtures/fixture-utils.js';

type Tensor = torch.Tensor;
const { nn } = torch;
const F = nn.functional;

const fixture = loadFixture<{ weights: Record<string, TensorJson>; cases: OpCase[] }>('loss.json');

/** The fixture's options with named weight tensors resolved. */
function resolve(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...o };
  if (typeof o.weight === 'string') out.weight = fromJson(fixture.weights[o.weight]);
  return out;
}

type Call = (inputs: Tensor[], o: Record<string, unknown>) => Tensor;

/** Each loss through its functional form. */
const FUNCTIONAL: Record<string, Call> = {
  mseLoss: ([a, b], o) => F.mseLoss(a, b, o),
  l1Loss: ([a, b], o) => F.l1Loss(a, b, o),
  smoothL1Loss: ([a, b], o) => F.smoothL1Loss(a, b, o),
  huberLoss: ([a, b], o) => F.huberLoss(a, b, o),
  crossEntropy: ([a, b], o) => F.crossEntropy(a, b, resolve(o)),
  nllLoss: ([a, b], o) => F.nllLoss(a, b, resolve(o)),
  binaryCrossEntropy: ([a, b, w], o) => F.binaryCrossEntropy(a, b, { ...o, weight: w ?? null }),
  binaryCrossEntropyWithLogits: ([a, b, w, pw], o) => F.binaryCrossEntropyWithLogits(a, b, { ...o, weight: w ?? null, posWeight: pw ?? null }),
  klDiv: ([a, b], o) => F.klDiv(a, b, o),
};

/** Each loss through its module. */
const MODULES: Record<string, Call> = {
  mseLoss: ([a, b], o) => new nn.MSELoss(o).call(a, b),
  l1Loss: ([a, b], o) => new nn.L1Loss(o).call(a, b),
  smoothL1Loss: ([a, b], o) => new nn.SmoothL1Loss(o).call(a, b),
  huberLoss: ([a, b], o) => new nn.HuberLoss(o).call(a, b),
  crossEntropy: ([a, b], o) => new nn.CrossEntropyLoss(resolve(o)).call(a, b),
  nllLoss: ([a, b], o) => new nn.NLLLoss(resolve(o)).call(a, b),
  binaryCrossEntropy: ([a, b, w], o) => new nn.BCELoss({ ...o, weight: w ?? null }).call(a, b),
  binaryCrossEntropyWithLogits: ([a, b, w, pw], o) => new nn.BCEWithLogitsLoss({ ...o, weight: w ?? null, posWeight: pw ?? null }).call(a, b),
  klDiv: ([a, b], o) => new nn.KLDivLoss(o).call(a, b),
};

describe('loss functions match PyTorch 1.13 (values and gradients)', () => {
  for (const c of fixture.cases) it(c.name, () => runOpCase(c, FUNCTIONAL[c.op]));
});

describe('loss modules match PyTorch 1.13', () => {
  for (const c of fixture.cases) it(c.name, () => runOpCase(c, MODULES[c.op]));
});

describe('loss modules', () => {
  it('print as PyTorch and register weight buffers with PyTorch names', () => {
    expect(String(new nn.CrossEntropyLoss())).toBe('CrossEntropyLoss()');
    expect(String(new nn.MSELoss())).toBe('MSELoss()');
    expect(Object.keys(new nn.CrossEntropyLoss({ weight: torch.ones(3) }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
    expect(Object.keys(new nn.BCEWithLogitsLoss({ posWeight: torch.ones(3) }).stateDict())).toEqual(['pos_weight']);
    expect(Object.keys(new nn.BCEWithLogitsLoss({ weight: torch.ones(3), posWeight: torch.ones(3) }).stateDict())).toEqual(['weight', 'pos_weight']);
  });

  it('keep options as attributes with PyTorch defaults', () => {
    const ce = new nn.CrossEntropyLoss();
    expect([ce.reduction, ce.ignoreIndex, ce.labelSmoothing, ce.weight]).toEqual(['mean', -100, 0, null]);
    expect(new nn.SmoothL1Loss().beta).toBe(1);
    expect(new nn.HuberLoss({ delta: 2 }).delta).toBe(2);
    expect(new nn.KLDivLoss({ reduction: 'batchmean' }).reduction).toBe('batchmean');
  });

  it('move their weight buffers with module.to', () => {
    const ce = new nn.CrossEntropyLoss({ weight: torch.ones(3) }).to('float64');
    expect(ce.weight!.dtype).toBe('float64');
  });

  it('reject unknown reductions', () => {
    expect(() => new nn.MSELoss({ reduction: 'avg' as 'mean' })).toThrow('avg is not a valid value for reduction');
    expect(() => F.crossEntropy(torch.randn(2, 3), torch.tensor([0, 1], { dtype: 'int64' }), { reduction: 'foo' as 'sum' })).toThrow(
      'foo is not a valid value for reduction',
    );
    expect(() => F.mseLoss(torch.ones(2), torch.ones(2), { reduction: 'batchmean' as 'mean' })).toThrow(/not a valid value/);
  });
});

describe('the seeds linear regression (issue acceptance)', () => {
  it('nn.Linear(1, 1) with MSELoss and SGD-style updates fits y = 2x + 1', () => {
    torch.manualSeed(0);
    const model = new nn.Linear(1, 1);
    const criterion = new nn.MSELoss();
    const x = torch.arange(0, 11, { dtype: 'float32' }).view(-1, 1);
    const y = x.mul(2).add(1);
    for (let epoch = 0; epoch < 1000; epoch++) {
      model.zeroGrad();
      criterion.call(model.call(x), y).backward();
      torch.noGrad(() => {
        for (const p of model.parameters()) p.sub_(p.grad!.mul(0.01));
      });
    }
    expect(Math.abs(Number(model.weight.itemSync()) - 2)).toBeLessThan(0.05);
    expect(Math.abs(Number(model.bias!.itemSync()) - 1)).toBeLessThan(0.2);
  });
});

describe('crossEntropy and nllLoss errors in PyTorch words', () => {
  const x = torch.randn(3, 4);
  const long = (v: number[] | number[][]) => torch.tensor(v, { dtype: 'int64' });
  it('out-of-range class indices', () => {
    expect(() => F.crossEntropy(x, long([1, 2, 12]))).toThrow('[crossEntropy] Target 12 is out of bounds.');
    expect(() => F.nllLoss(x, long([1, 2, -1]))).toThrow('[nllLoss] Target -1 is out of bounds.');
    expect(() => F.crossEntropy(x, long([1, 2, 12]), { labelSmoothing: 0.1 })).toThrow('Target 12 is out of bounds.');
    expect(() => F.crossEntropy(x, long([1, 2, 4]), { ignoreIndex: 4 })).not.toThrow();
  });
  it('wrong target shapes', () => {
    expect(() => F.crossEntropy(x, long([1, 2]))).toThrow('Expected input batch_size (3) to match target batch_size (2).');
    expect(() => F.nllLoss(x.view(3, 4, 1), long([1, 2, 1]))).toThrow('Expected target size [3, 1], got [3]');
    expect(() => F.crossEntropy(x, long([[1, 2, 1]]))).toThrow('Expected input batch_size (3) to match target batch_size (1).');
    expect(() => F.crossEntropy(torch.tensor(1), long(1 as unknown as number[]))).toThrow('Expected 1 or more dimensions (got 0)');
  });
  it('wrong target dtypes', () => {
    expect(() => F.nllLoss(x, torch.tensor([1, 2, 3]))).toThrow(/expected scalar type Long but found Float/);
    expect(() => F.crossEntropy(x, torch.rand(3, 4).long())).toThrow('Expected floating point type for target with class probabilities, got Long');
    expect(() => F.crossEntropy(x, torch.rand(3, 4), { ignoreIndex: 1 })).toThrow('ignore_index is not supported for floating point target');
    expect(() => F.crossEntropy(x, torch.rand(3, 4), { labelSmoothing: 1.5 })).toThrow('label_smoothing must be between 0.0 and 1.0. Got: 1.5');
  });
  it('wrong weight shapes', () => {
    expect(() => F.nllLoss(x, long([1, 2, 1]), { weight: torch.ones(3) })).toThrow(
      'weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [3]',
    );
  });
  it('int32, int64 and uint8 targets agree', () => {
    const a = F.crossEntropy(x, long([1, 0, 3]));
    const b = F.crossEntropy(x, torch.tensor([1, 0, 3], { dtype: 'int32' }));
    const c = F.crossEntropy(x, torch.tensor([1, 0, 3], { dtype: 'uint8' }));
    expect(valuesOf(a)).toEqual(valuesOf(b));
    expect(valuesOf(a)).toEqual(valuesOf(c));
  });
  it('empty batches give NaN for the mean, as PyTorch', () => {
    expect(Number.isNaN(Number(F.crossEntropy(torch.randn(0, 4), torch.zeros(0, { dtype: 'int64' })).itemSync()))).toBe(true);
    expect(Number.isNaN(Number(F.crossEntropy(torch.randn(0, 4), torch.rand(0, 4)).itemSync()))).toBe(true);
  });
  it('the reduction none of unbatched scores is 0-d', () => {
    expect([...F.crossEntropy(torch.randn(4), long(2 as unknown as number[]), { reduction: 'none' }).shape]).toEqual([]);
  });
});

describe('binary and KL losses', () => {
  it('binaryCrossEntropy: target shape must match and inputs lie in [0, 1]', () => {
    expect(() => F.binaryCrossEntropy(torch.rand(3, 1), torch.rand(3))).toThrow(
      'Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 1])) is deprecated. Please ensure they have the same size.',
    );
    expect(() => F.binaryCrossEntropy(torch.tensor([1.5]), torch.rand(1))).toThrow('all elements of input should be between 0 and 1');
    expect(() => F.binaryCrossEntropyWithLogits(torch.rand(3, 1), torch.rand(3))).toThrow(
      'Target size (torch.Size([3])) must be the same as input size (torch.Size([3, 1]))',
    );
  });
  it('binaryCrossEntropy at exactly 0 and 1 stays finite (log clamped at -100) with finite gradients', () => {
    const p = torch.tensor([0, 1], { dtype: 'float32', requiresGrad: true });
    const loss = F.binaryCrossEntropy(p, torch.tensor([0.5, 0.5]));
    expect(Number(loss.itemSync())).toBeCloseTo(50, 4);
    loss.backward();
    expect(valuesOf(p.grad!).every(Number.isFinite)).toBe(true);
  });
  it('binaryCrossEntropyWithLogits is stable for huge logits', () => {
    const z = torch.tensor([1000, -1000], { requiresGrad: true });
    const loss = F.binaryCrossEntropyWithLogits(z, torch.tensor([1, 0]), { reduction: 'sum' });
    expect(Number(loss.itemSync())).toBe(0);
    loss.backward();
    expect(valuesOf(z.grad!)).toEqual([0, 0]);
  });
  it('klDiv batchmean of a 0-d input is the sum', () => {
    const v = F.klDiv(torch.tensor(-0.5), torch.tensor(0.25), { reduction: 'batchmean' });
    expect(Number(v.itemSync())).toBeCloseTo(0.25 * (Math.log(0.25) + 0.5), 6);
  });
  it('smoothL1 and huber reject invalid thresholds', () => {
    expect(() => F.smoothL1Loss(torch.ones(1), torch.ones(1), { beta: -1 })).toThrow('smooth_l1_loss does not support negative values for beta.');
    expect(() => F.huberLoss(torch.ones(1), torch.ones(1), { delta: 0 })).toThrow('huber_loss does not support non-positive values for delta.');
  });
  it('mseLoss broadcasts a target of another shape (PyTorch warns)', () => {
    const v = F.mseLoss(torch.zeros(3, 1), torch.tensor([1, 2, 3]), { reduction: 'none' });
    expect([...v.shape]).toEqual([3, 3]);
  });
});
