/**
 * Encoding and decoding image files: PNG with fast-png (pure JavaScript, works in browsers too),
 * JPEG decoding with jpeg-js. Images are uint8 tensors [H, W, C] (C = 1, 3 or 4).
 *
 * @module
 */
import { convertIndexedToRgb, decode as decodePngBytes, encode as encodePngBytes } from 'fast-png';
import jpeg from 'jpeg-js';
import { fromTypedArray, type Tensor } from '@typetorch/core';

/** Encodes a uint8 image [H, W, C] (C = 1 grey, 3 RGB, 4 RGBA) or [H, W] as PNG bytes. */
export async function encodePng(image: Tensor): Promise<Uint8Array> {
  if (image.dtype !== 'uint8') throw new Error(`[encodePng] expected a uint8 image, got dtype ${image.dtype}`);
  const hwc = image.dim() === 2 ? image.unsqueeze(2) : image;
  if (hwc.dim() !== 3 || ![1, 2, 3, 4].includes(hwc.shape[2])) {
    throw new Error(`[encodePng] expected an image [H, W, C] with 1 to 4 channels, got shape [${image.shape.join(', ')}]`);
  }
  const [height, width, channels] = hwc.shape;
  const data = new Uint8Array((await hwc.contiguous().data()) as Uint8Array);
  return encodePngBytes({ width, height, data, channels, depth: 8 });
}

/** Decodes PNG bytes into a uint8 image [H, W, C] (16-bit PNGs are scaled to 8 bits; palettes expanded to RGB(A)). */
export function decodePng(bytes: Uint8Array): Tensor {
  const png = decodePngBytes(bytes);
  let channels = png.channels;
  let data: Uint8Array;
  if (png.palette !== undefined) {
    data = convertIndexedToRgb(png);
    channels = data.length / (png.width * png.height);
  } else if (png.depth === 16) {
    const wide = png.data as Uint16Array;
    data = new Uint8Array(wide.length);
    for (let i = 0; i < wide.length; i++) data[i] = wide[i] >> 8;
  } else if (png.depth === 8) {
    data = new Uint8Array(png.data as Uint8Array);
  } else {
    throw new Error(`[decodePng] ${png.depth}-bit PNGs are not supported`);
  }
  return fromTypedArray(data, [png.height, png.width, channels]);
}

/** Decodes JPEG bytes into a uint8 RGB image [H, W, 3]. */
export function decodeJpeg(bytes: Uint8Array): Tensor {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  return fromTypedArray(new Uint8Array(img.data), [img.height, img.width, 3]);
}

/** Decodes a PNG or JPEG file's bytes (by signature) into a uint8 image [H, W, C]. */
export function decodeImage(bytes: Uint8Array, name = 'image'): Tensor {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return decodePng(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return decodeJpeg(bytes);
  throw new Error(`[decodeImage] ${name} is neither a PNG nor a JPEG file`);
}
