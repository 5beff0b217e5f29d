/**
 * RMSprop: PyTorch 1.13's `_single_tensor_rmsprop` (smoothing constant alpha, centered variant,
 * momentum, weight decay, maximize).
 *
 * @module
 */
import { zerosLike, type Tensor } from '@typetorch/core';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';
import { addcdiv_, addcmul, addcmul_ } from './pointwise.js';
import { checkNonNegative, withDefaults } from './options.js';

/** Options of {@link RMSprop}, with PyTorch's defaults. */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Term added to the denominator (default 1e-8). */
  eps?: number;
  /** Normalize by an estimate of the gradient's variance instead of its second moment (default false). */
  centered?: boolean;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** PyTorch's multi-tensor switch; stored for state-dict fidelity, the update is the same (default null). */
  foreach?: boolean | null;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
  /** PyTorch's differentiable-optimizer switch; only false is supported (default false). */
  differentiable?: boolean;
}

/** The options an {@link RMSprop} group holds. */
export type RMSpropGroupOptions = Required<Omit<RMSpropOptions, 'lr'>>;

/**
 * PyTorch's `torch.optim.RMSprop`: `v ← α·v + (1 − α)·g²`; centered: `ḡ ← α·ḡ + (1 − α)·g` and
 * `v' = v − ḡ²`; `θ ← θ − lr·g/(√v' + eps)`, or with momentum `b ← momentum·b + g/(√v' + eps)`,
 * `θ ← θ − lr·b`.
 *
 * ```ts
 * new optim.RMSprop(net.parameters(), { lr: 1e-2 });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropGroupOptions> {
  /** Creates the optimizer; throws PyTorch's messages for invalid options. */
  constructor(params: Params<RMSpropGroupOptions>, options: RMSpropOptions = {}) {
    const o = withDefaults<RMSpropGroupOptions & { lr: number }>(options, {
      lr: 1e-2, momentum: 0, alpha: 0.99, eps: 1e-8, centered: false, weightDecay: 0, foreach: null, maximize: false, differentiable: false,
    });
    checkNonNegative('RMSprop', [
      ['learning rate', o.lr], ['epsilon value', o.eps], ['momentum value', o.momentum],
      ['weight_decay value', o.weightDecay], ['alpha value', o.alpha],
    ]);
    if (o.differentiable) throw new Error(`[RMSprop] differentiable=true is not supported`);
    super('RMSprop', params, o);
  }

  protected override _stepGroup(group: ParamGroup<RMSpropGroupOptions>, params: Tensor[]): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const param of params) {
      const state = this._stateOf(param);
      if (Object.keys(state).length === 0) {
        state.step = 0;
        state.square_avg = zerosLike(param);
        if (momentum > 0) state.momentum_buffer = zerosLike(param);
        if (centered) state.grad_avg = zerosLike(param);
      }
      state.step = (state.step as number) + 1;
      let grad = maximize ? param.grad!.neg() : param.grad!;
      if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
      const squareAvg = state.square_avg as Tensor;
      addcmul_(squareAvg.mul_(alpha), grad, grad, 1 - alpha);
      let avg: Tensor;
      if (centered) {
        const gradAvg = requireState('grad_avg', state.grad_avg);
        gradAvg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
        avg = addcmul(squareAvg, gradAvg, gradAvg, -1).sqrt_();
      } else {
        avg = squareAvg.sqrt();
      }
      avg = avg.add_(eps);
      if (momentum > 0) {
        const buf = requireState('momentum_buffer', state.momentum_buffer);
        addcdiv_(buf.mul_(momentum), grad, avg);
        param.add_(buf, { alpha: -lr });
      } else {
        addcdiv_(param, grad, avg, -lr);
      }
    }
  }

  protected override _afterLoad(): void {
    for (const group of this.paramGroups) {
      for (const [key, value] of [['momentum', 0], ['centered', false], ['foreach', null], ['maximize', false], ['differentiable', false]] as const) {
        Optimizer._setDefault(group, key, value);
      }
    }
  }
}

function requireState(key: string, value: unknown): Tensor {
  if (value === undefined || value === null) {
    throw new Error(`[RMSprop] this parameter's state has no ${key}: the option that needs it was switched on after its first step`);
  }
  return value as Tensor;
}
