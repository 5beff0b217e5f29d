/**
 * Compose, ToTensor, Normalize, Lambda and ConvertImageDtype (torchvision.transforms).
 *
 * @module
 */
import { tensor, type DType, type Tensor } from '@typetorch/core';
import { applyTransform, Transform, type TransformLike } from './transform.js';
import { describeTransform, transformSpec, type TransformSpec } from './worker-spec.js';

/** Chains transforms: `new Compose([new ToTensor(), new Normalize(mean, std)])`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class Compose extends Transform<any, any> {
  /** The transforms, applied in order. */
  readonly transforms: readonly TransformLike[];

  /** @param transforms applied in order (objects with `call`, or functions). */
  constructor(transforms: readonly TransformLike[]) {
    super();
    if (!Array.isArray(transforms)) throw new Error(`[Compose] expected an array of transforms, got ${String(transforms)}`);
    this.transforms = [...transforms];
  }

  /** Applies every transform in turn. */
  forward(input: unknown): unknown {
    let x = input;
    for (const t of this.transforms) x = applyTransform(t, x);
    return x;
  }

  /** A worker rebuilds the chain when it can rebuild every transform in it. */
  override workerSpec(): TransformSpec | undefined {
    const parts = this.transforms.map((t) => describeTransform(t));
    if (!parts.every((p) => 'spec' in p)) return undefined;
    return transformSpec(import.meta.url, 'Compose', [parts.map((p) => (p as { spec: TransformSpec }).spec)]);
  }

  /** Names the first transform of the chain that a worker cannot rebuild, by its position. */
  override workerSpecProblem(path: string): string | undefined {
    for (const [i, t] of this.transforms.entries()) {
      const d = describeTransform(t, `${path} Compose[${i}]`);
      if ('problem' in d) return d.problem;
    }
    return undefined;
  }
}

/** Wraps a function as a transform (torchvision's `Lambda`). */
export class Lambda<I = unknown, O = unknown> extends Transform<I, O> {
  /** @param fn the function to apply. */
  constructor(readonly fn: (input: I) => O) {
    super();
    if (typeof fn !== 'function') throw new Error(`[Lambda] expected a function, got ${String(fn)}`);
  }

  /** Returns `fn(input)`. */
  forward(input: I): O {
    return this.fn(input);
  }

  /** A Lambda wraps a function, which cannot travel to a worker: it has no spec. */
  override workerSpecProblem(path: string): string {
    return `${path} is a Lambda, whose function cannot be sent to a worker thread (use the built-in transforms, or a Transform subclass with workerSpec())`;
  }
}

/**
 * Converts a raw image to a float32 tensor image in [0, 1] (torchvision's `ToTensor`): a uint8
 * [H, W, C] becomes [C, H, W], a uint8 [H, W] (MNIST) becomes [1, H, W], values divided by 255.
 * Float input is permuted the same way but not scaled, as torchvision does for float arrays.
 */
export class ToTensor extends Transform<Tensor, Tensor> {
  /** Converts `pic` (HWC or HW). */
  forward(pic: Tensor): Tensor {
    if (pic === null || typeof pic !== 'object' || typeof (pic as Tensor).dim !== 'function') {
      throw new Error(`[ToTensor] expected an image tensor [H, W, C] or [H, W], got ${String(pic)}`);
    }
    if (pic.dim() !== 2 && pic.dim() !== 3) {
      throw new Error(`[ToTensor] expected an image of shape [H, W, C] or [H, W], got [${pic.shape.join(', ')}]`);
    }
    const chw = pic.dim() === 2 ? pic.unsqueeze(0) : pic.permute(2, 0, 1);
    if (pic.dtype === 'uint8') return chw.float().div(255);
    return chw.contiguous();
  }

  /** Rebuilt in a worker as `new ToTensor()`. */
  override workerSpec(): TransformSpec {
    return transformSpec(import.meta.url, 'ToTensor', []);
  }
}

function perChannel(op: string, values: number | readonly number[], name: string): number[] {
  const out = typeof values === 'number' ? [values] : [...values];
  if (out.length === 0 || !out.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`[${op}] expected ${name} to be a number or an array of numbers, got ${JSON.stringify(values)}`);
  }
  return out;
}

/**
 * Normalizes a float tensor image [..., C, H, W] channel by channel: `(x - mean[c]) / std[c]`
 * (torchvision's `Normalize`). Not in place unless `inplace` is set.
 */
