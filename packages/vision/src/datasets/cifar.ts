/**
 * CIFAR-10 and CIFAR-100 (torchvision's `CIFAR10`, `CIFAR100`): the python format torchvision uses
 * (`cifar-10-batches-py`, `cifar-100-python`) and the binary format (`cifar-10-batches-bin`,
 * `cifar-100-binary`). Loading is an async factory: `await CIFAR10.load({ root, train, download, transform })`.
 *
 * @module
 */
import { fromTypedArray, type Tensor } from '@typetorch/core';
import { downloadAndExtractArchive, extractArchive } from '../io/download.js';
import { checkFileIntegrity, md5File } from '../io/md5.js';
import { exists, node, type NodeModules } from '../io/node.js';
import type { ProgressMode } from '../io/progress.js';
import { NumpyUint8Array, pyString, readCifarPickle } from './numpy-pickle.js';
import { VisionDataset, type VisionDatasetOptions, type VisionWorkerLoad } from './vision-dataset.js';

const PIXELS = 3072; // 3 planes of 32 x 32

/** Options of {@link CIFAR10.load} and {@link CIFAR100.load}. */
export interface CIFARLoadOptions extends VisionDatasetOptions {
  /** The training split (default `true`) or the test split. */
  readonly train?: boolean;
  /** Download and extract the archive into `root` unless it is already there and verified (default `false`). */
  readonly download?: boolean;
  /** Verify every file's MD5 against the table (default `true`, as in torchvision); `false` skips it (test fixtures). */
  readonly checkIntegrity?: boolean;
  /** `'python'` (torchvision's), `'binary'`, or `'auto'` (default: python if its folder exists, else binary if its folder exists). */
  readonly format?: 'auto' | 'python' | 'binary';
  /** The archive's URL for `download` (default: the official one of the chosen format). */
  readonly url?: string;
  /** Replaces MD5s of the default table: `archive` and per-file ones keyed by file name (fixtures, mirrors). */
  readonly md5s?: {
    /** MD5 of the downloaded archive. */
    readonly archive?: string;
    /** MD5 per extracted file name (or `folder/name`). */
    readonly files?: Readonly<Record<string, string>>;
  };
  /** Download progress (default `'auto'`: a bar on a terminal, plain lines otherwise). */
  readonly progress?: ProgressMode;
}

/** How one on-disk format of a CIFAR dataset is laid out: folder, archive and files with their MD5s (undefined: none known). */
export interface CIFARFormat {
  /** The folder under root holding the files. */
  readonly folder: string;
  /** The official download URL, if any. */
  readonly url?: string;
  /** The archive's file name. */
  readonly archive?: string;
  /** The archive's MD5. */
  readonly archiveMd5?: string;
  /** The training files in order, with their MD5s. */
  readonly train: readonly (readonly [string, string | undefined])[];
  /** The test files, with their MD5s. */
  readonly test: readonly (readonly [string, string | undefined])[];
  /** The file naming the classes, with its MD5. */
  readonly meta: readonly [string, string | undefined];
}

/** The layout and MD5 table of a CIFAR dataset. */
export interface CIFARSpec {
  /** The dataset's name, as in errors. */
  readonly name: string;
  /** The python (pickle) format torchvision uses. */
  readonly python: CIFARFormat;
  /** The binary format. */
  readonly binary: CIFARFormat;
  /** Pickle key of the labels. */
  readonly labelsKey: string;
  /** Pickle key of the class names in the meta file. */
  readonly classesKey: string;
  /** Label bytes per binary record. */
  readonly labelBytes: number;
  /** Which label byte is the target. */
  readonly labelByte: number;
}

