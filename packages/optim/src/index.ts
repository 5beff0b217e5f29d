/**
 * `@typetorch/optim`: PyTorch's `torch.optim` for typetorch, with PyTorch 1.13's update rules and
 * state-dict layout: SGD, Adam, AdamW, RMSprop, Adagrad, and the learning-rate schedulers of
 * `lrScheduler`.
 *
 * ```ts
 * const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
 * optimizer.zeroGrad();
 * loss.backward();
 * optimizer.step();
 * ```
 *
 * @packageDocumentation
 */
export {
  Optimizer, type ParamGroup, type ParamGroupInput, type Params, type ParamState, type OptimizerStateDict,
  type StateDictGroup, type ZeroGradOptions, type ParamGroupBase, type ParamGroupInputBase, type LrDefault, type StateDictGroupBase,
} from './optimizer.js';
export { SGD, type SGDOptions, type SGDGroupOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions, type AdamGroupOptions, type AdamWOptions, type AdamWGroupOptions } from './adam.js';
export { RMSprop, type RMSpropOptions, type RMSpropGroupOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions, type AdagradGroupOptions } from './adagrad.js';
export * as lrScheduler from './lr-scheduler/index.js';
