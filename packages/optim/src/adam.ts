/**
 * Adam and AdamW: PyTorch 1.13's `_single_tensor_adam` / `_single_tensor_adamw` (bias correction on
 * the host from the step count, AMSGrad, maximize, L2 or decoupled weight decay).
 *
 * @module
 */
import { Tensor, maximum, zerosLike } from '@typetorch/core';
import { Optimizer, type ParamGroup, type ParamState, type Params } from './optimizer.js';
import { incrementStep, newStepTensor, stepsToTensors } from './step-count.js';
import { addcdiv_, addcmul_ } from './pointwise.js';
import { checkNonNegative } from './options.js';

/** Options of {@link Adam}, with PyTorch's defaults. */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Coefficients of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Term added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Use the AMSGrad variant (default false). */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
  /** PyTorch's multi-tensor switch; stored for state-dict fidelity, the update is the same (default null). */
  foreach?: boolean | null;
  /** PyTorch's CUDA-graph switch; stored for state-dict fidelity (default false). */
  capturable?: boolean;
  /** PyTorch's differentiable-optimizer switch; only false is supported (default false). */
  differentiable?: boolean;
  /** PyTorch's fused CUDA kernel; not available (default false). */
  fused?: boolean;
}

/** The options an {@link Adam} group holds. */
export type AdamGroupOptions = Required<Omit<AdamOptions, 'lr'>>;

/** Options of {@link AdamW}, with PyTorch's defaults. */
export interface AdamWOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Coefficients of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Term added to the denominator (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay: `θ ← θ·(1 − lr·weightDecay)` before the update (default 1e-2). */
  weightDecay?: number;
  /** Use the AMSGrad variant (default false). */
  amsgrad?: boolean;
  /** PyTorch's multi-tensor switch; stored for state-dict fidelity, the update is the same (default null). */
  foreach?: boolean | null;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
  /** PyTorch's CUDA-graph switch; stored for state-dict fidelity (default false). */
  capturable?: boolean;
}

/** The options an {@link AdamW} group holds. */
export type AdamWGroupOptions = Required<Omit<AdamWOptions, 'lr'>>;

function validate(name: string, lr: number, eps: number, betas: readonly number[], weightDecay: number): void {
  checkNonNegative(name, [['learning rate', lr], ['epsilon value', eps]]);
  if (!Array.isArray(betas) || betas.length !== 2) throw new Error(`[${name}] expected betas to be a pair [beta1, beta2], got ${String(betas)}`);
  if (!(betas[0] >= 0 && betas[0] < 1)) throw new Error(`[${name}] Invalid beta parameter at index 0: ${betas[0]}`);
  if (!(betas[1] >= 0 && betas[1] < 1)) throw new Error(`[${name}] Invalid beta parameter at index 1: ${betas[1]}`);
  checkNonNegative(name, [['weight_decay value', weightDecay]]);
}

/** The per-group settings the shared update needs. */
interface AdamStepConfig {
  lr: number;
  betas: readonly number[];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW: decay the parameter instead of adding the L2 term to the gradient. */
  decoupled: boolean;
}

/** Creates Adam's state lazily, as PyTorch does on a parameter's first update. */
function adamState(name: string, state: ParamState, param: Tensor, amsgrad: boolean): void {
  if (Object.keys(state).length === 0) {
    state.step = newStepTensor(param);
    state.exp_avg = zerosLike(param);
    state.exp_avg_sq = zerosLike(param);
    if (amsgrad) state.max_exp_avg_sq = zerosLike(param);
  } else if (amsgrad && !(state.max_exp_avg_sq instanceof Tensor)) {
    throw new Error(`[${name}] this parameter's state has no max_exp_avg_sq: amsgrad was switched on after its first step`);
  }
}

