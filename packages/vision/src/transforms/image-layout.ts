/**
 * Where the height and width axes of an image are. Two kinds of images flow through transforms:
 * - raw images, as datasets return them (torchvision's PIL images): uint8 tensors [H, W] or
 *   [H, W, C] with C in 1, 3, 4;
 * - tensor images, as torchvision's tensor transforms take them: [..., C, H, W] (or [H, W]).
 * A uint8 tensor of rank 3 whose last size is 1, 3 or 4 counts as a raw HWC image.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';

/** The axes of an image's height and width. */
export interface ImageAxes {
  /** The height axis. */
  readonly h: number;
  /** The width axis. */
  readonly w: number;
  /** Whether it is a raw HWC (or HW) image rather than a [..., C, H, W] tensor. */
  readonly hwc: boolean;
}

/** Whether `t` is a raw image: uint8 [H, W] or [H, W, C] with C in 1, 3, 4. */
export function isRawImage(t: Tensor): boolean {
  return t.dtype === 'uint8' && (t.dim() === 2 || (t.dim() === 3 && [1, 3, 4].includes(t.shape[2])));
}

/** The height and width axes of `t`; `op` names the transform in errors. */
export function imageAxes(op: string, t: Tensor): ImageAxes {
  if (t.dim() < 2) throw new Error(`[${op}] expected an image with at least 2 dimensions, got shape [${t.shape.join(', ')}]`);
  if (isRawImage(t) && t.dim() === 3) return { h: 0, w: 1, hwc: true };
  return { h: t.dim() - 2, w: t.dim() - 1, hwc: t.dim() === 2 && t.dtype === 'uint8' };
}

/** `[height, width]` of an image. */
export function imageSize(op: string, t: Tensor): [number, number] {
  const { h, w } = imageAxes(op, t);
  return [t.shape[h], t.shape[w]];
}

/** Reads torchvision's size argument: a number is a square, `[h, w]` a rectangle, `[s]` a square. */
export function pairSize(op: string, size: number | readonly number[]): [number, number] {
  const pair = typeof size === 'number' ? [size, size] : size.length === 1 ? [size[0], size[0]] : [...size];
  if (pair.length !== 2 || !pair.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`[${op}] expected size to be a positive integer or [height, width], got ${JSON.stringify(size)}`);
  }
  return pair as [number, number];
}
