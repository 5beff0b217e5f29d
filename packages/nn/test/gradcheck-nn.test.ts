// Property tests: torch.autograd.gradcheck (float64, central differences) of nn.functional's
// normalisations, losses, linear maps, activations, padding and interpolation on random small
// shapes and options. Inputs are kept away from kinks (|d| = beta in smoothL1, 0 in l1 and
// leakyRelu, ...) so that the numerical Jacobian is well defined.
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as torch from 'typetorch';

type Tensor = torch.Tensor;
const F = torch.nn.functional;
const { gradcheck } = torch.autograd;

const RUNS = Number(process.env.GRADCHECK_RUNS ?? 12);
const run = <T>(arb: fc.Arbitrary<T>, check: (v: T) => void) => fc.assert(fc.property(arb, (v) => check(v)), { numRuns: RUNS, seed: 1234 });

/** A float64 leaf of `shape` with values from `seed` in [lo, hi) (fast-check picks the seed). */
function leaf(shape: readonly number[], seed: number, lo = -2, hi = 2, requiresGrad = true): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0 || 1;
  const values = Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s / 2 ** 32) * (hi - lo));
  });
  return torch.tensor(values, { dtype: 'float64' }).reshape([...shape]).requiresGrad_(requiresGrad);
}

/** Values in [lo, hi) whose absolute value stays at least `gap` away from each of `kinks`. */
function leafAwayFrom(shape: readonly number[], seed: number, kinks: number[], gap = 0.05, lo = -2, hi = 2): Tensor {
  const t = leaf(shape, seed, lo, hi, false);
  const v = (t.reshape(-1).tolistSync() as number[]).map((x) => {
    for (const k of kinks) if (Math.abs(Math.abs(x) - k) < gap) return x + (x >= 0 ? 2 * gap : -2 * gap);
    return x;
  });
  return torch.tensor(v, { dtype: 'float64' }).reshape([...shape]).requiresGrad_(true);
}

function classTargets(shape: readonly number[], classes: number, seed: number, ignoreIndex: number | null = null): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0 || 7;
  const values = Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 22695477) + 1) >>> 0;
    if (ignoreIndex !== null && i % 3 === 1) return ignoreIndex;
    return s % classes;
  });
  return torch.tensor(values, { dtype: 'int64' }).reshape([...shape]);
}

const seedArb = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const reductionArb = fc.constantFrom<'mean' | 'sum' | 'none'>('mean', 'sum', 'none');
const dim = (max = 3) => fc.integer({ min: 1, max });

describe('gradcheck: normalisation', () => {
  it('batchNorm in training mode (batch statistics), with and without affine', () => {
    run(fc.record({ n: fc.integer({ min: 2, max: 3 }), c: dim(), spatial: fc.array(dim(2), { maxLength: 2 }), affine: fc.boolean(), seed: seedArb }), (o) => {
      const x = leaf([o.n, o.c, ...o.spatial], o.seed);
      const w = leaf([o.c], o.seed + 1);
      const b = leaf([o.c], o.seed + 2);
      const fn = o.affine
        ? (xx: Tensor, ww: Tensor, bb: Tensor) => F.batchNorm(xx, null, null, { weight: ww, bias: bb, training: true, eps: 1e-3 })
        : (xx: Tensor) => F.batchNorm(xx, null, null, { training: true, eps: 1e-3 });
      gradcheck(fn, o.affine ? [x, w, b] : [x]);
    });
  });

  it('layerNorm over the last 1 or 2 dims', () => {
    run(fc.record({ shape: fc.array(dim(3), { minLength: 2, maxLength: 3 }), k: fc.integer({ min: 1, max: 2 }), seed: seedArb }), (o) => {
      const norm = o.shape.slice(o.shape.length - o.k);
      if (norm.reduce((a, b) => a * b, 1) < 2) norm[norm.length - 1] = 2;
      const shape = [...o.shape.slice(0, o.shape.length - o.k), ...norm];
      gradcheck((x, w, b) => F.layerNorm(x, norm, { weight: w, bias: b, eps: 1e-3 }), [leaf(shape, o.seed), leaf(norm, o.seed + 1), leaf(norm, o.seed + 2)]);
    });
  });

  it('groupNorm', () => {
    run(fc.record({ n: dim(2), groups: dim(2), perGroup: dim(2), spatial: fc.array(dim(2), { minLength: 1, maxLength: 2 }), seed: seedArb }), (o) => {
      const c = o.groups * o.perGroup;
      gradcheck((x, w, b) => F.groupNorm(x, o.groups, { weight: w, bias: b, eps: 1e-3 }), [leaf([o.n, c, ...o.spatial], o.seed), leaf([c], o.seed + 1), leaf([c], o.seed + 2)]);
    });
  });

  it('normalize', () => {
    run(fc.record({ shape: fc.array(dim(3), { minLength: 2, maxLength: 3 }), p: fc.constantFrom(1, 2, 3), seed: seedArb }), (o) => {
      const x = leafAwayFrom(o.shape, o.seed, [0], 0.1);
      gradcheck((t) => F.normalize(t, { p: o.p, dim: 1 }), [x]);
    });
  });
});

