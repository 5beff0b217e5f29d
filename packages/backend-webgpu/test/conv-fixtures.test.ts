/**
 * Convolution and pooling against PyTorch 1.13 on WebGPU (issue 5: "the PyTorch parity fixtures of
 * the earlier issues pass on webgpu"): every case of core's fixtures/conv.json (written by
 * scripts/fixtures/gen_conv.py, run on the CPU by packages/core/test/conv-fixtures.test.ts) on
 * 'webgpu': forward values, max-pooling indices, gradFn names and the gradient of every input.
 *
 * The inputs are made on the CPU, moved with `.to('webgpu')` and only then marked `requiresGrad_()`,
 * so the leaves and the whole graph live on the device; results are read with `await t.data()`.
 * The device has no float64: the fixture's values are those the CPU test runs in both float64 and
 * float32, so here they run once, as float32, with the CPU test's float32 tolerance. Both of the CPU
 * test's layouts run: contiguous, and "transposed" (the last two dims swapped in memory, made on the
 * device so that the kernels see non-contiguous strides).
 */
import * as torch from 'typetorch';
import { describe, expect, it } from 'vitest';
import { callConvCase as call, loadConvCases, type ConvCase as Case, type Values } from '../../core/test/helpers/conv-cases.js';
import { gpu } from './gpu.js';

await gpu();

type Tensor = torch.Tensor;

const CASES = loadConvCases();

/** The cases per op in conv.json; update with the fixture. */
const RECORDED_CASES: Record<string, number> = {
  conv2d: 14, conv1d: 5, convTranspose2d: 6, maxPool2d: 7, maxPool1d: 3,
  avgPool2d: 8, avgPool1d: 1, adaptiveAvgPool2d: 6, adaptiveMaxPool2d: 2,
};

/** The float32 tolerance of the CPU test (relative to 1 + |expected|). */
const TOL = 2e-5;
const DEVICE = 'webgpu';

type Layout = 'contiguous' | 'transposed';
const LAYOUTS: Layout[] = ['contiguous', 'transposed'];

/** Checks that finished, per layout (compared with the plan by the last test). */
const completed: Record<Layout, number> = { contiguous: 0, transposed: 0 };

/** A float32 leaf on the device with the fixture's values; `transposed` stores the last two dims swapped. */
function leaf(v: Values, layout: Layout): Tensor {
  let t = torch.tensor(v.values, { dtype: 'float32' }).reshape(v.shape).to(DEVICE);
  if (layout === 'transposed' && v.shape.length >= 2) {
    t = t.transpose(-1, -2).contiguous().transpose(-1, -2);
    // A dim of size 1 leaves the layout contiguous either way; otherwise the kernels see strides.
    if (v.shape.at(-1)! > 1 && v.shape.at(-2)! > 1) expect(t.isContiguous(), 'transposed leaf is strided').toBe(false);
  }
  expect(t.device).toBe(DEVICE);
  return t.requiresGrad_();
}

/** Shape, device and values within {@link TOL} of `1 + |expected|`; the message names the worst element. */
async function expectClose(actual: Tensor, expected: Values, what: string): Promise<void> {
  expect(actual.device, `${what} device`).toBe(DEVICE);
  expect([...actual.shape], `${what} shape`).toEqual(expected.shape);
  const got = Array.from(await actual.data(), Number);
  expect(got.length, `${what} length`).toBe(expected.values.length);
  let worst = 0;
  let at = -1;
  got.forEach((v, i) => {
    const e = expected.values[i]!;
    const err = Math.abs(v - e) / (1 + Math.abs(e));
    const bad = Number.isNaN(err) ? Infinity : err;
    if (bad > worst) [worst, at] = [bad, i];
  });
  expect(worst, `${what}: worst relative error at [${at}] (got ${got[at]}, want ${expected.values[at]})`).toBeLessThanOrEqual(TOL);
}

async function check(c: Case, layout: Layout): Promise<void> {
  const x = leaf(c.inputs.input!, layout);
  const w = c.inputs.weight ? leaf(c.inputs.weight, layout) : null;
  const b = c.inputs.bias ? leaf(c.inputs.bias, 'contiguous') : null;
  const [out, indices] = call(c, x, w, b);
  expect(out.dtype).toBe('float32');
  expect(out.gradFn?.name).toBe(c.gradFn);
  await expectClose(out, c.output, 'output');
  if (c.indices) {
    expect(indices!.device).toBe(DEVICE);
    expect(indices!.dtype).toBe('int64');
    expect(Array.from(await indices!.data(), Number), 'indices').toEqual(c.indices);
  }
  const leaves = { input: x, weight: w, bias: b };
  const names = Object.keys(c.grads) as (keyof typeof leaves)[];
  expect(names.length, 'gradients in the fixture').toBeGreaterThan(0);
  const gradOutput = torch.tensor(c.gradOutput.values, { dtype: 'float32' }).reshape(c.gradOutput.shape).to(DEVICE);
  const grads = torch.autograd.grad(out, names.map((n) => leaves[n]!), { gradOutputs: gradOutput });
  for (const [i, n] of names.entries()) await expectClose(grads[i]!, c.grads[n]!, `grad of ${n}`);
  completed[layout]++;
}

describe('conv and pooling match PyTorch 1.13 on webgpu (float32)', () => {
  it('the fixture has as many cases per op as recorded', () => {
    const perOp: Record<string, number> = {};
    for (const c of CASES) perOp[c.op] = (perOp[c.op] ?? 0) + 1;
    expect(perOp).toEqual(RECORDED_CASES);
    expect(CASES.length).toBe(52);
  });

  for (const c of CASES) {
    for (const layout of LAYOUTS) {
      it(`${c.op} ${c.name} (${layout}): values, indices, gradFn and gradients`, async () => {
        await check(c, layout);
      });
    }
  }

  it('ran every case in both layouts', () => {
    expect(completed).toEqual({ contiguous: 52, transposed: 52 });
  });
});
