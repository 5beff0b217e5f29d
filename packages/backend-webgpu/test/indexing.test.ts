/**
 * gather, scatter and scatterAdd on WebGPU against the CPU backend, through the public API:
 * every dim (negative too), strided operands, duplicate indices, advanced indexing and embeddings.
 */
import * as torch from 'typetorch';
import { describe, expect, it } from 'vitest';
import { gpu } from './gpu.js';

await gpu();

type Tensor = torch.Tensor;

/** A deterministic float tensor on cpu with small integer values (exact sums in any order). */
function ints(shape: number[], modulo = 17, dtype: 'float32' | 'int32' | 'int64' | 'uint8' = 'float32'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => ((i * 7 + 3) % modulo) - (dtype === 'uint8' ? 0 : 5));
  return torch.tensor(values, { dtype }).reshape(shape);
}

/** Deterministic int64 indices in `[0, size)` of `shape`. */
function indices(shape: number[], size: number, seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.tensor(Array.from({ length: n }, (_, i) => (i * 5 + seed * 3 + ((i * i) % 7)) % size), { dtype: 'int64' }).reshape(shape);
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data(), Number);
}

/** Runs `f` on cpu and on webgpu copies of `inputs` and expects equal results (within `tol`). */
async function same(inputs: Tensor[], f: (...xs: Tensor[]) => Tensor, tol = 0): Promise<Tensor> {
  const want = f(...inputs);
  const got = f(...inputs.map((t) => t.to('webgpu')));
  expect(got.device).toBe('webgpu');
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const [a, b] = [await values(got), await values(want)];
  if (tol === 0) expect(a).toEqual(b);
  else for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
  return got;
}

describe('gather on webgpu', () => {
  it('picks along every dim, negative dims included, for every dtype', async () => {
    for (const dtype of ['float32', 'int32', 'int64', 'uint8'] as const) {
      const x = ints([3, 4, 5], 17, dtype);
      for (const dim of [0, 1, 2, -1, -3]) {
        const d = (dim + 3) % 3;
        const shape = [2, 3, 4];
        await same([x, indices(shape, x.shape[d]!)], (a, i) => torch.gather(a, dim, i));
      }
    }
    const mask = torch.tensor([true, false, true, true, false]);
    await same([mask, torch.tensor([4, 0, 0, 2], { dtype: 'int64' })], (m, i) => torch.gather(m, 0, i));
  });

  it('reads transposed inputs and strided (int32) indices', async () => {
    const x = ints([6, 5]).t(); // [5, 6], non-contiguous
    const index = indices([8, 5], 6).t(); // [5, 8] transposed index
    await same([x, index], (a, i) => torch.gather(a, 1, i));
    const index32 = indices([5, 3], 5).to('int32');
    const got = torch.gather(x.to('webgpu'), 0, index32.to('int64').to('webgpu'));
    expect(await values(got)).toEqual(await values(torch.gather(x, 0, index32.to('int64'))));
  });

  it('handles empty indices and large grids (> 65535 workgroups)', async () => {
    await same([ints([3, 4]), torch.zeros([3, 0], { dtype: 'int64' })], (a, i) => torch.gather(a, 1, i));
    const n = 64 * 65535 + 4097;
    const x = torch.arange(0, 1000, { dtype: 'float32' });
    const index = torch.arange(0, n, { dtype: 'int64' }).remainder(997);
    const got = await values(torch.gather(x.to('webgpu'), 0, index.to('webgpu')));
    expect(got.length).toBe(n);
    for (const i of [0, 996, 997, 1234567, n - 1]) expect(got[i]).toBe(i % 997);
  });

  it('serves advanced indexing with host indices and embedding lookups', async () => {
    const x = ints([6, 4, 3]);
    await same([x], (a) => a.index([5, 0, 2, 2]));
    await same([x], (a) => a.index([-1, -6, 3]));
    await same([x], (a) => a.index(':', [3, 0, 1, 1]));
    await same([x], (a) => a.index([0, 4], ':', [2, 1]));
    await same([x], (a) => a.index(1, [3, 3, 0], ':'));
    const weight = ints([10, 4]);
    const tokens = torch.tensor([[1, 9, 9], [0, 3, 7]], { dtype: 'int64' });
    await same([tokens, weight], (t, w) => torch.nn.functional.embedding(t, w));
    await same([tokens.flatten(), weight], (t, w) => w.indexSelect(0, t));
  });
});

describe('scatter on webgpu', () => {
  it('writes along every dim into a copy, for every dtype', async () => {
    for (const dtype of ['float32', 'int32', 'int64', 'uint8'] as const) {
      const x = ints([4, 5], 13, dtype);
      // A permutation per row / column, so there are no duplicates and the result is exact.
      const rowPerm = torch.tensor([[4, 0, 3, 1, 2], [2, 3, 4, 0, 1]], { dtype: 'int64' });
      const colPerm = torch.tensor([[3, 1, 0, 2, 1], [0, 2, 1, 3, 0]], { dtype: 'int64' }).t().contiguous().t(); // strides [1, 2]
      const src = ints([2, 5], 11, dtype).mul(2);
      await same([x, rowPerm, src], (a, i, s) => torch.scatter(a, 1, i, s));
      await same([x, colPerm, src.t().contiguous().t()], (a, i, s) => torch.scatter(a, -2, i, s));
      await same([x, rowPerm], (a, i) => torch.scatter(a, 1, i, 7));
    }
  });

  it('lets one of several duplicate writes win', async () => {
    const x = torch.zeros([3]).to('webgpu');
    const got = await values(torch.scatter(x, 0, torch.tensor([1, 1, 1, 0], { dtype: 'int64' }).to('webgpu'), torch.tensor([5, 6, 7, 8]).to('webgpu')));
    expect(got[0]).toBe(8);
    expect([5, 6, 7]).toContain(got[1]);
    expect(got[2]).toBe(0);
  });

  it('writes a strided out in place (scatter_ on a transposed view, indexPut)', async () => {
    await same([ints([5, 4])], (a) => {
      const view = a.clone().t(); // [4, 5] non-contiguous
      view.scatter_(1, torch.tensor([[4, 0], [1, 2], [3, 3], [0, 1]], { dtype: 'int64' }).to(a.device), torch.full([4, 2], -9).to(a.device));
      return view;
    });
    await same([ints([4, 6])], (a) => {
      const b = a.clone();
      b.index(':', '::2').indexPut_([[2, 0]], torch.tensor(3).to(a.device)); // a strided view of b
      b.indexPut_([[1, 3], [5, 0]], torch.tensor([10, 20]).to(a.device));
      return b;
    });
  });
});

