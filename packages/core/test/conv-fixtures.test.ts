// Convolution and pooling against PyTorch 1.13 (fixtures/conv.json, from scripts/fixtures/gen_conv.py):
// forward values, max-pooling indices, gradFn names and the gradients of every input, in float64
// and float32, on the CPU device's fused kernels and on core's composite fallback (the same CPU
// backend registered without its fused kernels), with contiguous and non-contiguous operands.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { callConvCase as call, loadConvCases, type ConvCase as Case, type Values } from './helpers/conv-cases.js';

type Tensor = torch.Tensor;

const fixture = { cases: loadConvCases() };

// The composite path: the CPU backend without its fused kernels, as a user backend would be.
const COMPOSITE = 'cpu-composite';
torch.registerBackend(COMPOSITE, Object.create(torch.cpuBackend, { fused: { value: undefined } }) as torch.Backend);

type Layout = 'contiguous' | 'transposed';

/** A leaf with the fixture's values; `transposed` stores it with the last two dims swapped in memory. */
function leaf(v: Values, dtype: torch.DType, device: string, layout: Layout): Tensor {
  const base = torch.tensor(v.values, { dtype, device }).reshape(v.shape);
  if (layout === 'contiguous' || v.shape.length < 2) return base.requiresGrad_();
  return base.transpose(-1, -2).contiguous().transpose(-1, -2).requiresGrad_();
}

function expectClose(actual: Tensor, expected: Values, tol: number, what: string): void {
  expect([...actual.shape], `${what} shape`).toEqual(expected.shape);
  const got = Array.from(actual.detach().contiguous().dataSync() as Float64Array, Number);
  let worst = 0;
  got.forEach((v, i) => {
    const err = Math.abs(v - expected.values[i]) / (1 + Math.abs(expected.values[i]));
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
  });
  expect(worst, `${what}: worst relative error`).toBeLessThanOrEqual(tol);
}

function check(c: Case, dtype: torch.DType, device: string, layout: Layout): void {
  const tol = dtype === 'float64' ? 1e-12 : 2e-5;
  const x = leaf(c.inputs.input!, dtype, device, layout);
  const w = c.inputs.weight ? leaf(c.inputs.weight, dtype, device, layout) : null;
  const b = c.inputs.bias ? leaf(c.inputs.bias, dtype, device, 'contiguous') : null;
  const [out, indices] = call(c, x, w, b);
  expect(out.device).toBe(device);
  expect(out.dtype).toBe(dtype);
  expect(out.gradFn?.name).toBe(c.gradFn);
  expectClose(out, c.output, tol, 'output');
  if (c.indices) {
    expect(indices!.dtype).toBe('int64');
    expect(Array.from(indices!.contiguous().dataSync() as BigInt64Array, Number)).toEqual(c.indices);
  }
  const leaves = { input: x, weight: w, bias: b };
  const names = Object.keys(c.grads) as (keyof typeof leaves)[];
  const gradOutput = torch.tensor(c.gradOutput.values, { dtype, device }).reshape(c.gradOutput.shape);
  const grads = torch.autograd.grad(out, names.map((n) => leaves[n]!), { gradOutputs: gradOutput });
  names.forEach((n, i) => expectClose(grads[i]!, c.grads[n], tol, `grad of ${n}`));
}

describe.each([
  ['fused cpu kernels', 'cpu'],
  ['composite fallback', COMPOSITE],
])('conv and pooling match PyTorch 1.13 (%s)', (_label, device) => {
  for (const c of fixture.cases) {
    it(`${c.op} ${c.name}: values, indices and gradients in float64 and float32`, () => {
      check(c, 'float64', device, 'contiguous');
      check(c, 'float32', device, 'contiguous');
    });
    it(`${c.op} ${c.name}: non-contiguous operands give the same results`, () => {
      check(c, 'float64', device, 'transposed');
    });
  }
});

describe('fused kernels and the composite agree', () => {
  it('on a larger random convolution with every option, forward and both gradients (float32)', () => {
    torch.manualSeed(7);
    const x = torch.randn(3, 6, 13, 11);
    const w = torch.randn(8, 3, 3, 4);
    const b = torch.randn(8);
    const gy = torch.randn(3, 8, 8, 4);
    const options = { stride: [2, 2], padding: [2, 1], dilation: [1, 2], groups: 2 } as const;
    const results = ['cpu', COMPOSITE].map((device) => {
      const [xd, wd, bd] = [x, w, b].map((t) => t.to(device).requiresGrad_());
      const y = torch.conv2d(xd, wd, bd, options);
      const grads = torch.autograd.grad(y, [xd, wd, bd], { gradOutputs: gy.to(device) });
      return [y, ...grads].map((t) => t!.to('cpu'));
    });
    expect([...results[0][0].shape]).toEqual([3, 8, 8, 4]);
    results[0].forEach((t, i) => {
      const diff = t.sub(results[1][i]).abs().max().itemSync() as number;
      const scale = results[1][i].abs().max().itemSync() as number;
      expect(diff / scale).toBeLessThan(1e-5);
    });
  });
});
