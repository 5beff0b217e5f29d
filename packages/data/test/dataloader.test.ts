import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { BatchSampler, DataLoader, Dataset, IterableDataset, SequentialSampler, TensorDataset } from '@typetorch/data';

class Vectors extends Dataset<torch.Tensor> {
  constructor(private readonly sizes: number[]) { super(); }
  get length() { return this.sizes.length; }
  get(i: number) { return torch.full([this.sizes[i]], i); }
}

class Stream extends IterableDataset<number> {
  constructor(private readonly n: number) { super(); }
  async *[Symbol.asyncIterator]() { for (let i = 0; i < this.n; i++) yield i * 10; }
}

async function all<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

const ds = () => new TensorDataset(torch.arange(10).reshape([10, 1]), torch.arange(10));
const values = (batches: torch.Tensor[][]) => batches.map(([, y]) => y.tolistSync());

describe('DataLoader', () => {
  it('batches in order, drops a short last batch with dropLast, and counts batches', async () => {
    expect(values(await all(new DataLoader(ds(), { batchSize: 4 })))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const dropped = new DataLoader(ds(), { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect(values(await all(dropped))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(ds()).length).toBe(10);
  });

  it('gives the same shuffled batches for the same seed, and different ones across passes', async () => {
    const a = new DataLoader(ds(), { batchSize: 3, shuffle: true, generator: new torch.Generator().manualSeed(123) });
    const b = new DataLoader(ds(), { batchSize: 3, shuffle: true, generator: new torch.Generator().manualSeed(123) });
    const first = values(await all(a));
    expect(values(await all(b))).toEqual(first);
    expect(values(await all(a))).not.toEqual(first);
    torch.manualSeed(99);
    const c = values(await all(new DataLoader(ds(), { batchSize: 3, shuffle: true })));
    torch.manualSeed(99);
    expect(values(await all(new DataLoader(ds(), { batchSize: 3, shuffle: true })))).toEqual(c);
  });

  it('takes a sampler, a batch sampler and a collate function', async () => {
    expect(values(await all(new DataLoader(ds(), { batchSize: 2, sampler: [9, 7, 5] })))).toEqual([[9, 7], [5]]);
    const bs = new BatchSampler(new SequentialSampler({ length: 5 }), 2, true);
    const loader = new DataLoader(ds(), { batchSampler: bs, collateFn: (batch) => batch.map(([, y]) => y.itemSync()) });
    expect(loader.length).toBe(2);
    expect(await all(loader)).toEqual([[0, 1], [2, 3]]);
    expect(await all(new DataLoader(ds(), { batchSampler: [[3], [1, 2]], collateFn: (b) => b.length }))).toEqual([1, 2]);
  });

  it('yields single samples with batchSize null', async () => {
    const loader = new DataLoader(new Vectors([1, 2]), { batchSize: null });
    expect(loader.length).toBe(2);
    expect((await all(loader)).map((t) => (t as torch.Tensor).tolistSync())).toEqual([[0], [1, 1]]);
  });

  it('batches an IterableDataset in stream order', async () => {
    expect((await all(new DataLoader(new Stream(5), { batchSize: 2 }))).map((t) => t.tolistSync())).toEqual([[0, 10], [20, 30], [40]]);
    expect((await all(new DataLoader(new Stream(5), { batchSize: 2, dropLast: true }))).map((t) => t.tolistSync())).toEqual([[0, 10], [20, 30]]);
    expect(() => new DataLoader(new Stream(5)).length).toThrow('[DataLoader] length is unknown: the IterableDataset defines no length');
    expect(() => new DataLoader(new Stream(5), { shuffle: true })).toThrow(
      '[DataLoader] DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true',
    );
  });

  it('names the sample indices and shapes when samples cannot be stacked', async () => {
    const loader = new DataLoader(new Vectors([3, 3, 3, 2]), { batchSize: 2, sampler: [3, 0, 1, 2] });
    await expect(all(loader)).rejects.toThrow(
      '[DataLoader] cannot stack the samples into a batch: sample index 3 has shape [2] but sample index 0 has shape [3]; give them one shape (or pass a collateFn)',
    );
  });

  it('refuses inconsistent options with clear errors', () => {
    expect(() => new DataLoader(ds(), { batchSize: 0 })).toThrow(
      '[DataLoader] batchSize should be a positive integer value (or null to turn batching off), but got batchSize=0',
    );
    expect(() => new DataLoader(ds(), { batchSize: -2 })).toThrow('but got batchSize=-2');
    expect(() => new DataLoader(ds(), { batchSize: 1.5 })).toThrow('but got batchSize=1.5');
    expect(() => new DataLoader(ds(), { sampler: [0, 1], shuffle: true })).toThrow('[DataLoader] sampler option is mutually exclusive with shuffle');
    for (const extra of [{ batchSize: 4 }, { shuffle: true }, { sampler: [0] }, { dropLast: true }]) {
      expect(() => new DataLoader(ds(), { batchSampler: [[0]], ...extra })).toThrow(
        '[DataLoader] batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast',
      );
    }
    expect(() => new DataLoader(ds(), { batchSize: null, dropLast: true })).toThrow('[DataLoader] batchSize: null disables automatic batching');
    expect(() => new DataLoader(ds(), { numWorkers: -1 })).toThrow('[DataLoader] numWorkers option should be a non-negative integer');
    expect(() => new DataLoader(ds(), { prefetchFactor: 4 })).toThrow('[DataLoader] prefetchFactor option could only be specified with workers');
    expect(() => new DataLoader({} as Dataset<number>)).toThrow('[DataLoader] expected a Dataset (with get() and length) or an IterableDataset');
  });
});
