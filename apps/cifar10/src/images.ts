/**
 * The PNGs the app writes: a grid of training images, and a grid of test images with each tile's
 * predicted and true class drawn under it (with the small bitmap font of `bitmap-font.ts`), plus a
 * text sidecar listing the same labels.
 */
import { writeFile } from 'node:fs/promises';
import * as torch from 'typetorch';
import * as vision from '@typetorch/vision';
import { createImage, drawText, GLYPH_HEIGHT, textWidth, type Rgb, type RgbImage } from './bitmap-font.js';
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

/**
 * The sidecar text of the predictions grid (the same labels the PNG shows): one line per tile, row
 * and column from 1.
 */
export function predictionsText(predictions: readonly number[], truths: readonly number[], classes: readonly string[], title: string): string {
  const lines = [title, `tile (row, column): predicted / true`];
  predictions.forEach((p, i) => {
    const row = Math.floor(i / GRID_COLUMNS) + 1, column = (i % GRID_COLUMNS) + 1;
    const mark = p === truths[i] ? 'ok' : 'WRONG';
    lines.push(`(${row}, ${column}): ${classes[p]} / ${classes[truths[i]]} ${mark}`);
  });
  return `${lines.join('\n')}\n`;
}

/** How the labelled predictions grid is drawn. */
export const LABELLED_GRID = {
  /** Nearest-neighbour upscaling of each image, so the 5×7 text fits under a 32×32 tile. */
  scale: 3,
  /** Background pixels between and around the cells. */
  padding: 2,
  /** Blank rows above, between and below the two text lines. */
  lineGap: 2,
  background: [0, 0, 0] as Rgb,
  /** The predicted class: green when it is right, red when it is wrong. */
  correct: [60, 210, 80] as Rgb,
  wrong: [240, 60, 60] as Rgb,
  /** The true class. */
  truth: [220, 220, 220] as Rgb,
} as const;

/** The two label lines of one tile. */
export function tileLabels(prediction: number, truth: number, classes: readonly string[]): [string, string] {
  return [`pred:${classes[prediction] ?? prediction}`, `true:${classes[truth] ?? truth}`];
}

/** Where the pieces of a labelled grid go (all in pixels of the final image). */
export interface LabelledGridLayout {
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
  /** A cell holds one tile and its label band; it is wider than the tile when a label needs it. */
  cellWidth: number;
  cellHeight: number;
  /** Top-left corner of tile `i`'s image. */
  tile(i: number): { x: number; y: number };
  /** Top-left corner of line `line` (0: predicted, 1: true) of tile `i`'s labels. */
  label(i: number, line: 0 | 1): { x: number; y: number };
}

/** The layout for `count` tiles of `height` × `width` pixels whose longest label line is `labelWidth` wide. */
export function labelledGridLayout(count: number, height: number, width: number, labelWidth: number, columns = GRID_COLUMNS): LabelledGridLayout {
  const { scale, padding, lineGap } = LABELLED_GRID;
  const tileWidth = width * scale, tileHeight = height * scale;
  const cellWidth = Math.max(tileWidth, labelWidth + 2);
  const cellHeight = tileHeight + 3 * lineGap + 2 * GLYPH_HEIGHT;
  const cols = Math.max(1, Math.min(columns, count)), rows = Math.ceil(count / cols);
  const cell = (i: number) => ({
    x: padding + (i % cols) * (cellWidth + padding),
    y: padding + Math.floor(i / cols) * (cellHeight + padding),
  });
  return {
    width: padding + cols * (cellWidth + padding),
    height: padding + rows * (cellHeight + padding),
    tileWidth, tileHeight, cellWidth, cellHeight,
    tile: (i) => {
      const c = cell(i);
      return { x: c.x + Math.floor((cellWidth - tileWidth) / 2), y: c.y };
    },
    label: (i, line) => {
      const c = cell(i);
      return { x: c.x + 1, y: c.y + tileHeight + lineGap + line * (GLYPH_HEIGHT + lineGap) };
    },
  };
}

/**
 * Draws `pixels` (N images [C, H, W] in [0, 1], C = 1 or 3, row-major as a contiguous [N, C, H, W]
 * tensor's data) as a grid of tiles upscaled ×{@link LABELLED_GRID}.scale, each with its predicted
 * class (green if right, red if wrong) and its true class written under it.
 */
export function renderLabelledGrid(
  pixels: ArrayLike<number>, shape: readonly [number, number, number, number],
  predictions: readonly number[], truths: readonly number[], classes: readonly string[], columns = GRID_COLUMNS,
): RgbImage {
  const [n, channels, height, width] = shape;
  if (channels !== 1 && channels !== 3) throw new Error(`renderLabelledGrid: expected 1 or 3 channels, got ${channels}`);
  const labels = Array.from({ length: n }, (_, i) => tileLabels(predictions[i], truths[i], classes));
  const labelWidth = Math.max(0, ...labels.flat().map((text) => textWidth(text)));
  const layout = labelledGridLayout(n, height, width, labelWidth, columns);
  const { scale } = LABELLED_GRID;
  const image = createImage(layout.width, layout.height, LABELLED_GRID.background);
  const plane = height * width;
  for (let i = 0; i < n; i++) {
    const { x, y } = layout.tile(i);
    for (let py = 0; py < layout.tileHeight; py++) {
      const sy = Math.floor(py / scale);
      for (let px = 0; px < layout.tileWidth; px++) {
        const src = i * channels * plane + sy * width + Math.floor(px / scale);
        const dst = ((y + py) * layout.width + x + px) * 3;
        for (let c = 0; c < 3; c++) {
          const v = pixels[src + (channels === 3 ? c * plane : 0)];
          // As saveImage: scale by 255, round half up, clamp.
          image.data[dst + c] = Math.min(255, Math.max(0, Math.floor(v * 255 + 0.5)));
        }
      }
    }
    const [predicted, truth] = labels[i];
    const pred = layout.label(i, 0), tru = layout.label(i, 1);
    drawText(image, predicted, pred.x, pred.y, predictions[i] === truths[i] ? LABELLED_GRID.correct : LABELLED_GRID.wrong);
    drawText(image, truth, tru.x, tru.y, LABELLED_GRID.truth);
  }
  return image;
}

/** Encodes an RGB image as PNG bytes (through `@typetorch/vision`'s `encodePng`). */
export async function encodeRgbPng(image: RgbImage): Promise<Uint8Array> {
  return vision.utils.encodePng(torch.fromTypedArray(image.data, [image.height, image.width, 3]));
}

/** Writes the labelled predictions grid PNG and its sidecar text. */
export async function savePredictions(
  images: torch.Tensor, predictions: readonly number[], truths: readonly number[], classes: readonly string[],
  pngPath: string, txtPath: string, title: string,
): Promise<void> {
  const [n, c, h, w] = images.shape;
  const pixels = (await images.to('float32').contiguous().data()) as Float32Array;
  const image = renderLabelledGrid(pixels, [n, c, h, w], predictions, truths, classes);
  await writeFile(pngPath, await encodeRgbPng(image));
  await writeFile(txtPath, predictionsText(predictions, truths, classes, title));
}
