/**
 * `@typetorch/nn`: PyTorch's `torch.nn` for TypeScript, also available as `torch.nn` from the
 * `typetorch` package: `Module` and `Parameter`, containers, layers, losses, `nn.functional`,
 * `nn.init` and `nn.utils`.
 *
 * ```ts
 * import * as torch from 'typetorch';
 * const { nn } = torch;
 * const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 1));
 * const y = model.call(torch.randn(4, 2));
 * ```
 *
 * @packageDocumentation
 */
export {
  Module, type ModuleFn, type ForwardArgs, type ForwardResult, type HasForward, type ModuleTarget, type StateDict, type StateDictOptions, type StateDictMetadata,
  type LoadStateDictOptions, type IncompatibleKeys,
} from './module.js';
export { Parameter } from './parameter.js';
export type { OptionalArgs } from './args.js';
export { Sequential, ModuleList, ModuleDict, type SliceString } from './containers.js';
export {
  RemovableHandle, registerModuleForwardPreHook, registerModuleForwardHook, type ForwardHook, type ForwardPreHook,
} from './hooks.js';
export * from './layers/index.js';
export * from './loss/index.js';
/** `nn.functional` (PyTorch's `torch.nn.functional`, usually imported as `F`). */
export * as functional from './functional/index.js';
/** `nn.init`: in-place parameter initialisation (PyTorch's `torch.nn.init`). */
export * as init from './init.js';
/** `nn.utils`: gradient clipping and parameter vectors (PyTorch's `torch.nn.utils`). */
export * as utils from './utils/index.js';
