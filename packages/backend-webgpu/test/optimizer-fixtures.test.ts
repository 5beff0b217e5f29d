/**
 * Optimizer trajectories against PyTorch 1.13 on WebGPU (issue 5: "the PyTorch parity fixtures of
 * the earlier issues pass on webgpu"): every case of optim's fixtures/optimizers.json (written by
 * scripts/fixtures/gen_optim.py, run on the CPU by packages/optim/test/parity-optimizers.test.ts)
 * with its parameters on 'webgpu':
 * - the 20-step trajectory: parameters made on the CPU, moved with `.to('webgpu')`, then
 *   `requiresGrad_()`; each step's gradient moved to the device; final parameters and the state
 *   dict (keys, options, state tensors) compared with PyTorch's;
 * - the continuation from PyTorch's step-10 state dict, loaded into an optimizer whose parameters
 *   are on webgpu: `loadStateDict` must move every state tensor but `step` to the parameter's device
 *   and give floating state the parameter's dtype, as PyTorch's `load_state_dict` does.
 * The device has no float64: float64 cases run as float32 (parameters, gradients and expected
 * values rewritten), with float32 tolerances; their step-10 state dict is loaded as PyTorch wrote it
 * (float64 tensors), which also checks the dtype cast. The learning-rate scheduler fixtures are not
 * run here: schedulers hold no tensors, so they have nothing on the device.
 */
import * as torch from 'typetorch';
import { describe, expect, it } from 'vitest';
import { decode, decodeTensor, expectClose, expectStateEqual, readFixture, tolerance, type TensorSpec } from '../../optim/test/helpers.js';
import { gpu } from './gpu.js';

await gpu();

type Tensor = torch.Tensor;
const { optim } = torch;
const DEVICE = 'webgpu';

interface OptimizerCase {
  id: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  options: Record<string, unknown>;
  groups: Array<{ params: number[]; options: Record<string, unknown> }> | null;
  params: TensorSpec[];
  grads: Array<Array<TensorSpec | null>>;
  mid_step: number;
  mid_params: TensorSpec[];
  mid_state_dict: unknown;
  final_params: TensorSpec[];
  state_dict: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = torch.optim.Optimizer<any>;

/** A copy of a fixture value with every float64 tensor spec made float32. */
function asFloat32<T>(value: T): T {
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v !== null && typeof v === 'object') {
      const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]));
      if (o.dtype === 'float64') o.dtype = 'float32';
      return o;
    }
    return v;
  };
  return rewrite(value) as T;
}

const FIXTURE = readFixture<OptimizerCase[]>('optimizers.json');
/** Cases as they run here; `mid_state_dict` stays as PyTorch wrote it (see the file comment). */
const CASES = FIXTURE.map((c) => ({ ...asFloat32(c), mid_state_dict: c.mid_state_dict }));
const FROM_FLOAT64 = new Set(FIXTURE.filter((c) => JSON.stringify(asFloat32(c)) !== JSON.stringify(c)).map((c) => c.id));

/** Checks that finished (compared with the fixture by the last test). */
const completed = { trajectory: 0, continuation: 0 };

function build(c: OptimizerCase, initial: TensorSpec[]): { params: Tensor[]; optimizer: AnyOptimizer } {
  const params = initial.map((spec) => decodeTensor(spec).to(DEVICE).requiresGrad_(true));
  const Cls = optim[c.optimizer] as unknown as new (params: unknown, options: unknown) => AnyOptimizer;
  const input = c.groups === null ? params : c.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options }));
  return { params, optimizer: new Cls(input, c.options) };
}

function runSteps(c: OptimizerCase, params: Tensor[], optimizer: AnyOptimizer, from: number, to: number): void {
  for (let step = from; step < to; step++) {
    params.forEach((p, i) => {
      const g = c.grads[step]![i];
      p.grad = g === null || g === undefined ? null : decodeTensor(g).to(DEVICE);
    });
    optimizer.step();
  }
}

/** A copy of a state-dict-like value with its tensors on the CPU (read asynchronously). */
async function toHost(value: unknown): Promise<unknown> {
  if (value instanceof torch.Tensor) return value.toAsync('cpu');
  if (Array.isArray(value)) return Promise.all(value.map(toHost));
  if (value !== null && typeof value === 'object') {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await toHost(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** Every state tensor but `step` is a float32 tensor on webgpu; `step` stays on the CPU, as in PyTorch. */
function expectStateOnDevice(optimizer: AnyOptimizer): number {
  let tensors = 0;
  for (const [param, state] of optimizer.state) {
    expect(param instanceof torch.Tensor, 'state is keyed by a parameter').toBe(true);
    for (const [key, value] of Object.entries(state)) {
      if (!(value instanceof torch.Tensor)) continue;
      tensors++;
      if (key === 'step') {
        expect(value.device, 'step').toBe('cpu');
        continue;
      }
      expect([value.device, value.dtype], `state ${key}`).toEqual([DEVICE, 'float32']);
    }
  }
  return tensors;
}

async function expectFinal(c: OptimizerCase, params: Tensor[], optimizer: AnyOptimizer): Promise<void> {
  expect(params.length).toBe(c.final_params.length);
  for (const [i, spec] of c.final_params.entries()) {
    expect(params[i]!.device, `param ${i}`).toBe(DEVICE);
    expectClose(await params[i]!.toAsync('cpu'), decodeTensor(spec), `param ${i}`);
  }
  expectStateEqual(await toHost(optimizer.stateDict()), decode(c.state_dict), 'state_dict', { tensorTol: tolerance('float32') });
}

describe('optimizer trajectories match PyTorch 1.13 on webgpu (float32)', () => {
  it('runs every case of the fixture; the float64 ones as float32', () => {
    const count = (name: string) => CASES.filter((c) => c.optimizer === name).length;
    expect(CASES.length).toBe(34);
    expect([count('SGD'), count('Adam'), count('AdamW'), count('RMSprop'), count('Adagrad')]).toEqual([9, 7, 4, 7, 7]);
    expect([...FROM_FLOAT64]).toEqual([
      'SGD/nesterov-weight-decay/float64', 'Adam/amsgrad-weight-decay/float64', 'AdamW/default/float64',
      'RMSprop/centered-momentum/float64', 'Adagrad/lr-decay-weight-decay/float64',
    ]);
  });

  for (const c of CASES) {
    describe(c.id, () => {
      it('gives PyTorch parameters and state dict after 20 steps from the same gradients', async () => {
        const { params, optimizer } = build(c, c.params);
        runSteps(c, params, optimizer, 0, c.grads.length);
        expect(c.grads.length).toBe(20);
        expectStateOnDevice(optimizer);
        await expectFinal(c, params, optimizer);
        completed.trajectory++;
      });

      it("continues PyTorch's trajectory from its step-10 state dict, loaded onto the device", async () => {
        const { params, optimizer } = build(c, c.mid_params);
        optimizer.loadStateDict(decode(c.mid_state_dict) as torch.optim.OptimizerStateDict);
        // The loaded state is on the parameters' device (and dtype) before any step.
        const loaded = expectStateOnDevice(optimizer);
        expect(loaded > 0 || c.optimizer === 'SGD', 'state tensors loaded').toBe(true);
        runSteps(c, params, optimizer, c.mid_step, c.grads.length);
        expectStateOnDevice(optimizer);
        await expectFinal(c, params, optimizer);
        completed.continuation++;
      });
    });
  }

  it('ran both checks of every case', () => {
    expect(completed).toEqual({ trajectory: 34, continuation: 34 });
  });
});
