/**
 * The base of the image datasets (torchvision's `VisionDataset`): a map-style {@link Dataset} of
 * `[image, target]` pairs with optional `transform` and `targetTransform`.
 *
 * @module
 */
import { Dataset, type WorkerDatasetSpec } from '@typetorch/data';
import { applyTransform, type TransformLike } from '../transforms/transform.js';
import { describeTransform, type TransformSpec } from '../transforms/worker-spec.js';

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
 * How a DataLoader worker loads a vision dataset: `await (module)[export].load(options)`, where
 * `options` are plain data (the worker adds the transforms' specs and never downloads).
 */
export interface VisionWorkerLoad {
  /** URL of the module that exports the dataset class (`import.meta.url`). */
  readonly module: string;
  /** The class's export name. */
  readonly export: string;
  /** `load` options other than the transforms (structured-clonable). */
  readonly options: Readonly<Record<string, unknown>>;
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

  /**
   * How a worker loads this dataset again (its class and plain `load` options), or a string that
   * says why it cannot. The default: it cannot.
   */
  protected workerLoad(): VisionWorkerLoad | string {
    return `${this.constructor.name} does not say how a worker loads it (no workerLoad())`;
  }

  /** The worker spec, or why there is none (a transform that is a function, say). */
  private describeForWorker(): { spec: WorkerDatasetSpec } | { problem: string } {
    const load = this.workerLoad();
    if (typeof load === 'string') return { problem: load };
    const transforms: Record<string, TransformSpec> = {};
    for (const [key, t] of [['transform', this.transform], ['targetTransform', this.targetTransform]] as const) {
      if (t === undefined) continue;
      const d = describeTransform(t, `its ${key}`);
      if ('problem' in d) return d;
      transforms[key] = d.spec;
    }
    // download: false, so that a worker never fetches anything: the main thread already has the files.
    const options = { ...load.options, root: this.root, download: false, ...transforms };
    return { spec: { module: load.module, export: load.export, method: 'load', args: [options] } };
  }

  /**
   * How a DataLoader worker builds this dataset: it loads it from the same root (never
   * downloading) with its transforms rebuilt from their specs. `undefined` when a transform cannot
   * be described (a `Lambda` or a function); {@link VisionDataset.workerSpecProblem} says which.
   */
  override workerSpec(): WorkerDatasetSpec | undefined {
    const d = this.describeForWorker();
    return 'spec' in d ? d.spec : undefined;
  }

  /** Why {@link VisionDataset.workerSpec} is `undefined`, naming the transform in the way. */
  override workerSpecProblem(): string | undefined {
    const d = this.describeForWorker();
    return 'problem' in d ? d.problem : undefined;
  }
}
