// Property tests: gradcheck (float64, finite differences) for every differentiable op of core, on
// random shapes, broadcast pairs and non-contiguous inputs; gradgradcheck where second derivatives
// exist. Inputs are kept away from kinks (abs at 0, ties of max, ...) so the numerical Jacobian
// is well defined there.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as torch from 'typetorch';

type Tensor = torch.Tensor;
const { gradcheck, gradgradcheck } = torch.autograd;

/** How a leaf is laid out in memory: gradients must not depend on it. */
type Layout = 'contiguous' | 'transposed' | 'sliced';

/** A leaf to build: shape, row-major values, layout. */
interface Spec {
  shape: number[];
  values: number[];
  layout: Layout;
}

/** Value domains that keep each op differentiable and away from its kinks. */
type Domain = 'any' | 'positive' | 'distinct' | 'unit' | 'nonzero';

const RUNS = Number(process.env.GRADCHECK_RUNS ?? 20);
const GRADGRAD_RUNS = Number(process.env.GRADGRAD_RUNS ?? 10);

function numel(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function shapeArb(maxRank = 3, maxSize = 3, minRank = 0): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxSize }), { minLength: minRank, maxLength: maxRank });
}

function valuesArb(n: number, domain: Domain): fc.Arbitrary<number[]> {
  const double = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  switch (domain) {
    case 'any':
      return fc.array(double(-2, 2), { minLength: n, maxLength: n });
    case 'positive':
      return fc.array(double(0.2, 2), { minLength: n, maxLength: n });
    case 'unit':
      return fc.array(double(-0.85, 0.85), { minLength: n, maxLength: n });
    case 'nonzero':
      return fc.array(fc.tuple(double(0.2, 2), fc.boolean()).map(([v, s]) => (s ? v : -v)), { minLength: n, maxLength: n });
    case 'distinct':
      // Distinct values 0.1 apart, none zero, no two of equal magnitude: no ties, no kinks.
      return fc.uniqueArray(fc.integer({ min: -25, max: 25 }), { minLength: n, maxLength: n }).map((a) => a.map((v) => v / 10 + 0.013));
  }
}

function specArb(domain: Domain = 'any', shapes: fc.Arbitrary<number[]> = shapeArb()): fc.Arbitrary<Spec> {
  return shapes.chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      values: valuesArb(numel(shape), domain),
      layout: fc.constantFrom<Layout>('contiguous', 'transposed', 'sliced'),
    }),
  );
}

