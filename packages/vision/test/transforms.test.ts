import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import * as vision from '@typetorch/vision';
import { CIFAR_ROOT, EXPECTED, expectClose, fixturePixel } from './helpers.js';

const { transforms } = vision;
const T = EXPECTED.transforms;

async function image1(): Promise<{ raw: torch.Tensor; x: torch.Tensor }> {
  const train = await vision.datasets.CIFAR10.load({ root: CIFAR_ROOT, checkIntegrity: false });
  const raw = train.get(1)[0] as torch.Tensor;
  return { raw, x: new transforms.ToTensor().call(raw) };
}

describe('ToTensor and Normalize', () => {
  it('turns HWC uint8 into CHW float32 in [0, 1]', async () => {
    const { raw, x } = await image1();
    expect(x.shape).toEqual([3, 32, 32]);
    expect(x.dtype).toBe('float32');
    expect(x.index(2, 5, 7).itemSync()).toBe(Math.fround(fixturePixel(1, 2, 5, 7) / 255));
    expect(raw.dtype).toBe('uint8');
  });

  it('turns an MNIST-like [H, W] image into [1, H, W]', () => {
    const img = torch.fromTypedArray(new Uint8Array([0, 51, 102, 255]), [2, 2]);
    const t = new transforms.ToTensor().call(img);
    expect(t.shape).toEqual([1, 2, 2]);
    expect(t.tolistSync()).toEqual([[[0, Math.fround(0.2)], [Math.fround(0.4), 1]]]);
  });

  it('normalizes per channel exactly like torchvision', async () => {
    const { x } = await image1();
    const out = new transforms.Normalize([0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]).call(x);
    expectClose(out.dataSync() as Float32Array, T.normalize, 0);
    expect(x.index(0, 0, 0).itemSync()).toBe(Math.fround(fixturePixel(1, 0, 0, 0) / 255)); // input untouched
  });

  it('rejects a zero std and a channel count mismatch', () => {
    expect(() => new transforms.Normalize([0.5], [0])).toThrow('[Normalize] std evaluated to zero');
    expect(() => new transforms.Normalize([0.5, 0.5], [1, 1]).call(torch.zeros(3, 4, 4))).toThrow('[Normalize] mean has 2 values but the image has 3 channels');
  });

  it('composes transforms and plain functions, and wraps functions with Lambda', () => {
    const t = new transforms.Compose([new transforms.Lambda((x: torch.Tensor) => x.mul(2)), (x: torch.Tensor) => x.add(1)]);
    expect(t.call(torch.tensor([1, 2])).tolistSync()).toEqual([3, 5]);
  });
});

describe('geometric transforms against torchvision', () => {
  it('Resize (bilinear, antialias off) matches torchvision on float and uint8 images', async () => {
    const { raw, x } = await image1();
    expectClose(new transforms.Resize([20, 25]).call(x).dataSync() as Float32Array, T.resizeFloat, 2e-6);
    expect(new transforms.Resize(24).call(x).shape).toEqual(T.resizeInt);
    const chw = raw.permute(2, 0, 1).contiguous();
    const u8 = new transforms.Resize([13, 40]).call(chw);
    expect(u8.dtype).toBe('uint8');
    expectClose(u8.dataSync() as Uint8Array, T.resizeUint8, 0);
    // A raw HWC image is resized along its H and W axes.
    expect(new transforms.Resize([13, 40]).call(raw).permute(2, 0, 1).contiguous().dataSync()).toEqual(u8.dataSync());
  });

  it('CenterCrop matches torchvision, including padding when the crop is larger', async () => {
    const { x } = await image1();
    expectClose(new transforms.CenterCrop([15, 20]).call(x).contiguous().dataSync() as Float32Array, T.centerCrop, 0);
    const padded = new transforms.CenterCrop([35, 33]).call(x);
    expect(padded.shape).toEqual(T.centerCropPad);
    expect(padded.sum().itemSync()).toBeCloseTo(T.centerCropPadSum, 3);
  });

  it('ConvertImageDtype matches torchvision', async () => {
    const { raw, x } = await image1();
    expectClose(new transforms.ConvertImageDtype('uint8').call(x).dataSync() as Uint8Array, T.convertToUint8, 0);
    const chw = raw.permute(2, 0, 1).contiguous();
    const f64 = new transforms.ConvertImageDtype('float64').call(chw);
    expect(f64.dtype).toBe('float64');
    const values = Array.from(f64.dataSync() as Float64Array).slice(0, 50);
    values.forEach((v, i) => expect(v).toBeCloseTo(T.convertToFloat64[i], 7)); // the fixture holds float32 decimals
  });

  it('RandomHorizontalFlip flips with probability p, reproducibly under a seed', () => {
    const img = torch.arange(6).view(1, 2, 3).float();
    expect(new transforms.RandomHorizontalFlip(1).call(img).tolistSync()).toEqual([[[2, 1, 0], [5, 4, 3]]]);
    expect(new transforms.RandomHorizontalFlip(0).call(img).tolistSync()).toEqual([[[0, 1, 2], [3, 4, 5]]]);
    const flip = new transforms.RandomHorizontalFlip();
    const run = () => { torch.manualSeed(7); return Array.from({ length: 20 }, () => flip.call(img).index(0, 0, 0).itemSync()); };
    const a = run();
    expect(run()).toEqual(a);
    expect(new Set(a).size).toBe(2); // both outcomes occur
  });

  it('RandomCrop pads then crops a window of the padded image, reproducibly under a seed', async () => {
    const { raw, x } = await image1();
    const crop = new transforms.RandomCrop(32, { padding: 4 });
    torch.manualSeed(3);
    const outs = Array.from({ length: 8 }, () => crop.call(x));
    torch.manualSeed(3);
    const again = Array.from({ length: 8 }, () => crop.call(x));
    const padded = transforms.pad(x, 4);
    expect(padded.shape).toEqual([3, 40, 40]);
    for (const [k, out] of outs.entries()) {
      expect(out.shape).toEqual([3, 32, 32]);
      expect(out.equal(again[k])).toBe(true);
      let found = false;
      for (let i = 0; i <= 8 && !found; i++) for (let j = 0; j <= 8 && !found; j++) found = transforms.crop(padded, i, j, 32, 32).equal(out);
      expect(found).toBe(true);
    }
    // On a raw HWC image the crop works on H and W too; padIfNeeded grows small images.
    expect(new transforms.RandomCrop([30, 28]).call(raw).shape).toEqual([30, 28, 3]);
    expect(new transforms.RandomCrop(36, { padIfNeeded: true }).call(x).shape).toEqual([3, 36, 36]);
    expect(() => new transforms.RandomCrop(36).call(x)).toThrow('[RandomCrop] required crop size [36, 36] is larger than the input image size [32, 32]');
  });
});
