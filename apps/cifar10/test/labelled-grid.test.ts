import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import * as vision from '@typetorch/vision';
import { drawText, createImage, GLYPH_HEIGHT, GLYPH_WIDTH, GLYPHS, glyphFor, textWidth, type RgbImage } from '../src/bitmap-font.js';
import { LABELLED_GRID, labelledGridLayout, renderLabelledGrid, savePredictions, tileLabels } from '../src/images.js';

const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Non-background pixels in rows [y0, y1) and columns [x0, x1) of `image`. */
function ink(image: RgbImage, x0: number, y0: number, x1: number, y1: number): number {
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * image.width + x) * 3;
      if (image.data[o] !== 0 || image.data[o + 1] !== 0 || image.data[o + 2] !== 0) count++;
    }
  }
  return count;
}

function pixel(image: RgbImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 3;
  return [...image.data.subarray(o, o + 3)];
}

describe('bitmap font', () => {
  it('has a 5×7 glyph for every character the class names and labels need', () => {
    const needed = new Set([...CLASSES, 'square disc hstripes vstripes diagonal plus ring triangle checker cross', 'pred:true/-0123456789'].join(''));
    for (const ch of needed) {
      expect(GLYPHS[ch], `glyph for '${ch}'`).toBeDefined();
      expect(GLYPHS[ch]).toHaveLength(GLYPH_HEIGHT);
      for (const row of GLYPHS[ch]) expect(row).toMatch(/^[#.]{5}$/);
    }
    expect(glyphFor('A')).toBe(GLYPHS.a);
    expect(glyphFor('é')).toBe(GLYPHS['?']);
    expect(textWidth('cat')).toBe(17);
    expect(textWidth('cat', 2)).toBe(34);
  });

  it('draws a known letter exactly as its bitmap, and scales it', () => {
    const image = createImage(20, 20);
    drawText(image, 'T', 1, 2, [255, 255, 255]);
    const t = ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..'];
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 20; x++) {
        const lit = y >= 2 && y < 9 && x >= 1 && x < 6 && t[y - 2][x - 1] === '#';
        expect(pixel(image, x, y), `(${x}, ${y})`).toEqual(lit ? [255, 255, 255] : [0, 0, 0]);
      }
    }
    const big = createImage(12, 16);
    drawText(big, 'T', 0, 0, [9, 8, 7], 2);
    expect(ink(big, 0, 0, 12, 16)).toBe(11 * 4); // 11 lit pixels in 'T', 2×2 each
    expect(pixel(big, 5, 13)).toEqual([9, 8, 7]); // the stem, bottom row
    expect(pixel(big, 3, 13)).toEqual([0, 0, 0]);
  });
});

describe('labelled predictions grid', () => {
  // Three 4×4 RGB images, two columns: tile 0 right (cat), tile 1 wrong (dog for frog), tile 2 right.
  const n = 3, c = 3, h = 4, w = 4;
  const pixels = new Float32Array(n * c * h * w).fill(0.5);
  const predictions = [3, 5, 9], truths = [3, 6, 9];
  const image = renderLabelledGrid(pixels, [n, c, h, w], predictions, truths, CLASSES, 2);
  const labelWidth = textWidth('pred:truck'); // the longest label line here: 10 characters
  const layout = labelledGridLayout(n, h, w, labelWidth, 2);
  const { padding, scale, lineGap } = LABELLED_GRID;

  it('has the size of two columns and two rows of cells with two label lines each', () => {
    expect(labelWidth).toBe(59);
    expect(layout.cellWidth).toBe(61); // wider than the 12-pixel tile, so the text fits
    expect(layout.cellHeight).toBe(h * scale + 3 * lineGap + 2 * GLYPH_HEIGHT);
    expect(image.width).toBe(padding + 2 * (61 + padding));
    expect(image.height).toBe(padding + 2 * (12 + 20 + padding));
    expect(image.data).toHaveLength(image.width * image.height * 3);
  });

  it('upscales each image with nearest neighbour, pixel values as saveImage rounds them', () => {
    const { x, y } = layout.tile(1);
    expect(ink(image, x, y, x + 12, y + 12)).toBe(144);
    expect(pixel(image, x, y)).toEqual([128, 128, 128]);
    expect(pixel(image, x + 11, y + 11)).toEqual([128, 128, 128]);
    expect(pixel(image, x - 1, y)).toEqual([0, 0, 0]);
  });

  it('writes text in both label bands of every tile, and nothing between or after them', () => {
    for (let i = 0; i < n; i++) {
      const cell = layout.label(i, 0);
      const x0 = cell.x - 1, x1 = x0 + layout.cellWidth;
      const band0 = cell.y, band1 = layout.label(i, 1).y;
      expect(ink(image, x0, band0, x1, band0 + GLYPH_HEIGHT), `tile ${i} predicted`).toBeGreaterThan(0);
      expect(ink(image, x0, band1, x1, band1 + GLYPH_HEIGHT), `tile ${i} true`).toBeGreaterThan(0);
      const tileBottom = layout.tile(i).y + layout.tileHeight;
      expect(ink(image, x0, tileBottom, x1, band0)).toBe(0);
      expect(ink(image, x0, band0 + GLYPH_HEIGHT, x1, band1)).toBe(0);
      expect(ink(image, x0, band1 + GLYPH_HEIGHT, x1, tileBottom + 20 + padding)).toBe(0);
      // Beside the tile, above the labels, the cell is background.
      expect(ink(image, x0, layout.tile(i).y, layout.tile(i).x, tileBottom)).toBe(0);
    }
    // The empty fourth cell (row 2, column 2) stays background.
    const empty = layout.label(3, 0);
    expect(ink(image, empty.x - 1, layout.tile(3).y, image.width, image.height)).toBe(0);
  });

  it('draws "pred:" glyph by glyph, green when right and red when wrong, and the truth in grey', () => {
    expect(tileLabels(5, 6, CLASSES)).toEqual(['pred:dog', 'true:frog']);
    for (const [i, colour] of [[0, LABELLED_GRID.correct], [1, LABELLED_GRID.wrong]] as const) {
      const { x, y } = layout.label(i, 0);
      [...'pred:'].forEach((ch, k) => {
        for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
          for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
            expect(pixel(image, x + k * 6 + gx, y + gy)).toEqual(GLYPHS[ch][gy][gx] === '#' ? [...colour] : [0, 0, 0]);
          }
        }
      });
    }
    // 'f' of "frog", the 6th character of tile 1's second line.
    const { x, y } = layout.label(1, 1);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        expect(pixel(image, x + 5 * 6 + gx, y + gy)).toEqual(GLYPHS.f[gy][gx] === '#' ? [...LABELLED_GRID.truth] : [0, 0, 0]);
      }
    }
  });

  it('savePredictions writes that image as a PNG, and the text sidecar', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cifar10-grid-'));
    const images = torch.fromTypedArray(pixels, [n, c, h, w]);
    await savePredictions(images, predictions, truths, CLASSES, join(dir, 'p.png'), join(dir, 'p.txt'), 'test');
    const png = vision.utils.decodePng(new Uint8Array(await readFile(join(dir, 'p.png'))));
    const expected = renderLabelledGrid(pixels, [n, c, h, w], predictions, truths, CLASSES); // default: 8 columns, so one row
    expect(png.shape).toEqual([padding + 12 + 20 + padding, padding + 3 * (61 + padding), 3]);
    expect([...((await png.data()) as Uint8Array)]).toEqual([...expected.data]);
    expect(await readFile(join(dir, 'p.txt'), 'utf8')).toContain('(1, 2): dog / frog WRONG');
  });
});
