import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import 'typetorch';
import * as vision from '@typetorch/vision';
import { EXPECTED, tempDir } from './helpers.js';

const FASHION = '/usr/share/datasets/fashion-mnist';
const haveFashion = existsSync(join(FASHION, 't10k-labels-idx1-ubyte.gz'));

/** An IDX file of unsigned bytes with the given shape. */
function idx(shape: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header.set([0, 0, 8, shape.length]);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

describe('FashionMNIST from /usr/share/datasets/fashion-mnist', () => {
  it('finds the dataset (.ci/run installs Debian\'s dataset-fashion-mnist)', () => {
    expect(haveFashion, `${FASHION} is missing: apt-get install -y dataset-fashion-mnist`).toBe(true);
  });

  it('runs the API.md line: the test split, with ToTensor', async () => {
    const fm = await vision.datasets.FashionMNIST.load({ root: FASHION, train: false, transform: new vision.transforms.ToTensor() });
    expect(fm.length).toBe(10000);
    expect(fm.targets.slice(0, 20)).toEqual(EXPECTED.fashionMnist.testFirst);
    expect(fm.classes).toEqual(EXPECTED.fashionMnist.classes);
    const [img, label] = fm.get(0);
    expect(img.shape).toEqual([1, 28, 28]);
    expect(label).toBe(9);
    expect(img.sum().itemSync()).toBeCloseTo(EXPECTED.fashionMnist.testImage0ToTensorSum, 3);
    expect(fm.data.shape).toEqual([10000, 28, 28]);
    expect(fm.data.index(0).sum().itemSync()).toBe(EXPECTED.fashionMnist.testImage0Sum);
  });

  it('reads the 60000 training images with torchvision\'s first labels', async () => {
    const fm = await vision.datasets.FashionMNIST.load({ root: FASHION, train: true });
    expect(fm.length).toBe(60000);
    expect(fm.targets.slice(0, 20)).toEqual(EXPECTED.fashionMnist.trainFirst);
    expect(fm.get(0)[0].shape).toEqual([28, 28]);
    expect(fm.classToIdx['Ankle boot']).toBe(9);
  });
});

describe('MNIST layouts', () => {
  const images = new Uint8Array(3 * 28 * 28).map((_, i) => i % 251);
  const labels = new Uint8Array([7, 2, 1]);

  it("reads uncompressed IDX files from torchvision's <root>/MNIST/raw", async () => {
    const root = tempDir();
    const raw = join(root, 'MNIST', 'raw');
    mkdirSync(raw, { recursive: true });
    writeFileSync(join(raw, 't10k-images-idx3-ubyte'), idx([3, 28, 28], images));
    writeFileSync(join(raw, 't10k-labels-idx1-ubyte'), idx([3], labels));
    const ds = await vision.datasets.MNIST.load({ root, train: false });
    expect(ds.targets).toEqual([7, 2, 1]);
    expect(ds.classes[7]).toBe('7 - seven');
    expect(Array.from(ds.get(1)[0].contiguous().dataSync() as Uint8Array)).toEqual(Array.from(images.subarray(784, 1568)));
  });

  it('reads gzipped files placed directly in root and reports truncated ones', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'train-images-idx3-ubyte.gz'), gzipSync(idx([3, 28, 28], images)));
    writeFileSync(join(root, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([3], labels)));
    const ds = await vision.datasets.FashionMNIST.load({ root });
    expect(ds.length).toBe(3);
    writeFileSync(join(root, 'train-images-idx3-ubyte.gz'), gzipSync(idx([3, 28, 28], images)).subarray(0, 200));
    await expect(vision.datasets.FashionMNIST.load({ root })).rejects.toThrow(/\[FashionMNIST\.load\] .*train-images-idx3-ubyte\.gz is truncated or corrupt/);
  });

  it('says where the files should be when they are missing', async () => {
    const root = tempDir();
    await expect(vision.datasets.FashionMNIST.load({ root })).rejects.toThrow(
      `[FashionMNIST.load] dataset not found: train-images-idx3-ubyte(.gz) and train-labels-idx1-ubyte(.gz) are neither in ${join(root, 'FashionMNIST', 'raw')} nor in ${root}`,
    );
  });
});
