/**
 * matmul on WebGPU against the CPU backend, through the public API: tiny, odd and tile-sized
 * shapes, transposed operands read in place, broadcast batches, bmm, empty dimensions and the
 * integer dtypes.
 */
import * as torch from 'typetorch';
import { describe, expect, it } from 'vitest';
import { gpu } from './gpu.js';

await gpu();

type Tensor = torch.Tensor;

/** Deterministic values in [-1, 1) of `shape` on cpu. */
function floats(shape: number[], seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0;
  const values = Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / (1 << 23) - 1;
  });
  return torch.tensor(values, { dtype: 'float32' }).reshape(shape);
}

/** Small integers of `shape` on cpu. */
function ints(shape: number[], dtype: 'int32' | 'int64' | 'uint8', seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => ((i * 7 + seed * 13) % 11) - (dtype === 'uint8' ? 0 : 5));
  return torch.tensor(values, { dtype }).reshape(shape);
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data(), Number);
}

/** Runs `f` on cpu and on webgpu copies of `inputs`, expecting equal shapes and values within `rtol`. */
async function same(inputs: Tensor[], f: (...xs: Tensor[]) => Tensor, rtol = 1e-5): Promise<void> {
  const want = f(...inputs);
  const got = f(...inputs.map((t) => t.to('webgpu')));
  expect(got.device).toBe('webgpu');
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const [a, b] = [await values(got), await values(want)];
  expect(a.length).toBe(b.length);
  // Sums of K products: compare against the scale of the row, not only of the result.
  const scale = Math.sqrt(inputs[0]!.shape.at(-1) ?? 1);
  for (let i = 0; i < a.length; i++) {
    if (Math.abs(a[i]! - b[i]!) > rtol * (scale + Math.abs(b[i]!))) expect.fail(`element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

describe('matmul on webgpu', () => {
  it('multiplies 1×1×1, odd and tile-sized matrices', async () => {
    for (const [m, k, n] of [[1, 1, 1], [37, 53, 29], [65, 17, 63], [256, 256, 256], [1, 100, 1]] as const) {
      await same([floats([m, k], m), floats([k, n], n)], (a, b) => torch.matmul(a, b));
    }
  });

  it('reads transposed operands in place', async () => {
    const a = floats([45, 37], 3);
    const b = floats([29, 45], 4);
    await same([a, b], (x, y) => x.t().matmul(y.t()));
    await same([a, floats([45, 31], 5)], (x, y) => x.t().matmul(y));
    await same([floats([3, 19, 24], 6), floats([3, 33, 24], 7)], (x, y) => x.matmul(y.mT));
    // A view with an offset and a row stride that is not the row length.
    await same([floats([40, 50], 8), floats([30, 20], 9)], (x, y) => x.narrow(0, 3, 20).narrow(1, 5, 30).matmul(y));
  });

  it('broadcasts batch dimensions and runs bmm', async () => {
    await same([floats([2, 1, 5, 7], 1), floats([3, 7, 6], 2)], (x, y) => torch.matmul(x, y));
    await same([floats([4, 9, 13], 3), floats([13, 11], 4)], (x, y) => torch.matmul(x, y));
    await same([floats([13], 5), floats([2, 13, 11], 6)], (x, y) => torch.matmul(x, y));
    await same([floats([2, 3, 13], 7), floats([13], 8)], (x, y) => torch.matmul(x, y));
    await same([floats([5, 21, 8], 9), floats([5, 8, 17], 10)], (x, y) => torch.bmm(x, y));
    await same([floats([70], 11), floats([70], 12)], (x, y) => torch.matmul(x, y));
  });

  it('reads aligned rows four at a time on the tiled path, and unaligned ones one at a time', async () => {
    // Big enough for the tiled shaders; K and N multiples of 4, so A and B rows load as vec4 ...
    await same([floats([3, 128, 64], 13), floats([64, 132], 14)], (x, y) => torch.matmul(x, y));
    // ... also from an offset view whose offset and row stride are multiples of 4 ...
    await same([floats([130, 72], 15), floats([64, 132], 16)], (x, y) => x.narrow(0, 2, 128).narrow(1, 4, 64).matmul(y));
    // ... and one element at a time when they are not (offset 1, K = 63, N = 130).
    await same([floats([130, 72], 17), floats([63, 130], 18)], (x, y) => x.narrow(0, 2, 128).narrow(1, 1, 63).matmul(y));
  });

  it('handles empty dimensions', async () => {
    await same([floats([3, 0]), floats([0, 4])], (x, y) => torch.matmul(x, y));
    await same([floats([0, 5]), floats([5, 4])], (x, y) => torch.matmul(x, y));
    await same([floats([3, 5]), floats([5, 0])], (x, y) => torch.matmul(x, y));
    await same([floats([0, 3, 5]), floats([0, 5, 2])], (x, y) => torch.bmm(x, y));
  });

  it('multiplies integer dtypes exactly', async () => {
    for (const dtype of ['int32', 'int64', 'uint8'] as const) {
      await same([ints([2, 7, 9], dtype, 1), ints([9, 5], dtype, 2)], (x, y) => torch.matmul(x, y), 0);
      await same([ints([9, 7], dtype, 3), ints([9, 5], dtype, 4)], (x, y) => x.t().matmul(y), 0);
    }
  });
});
