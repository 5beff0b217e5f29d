/**
 * The loss modules of `nn` (PyTorch's `torch.nn` losses).
 *
 * @module
 */
export { _Loss, _WeightedLoss, type LossOptions, type WeightedLossOptions } from './loss.js';
export { MSELoss, L1Loss, SmoothL1Loss, HuberLoss, type SmoothL1LossLayerOptions, type HuberLossLayerOptions } from './regression.js';
export {
  CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss,
  type NLLLossLayerOptions, type CrossEntropyLossLayerOptions, type WeightedLossArgs, type BCEWithLogitsLossLayerOptions, type KLDivLossLayerOptions,
} from './classification.js';
export type { Reduction } from '../functional/reduction.js';