/** One Adam / AdamW update of `param`, in place. */
function adamUpdate(name: string, param: Tensor, state: ParamState, c: AdamStepConfig): void {
  const [beta1, beta2] = c.betas;
  let grad = c.maximize ? param.grad!.neg() : param.grad!;
  const expAvg = state.exp_avg as Tensor;
  const expAvgSq = state.exp_avg_sq as Tensor;
  const step = incrementStep(name, state.step as Tensor);
  if (c.decoupled) param.mul_(1 - c.lr * c.weightDecay);
  else if (c.weightDecay !== 0) grad = grad.add(param, { alpha: c.weightDecay });
  expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
  addcmul_(expAvgSq.mul_(beta2), grad, grad, 1 - beta2);
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const stepSize = c.lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  let second = expAvgSq;
  if (c.amsgrad) {
    const maxExpAvgSq = state.max_exp_avg_sq as Tensor;
    maxExpAvgSq.copy_(maximum(maxExpAvgSq, expAvgSq));
    second = maxExpAvgSq;
  }
  const denom = second.sqrt().div(biasCorrection2Sqrt).add_(c.eps);
  addcdiv_(param, expAvg, denom, -stepSize);
}

/**
 * PyTorch's `torch.optim.Adam`: running averages `m ← β1·m + (1 − β1)·g`, `v ← β2·v + (1 − β2)·g²`,
 * `θ ← θ − lr/(1 − β1ᵗ) · m / (√v' / √(1 − β2ᵗ) + eps)` with `v' = v`, or its running maximum
 * with AMSGrad. Weight decay adds `weightDecay·θ` to the gradient (L2).
 *
 * ```ts
 * new optim.Adam(net.parameters(), { lr: 1e-3, betas: [0.9, 0.999], weightDecay: 0 });
 * ```
 */
export class Adam extends Optimizer<AdamGroupOptions> {
  /** Creates the optimizer; throws PyTorch's messages for invalid options. */
  constructor(params: Params<AdamGroupOptions>, options: AdamOptions = {}) {
    const o = {
      lr: options.lr ?? 1e-3,
      betas: [...(options.betas ?? [0.9, 0.999])] as [number, number],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
      foreach: options.foreach ?? null,
      capturable: options.capturable ?? false,
      differentiable: options.differentiable ?? false,
      fused: options.fused ?? false,
    };
    validate('Adam', o.lr, o.eps, o.betas, o.weightDecay);
    if (o.differentiable) throw new Error(`[Adam] differentiable=true is not supported`);
    if (o.fused) throw new Error(`[Adam] FusedAdam requires all the params to be CUDA, floating point`);
    super('Adam', params, o);
  }

  protected override _stepGroup(group: ParamGroup<AdamGroupOptions>, params: Tensor[]): void {
    for (const param of params) {
      const state = this._stateOf(param);
      adamState('Adam', state, param, group.amsgrad);
      adamUpdate('Adam', param, state, { ...group, decoupled: false });
    }
  }

  protected override _afterLoad(): void {
    for (const group of this.paramGroups) {
      for (const [key, value] of [['amsgrad', false], ['maximize', false], ['foreach', null], ['capturable', false], ['differentiable', false], ['fused', false]] as const) {
        Optimizer._setDefault(group, key, value);
      }
    }
    stepsToTensors(this.state);
  }
}

/**
 * PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay, `θ ← θ·(1 − lr·weightDecay)`
 * before the Adam update (default weightDecay 1e-2).
 */
export class AdamW extends Optimizer<AdamWGroupOptions> {
  /** Creates the optimizer; throws PyTorch's messages for invalid options. */
  constructor(params: Params<AdamWGroupOptions>, options: AdamWOptions = {}) {
    const o = {
      lr: options.lr ?? 1e-3,
      betas: [...(options.betas ?? [0.9, 0.999])] as [number, number],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 1e-2,
      amsgrad: options.amsgrad ?? false,
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
      capturable: options.capturable ?? false,
    };
    validate('AdamW', o.lr, o.eps, o.betas, o.weightDecay);
    super('AdamW', params, o);
  }

  protected override _stepGroup(group: ParamGroup<AdamWGroupOptions>, params: Tensor[]): void {
    for (const param of params) {
      const state = this._stateOf(param);
      adamState('AdamW', state, param, group.amsgrad);
      adamUpdate('AdamW', param, state, { ...group, decoupled: true });
    }
  }

  protected override _afterLoad(): void {
    for (const group of this.paramGroups) {
      for (const [key, value] of [['amsgrad', false], ['maximize', false], ['foreach', null], ['capturable', false]] as const) {
        Optimizer._setDefault(group, key, value);
      }
    }
    stepsToTensors(this.state);
  }
}
