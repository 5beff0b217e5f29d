import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler } from '@typetorch/data';

const src = (n: number) => ({ length: n });
const gen = (seed: number) => new torch.Generator().manualSeed(seed);

describe('samplers', () => {
  it('SequentialSampler visits 0..n-1', () => {
    const s = new SequentialSampler(src(4));
    expect([...s]).toEqual([0, 1, 2, 3]);
    expect(s.length).toBe(4);
  });

  it('RandomSampler gives a permutation, reproducible with a generator, new each pass', () => {
    const s = new RandomSampler(src(10), { generator: gen(3) });
    const first = [...s];
    const second = [...s];
    expect([...first].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(second).not.toEqual(first);
    expect([...new RandomSampler(src(10), { generator: gen(3) })]).toEqual(first);
    torch.manualSeed(5);
    const a = [...new RandomSampler(src(10))];
    torch.manualSeed(5);
    expect([...new RandomSampler(src(10))]).toEqual(a);
  });

  it('RandomSampler with numSamples repeats whole permutations, then a truncated one', () => {
    const s = new RandomSampler(src(4), { numSamples: 10, generator: gen(1) });
    const v = [...s];
    expect(s.length).toBe(10);
    expect(v).toHaveLength(10);
    expect([...v.slice(0, 4)].sort()).toEqual([0, 1, 2, 3]);
    expect([...v.slice(4, 8)].sort()).toEqual([0, 1, 2, 3]);
    expect(new Set(v.slice(8)).size).toBe(2);
  });

  it('RandomSampler with replacement draws uniformly', () => {
    const v = [...new RandomSampler(src(5), { replacement: true, numSamples: 5000, generator: gen(9) })];
    expect(v).toHaveLength(5000);
    const counts = [0, 0, 0, 0, 0];
    for (const i of v) counts[i]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });

  it('RandomSampler checks its options', () => {
    expect(() => new RandomSampler(src(3), { numSamples: 0 })).toThrow('[RandomSampler] numSamples should be a positive integer value, but got numSamples=0');
    expect(() => new RandomSampler(src(0))).toThrow('[RandomSampler] numSamples should be a positive integer value, but got numSamples=0');
    expect(() => new RandomSampler(src(3), { replacement: 1 as unknown as boolean })).toThrow('[RandomSampler] replacement should be a boolean value');
  });

  it('SubsetRandomSampler permutes the given indices', () => {
    const s = new SubsetRandomSampler([10, 20, 30, 40], { generator: gen(2) });
    const v = [...s];
    expect([...v].sort()).toEqual([10, 20, 30, 40]);
    expect([...new SubsetRandomSampler([10, 20, 30, 40], { generator: gen(2) })]).toEqual(v);
    expect(s.length).toBe(4);
  });

  it('WeightedRandomSampler follows the weights', () => {
    const s = new WeightedRandomSampler([1, 0, 3], 4000, { generator: gen(4) });
    const counts = [0, 0, 0];
    for (const i of s) counts[i]++;
    expect(counts[1]).toBe(0);
    expect(counts[0] / 4000).toBeCloseTo(0.25, 1);
    expect(counts[2] / 4000).toBeCloseTo(0.75, 1);
    expect([...new WeightedRandomSampler([1, 0, 3], 20, { generator: gen(4) })]).toEqual([...new WeightedRandomSampler([1, 0, 3], 20, { generator: gen(4) })]);
    const noRepeat = [...new WeightedRandomSampler([1, 1, 1, 1], 4, { replacement: false, generator: gen(1) })];
    expect([...noRepeat].sort()).toEqual([0, 1, 2, 3]);
    expect(() => new WeightedRandomSampler(torch.ones(2, 2), 3)).toThrow('[WeightedRandomSampler] weights should be a 1d sequence but given weights have shape [2, 2]');
  });

  it('BatchSampler groups indices and counts batches', () => {
    expect([...new BatchSampler(new SequentialSampler(src(7)), 3, false)]).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect([...new BatchSampler(new SequentialSampler(src(7)), 3, true)]).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(new BatchSampler(new SequentialSampler(src(7)), 3, false).length).toBe(3);
    expect(new BatchSampler(new SequentialSampler(src(7)), 3, true).length).toBe(2);
    expect(() => new BatchSampler(new SequentialSampler(src(7)), 0, false)).toThrow('[BatchSampler] batchSize should be a positive integer value, but got batchSize=0');
  });
});
