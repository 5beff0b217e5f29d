/**
 * `saveImage` (torchvision.utils.save_image): writes a tensor image or a batch (as a grid) to a PNG.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { node, writeFileAtomic } from '../io/node.js';
import { makeGrid, type MakeGridOptions } from './grid.js';
import { encodePng } from './image-io.js';

/**
 * Saves `tensor` (a float image [C, H, W] in [0, 1], a batch [B, C, H, W], or a grid) as a PNG at
 * `path`, exactly as torchvision: the batch goes through {@link makeGrid} (with `options`), values
 * are scaled by 255, rounded (`+ 0.5`, truncated) and clamped to [0, 255]. The write is atomic.
 */
export async function saveImage(tensor: Tensor | readonly Tensor[], path: string, options: MakeGridOptions = {}): Promise<void> {
  const grid = makeGrid(tensor, options);
  const hwc = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to('uint8');
  const png = await encodePng(hwc);
  const n = await node('saveImage');
  await writeFileAtomic(n, path, png);
}
