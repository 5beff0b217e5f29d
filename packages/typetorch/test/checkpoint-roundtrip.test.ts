// Optimizer and BatchNorm state move both ways between typetorch and PyTorch 1.13 through .pt files,
// and training continues from them as it would have without the save:
// - PyTorch's files (fixtures/checkpoints/roundtrip/pytorch_*.pt) load into typetorch's optimizers,
//   which then take the steps PyTorch took (recorded by scripts/fixtures/gen_checkpoints.py --roundtrip);
// - typetorch's files load into PyTorch's optimizers, which then take the steps typetorch takes: checked
//   live when /usr/bin/python3 has torch, and always through the committed goldens (typetorch_*.pt,
//   byte-identical to what typetorch writes now) and what PyTorch computed from them.
// The cases, parameters and gradients mirror gen_checkpoints.py's OPTIMIZER_CASES exactly.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from 'typetorch';
import { describeLoaded, javascriptView, type Description } from './fixtures/checkpoints/describe.js';

const { nn, optim } = torch;
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = fileURLToPath(new URL('./fixtures/checkpoints/roundtrip/', import.meta.url));
const updateGoldens = process.env.TYPETORCH_UPDATE_CHECKPOINT_GOLDENS === '1';
const PYTHON = '/usr/bin/python3';
const pythonHasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

/** What PyTorch computed from a round-trip file (gen_checkpoints.py's continue_from). */
interface Continued {
  params?: number[][] | number[][][];
  state_dict: Description;
  load?: string;
  eval_output?: number[][];
}
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
  pytorch: Record<string, Continued>;
  typetorch: Record<string, Continued>;
};

const STEPS = 3;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = torch.optim.Optimizer<any>;
const CASES: Record<string, (ps: torch.Tensor[]) => AnyOptimizer> = {
  sgd_nesterov: (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  sgd_dampening_maximize: (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.5, dampening: 0.25, maximize: true }),
  adam_amsgrad: (ps) => new optim.Adam(ps, { lr: 0.01, betas: [0.8, 0.99], amsgrad: true, weightDecay: 0.01 }),
  adamw: (ps) => new optim.AdamW(ps, { lr: 0.01, weightDecay: 0.1 }),
  rmsprop_centered_momentum: (ps) =>
    new optim.RMSprop([{ params: [ps[0]] }, { params: [ps[1]], lr: 0.002 }], { lr: 0.01, alpha: 0.9, centered: true, momentum: 0.5 }),
  adagrad: (ps) => new optim.Adagrad(ps, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1, weightDecay: 0.01 }),
};

function startParams(): torch.Tensor[] {
  return [torch.arange(6).float().sub(2.5).div(4).reshape([2, 3]).requiresGrad_(true), torch.tensor([0.5, -1, 0.25]).requiresGrad_(true)];
}

function gradient(step: number, k: number, shape: readonly number[]): torch.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.tensor(Array.from({ length: n }, (_, i) => (((i * 7 + step * 13 + k * 5) % 17) - 8) / 8)).reshape([...shape]);
}

function takeSteps(params: torch.Tensor[], optimizer: AnyOptimizer, start: number, stop: number): void {
  for (let step = start; step < stop; step++) {
    params.forEach((p, k) => (p.grad = gradient(step, k, p.shape)));
    optimizer.step();
  }
}

const valuesOf = (t: torch.Tensor) => Array.from(t.dataSync() as Float32Array);

