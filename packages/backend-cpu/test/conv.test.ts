// The fused convolution and pooling kernels against direct loops, on geometries that reach every
// path of the kernels: K and M larger than one packing block, 3- and 4-row strips and edge tiles,
// output positions that do not fill a strip, padding (a bordered copy), strided and dilated
// windows, groups, the flipped-weight input gradient (stride 1) and the col2im one (stride > 1,
// or padding beyond the dilated kernel), and views that start at an offset in their storage.
import type { Conv2dGeometry, AvgPool2dGeometry, DType, Pool2dGeometry, View } from '@typetorch/core';
import { describe, expect, it } from 'vitest';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../src/conv.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from '../src/pool.js';
import { output, values, view } from './helpers.js';

/** Seeded values in [-1, 1), rounded to the dtype. */
function random(count: number, seed: number, dtype: DType): number[] {
  let state = seed >>> 0;
  const round = dtype === 'float32' ? Math.fround : (x: number) => x;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return round(state / 2 ** 31 - 1);
  });
}

/** A contiguous view of `data` that starts 3 elements into its storage. */
function offsetView(dtype: DType, data: number[], shape: number[]): View {
  const v = view(dtype, [9, 9, 9, ...data], [data.length + 3]);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return { ...v, shape, strides, offset: 3 };
}

interface Spec {
  name: string;
  n: number; c: number; oc: number; groups: number;
  size: [number, number]; kernel: [number, number];
  stride?: [number, number]; padding?: [number, number]; dilation?: [number, number];
  /** Output size, when not the symmetric-padding one ('same' with an even kernel pads one more at the end). */
  outSize?: [number, number];
}

function geometryOf(s: Spec): Conv2dGeometry {
  const stride = s.stride ?? [1, 1];
  const padding = s.padding ?? [0, 0];
  const dilation = s.dilation ?? [1, 1];
  const outSize = s.outSize ?? ([0, 1].map((i) => Math.floor((s.size[i] + 2 * padding[i] - dilation[i] * (s.kernel[i] - 1) - 1) / stride[i]) + 1) as [number, number]);
  return { batch: s.n, inChannels: s.c, outChannels: s.oc, inSize: s.size, outSize, kernelSize: s.kernel, stride, padding, dilation, groups: s.groups };
}

/** Calls `visit(n, oc, oh, ow, c, kh, kw, inputIndex, weightIndex)` for every product term inside the input. */
function forEachTerm(g: Conv2dGeometry, visit: (outIndex: number, inIndex: number, wIndex: number) => void): void {
  const [h, w] = g.inSize;
  const [oh, ow] = g.outSize;
  const [kh, kw] = g.kernelSize;
  const cg = g.inChannels / g.groups;
  const ocg = g.outChannels / g.groups;
  for (let n = 0; n < g.batch; n++) for (let oc = 0; oc < g.outChannels; oc++) {
    const grp = Math.floor(oc / ocg);
    for (let r = 0; r < oh; r++) for (let q = 0; q < ow; q++) for (let c = 0; c < cg; c++) for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      const ih = r * g.stride[0] - g.padding[0] + a * g.dilation[0];
      const iw = q * g.stride[1] - g.padding[1] + b * g.dilation[1];
      if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
      visit(((n * g.outChannels + oc) * oh + r) * ow + q, ((n * g.inChannels + grp * cg + c) * h + ih) * w + iw, ((oc * cg + c) * kh + a) * kw + b);
    }
  }
}

function expectClose(actual: (number | bigint)[], expected: number[], dtype: DType): void {
  expect(actual.length).toBe(expected.length);
  const tol = dtype === 'float64' ? 1e-12 : 1e-5;
  const scale = Math.max(1, ...expected.map(Math.abs));
  actual.forEach((v, i) => {
    if (Math.abs(Number(v) - expected[i]) > tol * scale) expect(Number(v)).toBe(expected[i]);
  });
}

