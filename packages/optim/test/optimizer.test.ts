/**
 * The Optimizer base: construction and validation, parameter groups, zeroGrad, step with a closure,
 * state dicts and their loading, as PyTorch 1.13 behaves.
 */
import { describe, expect, it } from 'vitest';
import '@typetorch/backend-cpu';
import '@typetorch/autograd';
import { Tensor, arange, noGrad, ones, tensor, zeros } from '@typetorch/core';
import * as optim from '../src/index.js';

const leaf = (values: number[], dtype: 'float32' | 'float64' = 'float32'): Tensor => tensor(values, { dtype, requiresGrad: true });
const values = (t: Tensor): number[] => [...t.dataSync()].map(Number);

describe('constructing an optimizer', () => {
  it('rejects invalid options with PyTorch messages, prefixed by the optimizer', () => {
    const p = [leaf([1, 2])];
    expect(() => new optim.SGD(p, { lr: -1 })).toThrow('[SGD] Invalid learning rate: -1');
    expect(() => new optim.SGD(p, { lr: 0.1, momentum: -0.5 })).toThrow('[SGD] Invalid momentum value: -0.5');
    expect(() => new optim.SGD(p, { lr: 0.1, weightDecay: -1 })).toThrow('[SGD] Invalid weight_decay value: -1');
    expect(() => new optim.SGD(p, { lr: 0.1, nesterov: true })).toThrow('[SGD] Nesterov momentum requires a momentum and zero dampening');
    expect(() => new optim.SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow('Nesterov momentum requires');
    expect(() => new optim.Adam(p, { betas: [1, 0.9] })).toThrow('[Adam] Invalid beta parameter at index 0: 1');
    expect(() => new optim.Adam(p, { betas: [0.9, -0.1] })).toThrow('[Adam] Invalid beta parameter at index 1: -0.1');
    expect(() => new optim.Adam(p, { eps: -1 })).toThrow('[Adam] Invalid epsilon value: -1');
    expect(() => new optim.AdamW(p, { lr: -0.1 })).toThrow('[AdamW] Invalid learning rate: -0.1');
    expect(() => new optim.RMSprop(p, { alpha: -1 })).toThrow('[RMSprop] Invalid alpha value: -1');
    expect(() => new optim.Adagrad(p, { lrDecay: -1 })).toThrow('[Adagrad] Invalid lr_decay value: -1');
    expect(() => new optim.Adagrad(p, { initialAccumulatorValue: -1 })).toThrow('[Adagrad] Invalid initial_accumulator_value value: -1');
  });

  it('rejects a single tensor, an empty list, sets, non-leaf tensors and shared parameters', () => {
    const p = leaf([1, 2]);
    expect(() => new optim.SGD(p as unknown as Tensor[], { lr: 1 })).toThrow(
      '[SGD] params argument given to the optimizer should be an iterable of Tensors or dicts, but got Tensor',
    );
    expect(() => new optim.SGD([], { lr: 1 })).toThrow('[SGD] optimizer got an empty parameter list');
    expect(() => new optim.SGD([{ params: new Set([p]) }], { lr: 1 })).toThrow('ordered collections');
    expect(() => new optim.SGD([p.mul(2)], { lr: 1 })).toThrow("[SGD] can't optimize a non-leaf Tensor");
    expect(() => new optim.SGD([{ params: [p] }, { params: [p] }], { lr: 1 })).toThrow('[SGD] some parameters appear in more than one parameter group');
    expect(() => new optim.SGD([p])).toThrow("[SGD] parameter group didn't specify a value of required optimization parameter lr");
  });

  it('fills every group with the defaults in PyTorch order, group options first', () => {
    const a = leaf([1]);
    const b = leaf([2]);
    const opt = new optim.SGD([{ params: [a] }, { params: b, momentum: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(Object.keys(opt.paramGroups[0])).toEqual(['params', 'lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize', 'foreach', 'differentiable']);
    expect(Object.keys(opt.paramGroups[1])).toEqual(['params', 'momentum', 'lr', 'dampening', 'weightDecay', 'nesterov', 'maximize', 'foreach', 'differentiable']);
    expect(opt.paramGroups[0].momentum).toBe(0.9);
    expect(opt.paramGroups[1].momentum).toBe(0.5);
    expect(opt.paramGroups[1].params).toEqual([b]);
    expect(opt.defaults.lr).toBe(0.1);
  });

  it('adds parameter groups later, with the defaults', () => {
    const a = leaf([1]);
    const b = leaf([2]);
    const opt = new optim.Adam([a], { lr: 0.01 });
    opt.addParamGroup({ params: [b], lr: 0.5 });
    expect(opt.paramGroups.length).toBe(2);
    expect(opt.paramGroups[1].lr).toBe(0.5);
    expect(opt.paramGroups[1].betas).toEqual([0.9, 0.999]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow('some parameters appear in more than one parameter group');
  });

  it("prints PyTorch's repr", () => {
    const p = [leaf([1, 2])];
    expect(String(new optim.SGD(p, { lr: 0.1, momentum: 0.9 }))).toBe(
      'SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n    lr: 0.1\n    maximize: False\n' +
        '    momentum: 0.9\n    nesterov: False\n    weight_decay: 0\n)',
    );
    expect(String(new optim.Adam(p, { lr: 1e-5 }))).toBe(
      'Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n    capturable: False\n    differentiable: False\n' +
        '    eps: 1e-08\n    foreach: None\n    fused: False\n    lr: 1e-05\n    maximize: False\n    weight_decay: 0\n)',
    );
  });
});

describe('zeroGrad', () => {
  it('zeros the existing gradients in place by default (PyTorch 1.13), and sets them to null with setToNone', () => {
    const p = leaf([1, 2, 3]);
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.mul(p).sum().backward();
    const grad = p.grad!;
    expect(values(grad)).toEqual([2, 4, 6]);
    opt.zeroGrad();
    expect(p.grad).toBe(grad);
    expect(values(p.grad!)).toEqual([0, 0, 0]);
    opt.zeroGrad({ setToNone: true });
    expect(p.grad).toBeNull();
  });

  it('detaches a gradient that has a graph before zeroing it', () => {
    const p = leaf([1, 2]);
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.grad = p.mul(3);
    expect(p.grad.gradFn).not.toBeNull();
    opt.zeroGrad();
    expect(p.grad.gradFn).toBeNull();
    expect(p.grad.requiresGrad).toBe(false);
    expect(values(p.grad)).toEqual([0, 0]);
  });
});

describe('step', () => {
  it('updates parameters in place without recording: they stay leaves that require grad', () => {
    const p = leaf([1, 2]);
    const opt = new optim.SGD([p], { lr: 0.5 });
    p.grad = tensor([1, -2]);
    const before = p._version;
    opt.step();
    expect(values(p)).toEqual([0.5, 3]);
    expect(p.isLeaf).toBe(true);
    expect(p.requiresGrad).toBe(true);
    expect(p.gradFn).toBeNull();
    expect(p._version).toBeGreaterThan(before);
  });

  it('skips parameters without a gradient and creates no state for them', () => {
    const a = leaf([1, 2]);
    const b = leaf([3, 4]);
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1, 1]);
    opt.step();
    expect(values(b)).toEqual([3, 4]);
    expect(opt.state.has(b)).toBe(false);
    expect(opt.state.has(a)).toBe(true);
    expect(Object.keys(opt.stateDict().state)).toEqual(['0']);
  });

  it('runs the closure with gradients on, before the update, and returns its loss', () => {
    const p = leaf([3]);
    const opt = new optim.SGD([p], { lr: 0.25 });
    const loss = noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = p.mul(p).sum();
        l.backward();
        return l;
      }),
    );
    expect(loss!.itemSync()).toBe(9);
    expect(values(p)).toEqual([1.5]); // 3 - 0.25 * 6
    expect(opt.step()).toBeUndefined();
  });

  it('maximize climbs the objective', () => {
    const p = leaf([1]);
    const opt = new optim.SGD([p], { lr: 0.1, maximize: true });
    p.grad = tensor([2]);
    opt.step();
    expect(values(p)[0]).toBeCloseTo(1.2, 6);
  });

  it('fits the linear regression of the acceptance criteria: SGD lr 0.01, 1000 epochs, y = 2x + 1', () => {
    const x = arange(0, 11, { dtype: 'float32' });
    const y = x.mul(2).add(1);
    const w = zeros(1, { requiresGrad: true });
    const b = zeros(1, { requiresGrad: true });
    const opt = new optim.SGD([w, b], { lr: 0.01 });
    for (let epoch = 0; epoch < 1000; epoch++) {
      opt.zeroGrad();
      x.mul(w).add(b).sub(y).pow(2).mean().backward();
      opt.step();
    }
    expect(Math.abs(values(w)[0] - 2)).toBeLessThan(0.05);
    expect(Math.abs(values(b)[0] - 1)).toBeLessThan(0.2);
  });
});

