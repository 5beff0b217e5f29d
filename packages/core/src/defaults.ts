/**
 * The default floating-point dtype (PyTorch's `torch.set_default_dtype`).
 *
 * @module
 */
import { checkDType, isFloatingPoint, type DType } from './dtype.js';

let defaultDtype: DType = 'float32';

/** The dtype of new floating-point tensors: `'float32'` unless changed. */
export function getDefaultDtype(): DType {
  return defaultDtype;
}

/** Sets the dtype of new floating-point tensors; only `'float32'` and `'float64'` are allowed. */
export function setDefaultDtype(dtype: DType): void {
  checkDType(dtype, 'setDefaultDtype');
  if (!isFloatingPoint(dtype)) {
    throw new Error(`[setDefaultDtype] expected a floating-point dtype (float32 or float64), got ${dtype}`);
  }
  defaultDtype = dtype;
}
