// Mixed dtypes, as PyTorch 1.13 treats them (checked with torch 1.13): the norms and the
// class-index losses reject a weight, bias or running statistic whose dtype differs from the
// input's, rather than promoting a float32 model's activations to float64; binary cross entropy
// rejects a target of another dtype; the probability-target cross entropy promotes, as PyTorch.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';

const { nn } = torch;
const F = nn.functional;
const f64 = { dtype: 'float64' as const };

describe('norm layers reject parameters of another dtype than the input', () => {
  it('BatchNorm, LayerNorm and GroupNorm moved to float64 reject a float32 input (PyTorch: "expected scalar type")', () => {
    const x = torch.ones(3, 2);
    expect(() => new nn.BatchNorm1d(2).to('float64').call(x)).toThrow(/\[batchNorm\] expected scalar type Float but found Double/);
    expect(() => new nn.BatchNorm1d(2).to('float64').eval().call(x)).toThrow(/expected scalar type Float but found Double/);
    expect(() => new nn.LayerNorm(2).to('float64').call(x)).toThrow(/\[layerNorm\] expected scalar type Float but found Double/);
    expect(() => new nn.GroupNorm(1, 2).to('float64').call(x)).toThrow(/\[groupNorm\] expected scalar type Float but found Double/);
  });

  it('a non-affine BatchNorm checks its running statistics too', () => {
    expect(() => new nn.BatchNorm1d(2, { affine: false }).call(torch.ones([3, 2], f64))).toThrow(/running_mean is float32 but the input is float64/);
  });

  it('matching dtypes keep the input dtype', () => {
    expect(new nn.BatchNorm1d(2).to('float64').call(torch.ones([3, 2], f64)).dtype).toBe('float64');
    expect(new nn.LayerNorm(2).call(torch.ones(3, 2)).dtype).toBe('float32');
    expect(F.batchNorm(torch.ones(3, 2), null, null, { training: true }).dtype).toBe('float32');
  });
});

describe('losses and dtypes', () => {
  const logits = () => torch.linspace(-1, 1, 6).reshape(2, 3);
  const labels = () => torch.tensor([0, 2], { dtype: 'int64' });

  it('class-index cross entropy and nll reject a class weight of another dtype', () => {
    expect(() => F.crossEntropy(logits(), labels(), torch.ones([3], f64))).toThrow(/\[crossEntropy\] expected scalar type Float but found Double/);
    expect(() => F.nllLoss(logits(), labels(), torch.ones([3], f64))).toThrow(/\[nllLoss\] expected scalar type Float but found Double/);
    expect(() => new nn.CrossEntropyLoss(torch.ones(3)).call(logits().double(), labels())).toThrow(/expected scalar type Double but found Float/);
    expect(new nn.CrossEntropyLoss(torch.ones(3)).to('float64').call(logits().double(), labels()).dtype).toBe('float64');
  });

  it('probability-target cross entropy promotes a float64 weight, as PyTorch (float64 result)', async () => {
    const target = torch.tensor([[0.2, 0.3, 0.5], [1, 0, 0]]);
    const w = torch.tensor([1, 2, 3], f64);
    const out = F.crossEntropy(logits(), target, { weight: w });
    expect(out.dtype).toBe('float64');
    // PyTorch 1.13: F.cross_entropy(x, t, weight=w.double()) = 1.8395633...
    expect(await out.item()).toBeCloseTo(1.8395633, 5);
  });

  it('binaryCrossEntropy rejects a target of another dtype (PyTorch: "Found dtype Double but expected Float")', () => {
    const p = torch.tensor([0.2, 0.7]);
    expect(() => F.binaryCrossEntropy(p, torch.ones([2], f64))).toThrow(/Found dtype Double but expected Float/);
    expect(() => new nn.BCELoss().call(p, torch.ones(2))).not.toThrow();
  });
});
