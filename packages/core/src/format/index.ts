/**
 * Tensor printing in PyTorch's format.
 *
 * @module
 */
export { formatTensor, type FormatExtras } from './format-tensor.js';
export { getPrintOptions, setPrintOptions, type PrintOptions, type PrintProfile } from './print-options.js';
export { formatExp, formatFixed } from './py-float.js';
