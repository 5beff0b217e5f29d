/**
 * `softmax` and `logSoftmax` along one dim, computed stably (the maximum is subtracted first). A
 * backend may provide fused kernels; core falls back to a composite of reduce and elementwise
 * kernels otherwise.
 *
 * @module
 */
import type { View } from '../backend/contract.js';
import { isFloatingPoint, type DType } from '../dtype.js';
import { backendOf, castTo, checkTensor, differentiable, emptyTensor, viewOf } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { parseDims, parseDtype, parseOneDim, reduceInto } from './reduction.js';

/**
 * The optional fused kernel a backend may register as `fused.softmax` / `fused.logSoftmax`:
 * writes the (log-)softmax of `x` along `axis` into `out`. `out` is contiguous and has `x`'s shape
 * and dtype (float32 or float64); `x` may have any strides; both have at least one dimension and
 * at least one element. The kernel must be stable for large inputs (subtract the maximum).
 */
export type FusedSoftmaxKernel = (out: View, x: View, axis: number) => void;

type SoftmaxOp = 'softmax' | 'logSoftmax';

function fusedKernel(x: Tensor, op: SoftmaxOp): FusedSoftmaxKernel | undefined {
  const kernel = backendOf(x).fused?.[op];
  return typeof kernel === 'function' ? (kernel as unknown as FusedSoftmaxKernel) : undefined;
}

function composite(op: SoftmaxOp, x: Tensor, axis: number): Tensor {
  const dims = parseDims(op, x.ndim, axis).dims;
  const maxes = reduceInto('max', x, dims, x.dtype, true);
  const shifted = x.sub(maxes);
  if (op === 'logSoftmax') return shifted.sub(reduceInto('sum', shifted.exp(), dims, x.dtype, true).log());
  const exps = shifted.exp();
  return exps.div(reduceInto('sum', exps, dims, x.dtype, true));
}

function softmaxLike(op: SoftmaxOp, x: Tensor, dim: number, options: { dtype?: DType } | undefined): Tensor {
  checkTensor(op, x);
  const axis = parseOneDim(op, x.ndim, dim);
  const dtype: DType = parseDtype(op, options) ?? x.dtype;
  if (!isFloatingPoint(dtype)) {
    throw new Error(
      `[${op}] not implemented for ${dtype} tensors: expected a floating point input or dtype option; ` +
        `convert with .float() or pass { dtype: 'float32' }`,
    );
  }
  return differentiable(op, [x], { dim: axis }, () => {
    const input = castTo(x, dtype);
    if (input.numel() === 0) return emptyTensor(x.shape, dtype, x.device);
    const kernel = x.ndim > 0 ? fusedKernel(input, op) : undefined;
    if (kernel === undefined) return composite(op, input, axis);
    const out = emptyTensor(x.shape, dtype, x.device);
    kernel(viewOf(out), viewOf(input), axis);
    return out;
  });
}

/**
 * `exp(x) / sum(exp(x))` along `dim`, stable for large inputs. Needs a floating-point input or a
 * floating `dtype` (the input is converted to it first), as in PyTorch.
 */
export function softmax(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return softmaxLike('softmax', x, dim, options);
}

/** `x - logsumexp(x)` along `dim`, stable for large inputs; same arguments as {@link softmax}. */
export function logSoftmax(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return softmaxLike('logSoftmax', x, dim, options);
}
