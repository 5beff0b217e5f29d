import { describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import { cpuBackend } from '@typetorch/backend-cpu';
import type { Tensor } from '@typetorch/core';

const list = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);

/** The Philox key of a seed below 2**32 (its high word is zero). */
const keyOf = (seed: number): [number, number] => [seed >>> 0, 0];

/** A CPU-backed device without synchronous reads, as WebGPU. */
function asyncOnlyDevice(name: string): void {
  const { readSync: _readSync, hostArray: _hostArray, wrapHostArray: _wrap, ...rest } = cpuBackend;
  torch.registerBackend(name, { ...rest, name });
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function std(v: number[]): number {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

describe('seeding and generators', () => {
  it('manualSeed makes draws reproducible and returns the default generator', () => {
    expect(torch.manualSeed(0)).toBe(torch.defaultGenerator);
    const a = list(torch.rand(5));
    const b = list(torch.randn(4));
    torch.manualSeed(0);
    expect(list(torch.rand(5))).toEqual(a);
    expect(list(torch.randn(4))).toEqual(b);
    torch.manualSeed(1);
    expect(list(torch.rand(5))).not.toEqual(a);
  });

  it('draws the Philox stream of the backend contract, continuing where the last draw stopped', () => {
    torch.manualSeed(42);
    const first = list(torch.rand(3));
    const second = list(torch.rand(2, { dtype: 'float64' }));
    const key = keyOf(42);
    expect(first).toEqual([0, 1, 2].map((i) => torch.uniformAt(key, 0, i, false)));
    expect(second).toEqual([0, 1].map((i) => torch.uniformAt(key, 3, i, true)));
  });

  it('splits a 64-bit seed into the Philox key and wraps negative seeds as PyTorch', () => {
    const g = new torch.Generator().manualSeed(2n ** 40n + 7n);
    expect(g.getState()).toEqual({ seed: 2n ** 40n + 7n, counter: 0 });
    expect(list(torch.rand(1, { generator: g }))).toEqual([torch.uniformAt([7, 256], 0, 0, false)]);
    expect(new torch.Generator().manualSeed(-1).getState().seed).toBe(2n ** 64n - 1n);
    expect(() => torch.manualSeed(1.5)).toThrow('[manualSeed] expected an integer seed');
  });

  it('gives new generators PyTorch default seed, and seed() a fresh one', () => {
    const g = new torch.Generator();
    expect(g.initialSeed()).toBe(67280421310721);
    const s = g.seed();
    expect(Number.isSafeInteger(s)).toBe(true);
    expect(g.initialSeed()).toBe(s);
    torch.manualSeed(123);
    expect(torch.initialSeed()).toBe(123);
  });

  it('keeps generators independent of the default one', () => {
    torch.manualSeed(5);
    const expected = list(torch.rand(4));
    const g = new torch.Generator().manualSeed(5);
    torch.manualSeed(99);
    const before = torch.getRngState();
    expect(list(torch.rand(4, { generator: g }))).toEqual(expected);
    expect(torch.getRngState()).toEqual(before);
  });

  it('getState/setState replay a stream', () => {
    const g = new torch.Generator().manualSeed(3);
    torch.rand(7, { generator: g });
    const state = g.getState();
    const a = list(torch.randn(6, { generator: g }));
    g.setState(state);
    expect(list(torch.randn(6, { generator: g }))).toEqual(a);
    torch.setRngState(state);
    expect(list(torch.randn(6))).toEqual(a);
  });

  it('rejects a generator option that is not a Generator', () => {
    expect(() => torch.rand(2, { generator: {} as never })).toThrow('[rand] expected generator to be a torch.Generator');
  });
});

describe('rand and randn', () => {
  it('rand gives uniform numbers in [0, 1) with the requested shape and dtype', () => {
    torch.manualSeed(0);
    const r = torch.rand(5, 3);
    expect(r.shape).toEqual([5, 3]);
    expect(r.dtype).toBe('float32');
    const v = list(torch.rand(10000));
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(mean(v)).toBeCloseTo(0.5, 1);
    expect(torch.rand([2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(torch.rand([], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('rejects integer dtypes', () => {
    expect(() => torch.rand(2, { dtype: 'int64' })).toThrow('[rand] expected a floating-point dtype (float32 or float64), got int64');
    expect(() => torch.randn(2, { dtype: 'int32' })).toThrow(/\[randn\] expected a floating-point dtype/);
  });

  it('randn is Box–Muller over the uniform stream: cosines first, then sines', () => {
    torch.manualSeed(7);
    const z = list(torch.randn(5, { dtype: 'float64' }));
    const key = keyOf(7);
    const u = (i: number) => torch.uniformAt(key, 0, i, true);
    const expected = [0, 1, 2].map((i) => Math.sqrt(-2 * Math.log(1 - u(i))) * Math.cos(2 * Math.PI * u(3 + i)));
    expected.push(...[0, 1].map((i) => Math.sqrt(-2 * Math.log(1 - u(i))) * Math.sin(2 * Math.PI * u(3 + i))));
    z.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });

  it('randn has mean 0 and standard deviation 1, and handles empty shapes', () => {
    torch.manualSeed(1);
    const v = list(torch.randn([3, 4]).reshape(-1).add(0));
    expect(v).toHaveLength(12);
    const big = list(torch.randn(20001));
    expect(Math.abs(mean(big))).toBeLessThan(0.03);
    expect(std(big)).toBeCloseTo(1, 1);
    expect(big.every(Number.isFinite)).toBe(true);
    expect(torch.randn(0, 3).shape).toEqual([0, 3]);
  });

  it('randLike and randnLike follow their argument, options overriding', () => {
    const t = torch.tensor([5.5, 3]);
    expect(torch.randLike(t, { dtype: 'float64' }).dtype).toBe('float64');
    expect(torch.randnLike(torch.zeros(2, 3)).shape).toEqual([2, 3]);
    expect(() => torch.randLike(torch.tensor([1n]))).toThrow(/\[randLike\] expected a floating-point dtype/);
  });

  it('works on a device without synchronous reads', async () => {
    asyncOnlyDevice('async-random');
    torch.manualSeed(0);
    const onCpu = list(torch.randn(9));
    torch.manualSeed(0);
    const elsewhere = torch.randn(9, { device: 'async-random' });
    expect(elsewhere.device).toBe('async-random');
    expect(Array.from((await elsewhere.data()) as Float32Array)).toEqual(onCpu);
  });
});

describe('randint', () => {
  it('draws int64 integers in [low, high) from floor(u * (high - low)) + low', () => {
    torch.manualSeed(11);
    const r = torch.randint(3, 10, [2, 2]);
    expect(r.shape).toEqual([2, 2]);
    expect(r.dtype).toBe('int64');
    const key = keyOf(11);
    expect(list(r)).toEqual([0, 1, 2, 3].map((i) => Math.floor(torch.uniformAt(key, 0, i, true) * 7) + 3));
  });

  it('covers the whole range and nothing else', () => {
    torch.manualSeed(0);
    const v = list(torch.randint(0, 2, [100]));
    expect(new Set(v)).toEqual(new Set([0, 1]));
    const w = list(torch.randint(-5, 5, [2000]));
    expect(Math.min(...w)).toBe(-5);
    expect(Math.max(...w)).toBe(4);
  });

  it('accepts randint(high, size), bigint bounds and a dtype', () => {
    expect(list(torch.randint(1, [4]))).toEqual([0, 0, 0, 0]);
    expect(torch.randint(0n, 2n ** 40n, [3]).dtype).toBe('int64');
    expect(torch.randint(0, 5, [3], { dtype: 'float32' }).dtype).toBe('float32');
    expect(torch.randint(0, 2, [3], { dtype: 'bool' }).dtype).toBe('bool');
  });

  it('reports bad bounds and sizes', () => {
    expect(() => torch.randint(10, 3, [2])).toThrow('[randint] expected low < high, got low=10 and high=3');
    expect(() => torch.randint(3, 3, [2])).toThrow(/expected low < high/);
    expect(() => torch.randint(0, 10, 5 as never)).toThrow('[randint] expected the size as an array');
    expect(() => torch.randint(0.5, 3, [2])).toThrow('[randint] expected low to be an integer');
  });

  it('randintLike keeps the argument dtype', () => {
    const r = torch.randintLike(torch.zeros(50), 3, 5);
    expect(r.dtype).toBe('float32');
    expect(list(r).every((v) => v === 3 || v === 4)).toBe(true);
    expect(list(torch.randintLike(torch.zeros(4, { dtype: 'int32' }), 1))).toEqual([0, 0, 0, 0]);
  });
});

describe('randperm', () => {
  it('is a permutation of 0..n-1, reproducible with a seed', () => {
    torch.manualSeed(0);
    const p = torch.randperm(50);
    expect(p.dtype).toBe('int64');
    const v = list(p);
    expect([...v].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(v).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    torch.manualSeed(0);
    expect(list(torch.randperm(50))).toEqual(v);
  });

  it('supports n = 0, dtypes and reports bad arguments', () => {
    expect(torch.randperm(0).shape).toEqual([0]);
    expect(torch.randperm(4, { dtype: 'float32' }).dtype).toBe('float32');
    expect(() => torch.randperm(-1)).toThrow('[randperm] expected non-negative sizes, got [-1]');
    expect(() => torch.randperm(4, { dtype: 'bool' })).toThrow('[randperm] not implemented for dtype bool');
  });
});

describe('in-place random ops', () => {
  it('uniform_ fills in [from, to), returns the tensor and bumps its version', () => {
    const x = torch.zeros(1000);
    const version = x._version;
    expect(x.uniform_(-2, 3)).toBe(x);
    expect(x._version).toBeGreaterThan(version);
    const v = list(x);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThan(3);
    expect(mean(v)).toBeCloseTo(0.5, 0);
  });

  it('uniform_ writes through views', () => {
    const base = torch.zeros(3, 4);
    base.t().uniform_(5, 6);
    expect(list(base).every((v) => v >= 5 && v < 6)).toBe(true);
  });

  it('normal_ draws the requested mean and standard deviation', () => {
    torch.manualSeed(2);
    const v = list(torch.zeros(20000, { dtype: 'float64' }).normal_(3, 0.5));
    expect(mean(v)).toBeCloseTo(3, 1);
    expect(std(v)).toBeCloseTo(0.5, 1);
  });

  it('reports PyTorch errors for bad bounds and integer tensors', () => {
    expect(() => torch.zeros(3).uniform_(1, 0)).toThrow('[uniform_] expected from <= to, got from=1 > to=0');
    expect(() => torch.zeros(3, { dtype: 'int64' }).uniform_()).toThrow(/\[uniform_\] expected a floating-point dtype/);
    expect(() => torch.zeros(3).normal_(0, -1)).toThrow('[normal_] expected std >= 0, got std=-1');
    expect(() => torch.zeros(3, { requiresGrad: true }).normal_()).toThrow(/leaf Variable that requires grad/);
  });

  it('bernoulli_ fills any dtype with 0/1 draws of probability p', () => {
    expect(list(torch.zeros(5).bernoulli_(1))).toEqual([1, 1, 1, 1, 1]);
    expect(list(torch.ones(5).bernoulli_(0))).toEqual([0, 0, 0, 0, 0]);
    expect(torch.zeros(3, { dtype: 'bool' }).bernoulli_(1).tolistSync()).toEqual([true, true, true]);
    torch.manualSeed(0);
    const v = list(torch.zeros(10000, { dtype: 'int64' }).bernoulli_(0.3));
    expect(mean(v)).toBeCloseTo(0.3, 1);
    const p = torch.tensor([0, 1, 0, 1]);
    expect(list(torch.zeros(2, 4).bernoulli_(p))).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(() => torch.zeros(3).bernoulli_(1.5)).toThrow('[bernoulli_] expected p to be in [0, 1], got p=1.5');
  });

  it('bernoulli samples with the tensor probabilities in its dtype', () => {
    const b = torch.bernoulli(torch.tensor([0, 1, 1, 0], { dtype: 'float64' }));
    expect(b.dtype).toBe('float64');
    expect(list(b)).toEqual([0, 1, 1, 0]);
    expect(() => torch.bernoulli(torch.tensor([0n, 1n]))).toThrow('[bernoulli] expected a floating-point tensor of probabilities, got int64');
  });

  it('take a generator option', () => {
    const g = new torch.Generator().manualSeed(8);
    const a = list(torch.zeros(4).uniform_(0, 1, { generator: g }));
    g.manualSeed(8);
    expect(list(torch.rand(4, { generator: g }))).toEqual(a);
  });
});

describe('multinomial', () => {
  it('samples distinct categories without replacement, never a zero weight', () => {
    torch.manualSeed(0);
    for (let k = 0; k < 20; k++) {
      const s = list(torch.multinomial(torch.tensor([1, 0, 3, 2, 0]), 3));
      expect(new Set(s).size).toBe(3);
      expect(s.every((i) => [0, 2, 3].includes(i))).toBe(true);
    }
    expect(torch.multinomial(torch.tensor([1, 0, 0]), 1).tolistSync()).toEqual([0]);
  });

  it('samples with replacement in proportion to the weights', () => {
    torch.manualSeed(1);
    const s = list(torch.multinomial(torch.tensor([1, 0, 3]), 8000, { replacement: true }));
    expect(s.includes(1)).toBe(false);
    expect(s.filter((i) => i === 2).length / s.length).toBeCloseTo(0.75, 1);
  });

  it('samples every row of a 2-D tensor into int64 [rows, samples]', () => {
    const s = torch.multinomial(torch.tensor([[0, 1], [1, 0]]), 1);
    expect(s.dtype).toBe('int64');
    expect(s.tolistSync()).toEqual([[1], [0]]);
  });

  it('is reproducible with a generator', () => {
    const g = new torch.Generator().manualSeed(4);
    const weights = torch.rand(10);
    const a = list(torch.multinomial(weights, 5, { generator: g }));
    g.manualSeed(4);
    expect(list(torch.multinomial(weights, 5, { generator: g }))).toEqual(a);
  });

  it('reports PyTorch errors', () => {
    expect(() => torch.multinomial(torch.tensor([1, 1, 0]), 4)).toThrow(
      '[multinomial] cannot sample n_sample > prob_dist.size(-1) samples without replacement (4 > 3)',
    );
    expect(() => torch.multinomial(torch.tensor([1, 1, 0]), 3)).toThrow(/not enough non-negative category to sample/);
    expect(() => torch.multinomial(torch.tensor([1, 1]), 0)).toThrow('[multinomial] cannot sample n_sample <= 0 samples (got 0)');
    expect(() => torch.multinomial(torch.tensor([1, -1]), 1)).toThrow('probability tensor contains either `inf`, `nan` or element < 0');
    expect(() => torch.multinomial(torch.tensor([0, 0]), 1)).toThrow('invalid multinomial distribution (sum of probabilities <= 0)');
    expect(() => torch.multinomial(torch.tensor([1n, 1n]), 1)).toThrow('[multinomial] only supports floating-point dtypes for input, got int64');
    expect(() => torch.multinomial(torch.zeros(2, 2, 2), 1)).toThrow('[multinomial] prob_dist must be 1 or 2 dim, got 3 dims');
  });

  it('names the async form on devices without synchronous reads, and the async form works', async () => {
    asyncOnlyDevice('async-multinomial');
    const w = torch.tensor([0, 0, 1], { device: 'async-multinomial' });
    expect(() => torch.multinomial(w, 1)).toThrow(
      "[multinomial] needs a synchronous read of the probabilities, which device 'async-multinomial' cannot do; use await torch.multinomialAsync(x, 1)",
    );
    const s = await torch.multinomialAsync(w, 1);
    expect(s.device).toBe('async-multinomial');
    expect(await s.tolist()).toEqual([2]);
  });
});
