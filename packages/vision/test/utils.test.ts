import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import * as vision from '@typetorch/vision';
import { CIFAR_ROOT, EXPECTED, FIXTURES, expectClose, tempDir } from './helpers.js';

const G = EXPECTED.makeGrid;

async function threeImages(): Promise<torch.Tensor> {
  const train = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, checkIntegrity: false, transform: new vision.transforms.ToTensor() });
  return torch.stack([0, 1, 2].map((i) => train.get(i)[0] as torch.Tensor));
}

function checkGrid(grid: torch.Tensor, expected: { shape: number[]; sum: number; stride: number; values: number[] }, tol = 1e-6): void {
  expect(grid.shape).toEqual(expected.shape);
  const flat = grid.contiguous().dataSync() as Float32Array;
  expectClose(flat.filter((_, i) => i % expected.stride === 0), expected.values, tol);
  expect(flat.reduce((s, v) => s + v, 0)).toBeCloseTo(expected.sum, 2);
}

describe('makeGrid (against torchvision make_grid)', () => {
  it('tiles a batch with the default nrow 8 and padding 2', async () => {
    checkGrid(vision.utils.makeGrid(await threeImages()), G.default, 0);
  });

  it('honours nrow, padding and padValue', async () => {
    checkGrid(vision.utils.makeGrid(await threeImages(), { nrow: 2, padding: 3, padValue: 0.25 }), G.nrow2pad3, 0);
  });

  it('normalizes by the min and max, or per image by a value range', async () => {
    const imgs = (await threeImages()).mul(3).sub(1);
    checkGrid(vision.utils.makeGrid(imgs, { nrow: 2, normalize: true }), G.normalized, 1e-6);
    checkGrid(vision.utils.makeGrid(imgs, { nrow: 3, normalize: true, scaleEach: true, valueRange: [-0.5, 1.5] }), G.scaleEach, 1e-6);
    expect(imgs.min().itemSync()).toBeLessThan(0); // the input is not modified
  });

  it('returns a single image as is and repeats a single channel three times', async () => {
    const imgs = await threeImages();
    checkGrid(vision.utils.makeGrid(imgs.index(0)), G.single, 0);
    checkGrid(vision.utils.makeGrid(imgs.index(':', '0:1'), { nrow: 2 }), G.gray, 0);
    checkGrid(vision.utils.makeGrid([imgs.index(0), imgs.index(1), imgs.index(2)]), G.default, 0);
  });
});

describe('saveImage', () => {
  it('writes a PNG that decodes to the same pixels as torchvision save_image', async () => {
    const imgs = (await threeImages()).mul(3).sub(1);
    const dir = tempDir();
    const path = join(dir, 'grid.png');
    await vision.utils.saveImage(imgs, path, { nrow: 2, normalize: true });
    const ours = vision.utils.decodePng(readFileSync(path));
    const theirs = vision.utils.decodePng(readFileSync(join(FIXTURES, 'grid_torchvision.png')));
    expect(ours.shape).toEqual([70, 70, 3]);
    expect(ours.equal(theirs)).toBe(true);
  });

  it('round-trips pixels: the PNG holds round(255 * value)', async () => {
    const img = torch.tensor([[[0, 0.5, 1], [0.2, 0.25, 0.999]]]); // [1, 2, 3] grey -> 3 channels
    const path = join(tempDir(), 'img.png');
    await vision.utils.saveImage(img, path);
    const decoded = vision.utils.decodePng(readFileSync(path));
    expect(decoded.shape).toEqual([2, 3, 3]);
    expect(decoded.index(':', ':', 0).tolistSync()).toEqual([[0, 128, 255], [51, 64, 255]]);
  });
});
