/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum, weight decay and
 * maximize: PyTorch 1.13's `_single_tensor_sgd`.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';

/** Options of {@link SGD}, with PyTorch's defaults. */
export interface SGDOptions {
  /** Learning rate (required, in the options or in every group). */
  lr?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Dampening for momentum (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum; needs momentum > 0 and zero dampening (default false). */
  nesterov?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
  /** PyTorch's multi-tensor switch; stored for state-dict fidelity, the update is the same (default null). */
  foreach?: boolean | null;
  /** PyTorch's differentiable-optimizer switch; only false is supported (default false). */
  differentiable?: boolean;
}

/** The options an {@link SGD} group holds. */
export type SGDGroupOptions = Required<Omit<SGDOptions, 'lr'>>;

/**
 * PyTorch's `torch.optim.SGD`:
 * `g ← ∇ (−∇ with maximize) + weightDecay·θ`; with momentum `b ← momentum·b + (1 − dampening)·g`
 * (`b ← g` on the first step), `g ← g + momentum·b` (Nesterov) or `g ← b`; then `θ ← θ − lr·g`.
 *
 * ```ts
 * const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
 * ```
 */
export class SGD extends Optimizer<SGDGroupOptions> {
  /** Creates the optimizer; throws PyTorch's messages for invalid options. */
  constructor(params: Params<SGDGroupOptions>, options: SGDOptions = {}) {
    const o = {
      lr: options.lr,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
      foreach: options.foreach ?? null,
      differentiable: options.differentiable ?? false,
    };
    if (o.lr !== undefined && o.lr < 0) throw new Error(`[SGD] Invalid learning rate: ${o.lr}`);
    if (o.momentum < 0) throw new Error(`[SGD] Invalid momentum value: ${o.momentum}`);
    if (o.weightDecay < 0) throw new Error(`[SGD] Invalid weight_decay value: ${o.weightDecay}`);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new Error(`[SGD] Nesterov momentum requires a momentum and zero dampening`);
    }
    if (o.differentiable) throw new Error(`[SGD] differentiable=true is not supported`);
    super('SGD', params, o);
  }

  protected override _stepGroup(group: ParamGroup<SGDGroupOptions>, params: Tensor[]): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const param of params) {
      const state = this._stateOf(param);
      let dP = maximize ? param.grad!.neg() : param.grad!;
      if (weightDecay !== 0) dP = dP.add(param, { alpha: weightDecay });
      if (momentum !== 0) {
        let buf = (state.momentum_buffer ?? null) as Tensor | null;
        if (buf === null) {
          buf = dP.clone().detach();
        } else {
          buf.mul_(momentum).add_(dP, { alpha: 1 - dampening });
        }
        state.momentum_buffer = buf;
        dP = nesterov ? dP.add(buf, { alpha: momentum }) : buf;
      } else {
        // PyTorch stores the (absent) buffer for every parameter it updates.
        state.momentum_buffer = (state.momentum_buffer ?? null) as Tensor | null;
      }
      param.add_(dP, { alpha: -lr });
    }
  }

  protected override _afterLoad(): void {
    for (const group of this.paramGroups) {
      Optimizer._setDefault(group, 'nesterov', false);
      Optimizer._setDefault(group, 'maximize', false);
      Optimizer._setDefault(group, 'foreach', null);
      Optimizer._setDefault(group, 'differentiable', false);
    }
  }
}
