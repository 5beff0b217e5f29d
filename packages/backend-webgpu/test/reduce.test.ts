/**
 * Reductions, scans and fused softmax on WebGPU against the CPU backend, through the public API.
 */
import * as torch from 'typetorch';
import type { Tensor } from 'typetorch';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gpu } from './gpu.js';

await gpu();

const onGpu = (t: Tensor): Tensor => t.to('webgpu');

/** Asserts equal shape, dtype and values (floats within a float32 tolerance relative to the size). */
async function same(actual: Tensor, expected: Tensor, tolerance = 1e-5, label = ''): Promise<void> {
  expect(actual.device.toString()).toContain('webgpu');
  expect(actual.shape, label).toEqual(expected.shape);
  expect(actual.dtype, label).toBe(expected.dtype);
  const a = Array.from(await actual.data(), Number);
  const b = Array.from(await expected.data(), Number);
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(b[i])) expect(a[i], `${label} [${i}]`).toBeNaN();
    else if (!Number.isFinite(b[i])) expect(a[i], `${label} [${i}]`).toBe(b[i]);
    else expect(Math.abs(a[i]! - b[i]!), `${label} [${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(b[i]!)));
  }
}

torch.manualSeed(5);

describe('reductions on WebGPU match the CPU', () => {
  const x = torch.randn(4, 5, 6);
  const g = onGpu(x);

  it('sum, prod, amax, amin over single and multiple axes, keepdim and negative dims', async () => {
    for (const dim of [0, 1, -1, [0, 2], [-1, -2], [0, 1, 2]] as const) {
      for (const keepdim of [false, true]) {
        const label = `dim ${String(dim)} keepdim ${keepdim}`;
        await same(g.sum(dim as number, { keepdim }), x.sum(dim as number, { keepdim }), 1e-5, `sum ${label}`);
        await same(torch.amax(g, dim, { keepdim }), torch.amax(x, dim, { keepdim }), 0, `amax ${label}`);
        await same(torch.amin(g, dim, { keepdim }), torch.amin(x, dim, { keepdim }), 0, `amin ${label}`);
      }
    }
    for (const dim of [0, 1, -1]) await same(torch.prod(g, dim), torch.prod(x, dim), 1e-5, `prod ${dim}`);
    await same(g.sum(), x.sum(), 1e-5, 'sum all');
    await same(torch.prod(g), torch.prod(x), 1e-4, 'prod all');
  });

  it('max/min with indices, argmax/argmin (first extreme, NaN wins)', async () => {
    for (const dim of [0, 1, 2, -1]) {
      for (const keepdim of [false, true]) {
        const m = g.max(dim, { keepdim });
        const e = x.max(dim, { keepdim });
        await same(m.values, e.values, 0, `max values ${dim}`);
        await same(m.indices, e.indices, 0, `max indices ${dim}`);
        await same(torch.argmin(g, dim, { keepdim }), torch.argmin(x, dim, { keepdim }), 0, `argmin ${dim}`);
      }
    }
    await same(torch.argmax(g), torch.argmax(x), 0, 'argmax flat');
    const ties = torch.tensor([[3, 9, 9, NaN, 1, NaN], [2, 7, 7, 1, 1, 0]]);
    for (const dim of [0, 1]) {
      await same(torch.argmax(onGpu(ties), dim), torch.argmax(ties, dim), 0, 'argmax ties');
      await same(torch.argmin(onGpu(ties), dim), torch.argmin(ties, dim), 0, 'argmin ties');
      await same(torch.amax(onGpu(ties), dim), torch.amax(ties, dim), 0, 'amax NaN');
      await same(torch.amin(onGpu(ties), dim), torch.amin(ties, dim), 0, 'amin NaN');
    }
    const ints = torch.tensor([[5, -2, 5], [-7, 0, -7]], { dtype: 'int32' });
    await same(torch.argmax(onGpu(ints), 1), torch.argmax(ints, 1), 0, 'int argmax');
    await same(torch.argmin(onGpu(ints), 1), torch.argmin(ints, 1), 0, 'int argmin');
  });

  it('any, all and integer sums', async () => {
    const b = torch.tensor([[0, 1, 0], [0, 0, 0], [2, NaN, -1]]);
    for (const dim of [0, 1]) {
      await same(torch.any(onGpu(b), dim), torch.any(b, dim), 0, 'any');
      await same(torch.all(onGpu(b), dim), torch.all(b, dim), 0, 'all');
    }
    await same(torch.any(onGpu(b)), torch.any(b), 0, 'any all-dims');
    await same(torch.all(onGpu(b)), torch.all(b), 0, 'all all-dims');
    const ints = torch.tensor([[3, 200, 7], [1, 2, 5]], { dtype: 'int32' });
    await same(onGpu(ints).sum(1), ints.sum(1), 0, 'int32 sum');
    await same(torch.prod(onGpu(ints), 1), torch.prod(ints, 1), 0, 'int32 prod');
    const bools = torch.tensor([[true, false, true], [true, true, true]]);
    await same(onGpu(bools).sum(), bools.sum(), 0, 'bool sum');
    const bytes = torch.tensor([200, 100, 7], { dtype: 'uint8' });
    await same(onGpu(bytes).sum(), bytes.sum(), 0, 'uint8 sum');
  });

  it('transposed, permuted and expanded (broadcast) inputs', async () => {
    const t = x.permute(2, 0, 1);
    const gt = g.permute(2, 0, 1);
    for (const dim of [0, 1, 2, [0, 2], [1, 2]] as const) {
      await same(gt.sum(dim as number), t.sum(dim as number), 1e-5, `permuted sum ${String(dim)}`);
      await same(torch.amax(gt, dim), torch.amax(t, dim), 0, `permuted amax ${String(dim)}`);
    }
    await same(torch.argmax(gt, 1), torch.argmax(t, 1), 0, 'permuted argmax');
    const row = torch.randn(1, 7);
    const ex = row.expand(300, 7);
    const gex = onGpu(row).expand(300, 7);
    await same(gex.sum(0), ex.sum(0), 1e-5, 'expanded sum 0');
    await same(gex.sum(1), ex.sum(1), 1e-5, 'expanded sum 1');
    await same(torch.argmin(gex, 0), torch.argmin(ex, 0), 0, 'expanded argmin');
    const flipped = x.transpose(0, 2);
    await same(g.transpose(0, 2).sum([0, 1]), flipped.sum([0, 1]), 1e-5, 'transposed sum');
  });

  it('empty reductions: sum 0, prod 1, any false, all true; max refuses', async () => {
    const e = torch.zeros(3, 0);
    const ge = onGpu(e);
    await same(ge.sum(1), e.sum(1), 0, 'sum of nothing');
    await same(torch.prod(ge, 1), torch.prod(e, 1), 0, 'prod of nothing');
    await same(torch.any(ge, 1), torch.any(e, 1), 0, 'any of nothing');
    await same(torch.all(ge, 1), torch.all(e, 1), 0, 'all of nothing');
    await same(ge.sum(0), e.sum(0), 0, 'empty output');
    expect(() => torch.amax(ge, 1)).toThrow();
  });

  it('a 4M-element full sum, and 256K-element extremes (split across many workgroups)', async () => {
    const n = 1 << 22;
    const big = torch.rand(n);
    await same(onGpu(big).sum(), big.sum(), 1e-4, 'sum 4M');
    // SwiftShader runs on the CPU: the other split reductions use smaller (still split) sizes.
    const mid = torch.randn(1 << 18);
    const gm = onGpu(mid);
    await same(torch.amax(gm), torch.amax(mid), 0, 'amax 256K');
    await same(torch.argmax(gm), torch.argmax(mid), 0, 'argmax 256K');
    await same(torch.argmin(gm), torch.argmin(mid), 0, 'argmin 256K');
    // Two outputs of 128K each, along the inner and (transposed) the outer axis.
    const two = mid.reshape(2, -1);
    await same(onGpu(two).sum(1), two.sum(1), 1e-4, 'sum 2x128K');
    await same(onGpu(two).t().sum(0), two.t().sum(0), 1e-4, 'sum 128K x 2 transposed');
  }, 30_000);

  it('rows of every length from 1 to 5000', async () => {
    for (const length of [1, 2, 5, 32, 33, 64, 255, 256, 257, 1000, 5000]) {
      const m = torch.randn(3, length);
      const gm = onGpu(m);
      await same(gm.sum(1), m.sum(1), 1e-4, `sum rows ${length}`);
      await same(gm.sum(0), m.sum(0), 1e-5, `sum cols ${length}`);
      await same(torch.argmax(gm, 1), torch.argmax(m, 1), 0, `argmax ${length}`);
      await same(torch.amin(gm, 1), torch.amin(m, 1), 0, `amin ${length}`);
    }
  });

  it('many outputs with outer reduced axes (one thread per output)', async () => {
    const m = torch.randn(40, 9000);
    await same(onGpu(m).sum(0), m.sum(0), 1e-5, 'column sums');
    await same(torch.argmax(onGpu(m), 0), torch.argmax(m, 0), 0, 'column argmax');
  });

  it('mean (sum then div)', async () => {
    await same(g.mean([0, 2]), x.mean([0, 2]), 1e-5, 'mean');
  });

  it('matches the CPU on random shapes, axes and layouts (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 15 }),
        fc.boolean(),
        fc.constantFrom('sum', 'amax', 'amin', 'argmax') as fc.Arbitrary<'sum' | 'amax' | 'amin' | 'argmax'>,
        async (shape, mask, transpose, op) => {
          let c = torch.randn(...shape);
          let d = onGpu(c);
          if (transpose && shape.length > 1) {
            c = c.transpose(0, -1);
            d = d.transpose(0, -1);
          }
          const dims = c.shape.map((_, i) => i).filter((i) => (mask >> i) & 1);
          if (op === 'argmax') {
            const dim = dims[0] ?? 0;
            await same(torch.argmax(d, dim), torch.argmax(c, dim), 0, `argmax ${dim}`);
          } else if (op === 'sum') await same(d.sum(dims), c.sum(dims), 1e-5, `sum ${dims}`);
          else await same(torch[op](d, dims), torch[op](c, dims), 0, `${op} ${dims}`);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('scans on WebGPU match the CPU', () => {
  it('cumsum and cumprod along each axis, strided, short and long lines', async () => {
    const x = torch.rand(3, 4, 5).add(0.5);
    for (const dim of [0, 1, 2, -1]) {
      await same(torch.cumsum(onGpu(x), dim), torch.cumsum(x, dim), 1e-5, `cumsum ${dim}`);
      await same(torch.cumprod(onGpu(x), dim), torch.cumprod(x, dim), 1e-5, `cumprod ${dim}`);
    }
    const t = x.transpose(0, 2);
    await same(torch.cumsum(onGpu(x).transpose(0, 2), 1), torch.cumsum(t, 1), 1e-5, 'cumsum transposed');
    for (const length of [127, 128, 300, 2000]) {
      const long = torch.randn(2, length);
      await same(torch.cumsum(onGpu(long), 1), torch.cumsum(long, 1), 1e-4, `cumsum ${length}`);
      await same(torch.cumsum(onGpu(long).t(), 0), torch.cumsum(long.t(), 0), 1e-4, `cumsum transposed ${length}`);
    }
    const ints = torch.tensor([[3, 200, 7], [1, 2, 5]], { dtype: 'int32' });
    await same(torch.cumsum(onGpu(ints), 1), torch.cumsum(ints, 1), 0, 'int cumsum');
    await same(torch.cumprod(onGpu(ints), 1), torch.cumprod(ints, 1), 0, 'int cumprod');
    await same(torch.cumsum(onGpu(torch.tensor(4)), 0), torch.cumsum(torch.tensor(4), 0), 0, 'rank 0');
    await same(torch.cumsum(onGpu(torch.zeros(2, 0)), 1), torch.cumsum(torch.zeros(2, 0), 1), 0, 'empty');
  });
});

describe('fused softmax on WebGPU matches the CPU', () => {
  it('softmax and logSoftmax along every axis, strided, short and long rows', async () => {
    const x = torch.randn(3, 5, 70);
    for (const dim of [0, 1, 2, -1]) {
      await same(torch.softmax(onGpu(x), dim), torch.softmax(x, dim), 1e-5, `softmax ${dim}`);
      await same(torch.logSoftmax(onGpu(x), dim), torch.logSoftmax(x, dim), 1e-5, `logSoftmax ${dim}`);
    }
    await same(torch.softmax(onGpu(x).transpose(1, 2), 1), torch.softmax(x.transpose(1, 2), 1), 1e-5, 'transposed');
    const long = torch.randn(2, 5000);
    await same(torch.softmax(onGpu(long), 1), torch.softmax(long, 1), 1e-5, 'long rows');
    await same(torch.logSoftmax(onGpu(long), 1), torch.logSoftmax(long, 1), 1e-5, 'long rows log');
  });

  it('is stable for large values and handles -Inf and NaN like the CPU', async () => {
    const inf = Infinity;
    const rows = [
      [1e4, 1e4 - 1, -1e4, 0],
      [-inf, 1, 2, -inf],
      [NaN, 1, 2, 3],
      [-inf, -inf, -inf, -inf],
      [inf, 1, 2, 3],
    ];
    for (const width of [4, 100]) {
      const wide = rows.map((r) => [...r, ...Array<number>(width - 4).fill(-inf)]);
      const x = torch.tensor(wide);
      await same(torch.softmax(onGpu(x), 1), torch.softmax(x, 1), 1e-5, `softmax special ${width}`);
      await same(torch.logSoftmax(onGpu(x), 1), torch.logSoftmax(x, 1), 1e-5, `logSoftmax special ${width}`);
    }
  });

  it('feeds a cross-entropy-like loss (logSoftmax, gather by target, mean)', async () => {
    const logits = torch.randn(16, 10);
    const target = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5], { dtype: 'int64' });
    const expected = torch.nn.functional.crossEntropy(logits, target);
    const actual = torch.nn.functional.crossEntropy(onGpu(logits), onGpu(target));
    await same(actual, expected, 1e-5, 'crossEntropy');
  });
});
