/**
 * conv2d (forward, both gradients) and pooling (max and average, forward and backward) on WebGPU
 * against the CPU backend, through the public API: stride, padding, dilation, groups, the
 * tutorial Net's layer shapes, ceilMode, padding and overlapping windows. The gradient products
 * are called as ops (`conv2dBackwardInput`, ...) and through autograd.
 */
import * as torch from 'typetorch';
import { describe, expect, it } from 'vitest';
import { gpu } from './gpu.js';

await gpu();

type Tensor = torch.Tensor;

/** Deterministic values in [-1, 1) of `shape` on cpu. */
function floats(shape: number[], seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = (seed * 2654435761) >>> 0;
  const values = Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / (1 << 23) - 1;
  });
  return torch.tensor(values, { dtype: 'float32' }).reshape(shape);
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data(), Number);
}

/** Expects `got` (webgpu) to match `want` (cpu): shape, and values within `rtol` of `scale + |want|`. */
async function close(got: Tensor, want: Tensor, rtol = 1e-4, scale = 1): Promise<void> {
  expect(got.device).toBe('webgpu');
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const [a, b] = [await values(got), await values(want)];
  for (let i = 0; i < a.length; i++) {
    const ok = Number.isNaN(b[i]!) ? Number.isNaN(a[i]!) : Math.abs(a[i]! - b[i]!) <= rtol * (scale + Math.abs(b[i]!));
    if (!ok) expect.fail(`element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

/** Runs `f` on cpu and on webgpu copies of `inputs`; results compared with {@link close}. */
async function same(inputs: Tensor[], f: (...xs: Tensor[]) => Tensor | Tensor[], rtol = 1e-4, scale = 1): Promise<void> {
  const want = [f(...inputs)].flat();
  const got = [f(...inputs.map((t) => t.to('webgpu')))].flat();
  for (let i = 0; i < want.length; i++) await close(got[i]!, want[i]!, rtol, scale);
}

interface Case {
  n: number; c: number; h: number; w: number; oc: number; k: [number, number];
  options: torch.Conv2dOptions;
}

const CASES: Case[] = [
  { n: 4, c: 3, h: 32, w: 32, oc: 6, k: [5, 5], options: {} }, // the tutorial Net's conv1
  { n: 4, c: 6, h: 14, w: 14, oc: 16, k: [5, 5], options: {} }, // and conv2
  { n: 2, c: 4, h: 9, w: 11, oc: 6, k: [3, 2], options: { stride: [2, 3], padding: [1, 2], dilation: [2, 1] } },
  { n: 1, c: 6, h: 7, w: 8, oc: 9, k: [3, 3], options: { stride: 2, padding: 1, groups: 3 } },
  { n: 3, c: 4, h: 6, w: 5, oc: 4, k: [1, 1], options: { groups: 4 } },
];

/** The geometry words of a case, as `conv2dBackwardInput` / `conv2dBackwardWeight` take them. */
function params(o: torch.Conv2dOptions) {
  const pair = (v: number | readonly number[] | undefined, d: number): [number, number] =>
    v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0]!, v[1]!];
  return { stride: pair(o.stride as number, 1), padding: pair(o.padding as number, 0), dilation: pair(o.dilation, 1), groups: o.groups ?? 1 };
}

describe('conv2d on webgpu', () => {
  it('computes the forward convolution with and without bias', async () => {
    for (const [i, t] of CASES.entries()) {
      const x = floats([t.n, t.c, t.h, t.w], i + 1);
      const w = floats([t.oc, t.c / (t.options.groups ?? 1), ...t.k], i + 10);
      const b = floats([t.oc], i + 20);
      await same([x, w, b], (xx, ww, bb) => [torch.conv2d(xx, ww, bb, t.options), torch.conv2d(xx, ww, null, t.options)]);
    }
  });

  it('computes both gradient products', async () => {
    for (const [i, t] of CASES.entries()) {
      const x = floats([t.n, t.c, t.h, t.w], i + 1);
      const w = floats([t.oc, t.c / (t.options.groups ?? 1), ...t.k], i + 10);
      const y = torch.conv2d(x, w, null, t.options);
      const gy = floats(y.shape, i + 30);
      const p = params(t.options);
      await same([gy, w], (g, ww) => torch.conv2dBackwardInput(g, ww, [t.h, t.w], p));
      await same([x, gy], (xx, g) => torch.conv2dBackwardWeight(xx, g, t.k, p), 1e-4, 4);
    }
  });

  it('differentiates through autograd: the tutorial Net conv1, and a strided grouped conv', async () => {
    for (const i of [0, 3]) {
      const t = CASES[i]!;
      const x = floats([t.n, t.c, t.h, t.w], i + 1);
      const w = floats([t.oc, t.c / (t.options.groups ?? 1), ...t.k], i + 10);
      const b = floats([t.oc], i + 20);
      const gy = floats(torch.conv2d(x, w, b, t.options).shape, i + 30);
      const grads = (xx: Tensor, ww: Tensor, bb: Tensor, g: Tensor): Tensor[] => {
        const leaves = [xx, ww, bb].map((v) => v.detach().requiresGrad_());
        torch.conv2d(leaves[0]!, leaves[1]!, leaves[2]!, t.options).backward(g);
        return leaves.map((v) => v.grad!);
      };
      await same([x, w, b, gy], grads, 1e-4, 4);
    }
  });
});

describe('pooling on webgpu', () => {
  const x = floats([2, 3, 9, 10], 7);

  it('max pools with indices: ceilMode, padding, dilation, overlapping windows, NaN', async () => {
    const withNan = x.clone();
    withNan.view(-1).narrow(0, 5, 1).fill_(Number.NaN);
    withNan.view(-1).narrow(0, 97, 1).fill_(Number.NaN);
    const options: torch.MaxPool2dOptions[] = [
      { kernelSize: 2 },
      { kernelSize: 3, stride: 2, ceilMode: true },
      { kernelSize: [3, 2], stride: 1, padding: [1, 1] },
      { kernelSize: 3, stride: [2, 1], padding: 1, dilation: 2, ceilMode: true },
    ];
    for (const o of options) {
      await same([x], (xx) => torch.maxPool2dWithIndices(xx, o), 0);
      await same([withNan], (xx) => torch.maxPool2dWithIndices(xx, o), 0);
      await same([x.narrow(0, 0, 1).squeeze(0)], (xx) => torch.maxPool2d(xx, o), 0);
    }
  });

  it('sends max gradients to the first maximum, summing overlapping windows', async () => {
    // Ties (repeated values) make windows pick the same input.
    const ties = x.mul(4).round();
    for (const o of [{ kernelSize: 2 }, { kernelSize: 3, stride: 1, padding: 1 }, { kernelSize: 3, stride: 2, ceilMode: true }]) {
      const [, indices] = torch.maxPool2dWithIndices(ties, o);
      const gy = floats(indices.shape, 3);
      await same([gy, indices], (g, i) => torch.maxPool2dBackward(g, i, ties.shape), 1e-6);
    }
  });

  it('average pools forward and backward: padding, ceilMode, countIncludePad, divisorOverride', async () => {
    const options: torch.AvgPool2dOptions[] = [
      { kernelSize: 2 },
      { kernelSize: 3, stride: 2, padding: 1 },
      { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false, ceilMode: true },
      { kernelSize: [2, 3], stride: 1, ceilMode: true, divisorOverride: 5 },
      { kernelSize: 3, stride: 2, ceilMode: true },
    ];
    for (const o of options) {
      await same([x], (xx) => torch.avgPool2d(xx, o), 1e-5);
      const gy = floats(torch.avgPool2d(x, o).shape, 5);
      await same([gy], (g) => torch.avgPool2dBackward(g, x.shape, o), 1e-5);
    }
  });
});