export class Normalize extends Transform<Tensor, Tensor> {
  /** Per-channel means. */
  readonly mean: readonly number[];
  /** Per-channel standard deviations. */
  readonly std: readonly number[];
  /** Whether to write into the input. */
  readonly inplace: boolean;

  /** @param mean per-channel means, @param std per-channel standard deviations (none may be 0). */
  constructor(mean: number | readonly number[], std: number | readonly number[], inplace = false) {
    super();
    this.mean = perChannel('Normalize', mean, 'mean');
    this.std = perChannel('Normalize', std, 'std');
    if (this.std.some((s) => s === 0)) {
      throw new Error(`[Normalize] std evaluated to zero after conversion to float32, leading to division by zero (std ${JSON.stringify(this.std)})`);
    }
    this.inplace = inplace;
  }

  /** Normalizes `x`. */
  forward(x: Tensor): Tensor {
    if (!x.isFloatingPoint()) throw new Error(`[Normalize] expected a float tensor image, got dtype ${x.dtype}: apply ToTensor first`);
    if (x.dim() < 3) throw new Error(`[Normalize] expected a tensor image [..., C, H, W], got shape [${x.shape.join(', ')}]`);
    const channels = x.shape[x.dim() - 3];
    const fit = (v: readonly number[], name: string) => {
      if (v.length !== 1 && v.length !== channels) {
        throw new Error(`[Normalize] ${name} has ${v.length} values but the image has ${channels} channels`);
      }
      return tensor([...v], { dtype: x.dtype, device: x.device }).view(-1, 1, 1);
    };
    const mean = fit(this.mean, 'mean');
    const std = fit(this.std, 'std');
    const out = this.inplace ? x : x.clone();
    return out.sub_(mean).div_(std);
  }

  /** Rebuilt in a worker as `new Normalize(mean, std, inplace)`. */
  override workerSpec(): TransformSpec {
    return transformSpec(import.meta.url, 'Normalize', [[...this.mean], [...this.std], this.inplace]);
  }
}

const MAX_VALUE: Partial<Record<DType, number>> = { uint8: 255, int32: 2147483647, bool: 1 };

/**
 * Converts a tensor image's dtype and rescales its values (torchvision's `ConvertImageDtype`):
 * integers map `[0, max]` to float `[0, 1]`; float to integer multiplies by `max + 1 - 0.001` and
 * truncates; integer to integer rescales by a power of two.
 */
export class ConvertImageDtype extends Transform<Tensor, Tensor> {
  /** @param dtype the target dtype. */
  constructor(readonly dtype: DType) {
    super();
  }

  /** Converts `image`. */
  forward(image: Tensor): Tensor {
    const dtype = this.dtype;
    if (image.dtype === dtype) return image;
    const toFloat = dtype === 'float32' || dtype === 'float64';
    if (image.isFloatingPoint()) {
      if (toFloat) return image.to(dtype);
      if ((image.dtype === 'float32' && (dtype === 'int32' || dtype === 'int64')) || (image.dtype === 'float64' && dtype === 'int64')) {
        throw new Error(`[ConvertImageDtype] the cast from ${image.dtype} to ${dtype} cannot be performed safely`);
      }
      const max = MAX_VALUE[dtype];
      if (max === undefined) throw new Error(`[ConvertImageDtype] unsupported target dtype ${dtype}`);
      return image.mul(max + 1 - 1e-3).to(dtype);
    }
    const inputMax = image.dtype === 'int64' ? 2 ** 63 - 1 : MAX_VALUE[image.dtype];
    if (inputMax === undefined) throw new Error(`[ConvertImageDtype] unsupported input dtype ${image.dtype}`);
    if (toFloat) return image.to(dtype).div(inputMax);
    const outputMax = dtype === 'int64' ? 2 ** 63 - 1 : MAX_VALUE[dtype];
    if (outputMax === undefined) throw new Error(`[ConvertImageDtype] unsupported target dtype ${dtype}`);
    if (inputMax > outputMax) {
      const factor = Math.floor((inputMax + 1) / (outputMax + 1));
      return image.div(factor, { roundingMode: 'floor' }).to(dtype);
    }
    const factor = Math.floor((outputMax + 1) / (inputMax + 1));
    return image.to(dtype).mul(factor);
  }

  /** Rebuilt in a worker as `new ConvertImageDtype(dtype)`. */
  override workerSpec(): TransformSpec {
    return transformSpec(import.meta.url, 'ConvertImageDtype', [this.dtype]);
  }
}