/** Element-wise closeness of float32 results computed by two libraries (same operations, same order up to rounding). */
function expectClose(actual: unknown, wanted: unknown, where: string): void {
  if (typeof wanted === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - wanted), `${where}: ${actual} vs ${wanted}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(wanted)));
    return;
  }
  if (Array.isArray(wanted)) {
    expect(Array.isArray(actual) && actual.length === wanted.length, `${where}: length`).toBe(true);
    wanted.forEach((w, i) => expectClose((actual as unknown[])[i], w, `${where}[${i}]`));
    return;
  }
  if (wanted !== null && typeof wanted === 'object') {
    expect(actual !== null && typeof actual === 'object', `${where}: an object`).toBe(true);
    expect(Object.keys(actual as object).sort(), `${where}: keys`).toEqual(Object.keys(wanted).sort());
    for (const [k, w] of Object.entries(wanted)) expectClose((actual as Record<string, unknown>)[k], w, `${where}.${k}`);
    return;
  }
  expect(actual, where).toEqual(wanted);
}

/** PyTorch's continuation (params and state dict) compared with typetorch's. */
async function expectSameContinuation(params: torch.Tensor[], stateDict: unknown, pytorch: Continued, where: string): Promise<void> {
  expect(params.map((p) => [...p.shape]), `${where} shapes`).toEqual(pytorch.params!.map((p) => (Array.isArray(p[0]) ? [p.length, (p[0] as number[]).length] : [p.length])));
  params.forEach((p, i) => expectClose(valuesOf(p), (pytorch.params![i] as unknown[]).flat(), `${where} param ${i}`));
  expectClose(await describeLoaded(stateDict), javascriptView(pytorch.state_dict), `${where} state_dict`);
}

function runPytorch(kase: string, bytes: Uint8Array): Continued {
  const path = join(mkdtempSync(join(tmpdir(), 'typetorch-roundtrip-')), `${kase}.pt`);
  writeFileSync(path, bytes);
  const run = spawnSync(PYTHON, [join(root, 'scripts/fixtures/gen_checkpoints.py'), '--continue', kase, path], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (run.status !== 0) throw new Error(`PyTorch could not continue from ${path}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Continued;
}

/** PyTorch's reading of what typetorch wrote: live when torch is here, else recorded from the identical golden. */
function pytorchFrom(kase: string, bytes: Uint8Array): Continued {
  const golden = join(dir, `typetorch_${kase}.pt`);
  if (updateGoldens) writeFileSync(golden, bytes); // then: /usr/bin/python3 scripts/fixtures/gen_checkpoints.py --roundtrip
  expect(Buffer.compare(Buffer.from(bytes), readFileSync(golden)), `typetorch_${kase}.pt differs from its golden`).toBe(0);
  expect(expected.typetorch[kase], `PyTorch's reading of typetorch_${kase}.pt is recorded`).toBeDefined();
  if (!pythonHasTorch) return expected.typetorch[kase];
  const live = runPytorch(kase, bytes);
  expect(live).toEqual(expected.typetorch[kase]); // the same bytes give the same reading
  return live;
}

describe('optimizer state dicts move both ways between typetorch and PyTorch', () => {
  it('covers SGD, Adam with amsgrad, AdamW, RMSprop centered with momentum and Adagrad', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(expected.pytorch).filter((k) => k !== 'batchnorm').sort());
    expect(Object.keys(expected.typetorch).sort()).toEqual(Object.keys(expected.pytorch).sort());
  });

  for (const [kase, make] of Object.entries(CASES)) {
    it(`${kase}: PyTorch's state dict loads and typetorch continues as PyTorch did`, async () => {
      const saved = await torch.load(join(dir, `pytorch_${kase}.pt`));
      const params = (saved.params as torch.Tensor[]).map((p) => p.clone().requiresGrad_(true));
      const optimizer = make(params);
      optimizer.loadStateDict(saved.optimizer);
      takeSteps(params, optimizer, STEPS, 2 * STEPS);
      await expectSameContinuation(params, optimizer.stateDict(), expected.pytorch[kase], kase);
    });

    it(`${kase}: typetorch's state dict loads in PyTorch, which continues as typetorch does`, async () => {
      const params = startParams();
      const optimizer = make(params);
      takeSteps(params, optimizer, 0, STEPS);
      const bytes = await torch.saveToBytes({ params: params.map((p) => p.detach()), optimizer: optimizer.stateDict() });

      // Reloaded here, training continues exactly as without the save.
      const reloaded = torch.loadFromBytes(bytes);
      const again = (reloaded.params as torch.Tensor[]).map((p) => p.clone().requiresGrad_(true));
      const resumed = make(again);
      resumed.loadStateDict(reloaded.optimizer);
      takeSteps(params, optimizer, STEPS, 2 * STEPS);
      takeSteps(again, resumed, STEPS, 2 * STEPS);
      again.forEach((p, i) => expect(valuesOf(p), `param ${i}`).toEqual(valuesOf(params[i])));
      expect(await describeLoaded(resumed.stateDict())).toEqual(await describeLoaded(optimizer.stateDict()));

      await expectSameContinuation(params, optimizer.stateDict(), pytorchFrom(kase, bytes), kase);
    });
  }
});

