// Property tests of the convolution and pooling gradients: gradcheck (float64, central finite
// differences) on random small shapes and options (stride, padding incl. 'same', dilation,
// groups, bias, ceil mode, divisors), on the CPU device's fused kernels and on core's composite
// fallback; gradgradcheck for the convolutions (whose gradients are convolutions again) and the
// poolings. Max pooling gets distinct values, so no two taps tie.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as torch from 'typetorch';

type Tensor = torch.Tensor;
const { gradcheck, gradgradcheck } = torch.autograd;

const RUNS = Number(process.env.GRADCHECK_RUNS ?? 12);
const GRADGRAD_RUNS = Number(process.env.GRADGRAD_RUNS ?? 4);

const COMPOSITE = 'cpu-composite-gradcheck';
torch.registerBackend(COMPOSITE, Object.create(torch.cpuBackend, { fused: { value: undefined } }) as torch.Backend);

const numel = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/** A float64 leaf with random values in [-2, 2]; `transposed` stores the last two dims swapped. */
function leafArb(shape: number[], device = 'cpu'): fc.Arbitrary<Tensor> {
  return fc
    .tuple(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: numel(shape), maxLength: numel(shape) }), fc.boolean())
    .map(([values, transposed]) => {
      const t = torch.tensor(values, { dtype: 'float64', device }).reshape(shape);
      const laid = transposed && shape.length >= 2 ? t.transpose(-1, -2).contiguous().transpose(-1, -2) : t;
      return laid.requiresGrad_();
    });
}

/** A float64 leaf of distinct values 0.1 apart (no ties for max pooling). */
function distinctArb(shape: number[], device = 'cpu'): fc.Arbitrary<Tensor> {
  const n = numel(shape);
  return fc
    .uniqueArray(fc.integer({ min: -60, max: 60 }), { minLength: n, maxLength: n })
    .map((v) => torch.tensor(v.map((a) => a / 10 + 0.013), { dtype: 'float64', device }).reshape(shape).requiresGrad_());
}

const small = (min: number, max: number) => fc.integer({ min, max });
const pairOf = (min: number, max: number) => fc.tuple(small(min, max), small(min, max));

/** A valid conv2d problem: shapes and options whose padded input fits the dilated kernel. */
interface ConvSpec {
  n: number;
  groups: number;
  cg: number;
  ocg: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: [number, number] | 'same';
  size: [number, number];
  bias: boolean;
}

const convSpecArb: fc.Arbitrary<ConvSpec> = fc
  .record({
    n: small(1, 2), groups: small(1, 2), cg: small(1, 2), ocg: small(1, 2), kernel: pairOf(1, 3), stride: pairOf(1, 2),
    dilation: pairOf(1, 2), pad: pairOf(0, 2), same: fc.boolean(), extra: pairOf(0, 2), bias: fc.boolean(),
  })
  .map((r) => {
    const same = r.same && r.stride[0] === 1 && r.stride[1] === 1;
    const padding: [number, number] | 'same' = same ? 'same' : r.pad;
    const size = [0, 1].map((i) => {
      const effective = r.dilation[i] * (r.kernel[i] - 1) + 1;
      const pad = same ? 0 : r.pad[i];
      return Math.max(1, effective - 2 * pad + r.extra[i]);
    }) as [number, number];
    return { ...r, padding, size };
  });

function convInputs(s: ConvSpec, device = 'cpu'): fc.Arbitrary<Tensor[]> {
  const x = leafArb([s.n, s.groups * s.cg, ...s.size], device);
  const w = leafArb([s.groups * s.ocg, s.cg, ...s.kernel], device);
  return s.bias ? fc.tuple(x, w, leafArb([s.groups * s.ocg], device)) : fc.tuple(x, w);
}

function conv2dOf(s: ConvSpec) {
  return (x: Tensor, w: Tensor, b?: Tensor) => torch.conv2d(x, w, b ?? null, { stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups });
}

function property<T>(arb: fc.Arbitrary<T>, check: (value: T) => void, runs: number): void {
  fc.assert(fc.property(arb, (value) => check(value)), { numRuns: runs });
}

