/**
 * Differential properties (issue 5): random programs of elementwise ops, reductions, views and
 * matmul give the same results on cpu and on webgpu.
 *
 * fast-check generates a program: a few float32 inputs and a list of steps, each made of small
 * integers. An interpreter turns each step into a valid op from the shapes alone (so the program is
 * the same on both devices) and runs it on the cpu tensors and on their webgpu twins; every tensor
 * the program makes is then compared.
 *
 * What keeps the comparison meaningful in float32:
 * - only continuous ops (no sign, floor, comparisons), so a rounding difference in an input stays a
 *   small difference in the output; division is `a / (1 + |b|)`, and nothing grows exponentially
 *   (exp only of a tanh);
 * - `log` and `sqrt` (NaN below zero, -inf / 0 at zero) only of "exact" tensors: inputs and results
 *   of ops WGSL rounds correctly as the CPU does (neg, abs, relu, add, sub, mul, maximum, minimum,
 *   amax, amin, views), which hold the same bits on both devices, so both see the same sign; of
 *   other tensors the step takes `log1p(|x|)` (well conditioned everywhere);
 * - tolerance: `|got - want| <= rtol·|want| + atol·max(1, max |want|)` with rtol = atol = 1e-4: the
 *   summation order of sums, means and matmul differs between devices, so their error scales with
 *   the tensor's magnitude rather than with each value; NaN equals NaN and infinities match exactly.
 */
import fc from 'fast-check';
import * as torch from 'typetorch';
import { describe, expect, it } from 'vitest';
import { gpu } from './gpu.js';

await gpu();

type Tensor = torch.Tensor;

const RTOL = 1e-4;
const ATOL = 1e-4;
/** Results larger than this are skipped (both devices), so that programs stay small and fast. */
const MAX_NUMEL = 512;
const MAX_RANK = 4;

/** A tensor of the program on both devices; `exact` when both hold the same bits (see above). */
interface Value {
  cpu: Tensor;
  gpu: Tensor;
  exact: boolean;
  /** How the program made it, for failure messages. */
  how: string;
}

/** One step: an op kind and small integers the interpreter turns into operands and arguments. */
interface Step {
  kind: 'unary' | 'binary' | 'reduce' | 'view' | 'matmul';
  op: number;
  a: number;
  b: number;
  r: number;
  seed: number;
}

interface Program {
  inputs: { shape: number[]; seed: number }[];
  steps: Step[];
}

// ---- deterministic values and choices from a seed ----

