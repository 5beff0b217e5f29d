/**
 * Adagrad: PyTorch 1.13's `_single_tensor_adagrad` (learning-rate decay, weight decay, initial
 * accumulator value, maximize).
 *
 * @module
 */
import { fullLike, type Tensor } from '@typetorch/core';
import { Optimizer, type ParamGroup, type Params } from './optimizer.js';
import { addcdiv_, addcmul_ } from './pointwise.js';
import { incrementStep, newStepTensor, stepsToTensors } from './step-count.js';
import { checkNonNegative, withDefaults } from './options.js';

/** Options of {@link Adagrad}, with PyTorch's defaults. */
export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Learning-rate decay: step t uses `lr / (1 + (t − 1)·lrDecay)` (default 0). */
  lrDecay?: number;
  /** Term added to the denominator (default 1e-10). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue?: number;
  /** PyTorch's multi-tensor switch; stored for state-dict fidelity, the update is the same (default null). */
  foreach?: boolean | null;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The options an {@link Adagrad} group holds. */
export type AdagradGroupOptions = Required<Omit<AdagradOptions, 'lr'>>;

/**
 * PyTorch's `torch.optim.Adagrad`: `s ← s + g²`, `θ ← θ − clr·g/(√s + eps)` with
 * `clr = lr / (1 + (t − 1)·lrDecay)`. As in PyTorch 1.13, the state of every parameter given to the
 * constructor is created there (step 0, sum = the constructor's `initialAccumulatorValue`, also for
 * groups that give their own value).
 */
export class Adagrad extends Optimizer<AdagradGroupOptions> {
  /** Creates the optimizer and its state; throws PyTorch's messages for invalid options. */
  constructor(params: Params<AdagradGroupOptions>, options: AdagradOptions = {}) {
    const o = withDefaults<AdagradGroupOptions & { lr: number }>(options, {
      lr: 1e-2, lrDecay: 0, eps: 1e-10, weightDecay: 0, initialAccumulatorValue: 0, foreach: null, maximize: false,
    });
    checkNonNegative('Adagrad', [
      ['learning rate', o.lr], ['lr_decay value', o.lrDecay], ['weight_decay value', o.weightDecay],
      ['initial_accumulator_value value', o.initialAccumulatorValue], ['epsilon value', o.eps],
    ]);
    super('Adagrad', params, o);
    // PyTorch 1.13 fills every sum with the constructor's value, even for groups that set their own.
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const state = this._stateOf(p);
        state.step = newStepTensor(p);
        state.sum = fullLike(p, o.initialAccumulatorValue);
      }
    }
  }

  protected override _stepGroup(group: ParamGroup<AdagradGroupOptions>, params: Tensor[]): void {
    const { lr, weightDecay, lrDecay, eps, maximize } = group;
    for (const param of params) {
      const state = this.state.get(param);
      if (state === undefined || !(state.sum !== undefined && state.step !== undefined)) {
        throw new Error(`[Adagrad] a parameter has no state: Adagrad creates it in its constructor, not in addParamGroup (as PyTorch 1.13)`);
      }
      const step = incrementStep('Adagrad', state.step as Tensor);
      let grad = maximize ? param.grad!.neg() : param.grad!;
      if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
      const clr = lr / (1 + (step - 1) * lrDecay);
      const stateSum = state.sum as Tensor;
      addcmul_(stateSum, grad, grad, 1);
      const std = stateSum.sqrt().add_(eps);
      addcdiv_(param, grad, std, -clr);
    }
  }

  protected override _afterLoad(): void {
    for (const group of this.paramGroups) {
      Optimizer._setDefault(group, 'foreach', null);
      Optimizer._setDefault(group, 'maximize', false);
    }
    stepsToTensors(this.state);
  }
}
