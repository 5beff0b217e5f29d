import { readFileSync, writeFileSync, rmSync, existsSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import * as vision from '@typetorch/vision';
import { CIFAR_ROOT, EXPECTED, FIXTURES, FIXTURE_MD5S, copyOfCifarRoot, expectClose, fixturePixel, tempDir } from './helpers.js';

const { transforms } = vision;

describe('CIFAR10 (python format, fixture root)', () => {
  it('runs the API.md Vision block against the fixture root', async () => {
    const transform = new transforms.Compose([
      new transforms.ToTensor(),
      new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
    ]);
    const trainset = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, train: true, download: true, transform, md5s: FIXTURE_MD5S });
    expect(trainset.length).toBe(10);
    expect(trainset.classes).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
    const [img, label] = trainset.get(0);
    expect(img.shape).toEqual([3, 32, 32]);
    expect(img.dtype).toBe('float32');
    expect(typeof label).toBe('number');
    const dir = tempDir();
    await vision.utils.saveImage(vision.utils.makeGrid(torch.stack([img, img])), join(dir, 'grid.png'));
    const png = vision.utils.decodePng(readFileSync(join(dir, 'grid.png')));
    expect(png.shape).toEqual([36, 70, 3]);
  });

  it('concatenates data_batch_1..5 in order with their labels, as torchvision', async () => {
    const train = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, checkIntegrity: false });
    const test = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, train: false, checkIntegrity: false });
    expect(train.targets).toEqual(EXPECTED.cifar10.trainTargets);
    expect(test.targets).toEqual([3, 8, 8, 0]);
    expect(train.data.shape).toEqual(EXPECTED.cifar10.dataShape);
    expect(train.data.dtype).toBe('uint8');
    expect(train.classToIdx).toEqual(EXPECTED.cifar10.classToIdx);
    expect(train.get(-1)[1]).toBe(3);
  });

  it('lays out pixels as HWC from the R, G and B planes of each row', async () => {
    const train = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, md5s: FIXTURE_MD5S });
    const data = train.data.dataSync() as Uint8Array;
    for (let g = 0; g < 10; g++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          for (let c = 0; c < 3; c++) {
            const actual = data[((g * 32 + y) * 32 + x) * 3 + c];
            if (actual !== fixturePixel(g, c, y, x)) throw new Error(`image ${g} pixel (${y}, ${x}) channel ${c}: ${actual}`);
          }
        }
      }
    }
    const [raw, label] = train.get(3);
    expect(raw.shape).toEqual([32, 32, 3]);
    expect(label).toBe(4);
    expect(raw.index(0, 1).tolistSync()).toEqual([0, 1, 2].map((c) => fixturePixel(3, c, 0, 1)));
  });

  it('gives the same ToTensor + Normalize values as torchvision', async () => {
    const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);
    const train = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, transform, md5s: FIXTURE_MD5S });
    expectClose(train.get(3)[0].dataSync() as Float32Array, EXPECTED.cifar10.train3Normalized, 0);
    const test = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, train: false, transform: new transforms.ToTensor(), md5s: FIXTURE_MD5S });
    expectClose((test.get(0)[0].dataSync() as Float32Array).subarray(0, 300), EXPECTED.cifar10.test0ToTensor, 0);
  });

  it('applies targetTransform to the label', async () => {
    const train = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, checkIntegrity: false, targetTransform: (y: number) => y * 10 });
    expect(train.get(0)[1]).toBe(60);
  });

  it('reads the binary format (cifar-10-batches-bin) to the same data and labels', async () => {
    const py = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, checkIntegrity: false });
    const bin = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, format: 'binary', checkIntegrity: false });
    expect(bin.targets).toEqual(py.targets);
    expect(bin.classes).toEqual(py.classes);
    expect(bin.data.equal(py.data)).toBe(true);
    const binTest = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, format: 'binary', train: false, checkIntegrity: false });
    expect(binTest.targets).toEqual([3, 8, 8, 0]);
  });

  it('uses the official MD5 table by default, so fixture files fail the check', async () => {
    await expect(vision.datasets.CIFAR10.load({ root: CIFAR_ROOT })).rejects.toThrow(
      /\[CIFAR10\.load\] .*data_batch_1: MD5 mismatch \(expected c99cafc152244af753f735de768cd75f, got [0-9a-f]{32}\): the file is corrupt or truncated/,
    );
  });

  it('reports a corrupted file by its MD5', async () => {
    const root = copyOfCifarRoot();
    const file = join(root, 'cifar-10-batches-py', 'data_batch_3');
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(file, bytes);
    await expect(vision.datasets.CIFAR10.load({ root, md5s: FIXTURE_MD5S })).rejects.toThrow(
      `[CIFAR10.load] ${file}: MD5 mismatch (expected ${FIXTURE_MD5S.files.data_batch_3}`,
    );
  });

  it('reports a truncated file by its MD5, and as truncated when the check is off', async () => {
    const root = copyOfCifarRoot();
    const file = join(root, 'cifar-10-batches-py', 'test_batch');
    writeFileSync(file, readFileSync(file).subarray(0, 5000));
    await expect(vision.datasets.CIFAR10.load({ root, train: false, md5s: FIXTURE_MD5S })).rejects.toThrow(/test_batch: MD5 mismatch .* corrupt or truncated/);
    await expect(vision.datasets.CIFAR10.load({ root, train: false, checkIntegrity: false })).rejects.toThrow(/pickle data is truncated.*test_batch/);
    const bin = join(root, 'cifar-10-batches-bin', 'test_batch.bin');
    writeFileSync(bin, readFileSync(bin).subarray(0, 4000));
    await expect(vision.datasets.CIFAR10.load({ root, train: false, format: 'binary', checkIntegrity: false }))
      .rejects.toThrow(/test_batch\.bin is truncated or corrupt: 4000 bytes is not a whole number of 3073-byte records/);
  });

  it('refuses a CIFAR-like pickle that uses a non-numpy global', async () => {
    await expect(vision.datasets.CIFAR10.load({ root: join(FIXTURES, 'evil'), checkIntegrity: false, format: 'python' }))
      .rejects.toThrow("[CIFAR10.load] refusing to load global 'os.system': CIFAR files may only use numpy.core.multiarray._reconstruct, numpy.ndarray and numpy.dtype");
  });

  it('says where to put the files when the dataset is missing', async () => {
    const root = tempDir();
    await expect(vision.datasets.CIFAR10.load({ root })).rejects.toThrow(
      `[CIFAR10.load] dataset not found: ${join(root, 'cifar-10-batches-py')} does not exist; pass download: true, or place cifar-10-python.tar.gz`,
    );
  });

  it('extracts an archive already placed in root', async () => {
    const root = tempDir();
    copyFileSync(join(FIXTURES, 'download', 'cifar-10-python.tar.gz'), join(root, 'cifar-10-python.tar.gz'));
    const test = await vision.datasets.CIFAR10.load({ root, train: false, md5s: FIXTURE_MD5S });
    expect(test.targets).toEqual([3, 8, 8, 0]);
    expect(existsSync(join(root, 'cifar-10-batches-py', 'batches.meta'))).toBe(true);
    rmSync(root, { recursive: true });
  });
});

describe('CIFAR100', () => {
  it('reads fine labels and fine class names, in both formats', async () => {
    const py = await vision.datasets.CIFAR100.load({ root: CIFAR_ROOT, md5s: FIXTURE_MD5S });
    expect(py.length).toBe(EXPECTED.cifar100.length);
    expect(py.targets).toEqual(EXPECTED.cifar100.targets);
    expect(py.classes.slice(0, 3)).toEqual(EXPECTED.cifar100.classes);
    expect(py.classes.length).toBe(100);
    const bin = await vision.datasets.CIFAR100.load({ root: CIFAR_ROOT, format: 'binary', checkIntegrity: false });
    expect(bin.targets).toEqual(py.targets);
    expect(bin.classes).toEqual(py.classes);
    expect(bin.data.equal(py.data)).toBe(true);
  });
});