describe('gradcheck of the convolutions', () => {
  for (const device of ['cpu', COMPOSITE]) {
    it(`conv2d over random shapes, strides, paddings, dilations, groups and biases (${device})`, () => {
      property(convSpecArb.chain((s) => fc.tuple(fc.constant(s), convInputs(s, device))), ([s, inputs]) => {
        expect(gradcheck(conv2dOf(s), inputs)).toBe(true);
      }, RUNS);
    });
  }

  it('conv1d over random shapes and options', () => {
    const arb = convSpecArb.chain((s) => {
      const spec = { ...s, size: [1, s.size[1]] as [number, number] };
      const x = leafArb([s.n, s.groups * s.cg, s.size[1]]);
      const w = leafArb([s.groups * s.ocg, s.cg, s.kernel[1]]);
      return fc.tuple(fc.constant(spec), s.bias ? fc.tuple(x, w, leafArb([s.groups * s.ocg])) : fc.tuple(x, w));
    });
    property(arb, ([s, inputs]) => {
      const options = { stride: s.stride[1], padding: s.padding === 'same' ? ('same' as const) : s.padding[1], dilation: s.dilation[1], groups: s.groups };
      expect(gradcheck((x, w, b) => torch.conv1d(x, w, b ?? null, options), inputs)).toBe(true);
    }, RUNS);
  });

  it('convTranspose2d over random shapes, strides, paddings, output paddings, dilations and groups', () => {
    const arb = fc
      .record({
        n: small(1, 2), groups: small(1, 2), cg: small(1, 2), ocg: small(1, 2), kernel: pairOf(1, 3), stride: pairOf(1, 2),
        dilation: pairOf(1, 2), pad: pairOf(0, 1), size: pairOf(1, 3), outPad: pairOf(0, 1), bias: fc.boolean(),
      })
      .filter((r) => [0, 1].every((i) => (r.size[i] - 1) * r.stride[i] - 2 * r.pad[i] + r.dilation[i] * (r.kernel[i] - 1) + 1 > 0))
      .chain((r) => {
        const outputPadding = [0, 1].map((i) => Math.min(r.outPad[i], Math.max(r.stride[i], r.dilation[i]) - 1));
        const x = leafArb([r.n, r.groups * r.cg, ...r.size]);
        const w = leafArb([r.groups * r.cg, r.ocg, ...r.kernel]);
        const options = { stride: r.stride, padding: r.pad, outputPadding, dilation: r.dilation, groups: r.groups };
        return fc.tuple(fc.constant(options), r.bias ? fc.tuple(x, w, leafArb([r.groups * r.ocg])) : fc.tuple(x, w));
      });
    property(arb, ([options, inputs]) => {
      expect(gradcheck((x, w, b) => torch.convTranspose2d(x, w, b ?? null, options), inputs)).toBe(true);
    }, RUNS);
  });
});

describe('gradgradcheck of the convolutions', () => {
  const tiny = convSpecArb.filter((s) => s.n === 1 && s.cg * s.groups <= 2 && s.ocg <= 1 && s.size[0] * s.size[1] <= 16);
  it('conv2d: second derivatives through conv2dBackwardInput / conv2dBackwardWeight', () => {
    property(tiny.chain((s) => fc.tuple(fc.constant(s), convInputs(s))), ([s, inputs]) => {
      expect(gradgradcheck(conv2dOf(s), inputs)).toBe(true);
    }, GRADGRAD_RUNS);
  });

  it('convTranspose2d', () => {
    const x = torch.randn(1, 2, 2, 3, { dtype: 'float64', requiresGrad: true });
    const w = torch.randn(2, 1, 2, 2, { dtype: 'float64', requiresGrad: true });
    expect(gradgradcheck((a, b) => torch.convTranspose2d(a, b, null, { stride: 2, padding: [1, 0], outputPadding: 1 }), [x, w])).toBe(true);
  });
});

/** Pooling options whose output is non-empty for the given input size. */
const poolArb = fc
  .record({ kernel: pairOf(1, 3), stride: pairOf(1, 2), dilation: pairOf(1, 2), padFrac: pairOf(0, 1), ceil: fc.boolean(), extra: pairOf(0, 3), n: small(1, 2), c: small(1, 2), unbatched: fc.boolean() })
  .map((r) => {
    const padding = [0, 1].map((i) => (r.padFrac[i] === 1 ? Math.floor(r.kernel[i] / 2) : 0));
    const size = [0, 1].map((i) => Math.max(1, r.dilation[i] * (r.kernel[i] - 1) + 1 - 2 * padding[i] + r.extra[i]));
    const lead = r.unbatched ? [r.c] : [r.n, r.c];
    // Average pooling has no dilation: its input is sized for the undilated kernel.
    const avgShape = [...lead, ...[0, 1].map((i) => r.kernel[i] + r.extra[i])];
    return { kernelSize: r.kernel, stride: r.stride, dilation: r.dilation, padding, ceilMode: r.ceil, shape: [...lead, ...size], avgShape };
  })
  // Windows entirely inside the padding (PyTorch gives -inf there) have no gradient to check.
  .filter((p) => [0, 1].every((i) => {
    const size = p.shape[p.shape.length - 2 + i];
    const out = Math.floor((size + 2 * p.padding[i] - p.dilation[i] * (p.kernelSize[i] - 1) - 1 + (p.ceilMode ? p.stride[i] - 1 : 0)) / p.stride[i]) + 1;
    return Array.from({ length: out }, (_, o) => o).every((o) =>
      Array.from({ length: p.kernelSize[i] }, (_, j) => o * p.stride[i] - p.padding[i] + j * p.dilation[i]).some((t) => t >= 0 && t < size));
  }));