describe('gradcheck: losses', () => {
  it('crossEntropy with class indices, weight, ignoreIndex and labelSmoothing', () => {
    const arb = fc.record({
      n: dim(3), c: fc.integer({ min: 2, max: 4 }), spatial: fc.array(dim(2), { maxLength: 2 }), weighted: fc.boolean(), ignore: fc.boolean(),
      smoothing: fc.constantFrom(0, 0.1, 0.35), reduction: reductionArb, seed: seedArb,
    });
    run(arb, (o) => {
      const x = leaf([o.n, o.c, ...o.spatial], o.seed);
      const t = classTargets([o.n, ...o.spatial], o.c, o.seed, o.ignore ? -100 : null);
      const w = o.weighted ? leaf([o.c], o.seed + 3, 0.2, 2, false) : null;
      gradcheck((xx) => F.crossEntropy(xx, t, { weight: w, labelSmoothing: o.smoothing, reduction: o.reduction }), [x]);
    });
  });

  it('crossEntropy with class probabilities (gradients of input and target)', () => {
    run(fc.record({ n: dim(3), c: fc.integer({ min: 2, max: 4 }), weighted: fc.boolean(), smoothing: fc.constantFrom(0, 0.2), reduction: reductionArb, seed: seedArb }), (o) => {
      const x = leaf([o.n, o.c], o.seed);
      const p = leaf([o.n, o.c], o.seed + 1, 0, 1);
      const w = o.weighted ? leaf([o.c], o.seed + 3, 0.2, 2, false) : null;
      gradcheck((xx, pp) => F.crossEntropy(xx, pp, { weight: w, labelSmoothing: o.smoothing, reduction: o.reduction }), [x, p]);
    });
  });

  it('crossEntropy of unbatched scores', () => {
    run(fc.record({ c: fc.integer({ min: 2, max: 5 }), seed: seedArb }), (o) => {
      const t = torch.tensor(o.seed % o.c, { dtype: 'int64' });
      gradcheck((xx) => F.crossEntropy(xx, t, { labelSmoothing: 0.1 }), [leaf([o.c], o.seed)]);
    });
  });

  it('nllLoss with weight and ignoreIndex', () => {
    run(fc.record({ n: dim(4), c: fc.integer({ min: 2, max: 4 }), weighted: fc.boolean(), reduction: reductionArb, seed: seedArb }), (o) => {
      // Every third target is the ignored class 0; the others are 1..c-1, so some always count.
      const t = classTargets([o.n], o.c - 1, o.seed, -1).add(1);
      const w = o.weighted ? leaf([o.c], o.seed + 3, 0.2, 2, false) : null;
      gradcheck((xx) => F.nllLoss(xx, t, { weight: w, ignoreIndex: 0, reduction: o.reduction }), [leaf([o.n, o.c], o.seed)]);
    });
  });

  it('mseLoss and l1Loss (away from |d| = 0)', () => {
    run(fc.record({ shape: fc.array(dim(3), { maxLength: 3 }), reduction: reductionArb, seed: seedArb }), (o) => {
      const y = leaf(o.shape, o.seed + 1, -2, 2, false);
      const d = leafAwayFrom(o.shape, o.seed, [0], 0.05);
      const x = d.detach().add(y).requiresGrad_(true);
      gradcheck((a, b) => F.mseLoss(a, b, { reduction: o.reduction }), [x, y.detach().requiresGrad_(true)]);
      gradcheck((a) => F.l1Loss(a, y, { reduction: o.reduction }), [x]);
    });
  });

  it('smoothL1Loss and huberLoss (away from the quadratic/linear switch)', () => {
    run(fc.record({ shape: fc.array(dim(3), { minLength: 1, maxLength: 2 }), beta: fc.constantFrom(0.5, 1, 1.5), reduction: reductionArb, seed: seedArb }), (o) => {
      const y = leaf(o.shape, o.seed + 1, -2, 2, false);
      const x = leafAwayFrom(o.shape, o.seed, [0, o.beta], 0.05).detach().add(y).requiresGrad_(true);
      gradcheck((a, b) => F.smoothL1Loss(a, b, { beta: o.beta, reduction: o.reduction }), [x, y.detach().requiresGrad_(true)]);
      gradcheck((a) => F.huberLoss(a, y, { delta: o.beta, reduction: o.reduction }), [x]);
    });
  });

  it('binaryCrossEntropy with inputs in (0.05, 0.95), weights and target gradients', () => {
    run(fc.record({ shape: fc.array(dim(3), { minLength: 1, maxLength: 2 }), weighted: fc.boolean(), reduction: reductionArb, seed: seedArb }), (o) => {
      const p = leaf(o.shape, o.seed, 0.05, 0.95);
      const t = leaf(o.shape, o.seed + 1, 0, 1);
      const w = o.weighted ? leaf(o.shape, o.seed + 2, 0.2, 2, false) : null;
      gradcheck((a, b) => F.binaryCrossEntropy(a, b, { weight: w, reduction: o.reduction }), [p, t]);
    });
  });

  it('binaryCrossEntropyWithLogits with posWeight and weight', () => {
    run(fc.record({ n: dim(3), c: dim(3), posWeighted: fc.boolean(), weighted: fc.boolean(), reduction: reductionArb, seed: seedArb }), (o) => {
      const z = leaf([o.n, o.c], o.seed, -4, 4);
      const t = leaf([o.n, o.c], o.seed + 1, 0, 1);
      const pw = o.posWeighted ? leaf([o.c], o.seed + 2, 0.2, 3, false) : null;
      const w = o.weighted ? leaf([o.c], o.seed + 3, 0.2, 2, false) : null;
      gradcheck((a, b) => F.binaryCrossEntropyWithLogits(a, b, { weight: w, posWeight: pw, reduction: o.reduction }), [z, t]);
    });
  });

  it('klDiv with probability and log-probability targets', () => {
    run(fc.record({ n: dim(3), c: fc.integer({ min: 2, max: 4 }), logTarget: fc.boolean(), reduction: fc.constantFrom<'mean' | 'sum' | 'none' | 'batchmean'>('mean', 'sum', 'none', 'batchmean'), seed: seedArb }), (o) => {
      const x = leaf([o.n, o.c], o.seed, -3, 0);
      const t = o.logTarget ? leaf([o.n, o.c], o.seed + 1, -3, 0) : leaf([o.n, o.c], o.seed + 1, 0.05, 1);
      gradcheck((a, b) => F.klDiv(a, b, { reduction: o.reduction, logTarget: o.logTarget }), [x, t]);
    });
  });
});