/** A small LCG: the same numbers on every run for one seed. */
function rng(seed: number): () => number {
  let s = (seed >>> 0) || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A cpu leaf with values uniform in [-2, 2) (some exact zeros and ones, for log and sqrt edges). */
function leaf(shape: number[], seed: number): Tensor {
  const next = rng(seed);
  const values = Array.from({ length: numel(shape) }, () => {
    const u = next();
    if (u < 0.04) return 0;
    if (u < 0.06) return 1;
    return Math.fround(next() * 4 - 2);
  });
  return torch.tensor(values, { dtype: 'float32' }).reshape(shape);
}

function broadcastable(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const x = a[a.length - i];
    const y = b[b.length - i];
    if (x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

// ---- the interpreter ----

type Op = (x: Tensor, y: Tensor) => Tensor;
type UnaryOp = (x: Tensor) => Tensor;

const UNARY: [string, UnaryOp, boolean][] = [
  // name, op, keeps exactness
  ['neg', (x) => x.neg(), true],
  ['abs', (x) => x.abs(), true],
  ['relu', (x) => x.relu(), true],
  ['tanh', (x) => x.tanh(), false],
  ['sigmoid', (x) => x.sigmoid(), false],
  ['sin', (x) => x.sin(), false],
  ['cos', (x) => x.cos(), false],
  ['exp(tanh)', (x) => x.tanh().exp(), false],
  ['square', (x) => x.mul(x), true],
];

const BINARY: [string, Op, boolean][] = [
  ['add', (x, y) => x.add(y), true],
  ['sub', (x, y) => x.sub(y), true],
  ['mul', (x, y) => x.mul(y), true],
  ['maximum', (x, y) => x.maximum(y), true],
  ['minimum', (x, y) => x.minimum(y), true],
  ['div(1+|y|)', (x, y) => x.div(y.abs().add(1)), false],
];

const REDUCE: [string, (x: Tensor, dims: number[], keepdim: boolean) => Tensor, boolean][] = [
  ['sum', (x, d, keepdim) => x.sum(d, { keepdim }), false],
  ['mean', (x, d, keepdim) => x.mean(d, { keepdim }), false],
  ['amax', (x, d, keepdim) => x.amax(d, { keepdim }), true],
  ['amin', (x, d, keepdim) => x.amin(d, { keepdim }), true],
];

/** An op to run on both devices, or null when the step does not apply to these shapes. */
interface Planned {
  how: string;
  exact: boolean;
  /** The tensors it reads (pool values or fresh leaves, the same on both devices). */
  operands: Value[];
  run: (...xs: Tensor[]) => Tensor;
}

function fresh(shape: number[], seed: number): Value {
  const cpu = leaf(shape, seed);
  return { cpu, gpu: cpu.to('webgpu'), exact: true, how: `leaf[${shape.join(',')}]` };
}

function pick(pool: Value[], i: number): Value {
  return pool[i % pool.length];
}

function planUnary(pool: Value[], s: Step): Planned {
  const x = pick(pool, s.a);
  const special = s.op % (UNARY.length + 2);
  if (special >= UNARY.length) {
    // log / sqrt: NaN below zero, -inf / 0 at zero; only of exact tensors (see the module comment)
    const name = special === UNARY.length ? 'log' : 'sqrt';
    if (x.exact) return { how: `${name}(${x.how})`, exact: false, operands: [x], run: (t) => (name === 'log' ? t.log() : t.sqrt()) };
    return { how: `log1p(|${x.how}|)`, exact: false, operands: [x], run: (t) => t.abs().log1p() };
  }
  const [name, run, keeps] = UNARY[special];
  return { how: `${name}(${x.how})`, exact: keeps && x.exact, operands: [x], run };
}

function planBinary(pool: Value[], s: Step): Planned {
  const x = pick(pool, s.a);
  let y = pick(pool, s.b);
  const shape = [...x.cpu.shape];
  if (!broadcastable(shape, y.cpu.shape)) {
    // a fresh operand that broadcasts against x: some dims kept, some 1, maybe fewer leading dims
    const next = rng(s.seed);
    const drop = Math.floor(next() * (shape.length + 1));
    y = fresh(shape.slice(drop).map((d) => (next() < 0.5 ? d : 1)), s.seed);
  }
  const [name, run, keeps] = BINARY[s.op % BINARY.length];
  const swap = s.r % 2 === 1; // broadcasting in either direction
  const operands = swap ? [y, x] : [x, y];
  return { how: `${name}(${operands[0].how}, ${operands[1].how})`, exact: keeps && x.exact && y.exact, operands, run };
}

function planReduce(pool: Value[], s: Step): Planned {
  const x = pick(pool, s.a);
  const rank = x.cpu.ndim;
  const [name, run, keeps] = REDUCE[s.op % REDUCE.length];
  let dims = Array.from({ length: rank }, (_, d) => d).filter((d) => (s.b >> d) & 1);
  if (dims.length === 0) dims = Array.from({ length: rank }, (_, d) => d);
  dims = dims.map((d) => ((s.seed >> d) & 1 ? d - rank : d)); // some negative dims
  const keepdim = s.r % 2 === 1;
  if (rank === 0) return { how: `${name}(${x.how})`, exact: keeps && x.exact, operands: [x], run: (t) => run(t, [], false) };
  return {
    how: `${name}(${x.how}, [${dims.join(',')}], keepdim=${keepdim})`,
    exact: keeps && x.exact,
    operands: [x],
    run: (t) => run(t, dims, keepdim),
  };
}

/** A random order of `0..n-1`. */
function permutation(n: number, seed: number): number[] {
  const next = rng(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** A random shape with `n` elements (factors 2..5 split off, one size maybe written -1). */
function reshapeTarget(n: number, seed: number): number[] {
  const next = rng(seed);
  const out: number[] = [];
  let rest = n;
  while (out.length < 3 && next() < 0.7) {
    const divisors = [2, 3, 4, 5].filter((d) => rest % d === 0);
    if (divisors.length === 0) break;
    const d = divisors[Math.floor(next() * divisors.length)];
    out.push(d);
    rest /= d;
  }
  out.push(rest);
  const shape = permutation(out.length, seed + 1).map((i) => out[i]);
  if (next() < 0.3) shape[Math.floor(next() * shape.length)] = -1;
  return shape;
}

function planView(pool: Value[], s: Step): Planned | null {
  const x = pick(pool, s.a);
  const shape = [...x.cpu.shape];
  const rank = shape.length;
  const keep = (how: string, run: UnaryOp): Planned => ({ how: `${how}(${x.how})`, exact: x.exact, operands: [x], run });
  switch (s.op % 7) {
    case 0: {
      if (rank < 2) return null;
      const d0 = s.b % rank;
      const d1 = (s.r % rank) - (s.seed % 2 === 0 ? 0 : rank);
      return keep(`transpose[${d0},${d1}]`, (t) => t.transpose(d0, d1));
    }
    case 1: {
      const p = permutation(rank, s.seed);
      return keep(`permute[${p.join(',')}]`, (t) => t.permute(...p));
    }
    case 2: {
      if (rank === 0) return null;
      const dim = s.b % rank;
      const size = shape[dim];
      const start = s.r % size;
      const stop = start + 1 + (s.seed % (size - start));
      const step = 1 + (s.seed % 2);
      const items: string[] = [...new Array<string>(dim).fill(':'), `${start}:${stop}:${step}`];
      return keep(`index[${items.join(',')}]`, (t) => t.index(...items));
    }
    case 3: {
      // a new leading dim and size-1 dims broadcast to larger sizes
      const lead = 1 + (s.b % 3);
      const sizes = [lead, ...shape.map((d, i) => (d === 1 ? 1 + ((s.r >> i) % 3) : (i + s.seed) % 2 === 0 ? -1 : d))];
      if (rank + 1 > MAX_RANK) return null;
      return keep(`expand[${sizes.join(',')}]`, (t) => t.expand(...sizes));
    }
    case 4: {
      const target = reshapeTarget(numel(shape), s.seed);
      return keep(`reshape[${target.join(',')}]`, (t) => t.reshape(...target));
    }
    case 5: {
      const dim = s.b % (rank + 1);
      return keep(`unsqueeze[${dim}]`, (t) => t.unsqueeze(dim));
    }
    default: {
      if (rank === 0) return null;
      const dim = s.b % rank;
      const index = s.r % shape[dim];
      return keep(`select[${dim},${index}]`, (t) => t.select(dim, index));
    }
  }
}

/**
 * matmul of x with a partner whose dim -2 matches x's last dim: another pool value (transposed when
 * its last dim matches), a fresh `[k, n]` leaf, or x's own transpose. Batch dims must broadcast.
 */
function planMatmul(pool: Value[], s: Step): Planned {
  const x = pick(pool, s.a);
  const xs = [...x.cpu.shape];
  if (xs.length === 0) {
    const y = fresh([], s.seed);
    return { how: `mul(${x.how}, ${y.how})`, exact: false, operands: [x, y], run: (a, b) => a.mul(b) };
  }
  const k = xs[xs.length - 1];
  const batch = (t: readonly number[]) => t.slice(0, -2);
  const y = pick(pool, s.b);
  const ys = [...y.cpu.shape];
  const mm = (a: Tensor, b: Tensor) => a.matmul(b);
  const ok = (bs: number[]) => bs.length === 1 || broadcastable(batch(xs), batch(bs));
  if (ys.length >= 1 && ys[ys.length - 1] === k && (ys.length < 2 || ok([...batch(ys), k, 0]))) {
    if (ys.length === 1) return { how: `matmul(${x.how}, ${y.how})`, exact: false, operands: [x, y], run: mm };
    return { how: `matmul(${x.how}, ${y.how}.mT)`, exact: false, operands: [x, y], run: (a, b) => a.matmul(b.transpose(-1, -2)) };
  }
  if (ys.length >= 2 && ys[ys.length - 2] === k && ok(ys)) {
    return { how: `matmul(${x.how}, ${y.how})`, exact: false, operands: [x, y], run: mm };
  }
  if (s.r % 3 === 0 && xs.length >= 2) {
    return { how: `matmul(${x.how}, ${x.how}.mT)`, exact: false, operands: [x], run: (a) => a.matmul(a.transpose(-1, -2)) };
  }
  const n = 1 + (s.r % 5);
  const w = fresh(s.seed % 4 === 0 ? [k] : [k, n], s.seed);
  return { how: `matmul(${x.how}, ${w.how})`, exact: false, operands: [x, w], run: mm };
}

function plan(pool: Value[], s: Step): Planned | null {
  switch (s.kind) {
    case 'unary': return planUnary(pool, s);
    case 'binary': return planBinary(pool, s);
    case 'reduce': return planReduce(pool, s);
    case 'view': return planView(pool, s);
    default: return planMatmul(pool, s);
  }
}

// ---- comparison ----

async function mismatch(v: Value): Promise<string | null> {
  if (v.gpu.device !== 'webgpu') return `${v.how}: on device ${v.gpu.device}, expected webgpu`;
  if (v.gpu.dtype !== v.cpu.dtype) return `${v.how}: dtype ${v.gpu.dtype} on webgpu, ${v.cpu.dtype} on cpu`;
  if (v.gpu.shape.join(',') !== v.cpu.shape.join(',')) {
    return `${v.how}: shape [${v.gpu.shape.join(',')}] on webgpu, [${v.cpu.shape.join(',')}] on cpu`;
  }
  const got = Array.from(await v.gpu.data(), Number);
  const want = Array.from(await v.cpu.data(), Number);
  const scale = Math.max(1, ...want.filter(Number.isFinite).map(Math.abs));
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i], want[i]];
    const ok = Number.isNaN(w)
      ? Number.isNaN(g)
      : !Number.isFinite(w) || !Number.isFinite(g)
        ? g === w
        : Math.abs(g - w) <= RTOL * Math.abs(w) + ATOL * scale;
    if (!ok) return `${v.how} [${v.cpu.shape.join(',')}]: flat index ${i}: webgpu ${g}, cpu ${w}`;
  }
  return null;
}

/** How many steps of each kind ran, and of each op, over all programs. */
const ran: Record<Step['kind'], number> = { unary: 0, binary: 0, reduce: 0, view: 0, matmul: 0 };
const ranOps: Record<string, number> = {};

/** Runs a program on both devices; returns the first difference, or null. */
async function runProgram(p: Program): Promise<string | null> {
  const pool: Value[] = p.inputs.map(({ shape, seed }) => fresh(shape, seed));
  const made: Value[] = [...pool];
  for (const s of p.steps) {
    const planned = plan(pool, s);
    if (planned === null) continue;
    let cpu: Tensor;
    try {
      cpu = planned.run(...planned.operands.map((o) => o.cpu));
    } catch (e) {
      // the interpreter should only plan valid ops: a cpu error is a bug of this test
      throw new Error(`cpu threw on ${planned.how}: ${(e as Error).message}`);
    }
    if (cpu.numel() > MAX_NUMEL || cpu.ndim > MAX_RANK) continue;
    const gpuResult = planned.run(...planned.operands.map((o) => o.gpu));
    const v: Value = { cpu, gpu: gpuResult, exact: planned.exact, how: planned.how };
    const name = planned.how.slice(0, planned.how.search(/[[(]/));
    ran[s.kind]++;
    ranOps[name] = (ranOps[name] ?? 0) + 1;
    pool.push(v);
    made.push(v);
  }
  for (const v of made) {
    const problem = await mismatch(v);
    if (problem !== null) return problem;
  }
  return null;
}

// ---- generators ----

const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 3 });
const seedArb = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom<Step['kind']>('unary', 'binary', 'reduce', 'view', 'matmul'),
  op: fc.nat(63),
  a: fc.nat(15),
  b: fc.nat(15),
  r: fc.nat(63),
  seed: seedArb,
});
const programArb: fc.Arbitrary<Program> = fc.record({
  inputs: fc.array(fc.record({ shape: shapeArb, seed: seedArb }), { minLength: 1, maxLength: 3 }),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 8 }),
});

