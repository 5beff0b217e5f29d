// nn.init: PyTorch's bounds and standard deviations (formulas of torch/nn/init.py, 1.13), checked on
// the values drawn; generators make draws reproducible.
import { describe, it, expect } from 'vitest';
import * as torch from 'typetorch';
import { Parameter, init } from '@typetorch/nn';

function stats(t: torch.Tensor): { min: number; max: number; mean: number; std: number } {
  return {
    min: t.min().itemSync() as number,
    max: t.max().itemSync() as number,
    mean: t.mean().itemSync() as number,
    std: t.std().itemSync() as number,
  };
}

describe('init.calculateGain and fans', () => {
  it('gives PyTorch\'s gains', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as init.Nonlinearity)).toThrow('Unsupported nonlinearity swish');
  });

  it('computes fan in and fan out of linear and conv weights', () => {
    expect(init.calculateFanInAndFanOut(torch.empty(120, 400))).toEqual([400, 120]);
    expect(init._calculateFanInAndFanOut(torch.empty(6, 3, 5, 5))).toEqual([75, 150]);
    expect(() => init.calculateFanInAndFanOut(torch.empty(3))).toThrow(
      'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions',
    );
  });
});

describe('init fills in place, without recording gradients', () => {
  it('fills a parameter that requires grad and returns it, keeping it a leaf', () => {
    const p = new Parameter(torch.empty(3, 4));
    expect(init.constant_(p, 0.25)).toBe(p);
    expect(p.tolistSync()).toEqual([[0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]]);
    expect(p.isLeaf).toBe(true);
    expect(p.requiresGrad).toBe(true);
    expect(init.ones_(p).sum().itemSync()).toBe(12);
    expect(init.zeros_(p).abs().sum().itemSync()).toBe(0);
  });

  it('draws uniform_ in [a, b) and normal_ with the given mean and std', () => {
    const u = stats(init.uniform_(torch.empty(20000), -2, 3));
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    const n = stats(init.normal_(torch.empty(20000), 1, 0.5));
    expect(n.mean).toBeCloseTo(1, 1);
    expect(n.std).toBeCloseTo(0.5, 1);
  });

  it('reproduces draws from a generator', () => {
    const draw = () => init.kaimingUniform_(torch.empty(4, 5), { a: Math.sqrt(5), generator: new torch.Generator().manualSeed(7) });
    expect(draw().tolistSync()).toEqual(draw().tolistSync());
    const a = init.normal_(torch.empty(5), 0, 1, { generator: new torch.Generator().manualSeed(3) });
    const b = init.normal_(torch.empty(5), 0, 1, { generator: new torch.Generator().manualSeed(3) });
    expect(a.tolistSync()).toEqual(b.tolistSync());
    torch.manualSeed(11);
    const c = init.xavierUniform_(torch.empty(3, 3)).tolistSync();
    torch.manualSeed(11);
    expect(init.xavierUniform_(torch.empty(3, 3)).tolistSync()).toEqual(c);
  });
});

describe('Xavier and Kaiming initialisation use PyTorch\'s bounds', () => {
  it('kaimingUniform_ with a = √5 (the Linear default) stays within 1/√fanIn', () => {
    const w = init.kaimingUniform_(torch.empty(120, 400), Math.sqrt(5));
    const s = stats(w);
    const bound = 1 / Math.sqrt(400); // gain √(1/3) × √(3 / 400)
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.max).toBeGreaterThan(bound * 0.99);
    expect(s.std).toBeCloseTo(bound / Math.sqrt(3), 3);
  });

  it('kaimingUniform_ accepts mode and nonlinearity, positionally or as options', () => {
    const fanOut = init.kaimingUniform_(torch.empty(50, 200), 0, 'fan_out', 'relu');
    const bound = Math.SQRT2 * Math.sqrt(3 / 50);
    expect(stats(fanOut).max).toBeLessThanOrEqual(bound);
    expect(stats(fanOut).max).toBeGreaterThan(bound * 0.98);
    const viaOptions = init.kaimingUniform_(torch.empty(50, 200), { mode: 'fan_out', nonlinearity: 'relu' });
    expect(stats(viaOptions).max).toBeGreaterThan(bound * 0.98);
    expect(() => init.kaimingUniform_(torch.empty(2, 2), 0, 'fan_avg' as init.FanMode)).toThrow(
      "Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']",
    );
  });

  it('kaimingNormal_ draws with std gain / √fan', () => {
    const s = stats(init.kaimingNormal_(torch.empty(200, 300), { nonlinearity: 'relu' }));
    expect(s.std).toBeCloseTo(Math.SQRT2 / Math.sqrt(300), 3);
    expect(s.mean).toBeCloseTo(0, 2);
  });

  it('xavierUniform_ stays within gain × √(6 / (fanIn + fanOut)) and xavierNormal_ has that std / √3', () => {
    const bound = 2 * Math.sqrt(6 / (150 + 75));
    const u = stats(init.xavierUniform_(torch.empty(6, 3, 5, 5), 2));
    expect(u.max).toBeLessThanOrEqual(bound);
    expect(u.min).toBeGreaterThanOrEqual(-bound);
    expect(u.max).toBeGreaterThan(bound * 0.97);
    const n = stats(init.xavierNormal_(torch.empty(300, 500), { gain: 0.5 }));
    expect(n.std).toBeCloseTo(0.5 * Math.sqrt(2 / 800), 3);
  });

  it('leaves zero-element tensors alone in the Kaiming initialisers', () => {
    expect(init.kaimingUniform_(torch.empty(0, 3)).shape).toEqual([0, 3]);
    expect(init.kaimingNormal_(torch.empty(3, 0)).numel()).toBe(0);
  });
});

describe('orthogonal_, eye_ and dirac_', () => {
  it('orthogonal_ gives orthonormal rows for a wide matrix and orthonormal columns for a tall one', () => {
    const wide = init.orthogonal_(torch.empty(3, 7));
    const eye3 = torch.eye(3);
    expect(wide.matmul(wide.t()).sub(eye3).abs().max().itemSync()).toBeLessThan(1e-5);
    const tall = init.orthogonal_(torch.empty(8, 4, { dtype: 'float64' }));
    expect(tall.t().matmul(tall).sub(torch.eye(4, { dtype: 'float64' })).abs().max().itemSync()).toBeLessThan(1e-12);
  });

  it('orthogonal_ flattens trailing dims and scales by gain', () => {
    const w = init.orthogonal_(torch.empty(4, 2, 3), 2);
    const flat = w.view(4, 6);
    expect(flat.matmul(flat.t()).sub(torch.eye(4).mul(4)).abs().max().itemSync()).toBeLessThan(1e-4);
    expect(() => init.orthogonal_(torch.empty(3))).toThrow('Only tensors with 2 or more dimensions are supported');
  });

  it('eye_ writes the identity and dirac_ the centred delta per group', () => {
    expect(init.eye_(torch.empty(2, 3)).tolistSync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    const d = init.dirac_(torch.empty(2, 1, 3));
    expect(d.tolistSync()).toEqual([[[0, 1, 0]], [[0, 0, 0]]]);
    const g = init.dirac_(torch.empty(4, 1, 1, 1), 2);
    expect(g.view(4).tolistSync()).toEqual([1, 0, 1, 0]);
    expect(() => init.dirac_(torch.empty(3, 3))).toThrow('Only tensors with 3, 4, or 5 dimensions are supported');
  });
});
