/**
 * `nn.utils`: gradient clipping and parameter/vector conversion (PyTorch's `torch.nn.utils`).
 *
 * @module
 */
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions, type TensorOrTensors } from './clip-grad.js';
export { parametersToVector, vectorToParameters } from './convert-parameters.js';
