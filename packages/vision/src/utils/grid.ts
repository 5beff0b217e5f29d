/**
 * `makeGrid` (torchvision.utils.make_grid): tiles a batch of images into one image.
 *
 * @module
 */
import { cat, stack, Tensor } from '@typetorch/core';

/** Options of {@link makeGrid}. */
export interface MakeGridOptions {
  /** Images per row (default 8). */
  readonly nrow?: number;
  /** Pixels of padding around each image (default 2). */
  readonly padding?: number;
  /** Shift the values to [0, 1] by their min and max, or by `valueRange` (default false). */
  readonly normalize?: boolean;
  /** `[low, high]` used by `normalize` instead of the min and max. */
  readonly valueRange?: readonly [number, number];
  /** Normalize each image separately (default false). */
  readonly scaleEach?: boolean;
  /** The padding's value (default 0). */
  readonly padValue?: number;
}

function normalizeInPlace(img: Tensor, low: number, high: number): void {
  img.clamp_(low, high);
  img.sub_(low).div_(Math.max(high - low, 1e-5));
}

function normalizeRange(t: Tensor, range: readonly [number, number] | undefined): void {
  if (range !== undefined) normalizeInPlace(t, range[0], range[1]);
  else normalizeInPlace(t, Number(t.min().itemSync()), Number(t.max().itemSync()));
}

/**
 * Makes a grid of images, exactly as torchvision's `make_grid`: `tensor` is [B, C, H, W] (or an
 * array of [C, H, W] images, a single [C, H, W], or [H, W]); single-channel images become 3
 * channels; the result is [C, rows*(H+padding)+padding, cols*(W+padding)+padding] with at most
 * `nrow` images per row, or the image itself for a batch of one.
 */
export function makeGrid(tensor: Tensor | readonly Tensor[], options: MakeGridOptions = {}): Tensor {
  const { nrow = 8, padding = 2, normalize = false, valueRange, scaleEach = false, padValue = 0 } = options;
  let t = Array.isArray(tensor) ? stack(tensor as Tensor[], 0) : tensor as Tensor;
  if (!(t instanceof Tensor)) throw new Error(`[makeGrid] expected a tensor or an array of tensors, got ${String(t)}`);
  if (!Number.isInteger(nrow) || nrow < 1) throw new Error(`[makeGrid] expected nrow to be a positive integer, got ${nrow}`);
  if (!Number.isInteger(padding) || padding < 0) throw new Error(`[makeGrid] expected padding to be a non-negative integer, got ${padding}`);
  if (t.dim() === 2) t = t.unsqueeze(0);
  if (t.dim() === 3) {
    if (t.shape[0] === 1) t = cat([t, t, t], 0);
    t = t.unsqueeze(0);
  }
  if (t.dim() !== 4) throw new Error(`[makeGrid] expected images [B, C, H, W], [C, H, W] or [H, W], got shape [${t.shape.join(', ')}]`);
  if (t.shape[1] === 1) t = cat([t, t, t], 1);
  if (normalize) {
    t = t.clone();
    if (scaleEach) for (let i = 0; i < t.shape[0]; i++) normalizeRange(t.index(i), valueRange);
    else normalizeRange(t, valueRange);
  }
  if (t.shape[0] === 1) return t.squeeze(0);
  const nmaps = t.shape[0];
  const xmaps = Math.min(nrow, nmaps);
  const ymaps = Math.ceil(nmaps / xmaps);
  const height = t.shape[2] + padding;
  const width = t.shape[3] + padding;
  const grid = t.newFull([t.shape[1], height * ymaps + padding, width * xmaps + padding], padValue);
  let k = 0;
  for (let y = 0; y < ymaps; y++) {
    for (let x = 0; x < xmaps && k < nmaps; x++, k++) {
      const top = y * height + padding;
      const left = x * width + padding;
      grid.index(':', `${top}:${top + height - padding}`, `${left}:${left + width - padding}`).copy_(t.index(k));
    }
  }
  return grid;
}