describe('gradcheck of the poolings', () => {
  for (const device of ['cpu', COMPOSITE]) {
    it(`maxPool2d with distinct values (${device})`, () => {
      property(poolArb.chain((p) => fc.tuple(fc.constant(p), distinctArb(p.shape, device))), ([p, x]) => {
        const { kernelSize, stride, padding, dilation, ceilMode } = p;
      expect(gradcheck((a) => torch.maxPool2d(a, { kernelSize, stride, padding, dilation, ceilMode }), [x])).toBe(true);
      }, RUNS);
    });

    it(`avgPool2d with padding counted or not and divisor overrides (${device})`, () => {
      const arb = fc.tuple(poolArb, fc.boolean(), fc.option(small(1, 5), { nil: null })).chain(([p, countIncludePad, divisorOverride]) => {
        const options = { kernelSize: p.kernelSize, stride: p.stride, padding: p.padding, ceilMode: p.ceilMode, countIncludePad, divisorOverride };
        return fc.tuple(fc.constant(options), leafArb(p.avgShape, device));
      });
      property(arb, ([options, x]) => {
        expect(gradcheck((a) => torch.avgPool2d(a, options), [x])).toBe(true);
      }, RUNS);
    });
  }

  it('adaptiveAvgPool2d and adaptiveMaxPool2d to random output sizes', () => {
    const arb = fc.record({ shape: fc.tuple(small(1, 2), small(1, 5), small(1, 5)), out: pairOf(1, 4) });
    property(arb.chain((r) => fc.tuple(fc.constant(r.out), leafArb(r.shape), distinctArb(r.shape))), ([out, x, xd]) => {
      expect(gradcheck((a) => torch.adaptiveAvgPool2d(a, out), [x])).toBe(true);
      expect(gradcheck((a) => torch.adaptiveMaxPool2d(a, out), [xd])).toBe(true);
    }, RUNS);
  });

  it('maxPool1d and avgPool1d', () => {
    const arb = fc.record({ k: small(1, 3), s: small(1, 2), extra: small(0, 3) }).chain((r) =>
      fc.tuple(fc.constant(r), distinctArb([2, 2, r.k + r.extra]), leafArb([2, r.k + r.extra])),
    );
    property(arb, ([r, x, y]) => {
      expect(gradcheck((a) => torch.maxPool1d(a, { kernelSize: r.k, stride: r.s, padding: Math.floor(r.k / 2) }), [x])).toBe(true);
      expect(gradcheck((a) => torch.avgPool1d(a, { kernelSize: r.k, stride: r.s, padding: Math.floor(r.k / 2), ceilMode: true }), [y])).toBe(true);
    }, RUNS);
  });
});

describe('gradgradcheck of the poolings', () => {
  const x = () => torch.tensor([[[0.3, -1.2, 2.1, 0.5], [1.1, 0.2, -0.7, 1.9], [-0.4, 0.8, 1.5, -2.0]]], { dtype: 'float64', requiresGrad: true });
  it('maxPool2d (its gradient is linear in the output gradient)', () => {
    expect(gradgradcheck((a) => torch.maxPool2d(a, { kernelSize: 2, stride: 1, padding: 1 }), [x()])).toBe(true);
  });
  it('avgPool2d', () => {
    expect(gradgradcheck((a) => torch.avgPool2d(a, { kernelSize: [2, 3], stride: 1, padding: 1, countIncludePad: false }), [x()])).toBe(true);
  });
  it('adaptiveAvgPool2d', () => {
    expect(gradgradcheck((a) => torch.adaptiveAvgPool2d(a, [2, 3]), [x()])).toBe(true);
  });
});
