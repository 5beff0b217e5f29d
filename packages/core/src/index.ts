/**
 * `@typetorch/core`: PyTorch's `torch` namespace for TypeScript. Tensors, dtypes, devices,
 * creation, math, views, indexing, random numbers, printing and the backend contract.
 *
 * Import a backend too (`@typetorch/backend-cpu`, or use the `typetorch` umbrella package).
 *
 * @packageDocumentation
 */
export type { Backend, View, StorageHandle, TypedArray, Scalar, UnaryOp, BinaryOp, ReduceOp, ScanOp } from './backend/contract.js';
export { registerBackend, unregisterBackend, listBackends, hasBackend, getBackend, setDefaultDevice, getDefaultDevice, type RegisterBackendOptions } from './backend/registry.js';
export {
  type DType, type ScalarKind, type Operand, float32, float64, float, double, int32, int, int64, long, uint8, bool, DTYPES,
  itemSize, isFloatingPoint, isIntegral, checkDType, promoteTypes, resultType, canCast, scalarKind, newArray,
} from './dtype.js';
export { getDefaultDtype, setDefaultDtype } from './defaults.js';
export { philox, uniformAt, uniform32, uniform64 } from './random/philox.js';
export { Storage, memory, type MemoryInfo } from './storage.js';
export { Size, type SizeArgs, broadcastShapes, contiguousStrides, numelOf, isContiguousLayout } from './shape.js';
export {
  Tensor, type ScalarLike, type TensorLike, type ReduceOptions, type ValuesIndices, type GradHook, type RemovableHandle,
  type IndexItem, type ToTarget, type TensorOptions, type DataTensor,
} from './tensor.js';
export { isGradEnabled, setGradEnabled, noGrad, enableGrad } from './grad-mode.js';
export { registerAutograd, getAutograd, type AutogradEngine, type GradNode, type BackwardOptions, type OpAttrs } from './autograd-hooks.js';
export { differentiable, emptyTensor, viewOf, broadcastViewOf, backendOf, castTo, scalarTensor, commonDevice, bumpVersion } from './dispatch.js';
export * from './functions.js';
export { tidy, keep, retainWith } from './tidy.js';
export { setPrintOptions, getPrintOptions, type PrintOptions, type PrintProfile } from './format/print-options.js';
export { formatTensor, type FormatExtras } from './format/format-tensor.js';
export type { ClampBound } from './ops/elementwise.js';
export type { VarOptions } from './ops/reduce.js';
