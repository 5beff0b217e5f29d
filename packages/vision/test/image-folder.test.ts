import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import * as vision from '@typetorch/vision';
import { tempDir } from './helpers.js';

describe('ImageFolder', () => {
  it('lists classes and images in torchvision order and decodes PNG and JPEG to RGB', async () => {
    const root = tempDir();
    for (const c of ['dog', 'cat']) mkdirSync(join(root, c));
    const rgb = torch.fromTypedArray(new Uint8Array(4 * 5 * 3).map((_, i) => (i * 13) % 256), [4, 5, 3]);
    const grey = torch.fromTypedArray(new Uint8Array(4 * 5).map((_, i) => i * 10), [4, 5]);
    writeFileSync(join(root, 'cat', 'b.png'), await vision.utils.encodePng(rgb));
    writeFileSync(join(root, 'cat', 'a.png'), await vision.utils.encodePng(grey));
    const flat = new Uint8Array(8 * 8 * 4).fill(200);
    writeFileSync(join(root, 'dog', 'x.jpg'), jpeg.encode({ data: flat, width: 8, height: 8 }, 95).data);
    writeFileSync(join(root, 'dog', 'notes.txt'), 'not an image');
    const ds = await vision.datasets.ImageFolder.load({ root, transform: new vision.transforms.ToTensor() });
    expect(ds.classes).toEqual(['cat', 'dog']);
    expect(ds.classToIdx).toEqual({ cat: 0, dog: 1 });
    expect(ds.samples.map(([p, t]) => [p.slice(root.length + 1), t])).toEqual([['cat/a.png', 0], ['cat/b.png', 0], ['dog/x.jpg', 1]]);
    expect(ds.targets).toEqual([0, 0, 1]);
    const raw = await vision.datasets.ImageFolder.load({ root });
    expect(raw.get(1)[0].equal(rgb)).toBe(true);
    const g = raw.get(0)[0] as torch.Tensor;
    expect(g.shape).toEqual([4, 5, 3]);
    expect(g.index(':', ':', 2).equal(grey)).toBe(true);
    const j = raw.get(2)[0] as torch.Tensor;
    expect(j.shape).toEqual([8, 8, 3]);
    expect(Math.abs(Number(j.float().mean().itemSync()) - 200)).toBeLessThan(2);
    expect(ds.get(1)[0].shape).toEqual([3, 4, 5]);
  });

  it('refuses a class folder without images', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'empty'));
    await expect(vision.datasets.ImageFolder.load({ root })).rejects.toThrow('[ImageFolder.load] found no valid file for the class empty');
  });
});
