/**
 * Validation of class-index targets shared by `nllLoss`, `crossEntropy` and `oneHot`.
 *
 * @module
 */
import { backendOf, isIntegral, type Tensor } from '@typetorch/core';

/** PyTorch's name of a dtype in its messages (`Long`, `Int`, `Float`, ...). */
export function scalarTypeName(dtype: string): string {
  const names: Record<string, string> = {
    float32: 'Float', float64: 'Double', int64: 'Long', int32: 'Int', uint8: 'Byte', bool: 'Bool',
  };
  return names[dtype] ?? dtype;
}

/**
 * Throws PyTorch's `expected scalar type Float but found Double` unless `t` (a weight, bias or
 * running statistic) has the input's dtype: PyTorch's kernels take no mixed dtypes there, and
 * promoting instead would silently turn a float32 model's activations into float64.
 */
export function checkSameDtype(op: string, name: string, t: Tensor | null | undefined, input: Tensor): void {
  if (t === null || t === undefined || t.dtype === input.dtype) return;
  throw new Error(
    `[${op}] expected scalar type ${scalarTypeName(input.dtype)} but found ${scalarTypeName(t.dtype)}: ` +
      `${name} is ${t.dtype} but the input is ${input.dtype} (convert one, e.g. module.to('${input.dtype}'))`,
  );
}

/**
 * Throws when `target` is not an integer tensor of class indices. PyTorch 1.13 accepts int64 (and
 * uint8); typetorch also accepts int32, which JavaScript code produces naturally.
 */
export function checkIndexDtype(op: string, target: Tensor): void {
  if (!isIntegral(target.dtype) || target.dtype === 'bool') {
    throw new Error(`[${op}] expected scalar type Long but found ${scalarTypeName(target.dtype)} (class-index targets must be int64, int32 or uint8)`);
  }
}

/**
 * Throws PyTorch's `Target 12 is out of bounds.` when a class index (other than `ignoreIndex`) lies
 * outside `[0, numClasses)`. The check reads the targets on the host, so it only runs on devices that
 * read synchronously; elsewhere the gather that follows reports bad indices.
 */
export function checkClassBounds(op: string, target: Tensor, numClasses: number, ignoreIndex: number | null): void {
  if (target.numel() === 0 || backendOf(target).readSync === undefined) return;
  const data = target.dataSync();
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (ignoreIndex !== null && v === ignoreIndex) continue;
    if (v < 0 || v >= numClasses) throw new Error(`[${op}] Target ${v} is out of bounds.`);
  }
}