describe('scatterAdd on webgpu', () => {
  it('accumulates duplicate indices exactly for every dtype, along every dim', async () => {
    for (const dtype of ['float32', 'int32', 'int64', 'uint8'] as const) {
      const x = ints([4, 6, 3], 9, dtype);
      for (const dim of [0, 1, 2, -1]) {
        const d = (dim + 3) % 3;
        const index = indices([4, 6, 3], x.shape[d]!, d + 2); // many duplicates along each dim
        const src = ints([4, 6, 3], 23, dtype);
        await same([x, index, src], (a, i, s) => torch.scatterAdd(a, dim, i, s));
      }
    }
  });

  it('wraps uint8 sums at 256 and ors bools', async () => {
    const x = torch.tensor([250, 1, 0], { dtype: 'uint8' });
    const index = torch.tensor([0, 0, 0, 2, 2], { dtype: 'int64' });
    const src = torch.tensor([3, 4, 200, 100, 100], { dtype: 'uint8' });
    const got = await same([x, index, src], (a, i, s) => torch.scatterAdd(a, 0, i, s));
    expect(await values(got)).toEqual([(250 + 207) % 256, 1, 200]);
    const flags = torch.tensor([false, false, true]);
    await same([flags, index, torch.tensor([false, true, false, false, false])], (a, i, s) => torch.scatterAdd(a, 0, i, s));
  });

  it('sums many float32 contributions into few slots (index_add style, contention)', async () => {
    const n = 20000;
    const src = torch.arange(0, n, { dtype: 'float32' }).remainder(10).add(0.25);
    const index = torch.arange(0, n, { dtype: 'int64' }).remainder(3);
    const got = await same([torch.zeros([3]), index, src], (a, i, s) => torch.scatterAdd(a, 0, i, s));
    expect((await values(got)).reduce((a, b) => a + b, 0)).toBe(n * 4.75);
    // index_add: rows of `src` added to rows of `x` picked by a 1-D index (expanded along dim 1).
    const rows = torch.tensor([2, 0, 2, 2], { dtype: 'int64' });
    await same([ints([3, 5]), rows, ints([4, 5], 7)], (a, r, s) => torch.scatterAdd(a, 0, r.reshape([4, 1]).expand([4, 5]), s));
    await same([ints([3, 5]), ints([4, 5], 7)], (a, s) => a.indexPut([[2, 0, 2, 2]], s, { accumulate: true }));
  });

  it('adds into a strided out in place and reads a broadcast (zero-stride) src', async () => {
    await same([ints([6, 4])], (a) => {
      const view = a.clone().t().index(':', [0, 2, 4]); // gathered copy
      const target = a.clone().t(); // [4, 6], non-contiguous
      target.scatterAdd_(1, torch.tensor([[5, 5, 0], [1, 1, 1], [2, 3, 2], [0, 0, 0]], { dtype: 'int64' }).to(a.device), view);
      return target;
    });
    await same([ints([4, 5])], (a) => torch.scatterAdd(a, 1, torch.tensor([[0, 0, 4]], { dtype: 'int64' }).to(a.device), torch.tensor([[1.5]]).to(a.device).expand([1, 3])));
  });

  it('gives gradients of gather and indexing (scatterAdd in the backward pass)', async () => {
    await same([ints([5, 3])], (a) => {
      const x = a.clone().requiresGrad_();
      x.index([1, 1, 4, 1]).backward(ints([4, 3], 5).to(a.device));
      return x.grad!;
    });
  });
});

// Indices given as device tensors are validated and wrapped (negative values) by core with
// elementwise kernels before the gather or scatter runs.
describe('indexing with device index tensors', () => {
  it('wraps negative indices and picks', async () => {
    const x = ints([6, 4, 3]);
    await same([x, torch.tensor([5, -1, 0, -6], { dtype: 'int64' })], (a, i) => a.index(i));
    await same([x, torch.tensor([[3, 0], [-1, 1]], { dtype: 'int64' })], (a, i) => a.index(':', i));
    await same([x, torch.tensor([1, 3], { dtype: 'int64' }), torch.tensor([5, 0], { dtype: 'int64' })], (a, i, j) => a.indexPut([i, ':', j.remainder(3)], 7));
    await same([ints([3, 5]), torch.tensor([2, 0, 2, 2], { dtype: 'int64' }), ints([4, 5], 7)], (a, r, s) => a.indexPut([r], s, { accumulate: true }));
  });
});
