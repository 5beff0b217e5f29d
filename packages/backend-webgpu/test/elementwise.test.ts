/**
 * Elementwise kernels (unary, binary, where) against the CPU backend through the public API: every
 * op on float32 with NaN, infinities, signed zeros and large magnitudes; integer ops; broadcast,
 * transposed and offset inputs; a grid of more than 65535 workgroups; empty tensors; and a
 * fast-check property over random shapes and broadcasts.
 */
import fc from 'fast-check';
import * as torch from 'typetorch';
import type { Tensor } from 'typetorch';
import { describe, expect, it } from 'vitest';
import { gpu } from './gpu.js';

await gpu();

type Values = ArrayLike<number | bigint | boolean>;

/** Asserts `got` equals `expected` elementwise: NaN matches NaN, infinities exactly, else within tolerances. */
function expectClose(label: string, got: Values, expected: Values, rtol = 1e-5, atol = 1e-6): void {
  expect(got.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = Number(expected[i]);
    const g = Number(got[i]);
    const ok = Number.isNaN(e) ? Number.isNaN(g) : !Number.isFinite(e) ? g === e : Math.abs(g - e) <= atol + rtol * Math.abs(e);
    if (!ok) throw new Error(`${label}: element ${i} expected ${e}, got ${g}`);
  }
}

/** Runs `f` on CPU tensors and on their WebGPU copies, and compares the results. */
async function compare(label: string, inputs: Tensor[], f: (...xs: Tensor[]) => Tensor, rtol?: number, atol?: number): Promise<void> {
  const expected = f(...inputs);
  const got = f(...inputs.map((x) => x.to('webgpu')));
  expect(got.dtype, label).toBe(expected.dtype);
  expect(got.shape, label).toEqual(expected.shape);
  expectClose(label, (await got.data()) as Values, (await expected.data()) as Values, rtol, atol);
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 2.5, -2.5, 1.5, 1e-7, -1e-7, 1e-30, 3.4e38, -3.4e38, 1e10, -1e10];
const GRID = Array.from({ length: 101 }, (_, i) => (i - 50) * 0.173);
const FLOAT_INPUTS = torch.tensor([...SPECIAL, ...GRID, 88, 89, -88, -104, 20, -20, 9.99, 3.9, 4, 100, 1000], { dtype: 'float32' });

const UNARY = [
  'neg', 'abs', 'sign', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'reciprocal', 'sin', 'cos',
  'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'sigmoid', 'relu', 'erf', 'floor', 'ceil', 'round', 'trunc',
  'logicalNot', 'isnan', 'isinf', 'isfinite',
] as const;
type UnaryName = (typeof UNARY)[number];
const INT_UNARY: readonly UnaryName[] = ['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round', 'trunc', 'logicalNot', 'isnan', 'isinf', 'isfinite'];

const TRIG = new Set<UnaryName>(['sin', 'cos', 'tan']);
const apply = (op: UnaryName) => (x: Tensor): Tensor => (x[op] as () => Tensor).call(x);

describe('unary kernels match the CPU backend', () => {
  it('on float32 with NaN, infinities, signed zeros and large magnitudes', async () => {
    for (const op of UNARY) {
      // Trig reduction is exact to |x| = 65536 only (beyond, WGSL's builtins, which are not exact).
      const x = TRIG.has(op) ? FLOAT_INPUTS.where(FLOAT_INPUTS.abs().le(65536).logicalOr(FLOAT_INPUTS.isinf()), 0) : FLOAT_INPUTS;
      await compare(`${op}(float32)`, [x], apply(op), 2e-6, 1e-6);
    }
  });

  it('erf to float32 accuracy over [-5, 5]', async () => {
    const x = torch.tensor(Array.from({ length: 2001 }, (_, i) => (i - 1000) / 200), { dtype: 'float32' });
    await compare('erf', [x], (t) => t.erf(), 1e-6, 1e-7);
  });

  it('on int32, int64, uint8 and bool', async () => {
    const ints = [-2147483648, -7, -1, 0, 1, 5, 2147483647];
    const inputs = [
      torch.tensor(ints, { dtype: 'int32' }),
      // WebGPU keeps int64 in 32 bits: -(-2^31) is out of its range, so int64 stays inside it.
      torch.tensor(ints.slice(1).map(BigInt), { dtype: 'int64' }),
      torch.tensor([0, 1, 127, 128, 200, 255], { dtype: 'uint8' }),
    ];
    for (const x of inputs) for (const op of INT_UNARY) await compare(`${op}(${x.dtype})`, [x], apply(op));
    const bools = torch.tensor([true, false, true]);
    for (const op of ['logicalNot', 'isnan', 'isinf', 'isfinite', 'sign'] as const) await compare(`${op}(bool)`, [bools], apply(op));
    await compare('exp(int32) promotes', [inputs[0]!.clamp(-5, 5)], (t) => t.exp());
  });

  it('on transposed, broadcast and offset views, rank 0 and empty tensors', async () => {
    const m = torch.arange(24, { dtype: 'float32' }).reshape([2, 3, 4]).sub(11);
    await compare('transposed', [m], (t) => t.permute([2, 0, 1]).tanh());
    await compare('broadcast', [torch.tensor([[0.5], [-2]])], (t) => t.expand([2, 5]).exp());
    await compare('offset', [m], (t) => t.index(1).sigmoid());
    await compare('rank 0', [torch.tensor(-3)], (t) => t.abs());
    await compare('empty', [torch.zeros([3, 0])], (t) => t.log());
  });
});

const BINARY = ['add', 'sub', 'mul', 'div', 'floorDivide', 'remainder', 'pow', 'atan2', 'minimum', 'maximum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor'] as const;
type BinaryName = (typeof BINARY)[number];
const applyBinary = (op: BinaryName) => (a: Tensor, b: Tensor): Tensor => (a[op] as (o: Tensor) => Tensor).call(a, b);

