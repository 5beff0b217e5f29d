// API.md's Data block, run as written (with its comments turned into assertions).
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';

describe('API.md Data block', () => {
  it('runs as written', async () => {
    const ds = new torch.utils.data.TensorDataset(torch.randn(100, 3), torch.randint(0, 2, [100]));
    expect(ds.length).toBe(100); // 100
    const [x0, y0] = ds.get(0); // [Tensor shape [3], Tensor shape []]
    expect([...x0.shape]).toEqual([3]);
    expect([...y0.shape]).toEqual([]);
    const loader = new torch.utils.data.DataLoader(ds, { batchSize: 16, shuffle: true, dropLast: false });
    expect(loader.length).toBe(7); // 7
    const shapes: number[][][] = [];
    for await (const [xb, yb] of loader) {
      /* xb [16, 3], yb [16]; last batch 4 */
      shapes.push([[...xb.shape], [...yb.shape]]);
    }
    expect(shapes.slice(0, 6)).toEqual(Array(6).fill([[16, 3], [16]]));
    expect(shapes[6]).toEqual([[4, 3], [4]]);
    class Squares extends torch.utils.data.Dataset<[torch.Tensor, torch.Tensor]> {
      get length() { return 10; }
      get(i: number): [torch.Tensor, torch.Tensor] { return [torch.tensor([i]), torch.tensor([i * i])]; }
    }
    const sq = new Squares();
    expect(sq.length).toBe(10);
    const batches = [];
    for await (const [a, b] of new torch.utils.data.DataLoader(sq, { batchSize: 4 })) batches.push([a.tolistSync(), b.tolistSync()]);
    expect(batches).toEqual([
      [[[0], [1], [2], [3]], [[0], [1], [4], [9]]],
      [[[4], [5], [6], [7]], [[16], [25], [36], [49]]],
      [[[8], [9]], [[64], [81]]],
    ]);
  });

  it('a shuffled pass visits every sample exactly once, and the batches hold the dataset rows', async () => {
    const xs = torch.arange(100).reshape([100, 1]);
    const ds = new torch.utils.data.TensorDataset(xs, torch.arange(100).mul(2));
    const seen: number[] = [];
    for await (const [xb, yb] of new torch.utils.data.DataLoader(ds, { batchSize: 16, shuffle: true })) {
      const x = (xb.tolistSync() as number[][]).map((r) => r[0]);
      expect(yb.tolistSync()).toEqual(x.map((v) => v * 2));
      seen.push(...x);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