describe('gradcheck: linear maps, activations, padding, interpolation', () => {
  it('linear with and without bias, batched inputs', () => {
    run(fc.record({ batch: fc.array(dim(2), { maxLength: 2 }), inF: dim(3), outF: dim(3), bias: fc.boolean(), seed: seedArb }), (o) => {
      const x = leaf([...o.batch, o.inF], o.seed);
      const w = leaf([o.outF, o.inF], o.seed + 1);
      const b = leaf([o.outF], o.seed + 2);
      if (o.bias) gradcheck((a, ww, bb) => F.linear(a, ww, bb), [x, w, b]);
      else gradcheck((a, ww) => F.linear(a, ww), [x, w]);
    });
  });

  it('embedding (gradient of the weight, with and without paddingIdx)', () => {
    run(fc.record({ rows: fc.integer({ min: 2, max: 5 }), dimension: dim(3), idxShape: fc.array(dim(3), { minLength: 1, maxLength: 2 }), padding: fc.boolean(), seed: seedArb }), (o) => {
      // The padding row's gradient is zero by definition (not the finite difference), so the
      // indices avoid it; its zero gradient is checked in functional.test.ts.
      const idx = o.padding ? classTargets(o.idxShape, o.rows - 1, o.seed).add(1) : classTargets(o.idxShape, o.rows, o.seed);
      gradcheck((w) => F.embedding(idx, w, { paddingIdx: o.padding ? 0 : null }), [leaf([o.rows, o.dimension], o.seed)]);
    });
  });

  it('softplus, gelu (both forms), elu, leakyRelu, silu', () => {
    run(fc.record({ shape: fc.array(dim(3), { minLength: 1, maxLength: 2 }), beta: fc.constantFrom(0.5, 1, 2), threshold: fc.constantFrom(1, 20), seed: seedArb }), (o) => {
      const x = leafAwayFrom(o.shape, o.seed, [0], 0.05, -3, 3);
      const kinkFree = leafAwayFrom(o.shape, o.seed, [0, o.threshold / o.beta], 0.05, -3, 3);
      gradcheck((a) => F.softplus(a, o.beta, o.threshold), [kinkFree]);
      gradcheck((a) => F.gelu(a), [x]);
      gradcheck((a) => F.gelu(a, { approximate: 'tanh' }), [x]);
      gradcheck((a) => F.elu(a, o.beta), [x]);
      gradcheck((a) => F.leakyRelu(a, 0.1 * o.beta), [x]);
      gradcheck((a) => F.silu(a), [x]);
    });
  });

  it('pad in every mode', () => {
    const arb = fc.record({
      mode: fc.constantFrom<'constant' | 'reflect' | 'replicate' | 'circular'>('constant', 'reflect', 'replicate', 'circular'),
      h: fc.integer({ min: 2, max: 4 }), w: fc.integer({ min: 2, max: 4 }), pads: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 4, maxLength: 4 }),
      crop: fc.boolean(), seed: seedArb,
    });
    run(arb, (o) => {
      const pads = o.mode === 'constant' && o.crop ? [-1, o.pads[1], o.pads[2], -1] : o.pads;
      gradcheck((a) => F.pad(a, pads, o.mode, 0.5), [leaf([1, 2, o.h, o.w], o.seed)]);
    });
  });

  it('interpolate bilinear (both alignCorners) and nearest', () => {
    run(fc.record({ h: dim(3), w: dim(3), oh: dim(4), ow: dim(4), align: fc.boolean(), seed: seedArb }), (o) => {
      const x = leaf([1, 2, o.h, o.w], o.seed);
      gradcheck((a) => F.interpolate(a, { size: [o.oh, o.ow], mode: 'bilinear', alignCorners: o.align }), [x]);
      gradcheck((a) => F.interpolate(a, { size: [o.oh, o.ow], mode: 'nearest' }), [x]);
    });
  });

  it('conv2d and pooling through nn.functional', () => {
    run(fc.record({ stride: fc.integer({ min: 1, max: 2 }), padding: fc.integer({ min: 0, max: 1 }), groups: fc.integer({ min: 1, max: 2 }), seed: seedArb }), (o) => {
      const x = leaf([1, 2, 4, 4], o.seed);
      const w = leaf([2, 2 / o.groups, 2, 2], o.seed + 1);
      const b = leaf([2], o.seed + 2);
      gradcheck((a, ww, bb) => F.conv2d(a, ww, bb, { stride: o.stride, padding: o.padding, groups: o.groups }), [x, w, b]);
      gradcheck((a) => F.avgPool2d(a, 2, { stride: o.stride, padding: o.padding }), [x]);
      const distinct = torch.randperm(32, { dtype: 'float64' }).div(7).reshape(1, 2, 4, 4).requiresGrad_(true);
      gradcheck((a) => F.maxPool2d(a, 2, { stride: o.stride, padding: o.padding }), [distinct]);
    });
  });
});
