/**
 * Geometric transforms (torchvision.transforms): RandomCrop, CenterCrop, RandomHorizontalFlip,
 * Resize (bilinear), and the functional helpers they use (`pad`, `crop`, `hflip`, `resize`).
 * They work on raw HWC images and on [..., C, H, W] tensor images alike (see image-layout).
 * Randomness comes from core's seeded generator (`torch.manualSeed`, or a `generator` option).
 *
 * @module
 */
import { rand, randint, tensor, type Generator, type Tensor, type IndexItem } from '@typetorch/core';
import { imageAxes, imageSize, pairSize } from './image-layout.js';
import { Transform } from './transform.js';
import { workerGeneratorSpec } from './worker-random.js';
import { transformSpec, type TransformSpec } from './worker-spec.js';

/** Index items selecting rows `[top, top + h)` and columns `[left, left + w)` of an image. */
function window(t: Tensor, top: number, left: number, h: number, w: number): IndexItem[] {
  const axes = imageAxes('crop', t);
  const items: IndexItem[] = t.shape.map(() => ':');
  items[axes.h] = `${top}:${top + h}`;
  items[axes.w] = `${left}:${left + w}`;
  return items;
}

/** Reads torchvision's padding: `p` (all sides), `[lr, tb]`, or `[left, top, right, bottom]`. */
export function paddingLTRB(op: string, padding: number | readonly number[]): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding] : [...padding];
  const ltrb = p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p.length === 4 ? p : undefined;
  if (ltrb === undefined || !ltrb.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`[${op}] expected padding to be a non-negative integer or an array of 2 or 4 of them, got ${JSON.stringify(padding)}`);
  }
  return ltrb as [number, number, number, number];
}

/** Pads an image with a constant (torchvision's `F.pad` with `padding_mode='constant'`). */
export function pad(img: Tensor, padding: number | readonly number[], fill = 0): Tensor {
  const [left, top, right, bottom] = paddingLTRB('pad', padding);
  if (left + top + right + bottom === 0) return img;
  const axes = imageAxes('pad', img);
  const shape = [...img.shape];
  shape[axes.h] += top + bottom;
  shape[axes.w] += left + right;
  const out = img.newFull(shape, fill);
  out.index(...window(out, top, left, img.shape[axes.h], img.shape[axes.w])).copy_(img);
  return out;
}

/** The part of an image at `[top, top + height) × [left, left + width)` (a view; torchvision's `F.crop` inside the image). */
export function crop(img: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const [h, w] = imageSize('crop', img);
  if (top < 0 || left < 0 || top + height > h || left + width > w) {
    throw new Error(`[crop] the window (top ${top}, left ${left}, ${height}×${width}) is outside the ${h}×${w} image`);
  }
  return img.index(...window(img, top, left, height, width));
}

/** Mirrors an image left to right (torchvision's `F.hflip`). */
export function hflip(img: Tensor): Tensor {
  return img.flip([imageAxes('hflip', img).w]);
}

/** Python's `round` (halves to even), as torchvision's `center_crop` uses it. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Crops the center (torchvision's `F.center_crop`): pads with zeros first when the crop is larger than the image. */
export function centerCrop(img: Tensor, size: number | readonly number[]): Tensor {
  const [cropH, cropW] = pairSize('CenterCrop', size);
  let [h, w] = imageSize('CenterCrop', img);
  if (cropW > w || cropH > h) {
    const ltrb = [
      cropW > w ? Math.floor((cropW - w) / 2) : 0, cropH > h ? Math.floor((cropH - h) / 2) : 0,
      cropW > w ? Math.floor((cropW - w + 1) / 2) : 0, cropH > h ? Math.floor((cropH - h + 1) / 2) : 0,
    ];
    img = pad(img, ltrb, 0);
    [h, w] = imageSize('CenterCrop', img);
    if (cropW === w && cropH === h) return img;
  }
  return crop(img, roundHalfEven((h - cropH) / 2), roundHalfEven((w - cropW) / 2), cropH, cropW);
}