const specs: Spec[] = [
  { name: 'the CIFAR Net first layer shape (6 output channels: 3-row strips)', n: 2, c: 3, oc: 6, groups: 1, size: [12, 12], kernel: [5, 5] },
  { name: 'K larger than one block (600 taps)', n: 1, c: 24, oc: 5, groups: 1, size: [7, 6], kernel: [5, 5] },
  { name: 'M larger than one block (70 output channels)', n: 2, c: 2, oc: 70, groups: 1, size: [6, 5], kernel: [3, 3], padding: [1, 1] },
  { name: 'fewer output positions than a strip', n: 3, c: 2, oc: 4, groups: 1, size: [3, 3], kernel: [2, 3] },
  { name: 'stride, padding, dilation and groups (col2im input gradient)', n: 2, c: 4, oc: 6, groups: 2, size: [9, 8], kernel: [3, 2], stride: [2, 3], padding: [1, 1], dilation: [2, 1] },
  { name: 'stride 1 with padding (flipped-weight input gradient over a bordered copy)', n: 2, c: 3, oc: 8, groups: 1, size: [7, 9], kernel: [3, 3], padding: [1, 2], dilation: [1, 2] },
  { name: 'padding beyond the dilated kernel (col2im at stride 1)', n: 1, c: 2, oc: 3, groups: 1, size: [4, 4], kernel: [1, 2], padding: [1, 1] },
  { name: "'same' with an even kernel (one more row and column at the end)", n: 2, c: 2, oc: 3, groups: 1, size: [5, 6], kernel: [2, 4], padding: [0, 1], outSize: [5, 6] },
  { name: 'the CIFAR Net second layer shape (col2im input gradient at stride 1: 196 inputs, 100 outputs)', n: 2, c: 6, oc: 16, groups: 1, size: [14, 14], kernel: [5, 5] },
  { name: 'depthwise', n: 1, c: 5, oc: 5, groups: 5, size: [6, 6], kernel: [3, 3], padding: [1, 1] },
];

describe('fused conv2d kernels match direct loops', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const s of specs) {
      it(`${s.name} (${dtype})`, () => {
        const g = geometryOf(s);
        const cg = s.c / s.groups;
        const xShape = [s.n, s.c, ...s.size];
        const wShape = [s.oc, cg, ...s.kernel];
        const yShape = [s.n, s.oc, ...g.outSize];
        const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
        const x = random(count(xShape), 1, dtype);
        const w = random(count(wShape), 2, dtype);
        const bias = random(s.oc, 3, dtype);
        const gy = random(count(yShape), 4, dtype);

        const y = yShape[0] > 0 ? new Array<number>(count(yShape)).fill(0) : [];
        const gx = new Array<number>(x.length).fill(0);
        const gw = new Array<number>(w.length).fill(0);
        forEachTerm(g, (o, i, k) => {
          y[o] += x[i] * w[k];
          gx[i] += gy[o] * w[k];
          gw[k] += gy[o] * x[i];
        });
        const p = g.outSize[0] * g.outSize[1];
        const expectedY = y.map((v, i) => v + bias[Math.floor(i / p) % s.oc]);

        const out = output(dtype, yShape);
        conv2dForward(out, offsetView(dtype, x, xShape), offsetView(dtype, w, wShape), offsetView(dtype, bias, [s.oc]), g);
        expectClose(values(out), expectedY, dtype);

        const gradInput = output(dtype, xShape);
        conv2dBackwardInput(gradInput, offsetView(dtype, gy, yShape), offsetView(dtype, w, wShape), g);
        expectClose(values(gradInput), gx, dtype);

        const gradWeight = output(dtype, wShape);
        conv2dBackwardWeight(gradWeight, offsetView(dtype, x, xShape), offsetView(dtype, gy, yShape), g);
        expectClose(values(gradWeight), gw, dtype);
      });
    }
  }
});

/** Direct-loop pooling: max (value and index) or average per window, as PyTorch defines them. */
function naivePool(x: number[], g: Pool2dGeometry, kind: 'max' | AvgPool2dGeometry): { out: number[]; idx: number[] } {
  const [h, w] = g.inSize;
  const out: number[] = [];
  const idx: number[] = [];
  for (let pl = 0; pl < g.planes; pl++) for (let r = 0; r < g.outSize[0]; r++) for (let q = 0; q < g.outSize[1]; q++) {
    let best = -Infinity, at = -1, sum = 0, taps = 0;
    for (let a = 0; a < g.kernelSize[0]; a++) for (let b = 0; b < g.kernelSize[1]; b++) {
      const ih = r * g.stride[0] - g.padding[0] + a * g.dilation[0];
      const iw = q * g.stride[1] - g.padding[1] + b * g.dilation[1];
      if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
      const v = x[pl * h * w + ih * w + iw];
      if (v > best) { best = v; at = ih * w + iw; }
      sum += v;
      taps++;
    }
    if (kind === 'max') {
      out.push(best);
      idx.push(at);
    } else {
      const hs = r * g.stride[0] - g.padding[0], ws = q * g.stride[1] - g.padding[1];
      const he = Math.min(hs + g.kernelSize[0], h + g.padding[0]), we = Math.min(ws + g.kernelSize[1], w + g.padding[1]);
      out.push(sum / (kind.divisorOverride ?? (kind.countIncludePad ? (he - hs) * (we - ws) : taps)));
    }
  }
  return { out, idx };
}

