/**
 * `nn.functional` (PyTorch's `torch.nn.functional`, usually imported as `F`): the stateless
 * functions behind the layers and losses. As in PyTorch, an optional argument goes positionally
 * (`F.softmax(x, 1)`) or by name in a trailing camelCase options object (`F.softmax(x, { dim: 1 })`).
 *
 * ```ts
 * const F = torch.nn.functional;
 * const logits = F.linear(x, w, b);
 * const loss = F.crossEntropy(logits, labels, { labelSmoothing: 0.1 });
 * ```
 *
 * @module
 */
export { linear, type LinearFnOptions } from './linear.js';
export {
  conv1d, conv2d, convTranspose2d, type Conv1dOptions, type Conv2dOptions, type ConvTranspose2dOptions, type ConvBiasOption,
} from './conv.js';
export {
  maxPool1d, maxPool2d, avgPool2d, adaptiveAvgPool2d, type MaxPoolOptions, type AvgPoolOptions, type AdaptiveSize, type IntOrPair,
  type MaxPoolArgs, type AvgPoolArgs,
} from './pooling.js';
export {
  batchNorm, layerNorm, groupNorm, normalize, type BatchNormOptions, type AffineNormOptions, type AffineNormArgs, type NormalizeOptions,
} from './normalization.js';
export { dropout, dropout2d, type DropoutOptions, type DropoutArgs } from './dropout.js';
export { embedding, oneHot, oneHotAsync, type EmbeddingOptions, type OneHotOptions } from './embedding.js';
export {
  relu, leakyRelu, elu, gelu, silu, sigmoid, tanh, softmax, logSoftmax, softplus,
  type InplaceOptions, type LeakyReluOptions, type EluOptions, type GeluOptions, type SoftmaxOptions, type SoftplusOptions,
} from './activation.js';
export { pad, type PadMode, type PadOptions } from './padding.js';
export { interpolate, type InterpolateMode, type InterpolateOptions } from './interpolate.js';
export {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, type RegressionLossOptions, type SmoothL1LossOptions, type HuberLossOptions,
} from './loss-regression.js';
export { nllLoss, crossEntropy, type NllLossOptions, type CrossEntropyOptions } from './loss-classification.js';
export {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv, logSigmoid as logsigmoid,
  type BinaryCrossEntropyOptions, type BinaryCrossEntropyWithLogitsOptions, type KlDivOptions,
} from './loss-binary.js';
export type { Reduction } from './reduction.js';