/** Options of randomized transforms. */
export interface RandomOptions {
  /**
   * The generator to draw from (default: core's default generator, seeded by `torch.manualSeed`).
   * In a DataLoader worker, a rebuilt transform draws from the worker's default generator, seeded
   * with the worker's seed (the loader's base seed plus the worker id), as in PyTorch.
   */
  readonly generator?: Generator;
}

/** Options of {@link RandomCrop}. */
export interface RandomCropOptions extends RandomOptions {
  /** Padding added first: `p`, `[lr, tb]` or `[l, t, r, b]`. */
  readonly padding?: number | readonly number[];
  /** Pad images smaller than the crop so that the crop fits (default false). */
  readonly padIfNeeded?: boolean;
  /** The padding value (default 0). */
  readonly fill?: number;
}

/** Crops at a random position (torchvision's `RandomCrop`), after optional padding. */
export class RandomCrop extends Transform<Tensor, Tensor> {
  /** The crop's [height, width]. */
  readonly size: [number, number];
  /** The options. */
  readonly options: RandomCropOptions;

  /** @param size the crop size (a number for a square). */
  constructor(size: number | readonly number[], options: RandomCropOptions = {}) {
    super();
    this.size = pairSize('RandomCrop', size);
    if (options.padding !== undefined) paddingLTRB('RandomCrop', options.padding);
    this.options = options;
  }

  /** Pads and crops `img`. */
  forward(img: Tensor): Tensor {
    const { padding, padIfNeeded = false, fill = 0, generator } = this.options;
    if (padding !== undefined) img = pad(img, padding, fill);
    const [th, tw] = this.size;
    let [h, w] = imageSize('RandomCrop', img);
    if (padIfNeeded && w < tw) img = pad(img, [tw - w, 0], fill);
    if (padIfNeeded && h < th) img = pad(img, [0, th - h], fill);
    [h, w] = imageSize('RandomCrop', img);
    if (h < th || w < tw) throw new Error(`[RandomCrop] required crop size [${th}, ${tw}] is larger than the input image size [${h}, ${w}]`);
    if (h === th && w === tw) return img;
    const i = randomInt(h - th + 1, generator);
    const j = randomInt(w - tw + 1, generator);
    return crop(img, i, j, th, tw);
  }

  /** Rebuilt in a worker with the same size, padding and fill, drawing from the worker's seeded generator. */
  override workerSpec(): TransformSpec {
    const { padding, padIfNeeded = false, fill = 0 } = this.options;
    const options = { ...(padding === undefined ? {} : { padding }), padIfNeeded, fill, generator: workerGeneratorSpec() };
    return transformSpec(import.meta.url, 'RandomCrop', [[...this.size], options]);
  }
}

/** One integer in [0, high) from core's generator, like `torch.randint(0, high, (1,)).item()`. */
function randomInt(high: number, generator: Generator | undefined): number {
  return Number(randint(0, high, [1], { generator, device: 'cpu' }).itemSync());
}

/** Mirrors the image with probability `p` (torchvision's `RandomHorizontalFlip`, default p = 0.5). */
export class RandomHorizontalFlip extends Transform<Tensor, Tensor> {
  /** @param p the flip probability, @param options the generator. */
  constructor(readonly p = 0.5, readonly options: RandomOptions = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`[RandomHorizontalFlip] expected p in [0, 1], got ${p}`);
  }

  /** Flips `img` or returns it unchanged. */
  forward(img: Tensor): Tensor {
    const u = Number(rand([1], { generator: this.options.generator, device: 'cpu' }).itemSync());
    return u < this.p ? hflip(img) : img;
  }

  /** Rebuilt in a worker with the same `p`, drawing from the worker's seeded generator. */
  override workerSpec(): TransformSpec {
    return transformSpec(import.meta.url, 'RandomHorizontalFlip', [this.p, { generator: workerGeneratorSpec() }]);
  }
}

/** Crops the center (torchvision's `CenterCrop`). */
export class CenterCrop extends Transform<Tensor, Tensor> {
  /** The crop's [height, width]. */
  readonly size: [number, number];

  /** @param size the crop size (a number for a square). */
  constructor(size: number | readonly number[]) {
    super();
    this.size = pairSize('CenterCrop', size);
  }