const CIFAR10_SPEC: CIFARSpec = {
  name: 'CIFAR10',
  python: {
    folder: 'cifar-10-batches-py',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz',
    archive: 'cifar-10-python.tar.gz',
    archiveMd5: 'c58f30108f718f92721af3b95e74349a',
    train: [
      ['data_batch_1', 'c99cafc152244af753f735de768cd75f'],
      ['data_batch_2', 'd4bba439e000b95fd0a9bffe97cbabec'],
      ['data_batch_3', '54ebc095f3ab1f0389bbae665268c751'],
      ['data_batch_4', '634d18415352ddfa80567beed471001a'],
      ['data_batch_5', '482c414d41f54cd18b22e5b47cb7c3cb'],
    ],
    test: [['test_batch', '40351d587109b95175f43aff81a1287e']],
    meta: ['batches.meta', '5ff9c542aee3614f3951f8cda6e48888'],
  },
  binary: {
    folder: 'cifar-10-batches-bin',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    archive: 'cifar-10-binary.tar.gz',
    archiveMd5: 'c32a1d4ab5d03f1284b67883e8d87530',
    train: [1, 2, 3, 4, 5].map((i) => [`data_batch_${i}.bin`, undefined] as const),
    test: [['test_batch.bin', undefined]],
    meta: ['batches.meta.txt', undefined],
  },
  labelsKey: 'labels',
  classesKey: 'label_names',
  labelBytes: 1,
  labelByte: 0,
};

const CIFAR100_SPEC: CIFARSpec = {
  name: 'CIFAR100',
  python: {
    folder: 'cifar-100-python',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz',
    archive: 'cifar-100-python.tar.gz',
    archiveMd5: 'eb9058c3a382ffc7106e4002c42a8d85',
    train: [['train', '16019d7e3df5f24257cddd939b257f8d']],
    test: [['test', 'f0ef6b0ae62326f3e7ffdfab6717acfc']],
    meta: ['meta', '7973b15100ade9c7d40fb424638fde48'],
  },
  binary: {
    folder: 'cifar-100-binary',
    train: [['train.bin', undefined]],
    test: [['test.bin', undefined]],
    meta: ['fine_label_names.txt', undefined],
  },
  labelsKey: 'fine_labels',
  classesKey: 'fine_label_names',
  labelBytes: 2,
  labelByte: 1,
};

/** The decoded split: pixels as torchvision's `data` ([N, 32, 32, 3] uint8), targets and class names. */
export interface CIFARContent {
  /** uint8 [N, 32, 32, 3]. */
  readonly data: Tensor;
  /** The labels. */
  readonly targets: number[];
  /** The class names. */
  readonly classes: string[];
}

function fileMd5(format: CIFARFormat, options: CIFARLoadOptions, file: string, tableMd5: string | undefined): string | undefined {
  return options.md5s?.files?.[file] ?? options.md5s?.files?.[`${format.folder}/${file}`] ?? tableMd5;
}

async function chooseFormat(n: NodeModules, spec: CIFARSpec, options: CIFARLoadOptions): Promise<CIFARFormat> {
  const format = options.format ?? 'auto';
  if (format === 'python') return spec.python;
  if (format === 'binary') return spec.binary;
  if (await exists(n, n.path.join(options.root, spec.python.folder))) return spec.python;
  if (await exists(n, n.path.join(options.root, spec.binary.folder))) return spec.binary;
  if (spec.binary.archive !== undefined && !(await exists(n, n.path.join(options.root, spec.python.archive ?? '')))
    && await exists(n, n.path.join(options.root, spec.binary.archive))) return spec.binary;
  return spec.python;
}

/** Makes sure the format's folder is there: downloads, or extracts an archive already in root. */
async function ensureFiles(n: NodeModules, spec: CIFARSpec, format: CIFARFormat, options: CIFARLoadOptions): Promise<void> {
  const op = `${spec.name}.load`;
  const folder = n.path.join(options.root, format.folder);
  const archiveMd5 = options.md5s?.archive ?? format.archiveMd5;
  const checking = options.checkIntegrity ?? true;
  if (options.download === true) {
    if (format.url === undefined || format.archive === undefined) {
      throw new Error(`[${op}] there is no official download of ${format.folder}; place its files under ${options.root}`);
    }
    if (await exists(n, folder) && (!checking || await filesVerified(n, format, options))) return;
    await downloadAndExtractArchive(options.url ?? format.url, options.root, {
      filename: format.archive, md5: archiveMd5, progress: options.progress, op,
    });
    return;
  }
  if (await exists(n, folder)) return;
  const archive = format.archive === undefined ? undefined : n.path.join(options.root, format.archive);
  if (archive !== undefined && await exists(n, archive)) {
    if (checking) await checkFileIntegrity(op, archive, archiveMd5);
    await extractArchive(archive, options.root, op);
    return;
  }
  throw new Error(`[${op}] dataset not found: ${folder} does not exist; pass download: true, or place ${format.archive ?? 'the files'} `
    + `(or its extracted ${format.folder}/) under ${options.root} (the app's --data-dir)`);
}

