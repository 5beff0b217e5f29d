/**
 * Scheduler behaviour beyond the PyTorch sequences: construction, validation messages, state-dict
 * keys, resuming, the deprecated step(epoch), verbose output and the interplay with the optimizer.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import '@typetorch/backend-cpu';
import '@typetorch/autograd';
import { tensor, zeros } from '@typetorch/core';
import * as optim from '../src/index.js';

const { lrScheduler } = optim;
const param = () => zeros(2, { requiresGrad: true });
const sgd = (lr = 0.1, extra: optim.SGDOptions = {}) => new optim.SGD([param()], { lr, ...extra });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('LRScheduler', () => {
  it('performs the first step in the constructor and records initialLr in the groups', () => {
    const optimizer = new optim.SGD([param()], { lr: 0.001, momentum: 0.9 });
    const scheduler = new lrScheduler.StepLR(optimizer, { stepSize: 10, gamma: 0.1 });
    expect(scheduler).toBeInstanceOf(lrScheduler.LRScheduler);
    expect(scheduler.lastEpoch).toBe(0);
    expect(scheduler.getLastLr()).toEqual([0.001]);
    expect(optimizer.paramGroups[0].initialLr).toBe(0.001);
    expect(Object.keys(optimizer.stateDict().param_groups[0]).slice(-2)).toEqual(['initial_lr', 'params']);
    expect(scheduler.stateDict()).toEqual({
      step_size: 10, gamma: 0.1, base_lrs: [0.001], last_epoch: 0, verbose: false, _step_count: 1,
      _get_lr_called_within_step: false, _last_lr: [0.001],
    });
  });

  it('the optimizer steps with the scheduled rate', () => {
    const p = tensor([1], { requiresGrad: true });
    const optimizer = new optim.SGD([p], { lr: 1 });
    const scheduler = new lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
    p.grad = tensor([1]);
    optimizer.step(); // lr 1
    scheduler.step();
    optimizer.step(); // lr 0.5
    expect(p.dataSync()[0]).toBe(-0.5);
  });

  it('refuses to resume (lastEpoch given) when the groups have no initialLr', () => {
    expect(() => new lrScheduler.StepLR(sgd(), { stepSize: 3, lastEpoch: 5 })).toThrow(
      "[StepLR] param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer",
    );
  });

  it('rejects what is not an optimizer', () => {
    expect(() => new lrScheduler.ExponentialLR({} as optim.SGD, { gamma: 0.5 })).toThrow('[ExponentialLR] Object is not an Optimizer');
    expect(() => new lrScheduler.ReduceLROnPlateau({} as optim.SGD)).toThrow('[ReduceLROnPlateau] Object is not an Optimizer');
  });

  it('step(epoch) jumps to an epoch with the closed form', () => {
    const scheduler = new lrScheduler.StepLR(sgd(), { stepSize: 3, gamma: 0.5 });
    scheduler.step(7);
    expect(scheduler.lastEpoch).toBe(7);
    expect(scheduler.getLastLr()).toEqual([0.025]);
    const multi = new lrScheduler.MultiStepLR(sgd(), { milestones: [2, 4, 4] });
    multi.step(5);
    expect(multi.getLastLr()[0]).toBeCloseTo(0.0001, 15);
  });

  it("prints PyTorch's verbose messages", () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const scheduler = new lrScheduler.ExponentialLR(sgd(), { gamma: 0.5, verbose: true });
    scheduler.step();
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      'Adjusting learning rate of group 0 to 1.0000e-01.',
      'Adjusting learning rate of group 0 to 5.0000e-02.',
    ]);
  });
});

describe('scheduler validation, with PyTorch messages', () => {
  it('LinearLR factors must be in [0, 1]', () => {
    expect(() => new lrScheduler.LinearLR(sgd(), { startFactor: 2 })).toThrow('[LinearLR] Starting multiplicative factor expected to be between 0 and 1.');
    expect(() => new lrScheduler.LinearLR(sgd(), { endFactor: -1 })).toThrow('[LinearLR] Ending multiplicative factor expected to be between 0 and 1.');
  });

  it('LambdaLR needs one function per group when given a list', () => {
    expect(() => new lrScheduler.LambdaLR(sgd(), { lrLambda: [() => 1, () => 1] })).toThrow('[LambdaLR] Expected 1 lr_lambdas, but got 2');
  });

  it('OneCycleLR needs a length, momentum support, and stops after totalSteps', () => {
    expect(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: 1 })).toThrow(
      '[OneCycleLR] You must define either total_steps OR (epochs AND steps_per_epoch)',
    );
    expect(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 2.5 })).toThrow('[OneCycleLR] Expected positive integer total_steps, but got 2.5');
    expect(() => new lrScheduler.OneCycleLR(new optim.Adagrad([param()]), { maxLr: 1, totalSteps: 5 })).toThrow(
      '[OneCycleLR] optimizer must support momentum with `cycle_momentum` option enabled',
    );
    const scheduler = new lrScheduler.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 3 });
    scheduler.step();
    scheduler.step();
    scheduler.step();
    expect(() => scheduler.step()).toThrow('[OneCycleLR] Tried to step 5 times. The specified number of total steps is 3');
  });

  it('OneCycleLR with Adam cycles betas[0] and keeps betas[1]', () => {
    const optimizer = new optim.Adam([param()], { betas: [0.9, 0.99] });
    const scheduler = new lrScheduler.OneCycleLR(optimizer, { maxLr: 0.01, totalSteps: 10 });
    expect(optimizer.paramGroups[0].betas).toEqual([0.95, 0.99]);
    scheduler.step();
    scheduler.step();
    expect(optimizer.paramGroups[0].betas[0]).toBeLessThan(0.95);
    expect(optimizer.paramGroups[0].betas[1]).toBe(0.99);
    expect(scheduler.stateDict().anneal_func).toBe('cos');
    expect(scheduler.stateDict().use_beta1).toBe(true);
  });

  it('ReduceLROnPlateau checks factor, mode, threshold mode and minLr', () => {
    expect(() => new lrScheduler.ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow('[ReduceLROnPlateau] Factor should be < 1.0.');
    expect(() => new lrScheduler.ReduceLROnPlateau(sgd(), { mode: 'up' as 'min' })).toThrow('[ReduceLROnPlateau] mode up is unknown!');
    expect(() => new lrScheduler.ReduceLROnPlateau(sgd(), { thresholdMode: 'x' as 'abs' })).toThrow('[ReduceLROnPlateau] threshold mode x is unknown!');
    expect(() => new lrScheduler.ReduceLROnPlateau(sgd(), { minLr: [0, 0] })).toThrow('[ReduceLROnPlateau] expected 1 min_lrs, got 2');
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after more than `patience` bad epochs and accepts a 0-d tensor metric', () => {
    const optimizer = sgd(1);
    const scheduler = new lrScheduler.ReduceLROnPlateau(optimizer, { patience: 1, factor: 0.5 });
    expect(scheduler.getLastLr()).toEqual([1]);
    expect('_last_lr' in scheduler.stateDict()).toBe(false);
    scheduler.step(tensor(1.0));
    scheduler.step(1.0);
    expect(optimizer.paramGroups[0].lr).toBe(1);
    scheduler.step(1.0);
    expect(optimizer.paramGroups[0].lr).toBe(0.5);
    expect(scheduler.stateDict()._last_lr).toEqual([0.5]);
    expect(scheduler.numBadEpochs).toBe(0);
    expect(scheduler.best).toBe(1);
  });

  it('round-trips its state dict, restoring the comparison mode', () => {
    const a = new lrScheduler.ReduceLROnPlateau(sgd(), { mode: 'max', cooldown: 2 });
    a.step(3);
    const b = new lrScheduler.ReduceLROnPlateau(sgd());
    b.loadStateDict(a.stateDict());
    expect(b.stateDict()).toEqual(a.stateDict());
    expect(b.modeWorse).toBe(-Infinity);
    expect(b.isBetter(4, 3)).toBe(true);
  });
});
