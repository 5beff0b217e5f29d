/**
 * Optimizer trajectories against PyTorch 1.13 (fixtures from scripts/fixtures/gen_optim.py): the same
 * parameters and the same 20 gradients give the same parameters and the same state dict.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@typetorch/core';
import * as optim from '../src/index.js';
import { decode, decodeTensor, expectClose, expectStateEqual, readFixture, type TensorSpec } from './helpers.js';

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

const CASES = readFixture<OptimizerCase[]>('optimizers.json');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = optim.Optimizer<any>;

function build(c: OptimizerCase, initial: TensorSpec[]): { params: Tensor[]; optimizer: AnyOptimizer } {
  const params = initial.map((spec) => decodeTensor(spec).requiresGrad_(true));
  const Cls = optim[c.optimizer] as unknown as new (params: unknown, options: unknown) => AnyOptimizer;
  const input = c.groups === null ? params : c.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options }));
  return { params, optimizer: new Cls(input, c.options) };
}

function runSteps(c: OptimizerCase, params: Tensor[], optimizer: AnyOptimizer, from: number, to: number): void {
  for (let step = from; step < to; step++) {
    params.forEach((p, i) => {
      const g = c.grads[step][i];
      p.grad = g === null ? null : decodeTensor(g);
    });
    optimizer.step();
  }
}

describe('optimizer trajectories match PyTorch 1.13', () => {
  it('covers every optimizer with its option sets', () => {
    const count = (name: string) => CASES.filter((c) => c.optimizer === name).length;
    expect(CASES.length).toBe(34);
    expect([count('SGD'), count('Adam'), count('AdamW'), count('RMSprop'), count('Adagrad')]).toEqual([9, 7, 4, 7, 7]);
    expect(CASES.filter((c) => c.params[0].__tensor__.dtype === 'float64').length).toBe(5);
  });

  for (const c of CASES) {
    describe(c.id, () => {
      it('gives PyTorch parameters after 20 steps from the same gradients', () => {
        const { params, optimizer } = build(c, c.params);
        runSteps(c, params, optimizer, 0, c.grads.length);
        c.final_params.forEach((spec, i) => expectClose(params[i], decodeTensor(spec), `param ${i}`));
      });

      it("gives PyTorch's state dict: keys, order, option values and state tensors", () => {
        const { params, optimizer } = build(c, c.params);
        runSteps(c, params, optimizer, 0, c.grads.length);
        expectStateEqual(optimizer.stateDict(), decode(c.state_dict), 'state_dict');
      });

      it("continues PyTorch's trajectory after loading PyTorch's state dict from step 10", () => {
        const { params, optimizer } = build(c, c.mid_params);
        optimizer.loadStateDict(decode(c.mid_state_dict) as optim.OptimizerStateDict);
        runSteps(c, params, optimizer, c.mid_step, c.grads.length);
        c.final_params.forEach((spec, i) => expectClose(params[i], decodeTensor(spec), `param ${i}`));
        expectStateEqual(optimizer.stateDict(), decode(c.state_dict), 'state_dict');
      });

      it('round-trips its own state dict: a fresh optimizer loaded at step 10 takes identical steps', () => {
        const a = build(c, c.params);
        runSteps(c, a.params, a.optimizer, 0, c.mid_step);
        const b = build(c, c.params);
        b.params.forEach((p, i) => p.data.copy_(a.params[i]));
        b.optimizer.loadStateDict(a.optimizer.stateDict());
        runSteps(c, a.params, a.optimizer, c.mid_step, c.grads.length);
        runSteps(c, b.params, b.optimizer, c.mid_step, c.grads.length);
        b.params.forEach((p, i) => expect([...p.dataSync()]).toEqual([...a.params[i].dataSync()]));
      });
    });
  }
});