describe('BatchNorm state dicts (int64 num_batches_tracked) move both ways', () => {
  function model(): torch.nn.Sequential {
    const m = new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3, { momentum: 0.2 }));
    m.loadStateDict({
      '0.weight': torch.arange(12).float().sub(5.5).div(8).reshape([3, 4]),
      '0.bias': torch.tensor([0.25, -0.5, 0.125]),
      '1.weight': torch.tensor([1.5, 0.75, -1]),
      '1.bias': torch.tensor([0, 0.5, -0.25]),
      '1.running_mean': torch.zeros(3),
      '1.running_var': torch.ones(3),
      '1.num_batches_tracked': torch.tensor(0, { dtype: 'int64' }),
    });
    return m;
  }
  const batch = (b: number) => torch.tensor(Array.from({ length: 20 }, (_, i) => (((i * 5 + b * 3) % 11) - 5) / 4)).reshape([5, 4]);
  const evalOutput = (m: torch.nn.Sequential) => {
    m.eval();
    return (torch.noGrad(() => m.call(batch(9))) as torch.Tensor).tolistSync() as number[][];
  };

  it('PyTorch’s state dict loads strictly, with num_batches_tracked an int64 3, and gives PyTorch’s eval output', async () => {
    const sd = await torch.load<Record<string, torch.Tensor>>(join(dir, 'pytorch_batchnorm.pt'));
    const pytorch = expected.pytorch.batchnorm;
    expect(pytorch.load).toBe('<All keys matched successfully>');
    expect([sd['1.num_batches_tracked'].dtype, sd['1.num_batches_tracked'].ndim, sd['1.num_batches_tracked'].dataSync()[0]]).toEqual(['int64', 0, 3n]);
    const m = model();
    expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const buffer = m.stateDict()['1.num_batches_tracked'];
    expect([buffer.dtype, buffer.dataSync()[0]]).toEqual(['int64', 3n]);
    expectClose(await describeLoaded(m.stateDict()), javascriptView(pytorch.state_dict), 'state_dict');
    expectClose(evalOutput(m), pytorch.eval_output, 'eval output');
  });

  it('typetorch’s state dict after 3 training batches loads strictly in PyTorch with the same buffers and output', async () => {
    const m = model();
    m.train();
    torch.noGrad(() => {
      for (let b = 0; b < STEPS; b++) m.call(batch(b));
    });
    const sd = m.stateDict();
    expect([sd['1.num_batches_tracked'].dtype, sd['1.num_batches_tracked'].dataSync()[0]]).toEqual(['int64', 3n]);
    const bytes = await torch.saveToBytes(sd);
    const pytorch = pytorchFrom('batchnorm', bytes);
    expect(pytorch.load).toBe('<All keys matched successfully>');
    expectClose(javascriptView(pytorch.state_dict), await describeLoaded(sd), 'state_dict'); // the int64 buffer exactly
    expectClose(pytorch.eval_output, evalOutput(m), 'eval output');
    // and PyTorch's own run of the same batches agrees
    expectClose(await describeLoaded(sd), javascriptView(expected.pytorch.batchnorm.state_dict), 'same as PyTorch’s training');
  });
});
