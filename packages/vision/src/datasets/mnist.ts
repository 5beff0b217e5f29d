/**
 * MNIST and Fashion-MNIST (torchvision's `MNIST`, `FashionMNIST`): IDX files, gzipped or not, in
 * torchvision's layout (`<root>/<Name>/raw/`) or directly in root (as Debian's
 * `dataset-fashion-mnist` installs them in `/usr/share/datasets/fashion-mnist`).
 *
 * @module
 */
import { fromTypedArray, type Tensor } from '@typetorch/core';
import { downloadUrl } from '../io/download.js';
import { exists, node, type NodeModules } from '../io/node.js';
import type { ProgressMode } from '../io/progress.js';
import { VisionDataset, type VisionDatasetOptions, type VisionWorkerLoad } from './vision-dataset.js';

/** Options of {@link MNIST.load} and {@link FashionMNIST.load}. */
export interface MNISTLoadOptions extends VisionDatasetOptions {
  /** The training split (default `true`) or the test split. */
  readonly train?: boolean;
  /** Download the four `.gz` files into `<root>/<Name>/raw` unless found (default `false`). */
  readonly download?: boolean;
  /** The base URL of the files for `download` (default: torchvision's mirror). */
  readonly url?: string;
  /** Download progress (default `'auto'`). */
  readonly progress?: ProgressMode;
}

/** Where an MNIST-like dataset comes from and what its classes are called. */
export interface MNISTSpec {
  /** The folder name under root (torchvision's class name). */
  readonly name: string;
  /** The class names, by label. */
  readonly classes: readonly string[];
  /** The base URL of the files. */
  readonly baseUrl: string;
  /** The official `.gz` files and their MD5s (checked on download). */
  readonly resources: Readonly<Record<string, string>>;
}

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

const MNIST_SPEC: MNISTSpec = {
  name: 'MNIST',
  classes: ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'],
  baseUrl: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
  resources: {
    'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
    'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
    't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
    't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
  },
};

const FASHION_SPEC: MNISTSpec = {
  name: 'FashionMNIST',
  classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  resources: {
    'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
    't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
    't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
  },
};

/** The path of an IDX file (`name` or `name.gz`) in the first folder that has it. */
async function findFile(n: NodeModules, folders: readonly string[], name: string): Promise<string | undefined> {
  for (const folder of folders) {
    for (const candidate of [name, `${name}.gz`]) {
      const path = n.path.join(folder, candidate);
      if (await exists(n, path)) return path;
    }
  }
  return undefined;
}

/** The contents of an IDX file. */
export interface IdxArray {
  /** The dimensions from the header. */
  shape: number[];
  /** The unsigned bytes, row-major. */
  data: Uint8Array;
}

/**
 * Parses an IDX file (the MNIST format): magic `0 0 type ndim`, `ndim` big-endian uint32 sizes,
 * then the data. Only unsigned bytes (type 0x08) are used by MNIST.
 */
export function parseIdx(op: string, bytes: Uint8Array, file: string): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`[${op}] ${file} is not an IDX file (bad magic number)`);
  if (bytes[2] !== 0x08) throw new Error(`[${op}] ${file}: IDX element type 0x${bytes[2].toString(16)} is not unsigned bytes`);
  const ndim = bytes[3];
  const header = 4 + 4 * ndim;
  if (bytes.length < header) throw new Error(`[${op}] ${file} is truncated (its header is incomplete)`);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const numel = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - header !== numel) {
    throw new Error(`[${op}] ${file} is truncated or corrupt: it holds ${bytes.length - header} data bytes, its header says ${numel}`);
  }
  return { shape, data: bytes.subarray(header) };
}

async function readIdx(n: NodeModules, op: string, path: string): Promise<{ shape: number[]; data: Uint8Array }> {
  let bytes = new Uint8Array(await n.fsp.readFile(path));
  if (path.endsWith('.gz')) {
    try {
      bytes = new Uint8Array(n.zlib.gunzipSync(bytes));
    } catch (error) {
      throw new Error(`[${op}] ${path} is truncated or corrupt: ${(error as Error).message}`);
    }
  }
  return parseIdx(op, bytes, path);
}

/** The decoded split: images uint8 [N, 28, 28] and labels. */
export interface MNISTContent {
  /** uint8 [N, 28, 28]. */
  readonly data: Tensor;
  /** The labels. */
  readonly targets: number[];
}

