/**
 * The layers of `nn` (PyTorch's `torch.nn` modules other than containers and losses).
 *
 * @module
 */
export { Linear, type LinearOptions } from './linear.js';
export {
  _ConvNd, Conv1d, Conv2d, ConvTranspose2d, type ConvLayerOptions, type ConvTransposeLayerOptions, type ConvNdConfig, type PaddingMode,
} from './conv.js';
export {
  _MaxPoolNd, MaxPool1d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPoolLayerOptions, type AvgPoolLayerOptions, type MaxPoolResult,
} from './pooling.js';
export {
  _BatchNorm, BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, type BatchNormLayerOptions, type LayerNormOptions, type GroupNormOptions,
} from './normalization.js';
export { _DropoutNd, Dropout, Dropout2d } from './dropout.js';
export { Embedding, type EmbeddingLayerOptions, type FromPretrainedOptions } from './embedding.js';
export { ReLU, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax, Softplus } from './activation.js';
export { Flatten, Unflatten, Identity } from './shape.js';
export type { FactoryOptions } from './factory.js';