async function filesVerified(n: NodeModules, format: CIFARFormat, options: CIFARLoadOptions): Promise<boolean> {
  for (const [file, md5] of [...format.train, ...format.test, format.meta]) {
    const path = n.path.join(options.root, format.folder, file);
    if (!(await exists(n, path))) return false;
    const expected = fileMd5(format, options, file, md5);
    if (expected !== undefined && (await md5File(path)) !== expected) return false;
  }
  return true;
}

function labelsOf(op: string, value: unknown, file: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new Error(`[${op}] ${file}: the labels are not a list of integers`);
  }
  return value as number[];
}

async function readPython(n: NodeModules, spec: CIFARSpec, files: readonly string[], folder: string, op: string):
  Promise<{ pixels: Uint8Array; targets: number[] }> {
  const parts: Uint8Array[] = [];
  const targets: number[] = [];
  for (const file of files) {
    const path = n.path.join(folder, file);
    const batch = readCifarPickle(op, await n.fsp.readFile(path), path);
    const data = batch.get('data');
    if (!(data instanceof NumpyUint8Array) || data.shape.length !== 2 || data.shape[1] !== PIXELS) {
      throw new Error(`[${op}] ${path}: 'data' is not an N x ${PIXELS} uint8 array`);
    }
    const labels = labelsOf(op, batch.get(spec.labelsKey), path);
    if (labels.length !== data.shape[0]) {
      throw new Error(`[${op}] ${path}: ${data.shape[0]} images but ${labels.length} labels`);
    }
    parts.push(data.data);
    targets.push(...labels);
  }
  return { pixels: concat(parts), targets };
}

async function readBinary(n: NodeModules, spec: CIFARSpec, files: readonly string[], folder: string, op: string):
  Promise<{ pixels: Uint8Array; targets: number[] }> {
  const record = spec.labelBytes + PIXELS;
  const parts: Uint8Array[] = [];
  const targets: number[] = [];
  for (const file of files) {
    const path = n.path.join(folder, file);
    const bytes = new Uint8Array(await n.fsp.readFile(path));
    if (bytes.length % record !== 0) {
      throw new Error(`[${op}] ${path} is truncated or corrupt: ${bytes.length} bytes is not a whole number of ${record}-byte records`);
    }
    const count = bytes.length / record;
    const pixels = new Uint8Array(count * PIXELS);
    for (let i = 0; i < count; i++) {
      targets.push(bytes[i * record + spec.labelByte]);
      pixels.set(bytes.subarray(i * record + spec.labelBytes, (i + 1) * record), i * PIXELS);
    }
    parts.push(pixels);
  }
  return { pixels: concat(parts), targets };
}