describe('state as PyTorch 1.13 stores it', () => {
  it('SGD without momentum stores a null momentum buffer; with momentum the first buffer is the gradient', () => {
    const p = leaf([1, 2]);
    const plain = new optim.SGD([p], { lr: 0.1 });
    p.grad = tensor([1, 1]);
    plain.step();
    expect(plain.stateDict().state).toEqual({ 0: { momentum_buffer: null } });

    const q = leaf([1, 2]);
    const momentum = new optim.SGD([q], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    q.grad = tensor([1, 2]);
    momentum.step();
    expect(values(momentum.state.get(q)!.momentum_buffer as Tensor)).toEqual([1, 2]); // no dampening on the first step
    momentum.step();
    expect(values(momentum.state.get(q)!.momentum_buffer as Tensor)).toEqual([1.4, 2.8].map(Math.fround));
  });

  it("Adam keeps 'step' as a 0-d float32 tensor on the CPU, RMSprop as a number, Adagrad from construction", () => {
    const p = leaf([1, 2], 'float64');
    const adam = new optim.Adam([p], { amsgrad: true });
    p.grad = tensor([1, 1], { dtype: 'float64' });
    adam.step();
    adam.step();
    const s = adam.stateDict().state[0];
    expect(Object.keys(s)).toEqual(['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    const step = s.step as Tensor;
    expect([step.dtype, step.shape.length, step.device, step.itemSync()]).toEqual(['float32', 0, 'cpu', 2]);
    expect((s.exp_avg as Tensor).dtype).toBe('float64');

    const rms = new optim.RMSprop([p], { momentum: 0.5, centered: true });
    rms.step();
    expect(Object.keys(rms.stateDict().state[0])).toEqual(['step', 'square_avg', 'momentum_buffer', 'grad_avg']);
    expect(rms.stateDict().state[0].step).toBe(1);

    const ada = new optim.Adagrad([p], { initialAccumulatorValue: 0.5 });
    const s0 = ada.stateDict().state[0];
    expect((s0.step as Tensor).itemSync()).toBe(0);
    expect(values(s0.sum as Tensor)).toEqual([0.5, 0.5]);
  });

  it('shares the state tensors with the optimizer, as PyTorch', () => {
    const p = leaf([1]);
    const opt = new optim.Adam([p]);
    p.grad = tensor([1]);
    opt.step();
    expect(opt.stateDict().state[0].exp_avg).toBe(opt.state.get(p)!.exp_avg);
  });
});

describe('loadStateDict', () => {
  it("refuses a state dict whose groups differ, with PyTorch's messages", () => {
    const opt = new optim.SGD([leaf([1])], { lr: 1 });
    expect(() => opt.loadStateDict({ state: {}, param_groups: [] })).toThrow(
      '[loadStateDict] loaded state dict has a different number of parameter groups',
    );
    expect(() => opt.loadStateDict({ state: {}, param_groups: [{ params: [0, 1] }] })).toThrow(
      "[loadStateDict] loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
    );
  });

  it("deep-copies the state, casts tensors to the parameter's dtype, and leaves 'step' alone", () => {
    const p = leaf([1, 2], 'float64');
    const opt = new optim.Adam([p], { lr: 0.1 });
    const expAvg = tensor([0.5, 0.25]);
    const sd: optim.OptimizerStateDict = {
      state: { 0: { step: tensor(3), exp_avg: expAvg, exp_avg_sq: ones(2) } },
      param_groups: [{ lr: 0.2, betas: [0.8, 0.99], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false, params: [0] }],
    };
    opt.loadStateDict(sd);
    const state = opt.state.get(p)!;
    expect((state.exp_avg as Tensor).dtype).toBe('float64');
    expect(state.exp_avg).not.toBe(expAvg);
    expect((state.step as Tensor).dtype).toBe('float32');
    expect(opt.paramGroups[0].lr).toBe(0.2);
    expect(opt.paramGroups[0].betas).toEqual([0.8, 0.99]);
    expect(opt.paramGroups[0].weightDecay).toBe(0);
    expect(opt.paramGroups[0].params[0]).toBe(p);
    p.grad = tensor([1, 1], { dtype: 'float64' });
    opt.step();
    expect((state.step as Tensor).itemSync()).toBe(4);
    // The loaded step (3 -> 4) drives the bias correction: exp_avg = 0.8 * 0.5 + 0.2 = 0.6.
    expect(values(state.exp_avg as Tensor)[0]).toBeCloseTo(0.6, 12);
  });

  it('converts the numeric steps of older state dicts to tensors and fills options they lack', () => {
    const p = leaf([1]);
    const opt = new optim.Adam([p]);
    opt.loadStateDict({
      state: { 0: { step: 5, exp_avg: zeros(1), exp_avg_sq: zeros(1) } },
      param_groups: [{ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, params: [0] }],
    });
    const step = opt.state.get(p)!.step as Tensor;
    expect(step).toBeInstanceOf(Tensor);
    expect(step.itemSync()).toBe(5);
    expect(Object.keys(opt.paramGroups[0])).toEqual([
      'lr', 'betas', 'eps', 'weightDecay', 'params', 'amsgrad', 'maximize', 'foreach', 'capturable', 'differentiable', 'fused',
    ]);
  });

  it('reads Python ints given as bigints (as a checkpoint reader may) as numbers', () => {
    const p = leaf([1]);
    const opt = new optim.RMSprop([p]);
    opt.loadStateDict({
      state: { 0: { step: 3n, square_avg: ones(1) } },
      param_groups: [{ lr: 0.01, momentum: 0n, alpha: 0.99, eps: 1e-8, centered: false, weight_decay: 0n, params: [0n] }],
    } as unknown as optim.OptimizerStateDict);
    expect(opt.paramGroups[0].momentum).toBe(0);
    p.grad = tensor([1]);
    opt.step();
    expect(opt.state.get(p)!.step).toBe(4);
  });

  it('keeps state entries that name no parameter under their key', () => {
    const opt = new optim.SGD([leaf([1])], { lr: 1 });
    opt.loadStateDict({ state: { extra: { note: 1 } }, param_groups: [{ lr: 1, params: [0] }] });
    expect(opt.state.get('extra')).toEqual({ note: 1 });
    expect(opt.stateDict().state).toEqual({ extra: { note: 1 } });
  });
});