describe('fused pooling kernels match direct loops', () => {
  const base: Pool2dGeometry = { planes: 3, inSize: [7, 8], outSize: [4, 3], kernelSize: [3, 2], stride: [2, 3], padding: [1, 1], dilation: [1, 2] };

  it('max pooling: values, indices (also without indices) and the scattered gradient', () => {
    // Distinct values: no ties.
    const x = random(3 * 7 * 8, 5, 'float64').map((v, i) => v + i * 1e-3);
    const { out, idx } = naivePool(x, base, 'max');
    const values_ = output('float64', [3, 4, 3]);
    const indices = output('int64', [3, 4, 3]);
    maxPool2d(values_, indices, offsetView('float64', x, [3, 7, 8]), base);
    expect(values(values_)).toEqual(out);
    expect(values(indices).map(Number)).toEqual(idx);
    const only = output('float64', [3, 4, 3]);
    maxPool2d(only, null, offsetView('float64', x, [3, 7, 8]), base);
    expect(values(only)).toEqual(out);

    const gy = random(36, 6, 'float64');
    const expected = new Array<number>(x.length).fill(0);
    idx.forEach((k, i) => (expected[Math.floor(i / 12) * 56 + k] += gy[i]));
    const gx = output('float64', [3, 7, 8]);
    maxPool2dBackward(gx, offsetView('float64', gy, [3, 4, 3]), indices);
    expectClose(values(gx), expected, 'float64');
  });

  for (const [countIncludePad, divisorOverride] of [[true, null], [false, null], [true, 4]] as const) {
    it(`average pooling and its gradient (countIncludePad ${countIncludePad}, divisorOverride ${divisorOverride})`, () => {
      const g: AvgPool2dGeometry = { ...base, outSize: [4, 4], kernelSize: [3, 2], stride: [2, 2], dilation: [1, 1], countIncludePad, divisorOverride };
      const x = random(3 * 7 * 8, 7, 'float32');
      const { out } = naivePool(x, g, g);
      const y = output('float32', [3, 4, 4]);
      avgPool2d(y, offsetView('float32', x, [3, 7, 8]), g);
      expectClose(values(y), out, 'float32');

      // The gradient is the transpose: <avgPool(x), gy> = <x, avgPoolBackward(gy)> for every x.
      const gy = random(48, 8, 'float64');
      const gx = output('float64', [3, 7, 8]);
      avgPool2dBackward(gx, offsetView('float64', gy, [3, 4, 4]), g);
      const expected = Array.from({ length: x.length }, (_, i) => {
        const unit = new Array<number>(x.length).fill(0);
        unit[i] = 1;
        return naivePool(unit, g, g).out.reduce((s, v, k) => s + v * gy[k], 0);
      });
      expectClose(values(gx), expected, 'float64');
    });
  }
});

describe('the col2im input gradient of float32', () => {
  it('rounds each element once, to the float64 gradient rounded to float32', () => {
    const g = geometryOf({ name: '', n: 2, c: 6, oc: 16, groups: 1, size: [14, 14], kernel: [5, 5] });
    const xShape = [2, 6, 14, 14];
    const wShape = [16, 6, 5, 5];
    const yShape = [2, 16, 10, 10];
    const w = random(16 * 6 * 25, 5, 'float32');
    const gy = random(2 * 16 * 100, 6, 'float32');
    const gradInput = (dtype: DType) => {
      const out = output(dtype, xShape);
      conv2dBackwardInput(out, offsetView(dtype, gy, yShape), offsetView(dtype, w, wShape), g);
      return values(out).map(Number);
    };
    expect(gradInput('float32')).toEqual(gradInput('float64').map(Math.fround));
  });
});