describe('binary kernels match the CPU backend', () => {
  it('on float32, every pair of special values and grid values', async () => {
    const values = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2, -2, 0.5, -3.5, 7.25, 1e-3, 1e20, -1e20, 3, 10, -64, 65];
    const a = torch.tensor(values, { dtype: 'float32' }).reshape([-1, 1]);
    const b = torch.tensor(values, { dtype: 'float32' });
    for (const op of BINARY) await compare(`${op}(float32)`, [a, b], applyBinary(op), 1e-5, 1e-6);
  });

  it('floorDivide and remainder are exact for large quotients', async () => {
    const a = torch.tensor([1e30, -1e30, 123456789, -987654.25, 3.4e38, 7], { dtype: 'float32' });
    const b = torch.tensor([3, 7, -0.1, 0.3, 1e-5, -1e-30], { dtype: 'float32' });
    await compare('remainder', [a, b], (x, y) => x.remainder(y), 1e-6, 0);
    await compare('floorDivide', [a, b], (x, y) => x.floorDivide(y), 1e-6, 0);
  });

  it('on integers, wrapping like C', async () => {
    const ints = [-2147483648, -100, -7, -3, -1, 0, 1, 2, 3, 7, 31, 65536, 2147483647];
    const nonzero = ints.filter((v) => v !== 0);
    for (const dtype of ['int32', 'int64'] as const) {
      const lift = (v: number[]) => (dtype === 'int64' ? v.map(BigInt) : v);
      // int64 lives in 32 bits on WebGPU: keep its results (INT32_MIN // -1 is 2^31) in range.
      const a = torch.tensor(lift(dtype === 'int64' ? ints.slice(1) : ints), { dtype }).reshape([-1, 1]);
      const b = torch.tensor(lift(nonzero), { dtype });
      for (const op of BINARY) {
        if (op === 'div' || op === 'atan2') continue;
        if (dtype === 'int64' && (op === 'add' || op === 'sub' || op === 'mul' || op === 'pow')) continue; // 64-bit wrap
        await compare(`${op}(${dtype})`, [a, b.clamp(op === 'pow' ? -3 : -2147483648, op === 'pow' ? 40 : 2147483647)], applyBinary(op));
      }
    }
    const u = [0, 1, 2, 3, 7, 100, 128, 200, 255];
    const ua = torch.tensor(u, { dtype: 'uint8' }).reshape([-1, 1]);
    const ub = torch.tensor(u.filter((v) => v !== 0), { dtype: 'uint8' });
    for (const op of BINARY) if (op !== 'div' && op !== 'atan2') await compare(`${op}(uint8)`, [ua, ub], applyBinary(op));
    const ba = torch.tensor([true, true, false, false]);
    const bb = torch.tensor([true, false, true, false]);
    for (const op of ['add', 'mul', 'maximum', 'minimum', 'eq', 'lt', 'logicalXor'] as const) await compare(`${op}(bool)`, [ba, bb], applyBinary(op));
  });

  it('on transposed and offset operands, in place and with an aliased input', async () => {
    const m = torch.randn([5, 7]);
    const n = torch.randn([7, 5]);
    await compare('transposed', [m, n], (x, y) => x.add(y.t()));
    await compare('offset', [m, n], (x, y) => x.index(':', '2:').mul(y.t().index(':', '2:')));
    await compare('self', [m], (x) => x.sub(x.t().t()));
    await compare('in place', [m, n], (x, y) => x.clone().mul_(y.t()));
  });

  it('on more than 65535 workgroups', async () => {
    const n = 65535 * 64 + 1000;
    const x = torch.arange(n, { dtype: 'int32' }).to('webgpu');
    const data = (await x.mul(2).add(1).data()) as Int32Array;
    for (const i of [0, 1, 65535 * 64 - 1, 65535 * 64, 65535 * 64 + 1, n - 1]) expect(data[i]).toBe(2 * i + 1);
  });

  it('on empty tensors', async () => {
    await compare('empty add', [torch.zeros([0, 4]), torch.ones([4])], (a, b) => a.add(b));
  });
});

describe('where matches the CPU backend', () => {
  it('with broadcast condition and operands of every dtype', async () => {
    const cond = torch.tensor([[true], [false], [true]]);
    for (const dtype of ['float32', 'int32', 'int64', 'uint8', 'bool'] as const) {
      const a = torch.tensor([1, 0, 3, 4], { dtype });
      const b = torch.tensor([[9], [0], [7]], { dtype });
      await compare(`where(${dtype})`, [cond, a, b], (c, x, y) => torch.where(c, x, y));
    }
    await compare('where NaN', [cond, torch.tensor([NaN, -0])], (c, x) => torch.where(c, x, Infinity));
  });
});

describe('property: binary and unary kernels agree with the CPU on random shapes and broadcasts', () => {
  it('holds', async () => {
    const shape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(shape, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.boolean(), fc.integer(), async (dims, drop, transpose, seed) => {
        torch.manualSeed(seed);
        const bShape = dims.map((d, i) => (drop[i] ? 1 : d));
        const a = torch.randn(dims).mul(3);
        const b = torch.randn(bShape);
        await compare(`mul/atan2 ${JSON.stringify(dims)} × ${JSON.stringify(bShape)}`, [a, b], (x, y) => {
          const xs = transpose && dims.length >= 2 ? x.transpose(0, 1).contiguous().transpose(0, 1) : x;
          return xs.mul(y).atan2(y).maximum(xs.erf());
        });
      }),
      { numRuns: 25 },
    );
  });
});
