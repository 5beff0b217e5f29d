/**
 * The base of the image datasets (torchvision's `VisionDataset`): a map-style {@link Dataset} of
 * `[image, target]` pairs with optional `transform` and `targetTransform`.
 *
 * @module
 */
import { Dataset } from '@typetorch/data';
import { applyTransform, type TransformLike } from '../transforms/transform.js';

/** Options every vision dataset accepts. */
export interface VisionDatasetOptions {
  /** The dataset's root folder. */
  readonly root: string;
  /** Applied to each image (a uint8 tensor [H, W, C], or [H, W] for MNIST) by `get`. */
  readonly transform?: TransformLike;
  /** Applied to each target (a number) by `get`. */
  readonly targetTransform?: TransformLike;
}

/**
 * A dataset of `[image, target]` pairs. `get(i)` applies `transform` to the image and
 * `targetTransform` to the target, as torchvision does.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export abstract class VisionDataset<Img = any, Target = any> extends Dataset<[Img, Target]> {
  /** The root folder. */
  readonly root: string;
  /** The image transform, if any. */
  readonly transform: TransformLike | undefined;
  /** The target transform, if any. */
  readonly targetTransform: TransformLike | undefined;

  /** Stores the root and the transforms. */
  protected constructor(options: VisionDatasetOptions) {
    super();
    this.root = options.root;
    this.transform = options.transform;
    this.targetTransform = options.targetTransform;
  }

  /** The raw image and target of sample `index` (checked to be in range). */
  protected abstract rawItem(index: number): [unknown, unknown];

  /** Sample `index`: `[transform(image), targetTransform(target)]`. Negative indices count from the end. */
  get(index: number): [Img, Target] {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new Error(`[${this.constructor.name}.get] index ${index} is out of range for a dataset of length ${n}`);
    }
    const [img, target] = this.rawItem(index < 0 ? index + n : index);
    const outImg = this.transform === undefined ? img : applyTransform(this.transform, img);
    const outTarget = this.targetTransform === undefined ? target : applyTransform(this.targetTransform, target);
    return [outImg as Img, outTarget as Target];
  }
}