describe('differential: random programs agree on cpu and webgpu', () => {
  it('elementwise ops, reductions, views and matmul', async () => {
    await fc.assert(
      fc.asyncProperty(programArb, async (p) => {
        const problem = await torch.tidy(() => runProgram(p));
        expect(problem).toBeNull();
      }),
      { numRuns: 80 },
    );
    console.log(`differential steps run: ${JSON.stringify(ran)}\nby op: ${JSON.stringify(ranOps)}`);
    // ~70 steps of each kind are expected: far fewer means the interpreter skips what it should run
    for (const [kind, n] of Object.entries(ran)) expect(n, `steps of kind ${kind}`).toBeGreaterThan(20);
  });

  it('a fixed program with every view, log and sqrt of exact values, and each kind of matmul', async () => {
    const view = (op: number, a: number, b = 1, r = 1, seed = 3): Step => ({ kind: 'view', op, a, b, r, seed });
    const steps: Step[] = [
      view(0, 0, 0, 1, 2), // 3: transpose of [3, 4]
      view(1, 2, 0, 0, 5), // 4: permute of [2, 3, 1]
      view(2, 0, 1, 1, 3), // 5: slice with step 2
      view(3, 2, 1, 5, 3), // 6: expand
      view(4, 0, 0, 0, 8), // 7: reshape
      view(5, 1, 1), // 8: unsqueeze
      view(6, 2, 1, 2), // 9: select
      { kind: 'binary', op: 0, a: 3, b: 1, r: 0, seed: 7 }, // 10: add, broadcasting
      { kind: 'binary', op: 5, a: 6, b: 2, r: 1, seed: 7 }, // 11: div by 1 + |y|
      { kind: 'unary', op: UNARY.length, a: 0, b: 0, r: 0, seed: 1 }, // 12: log of an exact input (NaN below 0)
      { kind: 'unary', op: UNARY.length + 1, a: 10, b: 0, r: 0, seed: 1 }, // 13: sqrt of an exact sum
      { kind: 'reduce', op: 0, a: 4, b: 1, r: 1, seed: 0 }, // 14: sum over dim 0, keepdim
      { kind: 'reduce', op: 2, a: 12, b: 3, r: 0, seed: 1 }, // 15: amax over NaN
      { kind: 'matmul', op: 0, a: 0, b: 1, r: 2, seed: 9 }, // 16: [3, 4] @ [4]
      { kind: 'matmul', op: 0, a: 6, b: 6, r: 0, seed: 9 }, // 17: batched x @ x.mT
      { kind: 'matmul', op: 0, a: 3, b: 2, r: 4, seed: 5 }, // 18: with a fresh [k, n] leaf
    ];
    const inputs = [{ shape: [3, 4], seed: 11 }, { shape: [4], seed: 5 }, { shape: [2, 3, 1], seed: 3 }];
    const before = { ...ran };
    expect(await runProgram({ inputs, steps })).toBeNull();
    const ranHere = Object.values(ran).reduce((a, b) => a + b, 0) - Object.values(before).reduce((a, b) => a + b, 0);
    expect(ranHere).toBe(steps.length);
  });
});