async function readClasses(n: NodeModules, spec: CIFARSpec, format: CIFARFormat, folder: string, op: string): Promise<string[]> {
  const path = n.path.join(folder, format.meta[0]);
  if (format === spec.binary) {
    const text = new TextDecoder().decode(await n.fsp.readFile(path));
    return text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  }
  const meta = readCifarPickle(op, await n.fsp.readFile(path), path);
  const names = meta.get(spec.classesKey);
  if (!Array.isArray(names)) throw new Error(`[${op}] ${path} has no '${spec.classesKey}' list`);
  return names.map((v) => pyString(v) ?? String(v));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

async function loadContent(spec: CIFARSpec, options: CIFARLoadOptions): Promise<CIFARContent> {
  const op = `${spec.name}.load`;
  if (typeof options?.root !== 'string' || options.root.length === 0) throw new Error(`[${op}] expected a root folder (a string), got ${String(options?.root)}`);
  const n = await node(op);
  const format = await chooseFormat(n, spec, options);
  await ensureFiles(n, spec, format, options);
  const folder = n.path.join(options.root, format.folder);
  const list = (options.train ?? true) ? format.train : format.test;
  if (options.checkIntegrity ?? true) {
    for (const [file, md5] of [...list, format.meta]) {
      await checkFileIntegrity(op, n.path.join(folder, file), fileMd5(format, options, file, md5));
    }
  }
  const files = list.map(([file]) => file);
  const { pixels, targets } = format === spec.python
    ? await readPython(n, spec, files, folder, op) : await readBinary(n, spec, files, folder, op);
  const classes = await readClasses(n, spec, format, folder, op);
  // Each row is the R plane, then G, then B (each 32 x 32 row-major): [N, 3, 32, 32] -> HWC like torchvision.
  const data = fromTypedArray(pixels, [targets.length, 3, 32, 32]).permute(0, 2, 3, 1).contiguous();
  return { data, targets, classes };
}

/**
 * CIFAR-10 (torchvision's `datasets.CIFAR10`): 50000 training or 10000 test images of 32×32 RGB in
 * 10 classes. `get(i)` gives `[transform(image), targetTransform(label)]` where the image is a uint8
 * tensor [32, 32, 3] (HWC, as torchvision's PIL image; `ToTensor` makes it [3, 32, 32] float32).
 *
 * ```ts
 * const trainset = await CIFAR10.load({ root: './data', train: true, download: true, transform });
 * ```
 */
export class CIFAR10 extends VisionDataset {
  /** The official files and MD5s (python and binary formats). */
  static readonly spec: CIFARSpec = CIFAR10_SPEC;
  /** All images: uint8 [N, 32, 32, 3]. */
  readonly data: Tensor;
  /** The labels, in file order. */
  readonly targets: number[];
  /** The class names, by label. */
  readonly classes: string[];
  /** Class name to label. */
  readonly classToIdx: Record<string, number>;
  /** Whether this is the training split. */
  readonly train: boolean;
  /** The `format` option it was loaded with, for workers. */
  private readonly format: CIFARLoadOptions['format'];

  /** Use {@link CIFAR10.load}: reading the files is asynchronous. */
  protected constructor(options: CIFARLoadOptions, content: CIFARContent) {
    super(options);
    this.train = options.train ?? true;
    this.format = options.format;
    this.data = content.data;
    this.targets = content.targets;
    this.classes = content.classes;
    this.classToIdx = Object.fromEntries(content.classes.map((c, i) => [c, i]));
  }

  /**
   * Reads the dataset from `root` (downloading it first with `download: true`). Errors: the dataset
   * is not found (says where to put it), an MD5 mismatch (corrupt or truncated file), a download
   * that fails (offline: one line saying what to do), a file that cannot be parsed.
   */
  static async load(options: CIFARLoadOptions): Promise<CIFAR10> {
    return new CIFAR10(options, await loadContent(CIFAR10_SPEC, options));
  }

  /** The number of images. */
  get length(): number {
    return this.targets.length;
  }

  /** Image `index` (uint8 [32, 32, 3], a view of {@link CIFAR10.data}) and its label. */
  protected rawItem(index: number): [unknown, unknown] {
    return [this.data.index(index), this.targets[index]];
  }

  /** The class's export name, for workers. */
  protected get workerExport(): string {
    return 'CIFAR10';
  }

  /** Workers read the same split and format; the main thread has checked the MD5s already. */
  protected override workerLoad(): VisionWorkerLoad {
    return {
      module: import.meta.url, export: this.workerExport,
      options: { train: this.train, checkIntegrity: false, ...(this.format === undefined ? {} : { format: this.format }) },
    };
  }
}

/**
 * CIFAR-100 (torchvision's `datasets.CIFAR100`): like {@link CIFAR10} with 100 fine classes
 * (`targets` are the fine labels, as in torchvision).
 */
export class CIFAR100 extends CIFAR10 {
  /** The official files and MD5s (python format; the binary format is read but not downloaded). */
  static override readonly spec: CIFARSpec = CIFAR100_SPEC;

  /** Reads CIFAR-100 from `root`; see {@link CIFAR10.load}. */
  static override async load(options: CIFARLoadOptions): Promise<CIFAR100> {
    return new CIFAR100(options, await loadContent(CIFAR100_SPEC, options));
  }

  /** The class's export name, for workers. */
  protected override get workerExport(): string {
    return 'CIFAR100';
  }
}
