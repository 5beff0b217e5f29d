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
export {
  save, load, saveToBytes, loadFromBytes,
  type CheckpointFormat, type SaveOptions, type SaveToBytesOptions, type LoadOptions, type LoadFromBytesOptions,
  type CheckpointFileSystem, type WritableCheckpointFile,
  readSafetensorsMetadata, unpickle, PickleGlobal, pickleSetState,
  type UnpickleOptions, type PickleCallable, type PickleBuildable,
} from './serialization/index.js';
export { setPrintOptions, getPrintOptions, type PrintOptions, type PrintProfile } from './format/print-options.js';
export { formatTensor, type FormatExtras } from './format/format-tensor.js';
export type { ClampBound } from './ops/elementwise.js';
export type { VarOptions } from './ops/reduce.js';
export {
  conv2d, conv1d, convTranspose2d, conv2dForward, conv2dBackwardInput, conv2dBackwardWeight,
  type Conv2dOptions, type Conv1dOptions, type ConvTranspose2dOptions, type Conv2dParams, type Conv2dGeometry, type Pair, type IntOrPair,
  type FusedConv2dKernel, type FusedConv2dBackwardInputKernel, type FusedConv2dBackwardWeightKernel,
} from './ops/conv.js';
export {
  maxPool2d, maxPool2dWithIndices, maxPool1d, maxPool1dWithIndices, avgPool2d, avgPool1d, maxPool2dBackward, avgPool2dBackward,
  type MaxPool2dOptions, type MaxPool1dOptions, type AvgPool2dOptions, type AvgPool1dOptions,
  type Pool2dGeometry, type AvgPool2dGeometry, type FusedMaxPool2dKernel, type FusedMaxPool2dBackwardKernel,
  type FusedAvgPool2dKernel, type FusedAvgPool2dBackwardKernel,
} from './ops/pooling.js';
export {
  adaptiveAvgPool2d, adaptiveAvgPool1d, adaptiveMaxPool2d, adaptiveMaxPool2dWithIndices, adaptiveAvgPool2dBackward, type AdaptiveSize,
} from './ops/adaptive-pooling.js';
