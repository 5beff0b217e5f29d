/**
 * Gradient clipping (PyTorch's `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`), in place
 * on the parameters' `.grad`.
 *
 * @module
 */
import { Tensor, noGrad, stack, tensor } from '@typetorch/core';

/** One tensor or several: what the clipping functions accept as parameters. */
export type TensorOrTensors = Tensor | Iterable<Tensor>;

function asList(parameters: TensorOrTensors): Tensor[] {
  return parameters instanceof Tensor ? [parameters] : [...parameters];
}

/** Options of {@link clipGradNorm_}. */
export interface ClipGradNormOptions {
  /** Order of the norm (default 2; `Infinity` for the maximum norm). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite (default false; needs a synchronous read). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `parameters` in place so that their total norm (the norm of the vector of
 * all gradients) is at most `maxNorm`; returns the total norm before clipping as a 0-d tensor.
 * Parameters without a gradient are skipped; with none, the result is `tensor(0.)`.
 * `normType` may be given positionally, as in PyTorch (`clipGradNorm_(params, 1.0, 2)`), or in
 * the options.
 *
 * @example
 * ```ts
 * loss.backward();
 * nn.utils.clipGradNorm_(net.parameters(), 1.0);
 * optimizer.step();
 * ```
 */
export function clipGradNorm_(
  parameters: TensorOrTensors, maxNorm: number, normType: number | ClipGradNormOptions = 2, errorIfNonfinite = false,
): Tensor {
  const options: ClipGradNormOptions = typeof normType === 'object' ? normType : { normType, errorIfNonfinite };
  const p = options.normType ?? 2;
  const grads = asList(parameters).map((param) => param.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return tensor(0.0);
  return noGrad(() => {
    const device = grads[0].device;
    let total: Tensor;
    if (p === Infinity) {
      const norms = grads.map((g) => g.detach().abs().max().to(device));
      total = norms.length === 1 ? norms[0] : stack(norms).max();
    } else {
      total = stack(grads.map((g) => g.detach().norm(p).to(device))).norm(p);
    }
    if (options.errorIfNonfinite ?? false) {
      const value = total.itemSync() as number;
      if (!Number.isFinite(value)) {
        throw new Error(
          `[clipGradNorm_] The total norm of order ${formatOrder(p)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
            'To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`',
        );
      }
    }
    // Python's `max_norm / (total_norm + 1e-6)` is `reciprocal() * max_norm` on a tensor.
    const clipCoef = total.add(1e-6).reciprocal().mul(maxNorm).clamp({ max: 1.0 });
    for (const g of grads) g.detach().mul_(clipCoef.to(g.device));
    return total;
  });
}

/** Python's `float` text of the norm order: `2.0`, `inf`. */
function formatOrder(p: number): string {
  if (p === Infinity) return 'inf';
  if (p === -Infinity) return '-inf';
  return Number.isInteger(p) ? `${p}.0` : String(p);
}

/** Clamps every gradient of `parameters` to `[-clipValue, clipValue]`, in place. */
export function clipGradValue_(parameters: TensorOrTensors, clipValue: number): void {
  noGrad(() => {
    for (const param of asList(parameters)) param.grad?.clamp_(-clipValue, clipValue);
  });
}
