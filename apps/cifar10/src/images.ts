/**
 * The PNGs the app writes: a grid of training images, and a grid of test images with a text sidecar
 * naming each tile's predicted and true class (no font rendering: the labels are in the .txt).
 */
import { writeFile } from 'node:fs/promises';
import * as torch from 'typetorch';
import * as vision from '@typetorch/vision';
import type { ImageDataset } from './data.js';

/** Images per grid row. */
export const GRID_COLUMNS = 8;

async function labelOf(label: number | torch.Tensor): Promise<number> {
  return typeof label === 'number' ? label : ((await label.item()) as number);
}

/** The first `count` samples of `dataset`, un-normalised back to [0, 1] (the tutorial's `img / 2 + 0.5`). */
export async function firstImages(dataset: ImageDataset, count: number): Promise<{ images: torch.Tensor; labels: number[] }> {
  const images: torch.Tensor[] = [], labels: number[] = [];
  for (let i = 0; i < Math.min(count, dataset.length); i++) {
    const [image, label] = dataset.get(i);
    images.push(image.div(2).add(0.5));
    labels.push(await labelOf(label));
  }
  return { images: torch.stack(images), labels };
}

/** Saves `images` [N, C, H, W] in [0, 1] as one PNG grid, GRID_COLUMNS per row. */
export async function saveGrid(images: torch.Tensor, path: string): Promise<void> {
  await vision.utils.saveImage(vision.utils.makeGrid(images, { nrow: GRID_COLUMNS }), path);
}

/** The sidecar text of the predictions grid: one line per tile, row and column from 1. */
export function predictionsText(predictions: readonly number[], truths: readonly number[], classes: readonly string[], title: string): string {
  const lines = [title, `tile (row, column): predicted / true`];
  predictions.forEach((p, i) => {
    const row = Math.floor(i / GRID_COLUMNS) + 1, column = (i % GRID_COLUMNS) + 1;
    const mark = p === truths[i] ? 'ok' : 'WRONG';
    lines.push(`(${row}, ${column}): ${classes[p]} / ${classes[truths[i]]} ${mark}`);
  });
  return `${lines.join('\n')}\n`;
}

/** Writes the predictions grid PNG and its sidecar text. */
export async function savePredictions(
  images: torch.Tensor, predictions: readonly number[], truths: readonly number[], classes: readonly string[],
  pngPath: string, txtPath: string, title: string,
): Promise<void> {
  await saveGrid(images, pngPath);
  await writeFile(txtPath, predictionsText(predictions, truths, classes, title));
}
