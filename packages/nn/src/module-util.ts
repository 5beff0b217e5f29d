/**
 * Small helpers of {@link Module}: Python-style type names for error messages and the parsing of
 * `module.to(...)` targets.
 *
 * @module
 */
import { DTYPES, Tensor, isFloatingPoint, type DType } from '@typetorch/core';

/** What `module.to(...)` accepts: a device name, a dtype, both, or a tensor whose device and dtype to use. */
export type ModuleTarget = DType | string | Tensor | {
  /** The target device. */
  device?: string;
  /** The target floating point dtype. */
  dtype?: DType;
};

const tensorTypeNames: Record<DType, string> = {
  float32: 'torch.FloatTensor',
  float64: 'torch.DoubleTensor',
  int32: 'torch.IntTensor',
  int64: 'torch.LongTensor',
  uint8: 'torch.ByteTensor',
  bool: 'torch.BoolTensor',
};

/** PyTorch's `torch.typename(value)` as far as it applies: `'torch.FloatTensor'` for a float32 tensor. */
export function typeName(value: unknown): string {
  if (value instanceof Tensor) return tensorTypeNames[value.dtype] ?? 'torch.Tensor';
  if (value === null) return 'NoneType';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object' || typeof value === 'function') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return typeof value;
}

/** Parses a `module.to(...)` target; a dtype must be floating point, as PyTorch requires. */
export function parseModuleTarget(target: ModuleTarget): { device?: string; dtype?: DType } {
  let device: string | undefined;
  let dtype: DType | undefined;
  if (target instanceof Tensor) {
    device = target.device;
    dtype = target.dtype;
  } else if (typeof target === 'string') {
    if ((DTYPES as readonly string[]).includes(target)) dtype = target as DType;
    else device = target;
  } else if (typeof target === 'object' && target !== null) {
    device = target.device;
    dtype = target.dtype;
  } else {
    throw new TypeError(`[Module.to] expected a device, a dtype, { device, dtype } or a tensor, got ${typeName(target)}`);
  }
  if (dtype !== undefined && !isFloatingPoint(dtype)) {
    throw new TypeError(`[Module.to] nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${dtype}`);
  }
  return { device, dtype };
}
