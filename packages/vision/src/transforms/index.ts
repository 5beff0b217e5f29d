/**
 * Image transforms (torchvision.transforms).
 *
 * @module
 */
export { Transform, applyTransform, type TransformLike, type TransformObject } from './transform.js';
export { Compose, Lambda, ToTensor, Normalize, ConvertImageDtype } from './basic.js';
export {
  RandomCrop, RandomHorizontalFlip, CenterCrop, Resize, pad, crop, hflip, centerCrop, resize, resizedSize, paddingLTRB,
  type RandomCropOptions, type RandomOptions,
} from './geometry.js';
export { isRawImage, imageAxes, imageSize, type ImageAxes } from './image-layout.js';
export { describeTransform, transformSpec, type TransformSpec, type TransformDescription } from './worker-spec.js';
export { WorkerRandom, workerGeneratorSpec } from './worker-random.js';