/** A float64 leaf that requires grad, laid out as the spec says (non-contiguous for two layouts). */
function build(spec: Spec): Tensor {
  const { shape, values, layout } = spec;
  const rank = shape.length;
  let t: Tensor;
  if (layout === 'transposed' && rank >= 2) {
    const reversed = [...shape].reverse();
    // Values in row-major order of `shape`, stored in the order of the reversed shape.
    const stored = new Array<number>(values.length);
    const strides = shape.map((_, d) => numel(shape.slice(d + 1)));
    const revStrides = reversed.map((_, d) => numel(reversed.slice(d + 1)));
    for (let flat = 0; flat < values.length; flat++) {
      let rest = flat;
      let target = 0;
      for (let d = 0; d < rank; d++) {
        const i = Math.floor(rest / strides[d]);
        rest %= strides[d];
        target += i * revStrides[rank - 1 - d];
      }
      stored[target] = values[flat];
    }
    t = torch.tensor(stored, { dtype: 'float64' }).reshape(reversed).permute([...reversed.keys()].reverse());
  } else if (layout === 'sliced' && rank >= 1) {
    const row = numel(shape.slice(1));
    const data: number[] = [];
    for (let r = 0; r < shape[0]; r++) data.push(...values.slice(r * row, (r + 1) * row), ...new Array<number>(row).fill(7.5));
    t = torch.tensor(data, { dtype: 'float64' }).reshape([2 * shape[0], ...shape.slice(1)]).index('::2');
  } else {
    t = torch.tensor(values, { dtype: 'float64' }).reshape(shape);
  }
  return t.detach().requiresGrad_();
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function expectGradcheck(fn: Fn, inputs: Tensor[]): void {
  expect(gradcheck(fn, inputs)).toBe(true);
}

function expectGradgradcheck(fn: Fn, inputs: Tensor[]): void {
  expect(gradgradcheck(fn, inputs)).toBe(true);
}

/** A property over one leaf. */
function unaryProperty(domain: Domain, fn: (x: Tensor) => Tensor | Tensor[], shapes = shapeArb(), runs = RUNS): void {
  fc.assert(fc.property(specArb(domain, shapes), (spec) => expectGradcheck(fn, [build(spec)])), { numRuns: runs });
}

/** Two shapes that broadcast together: one is the other with some dims set to 1 or dropped. */
const broadcastPairArb: fc.Arbitrary<[number[], number[]]> = shapeArb().chain((full) =>
  fc
    .tuple(
      fc.constant(full),
      fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      fc.integer({ min: 0, max: full.length }),
      fc.boolean(),
    )
    .map(([f, ones, drop, swap]) => {
      const other = f.map((d, i) => (ones[i] ? 1 : d)).slice(drop);
      return (swap ? [other, f] : [f, other]) as [number[], number[]];
    }),
);

/** The shape two broadcastable shapes broadcast to. */
function broadcastOf(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
}

function pairArb(domainA: Domain, domainB: Domain): fc.Arbitrary<[Spec, Spec]> {
  return broadcastPairArb.chain(([sa, sb]) => fc.tuple(specArb(domainA, fc.constant(sa)), specArb(domainB, fc.constant(sb))));
}

function binaryProperty(domainA: Domain, domainB: Domain, fn: (a: Tensor, b: Tensor) => Tensor, runs = RUNS): void {
  fc.assert(fc.property(pairArb(domainA, domainB), ([a, b]) => expectGradcheck(fn, [build(a), build(b)])), { numRuns: runs });
}

/** A subset of dims of a rank, some written negative. */
function dimsArb(rank: number): fc.Arbitrary<number[]> {
  const all = [...Array(rank).keys()];
  return fc.subarray(all).chain((dims) =>
    fc.array(fc.boolean(), { minLength: dims.length, maxLength: dims.length }).map((neg) => dims.map((d, i) => (neg[i] ? d - rank : d))),
  );
}

/** One dim of a rank (0 for a 0-d tensor), possibly negative. */
function dimArb(rank: number): fc.Arbitrary<number> {
  return rank === 0 ? fc.constantFrom(0, -1) : fc.integer({ min: -rank, max: rank - 1 });
}

/** A leaf spec with a dims list and keepdim. */
function reductionArb(domain: Domain, shapes = shapeArb()): fc.Arbitrary<{ spec: Spec; dims: number[]; keepdim: boolean }> {
  return specArb(domain, shapes).chain((spec) =>
    fc.record({ spec: fc.constant(spec), dims: dimsArb(spec.shape.length), keepdim: fc.boolean() }),
  );
}

/** A leaf spec with one dim. */
function oneDimArb(domain: Domain, shapes = shapeArb()): fc.Arbitrary<{ spec: Spec; dim: number; keepdim: boolean }> {
  return specArb(domain, shapes).chain((spec) =>
    fc.record({ spec: fc.constant(spec), dim: dimArb(spec.shape.length), keepdim: fc.boolean() }),
  );
}

function intTensor(values: number[], shape: number[]): Tensor {
  return torch.tensor(values, { dtype: 'int64' }).reshape(shape);
}

describe('gradcheck: elementwise unary ops', () => {
  const cases: [string, Domain, (x: Tensor) => Tensor][] = [
    ['neg', 'any', (x) => x.neg()],
    ['abs', 'nonzero', (x) => x.abs()],
    ['exp', 'any', (x) => x.exp()],
    ['exp2', 'any', (x) => x.exp2()],
    ['expm1', 'any', (x) => x.expm1()],
    ['log', 'positive', (x) => x.log()],
    ['log2', 'positive', (x) => x.log2()],
    ['log10', 'positive', (x) => x.log10()],
    ['log1p', 'positive', (x) => x.log1p()],
    ['sqrt', 'positive', (x) => x.sqrt()],
    ['rsqrt', 'positive', (x) => x.rsqrt()],
    ['reciprocal', 'nonzero', (x) => x.reciprocal()],
    ['sin', 'any', (x) => x.sin()],
    ['cos', 'any', (x) => x.cos()],
    ['tan', 'unit', (x) => x.tan()],
    ['asin', 'unit', (x) => x.asin()],
    ['acos', 'unit', (x) => x.acos()],
    ['atan', 'any', (x) => x.atan()],
    ['sinh', 'any', (x) => x.sinh()],
    ['cosh', 'any', (x) => x.cosh()],
    ['tanh', 'any', (x) => x.tanh()],
    ['sigmoid', 'any', (x) => x.sigmoid()],
    ['relu', 'nonzero', (x) => x.relu()],
    ['erf', 'any', (x) => x.erf()],
    ['square', 'any', (x) => torch.square(x)],
    // Piecewise constant: a zero gradient, away from the jumps.
    ['sign', 'distinct', (x) => x.sign()],
    ['floor', 'distinct', (x) => x.floor()],
    ['ceil', 'distinct', (x) => x.ceil()],
    ['round', 'distinct', (x) => x.round()],
    ['trunc', 'distinct', (x) => x.trunc()],
    ['clone', 'any', (x) => x.clone()],
    ['contiguous', 'any', (x) => x.contiguous()],
  ];
  for (const [name, domain, fn] of cases) {
    it(`${name} has correct gradients`, () => unaryProperty(domain, fn));
  }

  it('clamp with scalar bounds has correct gradients', () => {
    unaryProperty('distinct', (x) => x.clamp(-0.55, 0.75));
    unaryProperty('distinct', (x) => x.clamp({ min: 0.05 }));
    unaryProperty('distinct', (x) => x.clamp(null, 0.05));
  });

  it('pow with a scalar exponent has correct gradients', () => {
    unaryProperty('positive', (x) => x.pow(2.5));
    unaryProperty('any', (x) => x.pow(3));
    unaryProperty('positive', (x) => torch.pow(1.7, x));
  });

  it('arithmetic with scalars has correct gradients', () => {
    unaryProperty('nonzero', (x) => x.add(2).sub(1.5, { alpha: 2 }).mul(3).div(0.7));
    unaryProperty('nonzero', (x) => torch.div(2, x));
    unaryProperty('positive', (x) => x.remainder(0.37));
  });

  it('maskedFill has correct gradients', () => {
    fc.assert(
      fc.property(specArb('any'), fc.array(fc.boolean(), { minLength: 27, maxLength: 27 }), (spec, bits) => {
        const mask = torch.tensor(bits.slice(0, numel(spec.shape))).reshape(spec.shape);
        expectGradcheck((x) => x.maskedFill(mask, 0.5), [build(spec)]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('gradcheck: elementwise binary ops on broadcast shapes', () => {
  it('add, sub (alpha), mul have correct gradients', () => {
    binaryProperty('any', 'any', (a, b) => a.add(b));
    binaryProperty('any', 'any', (a, b) => a.sub(b, { alpha: 2 }));
    binaryProperty('any', 'any', (a, b) => a.mul(b));
  });

  it('div has correct gradients', () => binaryProperty('any', 'nonzero', (a, b) => a.div(b)));
  it('pow with positive bases has correct gradients', () => binaryProperty('positive', 'any', (a, b) => a.pow(b)));
  it('atan2 has correct gradients', () => binaryProperty('nonzero', 'nonzero', (a, b) => a.atan2(b)));
  it('remainder has correct gradients', () => {
    fc.assert(
      fc.property(pairArb('positive', 'positive'), ([sa, sb]) => {
        const [a, b] = [build(sa), build(sb)];
        // remainder jumps where a / b is an integer: stay away from there.
        const q = torch.noGrad(() => a.div(b));
        fc.pre(!q.sub(q.round()).abs().lt(1e-3).any().itemSync());
        expectGradcheck((x, y) => x.remainder(y), [a, b]);
      }),
      { numRuns: RUNS },
    );
  });

  it('minimum and maximum have correct gradients', () => {
    fc.assert(
      fc.property(pairArb('distinct', 'distinct'), fc.boolean(), ([sa, sb], useMax) => {
        // Shift b by a non-multiple of 0.1 so no element of a equals one of b.
        const b = build({ ...sb, values: sb.values.map((v) => v + 0.031) });
        expectGradcheck((x, y) => (useMax ? x.maximum(y) : x.minimum(y)), [build(sa), b]);
      }),
      { numRuns: RUNS },
    );
  });

  it('lerp has correct gradients for tensor and scalar weights', () => {
    binaryProperty('any', 'any', (a, b) => a.lerp(b, 0.3));
    fc.assert(
      fc.property(pairArb('any', 'any'), specArb('unit', fc.constant([1])), ([sa, sb], sw) =>
        expectGradcheck((a, b, w) => a.lerp(b, w), [build(sa), build(sb), build(sw)]),
      ),
      { numRuns: RUNS },
    );
  });

  it('where has correct gradients', () => {
    fc.assert(
      fc.property(pairArb('any', 'any'), fc.array(fc.boolean(), { minLength: 27, maxLength: 27 }), ([sa, sb], bits) => {
        const shape = broadcastOf(sa.shape, sb.shape);
        const cond = torch.tensor(bits.slice(0, numel(shape))).reshape(shape);
        expectGradcheck((a, b) => torch.where(cond, a, b), [build(sa), build(sb)]);
      }),
      { numRuns: RUNS },
    );
  });

  it('clamp with tensor bounds has correct gradients', () => {
    fc.assert(
      fc.property(specArb('distinct', fc.constant([2, 3])), (spec) => {
        const lo = build({ shape: [3], values: [-0.55, -1.05, 0.25], layout: 'contiguous' });
        const hi = build({ shape: [2, 1], values: [0.75, 1.45], layout: 'contiguous' });
        expectGradcheck((x, l, h) => x.clamp(l, h), [build(spec), lo, hi]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('gradcheck: reductions', () => {
  for (const op of ['sum', 'mean'] as const) {
    it(`${op} over random dims, with and without keepdim, has correct gradients`, () => {
      fc.assert(
        fc.property(reductionArb('any'), ({ spec, dims, keepdim }) =>
          expectGradcheck((x) => (dims.length === 0 ? x[op]({ keepdim }) : x[op](dims, { keepdim })), [build(spec)]),
        ),
        { numRuns: RUNS },
      );
    });
  }

  it('prod of all elements and along a dim has correct gradients', () => {
    fc.assert(
      fc.property(oneDimArb('nonzero'), fc.boolean(), ({ spec, dim, keepdim }, all) =>
        expectGradcheck((x) => (all ? x.prod() : x.prod(dim, { keepdim })), [build(spec)]),
      ),
      { numRuns: RUNS },
    );
  });

  it('prod and cumprod have correct gradients at zeros', () => {
    const x = torch.tensor([[2, 0, 3], [0, 0, 1.5], [0.5, -1, 4]], { dtype: 'float64', requiresGrad: true });
    expectGradcheck((t) => t.prod(), [x]);
    expectGradcheck((t) => t.prod(1), [x]);
    expectGradcheck((t) => t.prod(0, { keepdim: true }), [x]);
    expectGradcheck((t) => t.cumprod(1), [x]);
    expectGradcheck((t) => t.cumprod(0), [x]);
  });

  it('max and min of all elements have correct gradients', () => {
    unaryProperty('distinct', (x) => x.max());
    unaryProperty('distinct', (x) => x.min());
  });

  it('max(dim) and min(dim) values have correct gradients', () => {
    fc.assert(
      fc.property(oneDimArb('distinct'), fc.boolean(), ({ spec, dim, keepdim }, useMax) =>
        expectGradcheck((x) => (useMax ? x.max(dim, { keepdim }) : x.min(dim, { keepdim })).values, [build(spec)]),
      ),
      { numRuns: RUNS },
    );
  });

  it('amax and amin over dims have correct gradients', () => {
    fc.assert(
      fc.property(reductionArb('distinct'), fc.boolean(), ({ spec, dims, keepdim }, useMax) =>
        expectGradcheck((x) => (useMax ? x.amax(dims, { keepdim }) : x.amin(dims, { keepdim })), [build(spec)]),
      ),
      { numRuns: RUNS },
    );
  });

  it('splits the gradient of max evenly among ties, as PyTorch does', () => {
    const x = torch.tensor([1, 3, 3, 2], { requiresGrad: true });
    x.max().backward();
    expect(x.grad!.tolistSync()).toEqual([0, 0.5, 0.5, 0]);
    const y = torch.tensor([[1, 3, 3], [2, 2, 0]], { requiresGrad: true });
    y.amax(1).sum().backward();
    expect(y.grad!.tolistSync()).toEqual([[0, 0.5, 0.5], [0.5, 0.5, 0]]);
    const z = torch.tensor([1, 3, 3, 2], { requiresGrad: true });
    z.max(0).values.backward();
    expect(z.grad!.tolistSync()).toEqual([0, 1, 0, 0]);
  });

  for (const op of ['std', 'var'] as const) {
    it(`${op} with correction 0 and 1 has correct gradients`, () => {
      fc.assert(
        // Distinct values: std is not differentiable where it is 0.
        fc.property(reductionArb('distinct'), fc.constantFrom(0, 1), ({ spec, dims, keepdim }, correction) => {
          const reduced = dims.length === 0 ? numel(spec.shape) : dims.reduce((n, d) => n * spec.shape[(d + spec.shape.length) % spec.shape.length], 1);
          const c = reduced > correction ? correction : 0;
          const variance = (x: Tensor) => (dims.length === 0 ? x[op]({ correction: c, keepdim }) : x[op](dims, { correction: c, keepdim }));
          // std is not differentiable where it is 0 (one element, correction 0).
          if (op === 'std' && reduced === 1) return;
          expectGradcheck(variance, [build(spec)]);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('logsumexp has correct gradients', () => {
    fc.assert(
      fc.property(reductionArb('any'), ({ spec, dims, keepdim }) =>
        expectGradcheck((x) => x.logsumexp(dims.length === 0 ? [...spec.shape.keys()] : dims, { keepdim }), [build(spec)]),
      ),
      { numRuns: RUNS },
    );
  });

  it('norm for p = 2, 1, 3, 1.5, 0.5 and ±Infinity has correct gradients', () => {
    fc.assert(
      fc.property(reductionArb('distinct'), fc.constantFrom(2, 1, 3, 1.5, 0.5, Infinity, -Infinity), ({ spec, dims, keepdim }, p) =>
        expectGradcheck((x) => x.norm(p, dims.length === 0 ? null : dims, { keepdim }), [build(spec)]),
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('cumsum and cumprod have correct gradients', () => {
    fc.assert(
      fc.property(oneDimArb('nonzero'), fc.boolean(), ({ spec, dim }, sum) =>
        expectGradcheck((x) => (sum ? x.cumsum(dim) : x.cumprod(dim)), [build(spec)]),
      ),
      { numRuns: RUNS },
    );
  });

  it('softmax and logSoftmax have correct gradients', () => {
    fc.assert(
      fc.property(oneDimArb('any'), fc.boolean(), ({ spec, dim }, log) =>
        expectGradcheck((x) => (log ? x.logSoftmax(dim) : x.softmax(dim)), [build(spec)]),
      ),
      { numRuns: RUNS },
    );
  });
});

/** Shapes of a matmul: 1-D, 2-D and batched operands with broadcast batch dims. */
const matmulShapesArb: fc.Arbitrary<[number[], number[]]> = fc
  .tuple(
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 3 }),
    fc.constantFrom('vv', 'mv', 'vm', 'mm', 'bm', 'mb', 'bb', 'bv', 'vb'),
    broadcastPairArb.filter(([a, b]) => a.length <= 2 && b.length <= 2 && a.length + b.length > 0),
  )
  .map(([m, k, n, kind, [batchA, batchB]]) => {
    switch (kind) {
      case 'vv': return [[k], [k]];
      case 'mv': return [[m, k], [k]];
      case 'vm': return [[k], [k, n]];
      case 'mm': return [[m, k], [k, n]];
      case 'bm': return [[...batchA, m, k], [k, n]];
      case 'mb': return [[m, k], [...batchB, k, n]];
      case 'bb': return [[...batchA, m, k], [...batchB, k, n]];
      case 'bv': return [[...batchA, m, k], [k]];
      default: return [[k], [...batchB, k, n]];
    }
  });

function matmulInputsArb(): fc.Arbitrary<[Spec, Spec]> {
  return matmulShapesArb.chain(([sa, sb]) => fc.tuple(specArb('any', fc.constant(sa)), specArb('any', fc.constant(sb))));
}

describe('gradcheck: linear algebra', () => {
  it('matmul on 1-D, 2-D and broadcast batched operands has correct gradients', () => {
    fc.assert(
      fc.property(matmulInputsArb(), ([a, b]) => expectGradcheck((x, y) => x.matmul(y), [build(a), build(b)])),
      { numRuns: RUNS * 2 },
    );
  });

  it('mm, bmm, mv, dot and outer have correct gradients', () => {
    const mats = (shapeA: number[], shapeB: number[]) =>
      fc.tuple(specArb('any', fc.constant(shapeA)), specArb('any', fc.constant(shapeB)));
    const dims = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }));
    fc.assert(
      fc.property(dims.chain(([m, k, n, b]) => fc.tuple(mats([m, k], [k, n]), mats([b, m, k], [b, k, n]), mats([m, k], [k]), mats([k], [k]), mats([m], [n]))),
        ([mm, bmm, mv, dot, outer]) => {
          expectGradcheck((x, y) => x.mm(y), mm.map(build));
          expectGradcheck((x, y) => torch.bmm(x, y), bmm.map(build));
          expectGradcheck((x, y) => x.mv(y), mv.map(build));
          expectGradcheck((x, y) => x.dot(y), dot.map(build));
          expectGradcheck((x, y) => x.outer(y), outer.map(build));
        }),
      { numRuns: RUNS },
    );
  });
});

/** A random permutation of `n` items. */
function permutationArb(n: number): fc.Arbitrary<number[]> {
  return fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });
}

describe('gradcheck: views and shape ops', () => {
  it('view and reshape have correct gradients', () => {
    fc.assert(
      fc.property(specArb('any'), (spec) => {
        const reversed = [...spec.shape].reverse();
        expectGradcheck((x) => x.reshape(reversed), [build(spec)]);
        expectGradcheck((x) => x.reshape(-1), [build(spec)]);
        expectGradcheck((x) => x.contiguous().view(-1), [build(spec)]);
        expectGradcheck((x) => x.flatten(), [build(spec)]);
      }),
      { numRuns: RUNS },
    );
  });

  it('permute, transpose, t, mT and movedim have correct gradients', () => {
    fc.assert(
      fc.property(specArb('any').chain((spec) => fc.tuple(fc.constant(spec), permutationArb(spec.shape.length), dimArb(spec.shape.length), dimArb(spec.shape.length))),
        ([spec, perm, d0, d1]) => {
          expectGradcheck((x) => x.permute(perm), [build(spec)]);
          expectGradcheck((x) => x.transpose(d0, d1), [build(spec)]);
          if (spec.shape.length <= 2) expectGradcheck((x) => x.t(), [build(spec)]);
          if (spec.shape.length >= 2) expectGradcheck((x) => x.mT, [build(spec)]);
          if (spec.shape.length >= 1) expectGradcheck((x) => x.movedim(d0, d1), [build(spec)]);
        }),
      { numRuns: RUNS },
    );
  });

  it('expand has correct gradients', () => {
    fc.assert(
      fc.property(broadcastPairArb.chain(([a, b]) => {
        const [small, full] = a.length <= b.length ? [a, b] : [b, a];
        const target = full.map((d, i) => {
          const j = i - (full.length - small.length);
          return j >= 0 && small[j] !== 1 ? small[j] : d;
        });
        return fc.tuple(specArb('any', fc.constant(small)), fc.constant([2, ...target]));
      }), ([spec, target]) => expectGradcheck((x) => x.expand(target), [build(spec)])),
      { numRuns: RUNS },
    );
  });

  it('squeeze, unsqueeze and unflatten have correct gradients', () => {
    const withOnes = fc.array(fc.integer({ min: 1, max: 3 }).map((s) => (s === 3 ? 1 : s)), { maxLength: 3 });
    fc.assert(
      fc.property(specArb('any', withOnes).chain((spec) => fc.tuple(fc.constant(spec), dimArb(spec.shape.length), fc.integer({ min: -spec.shape.length - 1, max: spec.shape.length }))),
        ([spec, dim, at]) => {
          expectGradcheck((x) => x.squeeze(), [build(spec)]);
          expectGradcheck((x) => x.squeeze(dim), [build(spec)]);
          expectGradcheck((x) => x.unsqueeze(at), [build(spec)]);
          if (spec.shape.length >= 1) expectGradcheck((x) => x.unflatten(dim, [1, spec.shape[(dim + spec.shape.length) % spec.shape.length]]), [build(spec)]);
        }),
      { numRuns: RUNS },
    );
  });

  it('slices with steps, select, narrow and basic indexing have correct gradients', () => {
    const sized = shapeArb(3, 4, 1);
    fc.assert(
      fc.property(specArb('any', sized).chain((spec) => fc.tuple(
        fc.constant(spec),
        fc.integer({ min: -4, max: 3 }), fc.integer({ min: -4, max: 4 }), fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: spec.shape[0] - 1 }),
      )), ([spec, start, stop, step, i]) => {
        const n = spec.shape[0];
        expectGradcheck((x) => x.index(`${start}:${stop}:${step}`), [build(spec)]);
        expectGradcheck((x) => x.index(i), [build(spec)]);
        expectGradcheck((x) => x.index('...', null, '::2'), [build(spec)]);
        expectGradcheck((x) => x.select(-spec.shape.length, i - n), [build(spec)]);
        expectGradcheck((x) => x.narrow(0, i, n - i), [build(spec)]);
      }),
      { numRuns: RUNS },
    );
  });

  it('unbind, split and chunk have correct gradients for every piece', () => {
    fc.assert(
      fc.property(oneDimArb('any', shapeArb(3, 4, 1)), fc.integer({ min: 1, max: 3 }), ({ spec, dim }, size) => {
        expectGradcheck((x) => x.unbind(dim), [build(spec)]);
        expectGradcheck((x) => x.split(size, dim), [build(spec)]);
        expectGradcheck((x) => x.chunk(size, dim), [build(spec)]);
      }),
      { numRuns: RUNS },
    );
  });

  it('asStrided (overlapping windows) has correct gradients', () => {
    fc.assert(
      fc.property(specArb('any', fc.integer({ min: 3, max: 6 }).map((n) => [n])), (spec) => {
        const n = spec.shape[0];
        // asStrided reads the storage: use a contiguous leaf.
        const x = build({ ...spec, layout: 'contiguous' });
        expectGradcheck((t) => t.asStrided([n - 1, 2], [1, 1]), [x]);
        expectGradcheck((t) => t.asStrided([2], [2], n - 3), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('flip and repeat have correct gradients', () => {
    fc.assert(
      fc.property(specArb('any').chain((spec) => fc.tuple(
        fc.constant(spec), dimsArb(spec.shape.length),
        fc.array(fc.integer({ min: 1, max: 2 }), { minLength: spec.shape.length, maxLength: spec.shape.length + 1 }),
      )), ([spec, dims, repeats]) => {
        expectGradcheck((x) => x.flip(dims), [build(spec)]);
        expectGradcheck((x) => x.repeat(repeats), [build(spec)]);
      }),
      { numRuns: RUNS },
    );
  });

  it('cat and stack have correct gradients', () => {
    fc.assert(
      fc.property(oneDimArb('any', shapeArb(3, 3, 1)).chain(({ spec, dim }) => {
        const d = (dim + spec.shape.length) % spec.shape.length;
        const other = spec.shape.map((s, i) => (i === d ? 2 : s));
        return fc.tuple(fc.constant(spec), fc.constant(dim), specArb('any', fc.constant(other)), specArb('any', fc.constant(spec.shape)));
      }), ([a, dim, b, c]) => {
        expectGradcheck((x, y, z) => torch.cat([x, y, z], dim), [build(a), build(b), build(c)]);
        expectGradcheck((x, z) => torch.stack([x, z], dim), [build(a), build(c)]);
        expectGradcheck((x, z) => torch.stack([x, z], -1), [build(a), build(c)]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('gradcheck: indexing', () => {
  /** A leaf with one dim and random in-range index values of a given shape along it. */
  const gatherArb = oneDimArb('any', shapeArb(3, 3, 1)).chain(({ spec, dim }) => {
    const d = (dim + spec.shape.length) % spec.shape.length;
    return shapeArb(spec.shape.length, 3, spec.shape.length).chain((raw) => {
      const indexShape = raw.map((s, i) => (i === d ? s : Math.min(s, spec.shape[i])));
      return fc.tuple(
        fc.constant(spec), fc.constant(dim), fc.constant(indexShape),
        fc.array(fc.integer({ min: 0, max: spec.shape[d] - 1 }), { minLength: numel(indexShape), maxLength: numel(indexShape) }),
        specArb('any', fc.constant(indexShape)),
      );
    });
  });

  it('gather and scatterAdd have correct gradients', () => {
    fc.assert(
      fc.property(gatherArb, ([spec, dim, indexShape, idx, src]) => {
        const index = intTensor(idx, indexShape);
        expectGradcheck((x) => x.gather(dim, index), [build(spec)]);
        expectGradcheck((x, s) => x.scatterAdd(dim, index, s), [build(spec), build(src)]);
      }),
      { numRuns: RUNS },
    );
  });

  it('scatter with unique positions has correct gradients for self and src', () => {
    fc.assert(
      fc.property(oneDimArb('any', shapeArb(2, 3, 1)).chain(({ spec, dim }) => {
        const d = (dim + spec.shape.length) % spec.shape.length;
        const slices = numel(spec.shape) / spec.shape[d];
        return fc.tuple(fc.constant(spec), fc.constant(d), fc.array(permutationArb(spec.shape[d]), { minLength: slices, maxLength: slices }), specArb('any', fc.constant(spec.shape)));
      }), ([spec, d, perms, src]) => {
        // Each slice along d gets a permutation, so every position is written exactly once.
        const shape = spec.shape;
        const moved = [...shape.filter((_, i) => i !== d), shape[d]];
        const index = intTensor(perms.flat(), moved).movedim(-1, d).contiguous();
        const keep = index.narrow(d, 0, Math.max(1, shape[d] - 1)).contiguous();
        expectGradcheck((x, s) => x.scatter(d, keep, s), [build(spec), build(src)]);
        expectGradcheck((x) => x.scatter(d, keep, 2.5), [build(spec)]);
      }),
      { numRuns: RUNS },
    );
  });

  it('indexSelect and integer-tensor indexing have correct gradients (duplicates summed)', () => {
    fc.assert(
      fc.property(oneDimArb('any', shapeArb(3, 3, 1)).chain(({ spec, dim }) => {
        const size = spec.shape[(dim + spec.shape.length) % spec.shape.length];
        return fc.tuple(fc.constant(spec), fc.constant(dim), fc.array(fc.integer({ min: -size, max: size - 1 }), { minLength: 1, maxLength: 4 }));
      }), ([spec, dim, idx]) => {
        const size = spec.shape[(dim + spec.shape.length) % spec.shape.length];
        const positive = intTensor(idx.map((i) => (i + size) % size), [idx.length]);
        expectGradcheck((x) => x.indexSelect(dim, positive), [build(spec)]);
        expectGradcheck((x) => x.index(torch.tensor(idx.map((i) => (i + spec.shape[0]) % spec.shape[0]), { dtype: 'int64' })), [build(spec)]);
        expectGradcheck((x) => x.index(idx.map((i) => (i + spec.shape[0]) % spec.shape[0])), [build(spec)]);
        if (spec.shape.length >= 2) {
          const rows = intTensor([0, spec.shape[0] - 1], [2, 1]);
          const cols = intTensor([spec.shape[1] - 1, 0, 0], [3]);
          expectGradcheck((x) => x.index(rows, cols), [build(spec)]);
          expectGradcheck((x) => x.index(':', cols), [build(spec)]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('boolean-mask indexing and maskedSelect have correct gradients', () => {
    fc.assert(
      fc.property(specArb('any', shapeArb(3, 3, 1)), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), (spec, bits) => {
        const rowMask = torch.tensor(bits.slice(0, spec.shape[0]));
        expectGradcheck((x) => x.index(rowMask), [build(spec)]);
        const lastMask = torch.tensor(bits.slice(0, spec.shape[spec.shape.length - 1]));
        expectGradcheck((x) => x.maskedSelect(lastMask), [build(spec)]);
      }),
      { numRuns: RUNS },
    );
  });

  it('out-of-place indexPut has correct gradients for self and values', () => {
    fc.assert(
      fc.property(specArb('any', shapeArb(2, 4, 1)), specArb('any', fc.constant([2])), fc.boolean(), (spec, vals, accumulate) => {
        const n = spec.shape[0];
        const rows = accumulate ? [0, 0] : [0, n - 1].filter((v, i, a) => a.indexOf(v) === i);
        const index = torch.tensor(rows, { dtype: 'int64' });
        const value = build({ ...vals, shape: [rows.length], values: vals.values.slice(0, rows.length) });
        const shape = spec.shape;
        const v = shape.length === 2 ? value.unsqueeze(1) : value;
        expectGradcheck((x, w) => x.indexPut([index], w, { accumulate }), [build(spec), v.detach().requiresGrad_()]);
        expectGradcheck((x) => x.indexPut([index], 1.5, { accumulate }), [build(spec)]);
      }),
      { numRuns: RUNS },
    );
  });

  it('in-place writes through indexPut_ on a non-leaf have correct gradients', () => {
    fc.assert(
      fc.property(specArb('any', fc.constant([3, 2])), specArb('any', fc.constant([2])), (spec, vals) => {
        expectGradcheck((x, w) => x.mul(1).indexPut_([1], w), [build(spec), build(vals)]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('gradgradcheck: second derivatives', () => {
  const small = shapeArb(2, 2);
  const cases: [string, Domain, (x: Tensor) => Tensor][] = [
    ['exp', 'any', (x) => x.exp()],
    ['sin', 'any', (x) => x.sin()],
    ['tanh', 'any', (x) => x.tanh()],
    ['sigmoid', 'any', (x) => x.sigmoid()],
    ['log', 'positive', (x) => x.log()],
    ['sqrt', 'positive', (x) => x.sqrt()],
    ['pow with a scalar exponent', 'positive', (x) => x.pow(2.5)],
    ['sum', 'any', (x) => x.sum()],
    ['mean over dim 0 with keepdim', 'any', (x) => x.mean(x.ndim === 0 ? [] : [0], { keepdim: true })],
    ['softmax', 'any', (x) => x.softmax(-1)],
    ['logSoftmax', 'any', (x) => x.logSoftmax(-1)],
    ['logsumexp', 'any', (x) => x.logsumexp(-1)],
    ['prod', 'nonzero', (x) => x.prod()],
    ['cumprod', 'nonzero', (x) => x.cumprod(-1)],
    ['std', 'any', (x) => torch.cat([x.reshape(-1), x.reshape(-1).mul(-0.5).add(1)]).std()],
    ['norm', 'nonzero', (x) => x.norm()],
    ['views (reshape, transpose, expand, slice)', 'any', (x) => x.reshape(-1).unsqueeze(0).expand(2, -1).t().index('::2').mul(x.reshape(-1).index('::2').unsqueeze(1))],
  ];
  for (const [name, domain, fn] of cases) {
    it(`${name} has correct second derivatives`, () => {
      fc.assert(fc.property(specArb(domain, small), (spec) => expectGradgradcheck(fn, [build(spec)])), { numRuns: GRADGRAD_RUNS });
    });
  }

  it('mul, div and pow of two tensors have correct second derivatives', () => {
    const pairs = broadcastPairArb.filter(([a, b]) => numel(a) <= 4 && numel(b) <= 4);
    const arb = (da: Domain, db: Domain) => pairs.chain(([sa, sb]) => fc.tuple(specArb(da, fc.constant(sa)), specArb(db, fc.constant(sb))));
    fc.assert(fc.property(arb('any', 'any'), ([a, b]) => expectGradgradcheck((x, y) => x.mul(y), [build(a), build(b)])), { numRuns: GRADGRAD_RUNS });
    fc.assert(fc.property(arb('any', 'nonzero'), ([a, b]) => expectGradgradcheck((x, y) => x.div(y), [build(a), build(b)])), { numRuns: GRADGRAD_RUNS });
    fc.assert(fc.property(arb('positive', 'any'), ([a, b]) => expectGradgradcheck((x, y) => x.pow(y), [build(a), build(b)])), { numRuns: GRADGRAD_RUNS });
  });

  it('matmul has correct second derivatives', () => {
    const shapes = matmulShapesArb.filter(([a, b]) => numel(a) <= 6 && numel(b) <= 6);
    fc.assert(
      fc.property(shapes.chain(([sa, sb]) => fc.tuple(specArb('any', fc.constant(sa)), specArb('any', fc.constant(sb)))),
        ([a, b]) => expectGradgradcheck((x, y) => x.matmul(y), [build(a), build(b)])),
      { numRuns: GRADGRAD_RUNS },
    );
  });

  it('gather and indexing have correct second derivatives', () => {
    const x = torch.tensor([[0.5, -1.2, 2], [1.1, 0.3, -0.7]], { dtype: 'float64', requiresGrad: true });
    const index = torch.tensor([[2, 0], [1, 1]], { dtype: 'int64' });
    expectGradgradcheck((t) => t.gather(1, index).pow(2), [x]);
    expectGradgradcheck((t) => t.index(':', [2, 0, 2]).exp(), [x]);
    expectGradgradcheck((t) => torch.cat([t, t.mul(t)], 1).max(1).values, [x]);
  });
});
