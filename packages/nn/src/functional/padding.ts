/**
 * `pad` (PyTorch's `F.pad`): constant padding of any dims (negative amounts crop), and reflect,
 * replicate and circular padding of the last 1-3 dims, all differentiable (concatenation,
 * narrowing and index selection).
 *
 * @module
 */
import { cat, full, isFloatingPoint, tensor, type Tensor } from '@typetorch/core';
import { mergeArgs, type OptionalArgs } from '../args.js';

/** PyTorch's padding modes. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of {@link pad}. */
export interface PadOptions {
  /** `'constant'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  mode?: PadMode;
  /** The fill value of constant padding (default 0). */
  value?: number;
}

function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Crops one dim by the negative amounts, as PyTorch's `constant_pad_nd` narrows before padding
 * (with `narrow`'s checks).
 */
function cropDim(x: Tensor, dim: number, left: number, right: number): Tensor {
  let out = x;
  const narrow = (start: number, length: number) => {
    const size = out.shape[dim];
    if (length < 0 || start + length > size) {
      throw new Error(`[pad] start (${start}) + length (${length}) exceeds dimension size (${size}).`);
    }
    out = out.narrow(dim, start, length);
  };
  if (left < 0) narrow(-left, out.shape[dim] + left);
  if (right < 0) narrow(0, out.shape[dim] + right);
  return out;
}

/** Constant padding of one (already cropped) dim: concatenates filled blocks on each side. */
function padConstantDim(x: Tensor, dim: number, left: number, right: number, value: number): Tensor {
  if (left <= 0 && right <= 0) return x;
  const block = (n: number) => full(x.shape.map((d, i) => (i === dim ? n : d)), value, { dtype: x.dtype, device: x.device });
  const parts: Tensor[] = [];
  if (left > 0) parts.push(block(left));
  parts.push(x);
  if (right > 0) parts.push(block(right));
  return cat(parts, dim);
}

/** Source index of output position `i` (from `-left`) for the non-constant modes. */
function sourceIndex(mode: PadMode, i: number, size: number): number {
  if (mode === 'reflect') return i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i;
  if (mode === 'replicate') return Math.min(Math.max(i, 0), size - 1);
  return ((i % size) + size) % size;
}

function padIndexedDim(x: Tensor, dim: number, left: number, right: number, mode: PadMode): Tensor {
  const size = x.shape[dim];
  if (mode === 'reflect' && (left >= size || right >= size)) {
    throw new Error(
      `[pad] Padding size should be less than the corresponding input dimension, but got: padding (${left}, ${right}) at dimension ${dim} of input ${showShape(x.shape)}`,
    );
  }
  if (mode === 'replicate' && size === 0 && left + right > 0) {
    throw new Error(`[pad] cannot replicate-pad dimension ${dim} of input ${showShape(x.shape)}: it is empty`);
  }
  let source = x;
  let [l, r] = [left, right];
  if (mode === 'circular') {
    if (left > size || right > size) throw new Error('[pad] Padding value causes wrapping around more than once.');
    if (size + left + right < 0) throw new Error('[pad] Negative padding value is resulting in an empty dimension');
    // PyTorch crops negative amounts first, then wraps the cropped values around.
    source = cropDim(x, dim, left, right);
    [l, r] = [Math.max(left, 0), Math.max(right, 0)];
  }
  const inSize = source.shape[dim];
  const n = inSize + l + r;
  if (n < 0) throw new Error(`[pad] padding (${left}, ${right}) of dimension ${dim} with size ${size} gives a negative size`);
  if (n > 0 && inSize === 0) throw new Error(`[pad] cannot pad dimension ${dim} of input ${showShape(x.shape)}: nothing is left to copy`);
  const indices = Array.from({ length: n }, (_, k) => sourceIndex(mode, k - l, inSize));
  return source.indexSelect(dim, tensor(indices, { dtype: 'int64', device: x.device }));
}

/**
 * Pads `input` (PyTorch's `F.pad`): `pad` lists `(left, right)` amounts starting from the last
 * dim, `[lastLeft, lastRight, secondLastLeft, ...]`. Constant padding works for any number of
 * dims and crops with negative amounts; reflect, replicate and circular pad the last 1, 2 or 3
 * dims of an input with 1 or 2 more dims (e.g. `[N, C, H, W]` with 4 amounts). `mode` and
 * `value` go positionally (`pad(x, [1, 1], 'constant', 2)`) or by name (`pad(x, [1, 1], { value: 2 })`).
 */
export function pad(input: Tensor, pad: readonly number[], ...args: OptionalArgs<[mode: PadMode, value: number], PadOptions>): Tensor {
  const options = mergeArgs<PadOptions>('pad', ['mode', 'value'], args);
  const padMode = options.mode ?? 'constant';
  const fill = options.value ?? 0;
  if (pad.length % 2 !== 0) throw new Error('[pad] Padding length must be divisible by 2');
  const pairs = pad.length / 2;
  if (pairs > input.ndim) throw new Error('[pad] Padding length too large');
  if (!pad.every((p) => Number.isInteger(p))) throw new Error(`[pad] padding amounts must be integers, got (${pad.join(', ')})`);
  let out = input;
  if (padMode === 'constant') {
    const cast = isFloatingPoint(input.dtype) ? fill : input.dtype === 'bool' ? Number(fill !== 0) : Math.trunc(fill);
    // PyTorch's constant_pad_nd: crop every negative amount (first dims first), then pad.
    for (let d = input.ndim - pairs; d < input.ndim; d++) {
      const i = input.ndim - 1 - d;
      out = cropDim(out, d, pad[2 * i], pad[2 * i + 1]);
    }
    if (pad.every((p) => p <= 0)) return out.clone();
    for (let i = 0; i < pairs; i++) {
      const d = input.ndim - 1 - i;
      const size = input.shape[d];
      if (size + pad[2 * i] + pad[2 * i + 1] <= 0) {
        throw new Error(
          `[pad] The input size ${size}, plus negative padding ${pad[2 * i]} and ${pad[2 * i + 1]} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
        );
      }
    }
    for (let i = 0; i < pairs; i++) out = padConstantDim(out, input.ndim - 1 - i, pad[2 * i], pad[2 * i + 1], cast);
    return out;
  }
  if (padMode !== 'reflect' && padMode !== 'replicate' && padMode !== 'circular') {
    throw new Error(`[pad] Unrecognised padding mode ${String(padMode)}`);
  }
  if (pairs > 3 || (input.ndim !== pairs + 1 && input.ndim !== pairs + 2)) {
    throw new Error(
      `[pad] Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now: ${padMode} padding of ${pairs} dims needs a ${pairs + 1}-D or ${pairs + 2}-D input, got ${showShape(input.shape)}`,
    );
  }
  if (padMode === 'circular' && input.ndim !== pairs + 2) {
    throw new Error(`[pad] Invalid padding size, expected ${2 * (input.ndim - 2)} but got ${pad.length}`);
  }
  for (let i = 0; i < pairs; i++) out = padIndexedDim(out, input.ndim - 1 - i, pad[2 * i], pad[2 * i + 1], padMode);
  return out;
}
