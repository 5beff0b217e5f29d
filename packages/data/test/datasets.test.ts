import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { ConcatDataset, Dataset, Subset, TensorDataset, randomSplit } from '@typetorch/data';

class Range extends Dataset<number> {
  constructor(private readonly n: number, private readonly start = 0) { super(); }
  get length() { return this.n; }
  get(i: number) { return this.start + i; }
}

describe('TensorDataset', () => {
  it('returns row i of every tensor, negative indices from the end', () => {
    const ds = new TensorDataset(torch.arange(6).reshape([3, 2]), torch.tensor([7, 8, 9]));
    expect(ds.length).toBe(3);
    expect(ds.get(1).map((t) => t.tolistSync())).toEqual([[2, 3], 8]);
    expect(ds.get(-1).map((t) => t.tolistSync())).toEqual([[4, 5], 9]);
  });

  it('refuses tensors with different first dimensions', () => {
    expect(() => new TensorDataset(torch.zeros(3, 2), torch.zeros(4))).toThrow(
      '[TensorDataset] Size mismatch between tensors: tensor 0 has 3 rows but tensor 1 has 4',
    );
  });
});

describe('ConcatDataset and Subset', () => {
  it('concatenates datasets and maps indices, including negative ones', () => {
    const ds = new ConcatDataset([new Range(3, 0), new Range(0), new Range(2, 100)]);
    expect(ds.length).toBe(5);
    expect(ds.cumulativeSizes).toEqual([3, 3, 5]);
    expect(Array.from({ length: 5 }, (_, i) => ds.get(i))).toEqual([0, 1, 2, 100, 101]);
    expect(ds.get(-1)).toBe(101);
    expect(() => ds.get(-6)).toThrow('[ConcatDataset] absolute value of index should not exceed dataset length');
    expect(() => ds.get(5)).toThrow('[ConcatDataset] index 5 is out of range for length 5');
    expect(() => new ConcatDataset([])).toThrow('[ConcatDataset] datasets should not be an empty iterable');
  });

  it('Subset reads the chosen indices in order', () => {
    const s = new Subset(new Range(10, 50), [9, 0, 4]);
    expect(s.length).toBe(3);
    expect([s.get(0), s.get(1), s.get(2), s.get(-1)]).toEqual([59, 50, 54, 54]);
    expect(() => s.get(3)).toThrow('[Subset] index 3 is out of range for length 3');
  });
});

describe('randomSplit', () => {
  it('splits by lengths into disjoint subsets covering the dataset', () => {
    const parts = randomSplit(new Range(10), [3, 7], { generator: new torch.Generator().manualSeed(42) });
    expect(parts.map((p) => p.length)).toEqual([3, 7]);
    const all = parts.flatMap((p) => [...p.indices]);
    expect([...all].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('rounds fractions as PyTorch 1.13 does (floor, then the remainder round-robin from the first)', () => {
    expect(randomSplit(new Range(10), [0.5, 0.3, 0.2]).map((p) => p.length)).toEqual([5, 3, 2]);
    expect(randomSplit(new Range(11), [0.34, 0.33, 0.33]).map((p) => p.length)).toEqual([4, 4, 3]); // floors 3,3,3 + 2
    expect(randomSplit(new Range(5), [0.25, 0.25, 0.25, 0.25]).map((p) => p.length)).toEqual([2, 1, 1, 1]);
    expect(randomSplit(new Range(100), [0.1, 0.2, 0.7]).map((p) => p.length)).toEqual([10, 20, 70]);
  });

  it('is reproducible with a seeded generator and with torch.manualSeed', () => {
    const a = randomSplit(new Range(20), [5, 15], { generator: new torch.Generator().manualSeed(1) }).map((p) => p.indices);
    const b = randomSplit(new Range(20), [5, 15], { generator: new torch.Generator().manualSeed(1) }).map((p) => p.indices);
    expect(a).toEqual(b);
    torch.manualSeed(7);
    const c = randomSplit(new Range(20), [0.5, 0.5]).map((p) => p.indices);
    torch.manualSeed(7);
    expect(randomSplit(new Range(20), [0.5, 0.5]).map((p) => p.indices)).toEqual(c);
  });

  it('refuses lengths that do not add up and fractions outside [0, 1]', () => {
    expect(() => randomSplit(new Range(10), [3, 3])).toThrow(
      '[randomSplit] Sum of input lengths does not equal the length of the input dataset! (6 vs 10)',
    );
    expect(() => randomSplit(new Range(10), [1.5, -0.5])).toThrow('[randomSplit] Fraction at index 0 is not between 0 and 1: 1.5');
  });
});
