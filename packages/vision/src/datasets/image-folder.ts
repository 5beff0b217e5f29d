/**
 * ImageFolder (torchvision's `datasets.ImageFolder`): `root/<class>/<...>/<image>.png|.jpg|.jpeg`,
 * one folder per class (sorted names give the labels), images decoded on `get` with fast-png and
 * jpeg-js into uint8 RGB tensors [H, W, 3] (as torchvision's loader converts to RGB).
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { node, type NodeModules } from '../io/node.js';
import { decodeImage } from '../utils/image-io.js';
import { VisionDataset, type VisionDatasetOptions, type VisionWorkerLoad } from './vision-dataset.js';

/** The file extensions ImageFolder reads. */
export const IMG_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/** Options of {@link ImageFolder.load}. */
export interface ImageFolderOptions extends VisionDatasetOptions {
  /** Which files count as images (default: the extensions in {@link IMG_EXTENSIONS}, case-insensitive). */
  readonly isValidFile?: (path: string) => boolean;
}

/** Turns a decoded image into RGB [H, W, 3] (grey is repeated, alpha dropped), like PIL's `convert('RGB')`. */
function toRgb(img: Tensor): Tensor {
  const channels = img.shape[2];
  if (channels === 3) return img;
  if (channels === 1) return img.expand(img.shape[0], img.shape[1], 3).contiguous();
  if (channels === 2) return img.index(':', ':', '0:1').expand(img.shape[0], img.shape[1], 3).contiguous();
  return img.index(':', ':', '0:3').contiguous();
}

async function walk(n: NodeModules, dir: string, valid: (path: string) => boolean): Promise<string[]> {
  const entries = await n.fsp.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    const path = n.path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(n, path, valid)));
    else if (valid(path)) out.push(path);
  }
  return out;
}

/**
 * A folder of images, one sub-folder per class (torchvision's `ImageFolder`). `samples` lists
 * `[path, classIndex]` in torchvision's order (classes sorted, then file paths sorted).
 */
export class ImageFolder extends VisionDataset {
  /** Sorted class (sub-folder) names. */
  readonly classes: string[];
  /** Class name to label. */
  readonly classToIdx: Record<string, number>;
  /** `[path, label]` of every image. */
  readonly samples: [string, number][];
  /** The labels, in sample order. */
  readonly targets: number[];
  private readonly fs: NodeModules['fs'];
  /** Whether an `isValidFile` function was given (a function cannot travel to a worker). */
  private readonly customFilter: boolean;

  /** Use {@link ImageFolder.load}: listing the folder is asynchronous. */
  protected constructor(options: ImageFolderOptions, classes: string[], samples: [string, number][], fs: NodeModules['fs']) {
    super(options);
    this.classes = classes;
    this.classToIdx = Object.fromEntries(classes.map((c, i) => [c, i]));
    this.samples = samples;
    this.targets = samples.map(([, target]) => target);
    this.fs = fs;
    this.customFilter = options.isValidFile !== undefined;
  }

  /** Lists `root`'s class folders and their images. Errors when a class folder has no image, as torchvision does. */
  static async load(options: ImageFolderOptions): Promise<ImageFolder> {
    const op = 'ImageFolder.load';
    const n = await node(op);
    const valid = options.isValidFile ?? ((p: string) => IMG_EXTENSIONS.includes(n.path.extname(p).toLowerCase()));
    let entries;
    try {
      entries = await n.fsp.readdir(options.root, { withFileTypes: true });
    } catch {
      throw new Error(`[${op}] cannot read the folder ${options.root}`);
    }
    const classes = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    if (classes.length === 0) throw new Error(`[${op}] couldn't find any class folder in ${options.root}`);
    const samples: [string, number][] = [];
    for (const [index, name] of classes.entries()) {
      const files = await walk(n, n.path.join(options.root, name), valid);
      if (files.length === 0) {
        throw new Error(`[${op}] found no valid file for the class ${name} (supported extensions: ${IMG_EXTENSIONS.join(', ')})`);
      }
      for (const file of files) samples.push([file, index]);
    }
    return new ImageFolder(options, classes, samples, n.fs);
  }

  /** The number of images. */
  get length(): number {
    return this.samples.length;
  }

  /** Reads and decodes image `index` (uint8 RGB [H, W, 3]) and returns it with its label. */
  protected rawItem(index: number): [unknown, unknown] {
    const [path, target] = this.samples[index];
    return [toRgb(decodeImage(new Uint8Array(this.fs.readFileSync(path)), path)), target];
  }

  /** Workers list the same root again; not with an `isValidFile` function, which cannot be sent. */
  protected override workerLoad(): VisionWorkerLoad | string {
    if (this.customFilter) return 'its isValidFile option is a function, and a function cannot be sent to a worker thread';
    return { module: import.meta.url, export: 'ImageFolder', options: {} };
  }
}
