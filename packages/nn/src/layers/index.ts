/**
 * The layers of `nn` (PyTorch's `torch.nn` modules other than containers and losses).
 *
 * @module
 */
export { Linear, type LinearOptions } from './linear.js';
export {
  _ConvNd, Conv1d, Conv2d, ConvTranspose2d, type ConvLayerOptions, type ConvTransposeLayerOptions, type ConvNdConfig, type PaddingMode,
  type ConvLayerArgs, type ConvTransposeLayerArgs,
} from './conv.js';
export {
  _MaxPoolNd, MaxPool1d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPoolLayerOptions, type AvgPoolLayerOptions, type MaxPoolResult,
  type MaxPoolLayerArgs, type AvgPoolLayerArgs,
} from './pooling.js';
export {
  _BatchNorm, BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, type BatchNormLayerOptions, type LayerNormOptions, type GroupNormOptions,
} from './normalization.js';
export { _DropoutNd, Dropout, Dropout2d, type DropoutLayerOptions } from './dropout.js';
export { Embedding, type EmbeddingLayerOptions, type FromPretrainedOptions } from './embedding.js';
export {
  _InplaceActivation, _SoftmaxNd, ReLU, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax, Softplus,
  type InplaceLayerOptions, type LeakyReLUOptions, type ELUOptions, type GELUOptions, type SoftmaxLayerOptions, type SoftplusLayerOptions,
} from './activation.js';
export { Flatten, Unflatten, Identity, type FlattenOptions } from './shape.js';
export type { FactoryOptions } from './factory.js';
