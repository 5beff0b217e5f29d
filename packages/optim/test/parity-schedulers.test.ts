/**
 * Learning-rate sequences against PyTorch 1.13 (fixtures from scripts/fixtures/gen_optim.py): every
 * scheduler's rates (and OneCycleLR's momentum) after construction and after each step, its state
 * dict, and the optimizer's parameter groups afterwards.
 */
import { describe, expect, it } from 'vitest';
import { zeros } from '@typetorch/core';
import * as optim from '../src/index.js';
import { decode, expectNumberClose, expectStateEqual, readFixture } from './helpers.js';

const { lrScheduler } = optim;

interface SchedulerCase {
  id: string;
  optimizer: 'SGD' | 'Adam';
  optimizer_options: Record<string, unknown>;
  group_lrs: number[];
  scheduler: string;
  options: Record<string, unknown>;
  steps: number;
  lr_lambda?: string[];
  metrics?: number[];
  lrs: number[][];
  momenta?: number[][];
  state_dict: Record<string, unknown>;
  param_groups: unknown[];
}

const CASES = readFixture<SchedulerCase[]>('schedulers.json');

/** The LambdaLR functions of the fixtures, as the generator defines them in Python. */
const LAMBDAS: Record<string, optim.lrScheduler.LrLambda> = {
  exp095: (e) => 0.95 ** e,
  warmup5: (e) => Math.min(1.0, (e + 1) / 5),
  step10: (e) => 0.5 ** Math.floor(e / 10),
};

type AnyScheduler = optim.lrScheduler.LRScheduler | optim.lrScheduler.ReduceLROnPlateau;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = optim.Optimizer<any>;

function build(c: SchedulerCase): { optimizer: AnyOptimizer; scheduler: AnyScheduler } {
  const groups = c.group_lrs.map((lr) => ({ params: [zeros(1, { requiresGrad: true })], lr }));
  const optimizer = c.optimizer === 'SGD' ? new optim.SGD(groups, c.optimizer_options) : new optim.Adam(groups, c.optimizer_options);
  const options: Record<string, unknown> = { ...c.options };
  if (c.lr_lambda !== undefined) {
    const fns = c.lr_lambda.map((name) => LAMBDAS[name]);
    options.lrLambda = fns.length === 1 ? fns[0] : fns;
  }
  const Cls = (lrScheduler as unknown as Record<string, new (o: AnyOptimizer, options: unknown) => AnyScheduler>)[c.scheduler];
  return { optimizer, scheduler: new Cls(optimizer, options) };
}

function stepOnce(c: SchedulerCase, optimizer: AnyOptimizer, scheduler: AnyScheduler, i: number): void {
  optimizer.step();
  if (scheduler instanceof lrScheduler.ReduceLROnPlateau) scheduler.step(c.metrics![i]);
  else scheduler.step();
}

const momentumOf = (c: SchedulerCase, optimizer: AnyOptimizer): number[] =>
  optimizer.paramGroups.map((g) => (c.optimizer === 'Adam' ? (g.betas as number[])[0] : (g.momentum as number)));

function expectRow(actual: number[], expected: number[], where: string): void {
  expect(actual.length, `${where}: groups`).toBe(expected.length);
  expected.forEach((e, g) => expectNumberClose(actual[g], e, `${where}[${g}]`));
}

describe('learning-rate schedules match PyTorch 1.13', () => {
  it('covers every scheduler', () => {
    const names = new Set(CASES.map((c) => c.scheduler));
    expect([...names].sort()).toEqual([
      'CosineAnnealingLR', 'ExponentialLR', 'LambdaLR', 'LinearLR', 'MultiStepLR', 'OneCycleLR', 'ReduceLROnPlateau', 'StepLR',
    ]);
    expect(CASES.length).toBe(22);
  });

  for (const c of CASES) {
    describe(c.id, () => {
      it(`gives PyTorch's learning rates over ${c.steps} steps`, () => {
        const { optimizer, scheduler } = build(c);
        const rates = (): number[] => scheduler.getLastLr();
        expectRow(rates(), c.lrs[0], 'after construction');
        if (c.momenta) expectRow(momentumOf(c, optimizer), c.momenta[0], 'momentum after construction');
        for (let i = 0; i < c.steps; i++) {
          stepOnce(c, optimizer, scheduler, i);
          expectRow(rates(), c.lrs[i + 1], `step ${i + 1}`);
          expectRow(optimizer.paramGroups.map((g) => g.lr), c.lrs[i + 1], `group lr at step ${i + 1}`);
          if (c.momenta) expectRow(momentumOf(c, optimizer), c.momenta[i + 1], `momentum at step ${i + 1}`);
        }
      });

      it("gives PyTorch's scheduler state dict and optimizer param groups at the end", () => {
        const { optimizer, scheduler } = build(c);
        for (let i = 0; i < c.steps; i++) stepOnce(c, optimizer, scheduler, i);
        expectStateEqual(scheduler.stateDict(), decode(c.state_dict), 'scheduler');
        expectStateEqual(optimizer.stateDict().param_groups, decode(c.param_groups), 'param_groups');
      });

      it('resumes from its state dicts halfway and continues the same sequence', () => {
        const half = Math.floor(c.steps / 2);
        const a = build(c);
        for (let i = 0; i < half; i++) stepOnce(c, a.optimizer, a.scheduler, i);
        const b = build(c);
        b.optimizer.loadStateDict(a.optimizer.stateDict());
        b.scheduler.loadStateDict(a.scheduler.stateDict());
        expectRow(b.scheduler.getLastLr(), c.lrs[half], `resumed at step ${half}`);
        for (let i = half; i < c.steps; i++) {
          stepOnce(c, b.optimizer, b.scheduler, i);
          expectRow(b.scheduler.getLastLr(), c.lrs[i + 1], `step ${i + 1}`);
        }
        expectStateEqual(b.scheduler.stateDict(), decode(c.state_dict), 'scheduler');
      });
    });
  }
});