async function loadContent(spec: MNISTSpec, options: MNISTLoadOptions): Promise<MNISTContent> {
  const op = `${spec.name}.load`;
  if (typeof options?.root !== 'string' || options.root.length === 0) throw new Error(`[${op}] expected a root folder (a string), got ${String(options?.root)}`);
  const n = await node(op);
  const raw = n.path.join(options.root, spec.name, 'raw');
  const folders = [raw, options.root];
  const [imagesName, labelsName] = (options.train ?? true) ? FILES.train : FILES.test;
  if (options.download === true) {
    for (const [file, md5] of Object.entries(spec.resources)) {
      if (await findFile(n, folders, file.replace(/\.gz$/, '')) !== undefined) continue;
      await downloadUrl(`${options.url ?? spec.baseUrl}${file}`, raw, { md5, progress: options.progress, op });
    }
  }
  const imagesPath = await findFile(n, folders, imagesName);
  const labelsPath = await findFile(n, folders, labelsName);
  if (imagesPath === undefined || labelsPath === undefined) {
    throw new Error(`[${op}] dataset not found: ${imagesName}(.gz) and ${labelsName}(.gz) are neither in ${raw} nor in ${options.root}; `
      + 'pass download: true, or place the IDX files there');
  }
  const images = await readIdx(n, op, imagesPath);
  const labels = await readIdx(n, op, labelsPath);
  if (images.shape.length !== 3 || labels.shape.length !== 1 || images.shape[0] !== labels.shape[0]) {
    throw new Error(`[${op}] ${imagesPath} and ${labelsPath} do not match: images [${images.shape.join(', ')}], labels [${labels.shape.join(', ')}]`);
  }
  return { data: fromTypedArray(images.data.slice(), images.shape), targets: Array.from(labels.data) };
}

/**
 * MNIST (torchvision's `datasets.MNIST`): 60000 training or 10000 test images of 28×28 grey
 * digits. Images are uint8 tensors [28, 28] (`ToTensor` makes them [1, 28, 28] float32).
 */
export class MNIST extends VisionDataset {
  /** The folder name, classes and official files. */
  static readonly spec: MNISTSpec = MNIST_SPEC;
  /** All images: uint8 [N, 28, 28]. */
  readonly data: Tensor;
  /** The labels. */
  readonly targets: number[];
  /** The class names, by label. */
  readonly classes: string[];
  /** Class name to label. */
  readonly classToIdx: Record<string, number>;
  /** Whether this is the training split. */
  readonly train: boolean;

  /** Use {@link MNIST.load}: reading the files is asynchronous. */
  protected constructor(options: MNISTLoadOptions, content: MNISTContent, spec: MNISTSpec) {
    super(options);
    this.train = options.train ?? true;
    this.data = content.data;
    this.targets = content.targets;
    this.classes = [...spec.classes];
    this.classToIdx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  /**
   * Reads the IDX files from `<root>/MNIST/raw` or from `root` itself (gzipped or not); with
   * `download: true` fetches missing files (MD5-checked) first.
   */
  static async load(options: MNISTLoadOptions): Promise<MNIST> {
    return new MNIST(options, await loadContent(MNIST_SPEC, options), MNIST_SPEC);
  }

  /** The number of images. */
  get length(): number {
    return this.targets.length;
  }

  /** Image `index` (uint8 [28, 28], a view of `data`) and its label. */
  protected rawItem(index: number): [unknown, unknown] {
    return [this.data.index(index), this.targets[index]];
  }

  /** The class's export name, for workers. */
  protected get workerExport(): string {
    return 'MNIST';
  }

  /** Workers read the same split from the same root. */
  protected override workerLoad(): VisionWorkerLoad {
    return { module: import.meta.url, export: this.workerExport, options: { train: this.train } };
  }
}

/**
 * Fashion-MNIST (torchvision's `datasets.FashionMNIST`): MNIST's format with 10 classes of clothing.
 *
 * ```ts
 * const fm = await FashionMNIST.load({ root: '/usr/share/datasets/fashion-mnist', train: false, transform: new ToTensor() });
 * ```
 */
export class FashionMNIST extends MNIST {
  /** The folder name, classes and official files. */
  static override readonly spec: MNISTSpec = FASHION_SPEC;

  /** Reads Fashion-MNIST from `<root>/FashionMNIST/raw` or from `root`; see {@link MNIST.load}. */
  static override async load(options: MNISTLoadOptions): Promise<FashionMNIST> {
    return new FashionMNIST(options, await loadContent(FASHION_SPEC, options), FASHION_SPEC);
  }

  /** The class's export name, for workers. */
  protected override get workerExport(): string {
    return 'FashionMNIST';
  }
}