  /** Crops `img`. */
  forward(img: Tensor): Tensor {
    return centerCrop(img, this.size);
  }

  /** Rebuilt in a worker as `new CenterCrop(size)`. */
  override workerSpec(): TransformSpec {
    return transformSpec(import.meta.url, 'CenterCrop', [[...this.size]]);
  }
}

/** The output [height, width] of torchvision's resize: a single number sets the smaller edge. */
export function resizedSize(h: number, w: number, size: number | readonly number[]): [number, number] {
  if (typeof size === 'number' || size.length === 1) {
    const requested = typeof size === 'number' ? size : size[0];
    const [short, long] = w <= h ? [w, h] : [h, w];
    const newLong = Math.trunc((requested * long) / short);
    return w <= h ? [newLong, requested] : [requested, newLong];
  }
  return pairSize('Resize', size);
}

/** Source indices and float32 weights of 1-D linear interpolation, align_corners=False (PyTorch's upsample). */
function linearTaps(inSize: number, outSize: number): { i0: number[]; i1: number[]; l0: number[]; l1: number[] } {
  const f = Math.fround;
  const scale = f(inSize / outSize);
  const taps = { i0: [] as number[], i1: [] as number[], l0: [] as number[], l1: [] as number[] };
  for (let d = 0; d < outSize; d++) {
    // As PyTorch's area_pixel_compute_source_index: float scale times a double, rounded once to float.
    const src = Math.max(f(scale * (d + 0.5) - 0.5), 0);
    const i0 = Math.floor(src);
    const l1 = f(src - i0);
    taps.i0.push(i0);
    taps.i1.push(i0 < inSize - 1 ? i0 + 1 : i0);
    taps.l1.push(l1);
    taps.l0.push(f(1 - l1));
  }
  return taps;
}

/** Linear interpolation of float `x` along `axis` to `outSize`. */
function interpolateAxis(x: Tensor, axis: number, outSize: number): Tensor {
  const { i0, i1, l0, l1 } = linearTaps(x.shape[axis], outSize);
  const weightShape = x.shape.map((_, d) => (d === axis ? outSize : 1)).slice(axis);
  const index = (v: number[]) => tensor(v, { dtype: 'int64', device: x.device });
  const weight = (v: number[]) => tensor(v, { dtype: x.dtype, device: x.device }).view(weightShape);
  return x.indexSelect(axis, index(i0)).mul(weight(l0)).add(x.indexSelect(axis, index(i1)).mul(weight(l1)));
}

/**
 * Resizes with bilinear interpolation, align_corners=False and no antialiasing (torchvision's
 * `F.resize` on tensors with `antialias=False`); integer images are computed in float32 and
 * rounded back, as torchvision does.
 */
export function resize(img: Tensor, size: number | readonly number[]): Tensor {
  const axes = imageAxes('Resize', img);
  const [h, w] = [img.shape[axes.h], img.shape[axes.w]];
  const [outH, outW] = resizedSize(h, w, size);
  if (outH === h && outW === w) return img;
  const x = img.isFloatingPoint() ? img : img.float();
  // PyTorch interpolates along the width first, then the height: the same order keeps float32 rounding identical.
  const out = interpolateAxis(interpolateAxis(x, axes.w, outW), axes.h, outH);
  return img.isFloatingPoint() ? out : out.round().to(img.dtype);
}

/** Resizes images (torchvision's `Resize` with bilinear interpolation; a number sets the smaller edge). */
export class Resize extends Transform<Tensor, Tensor> {
  /** @param size `[height, width]`, or a number for the smaller edge. */
  constructor(readonly size: number | readonly number[]) {
    super();
    if (typeof size === 'number') pairSize('Resize', size);
    else if (size.length !== 1) pairSize('Resize', size);
  }

  /** Resizes `img`. */
  forward(img: Tensor): Tensor {
    return resize(img, this.size);
  }

  /** Rebuilt in a worker as `new Resize(size)`. */
  override workerSpec(): TransformSpec {
    return transformSpec(import.meta.url, 'Resize', [typeof this.size === 'number' ? this.size : [...this.size]]);
  }
}
