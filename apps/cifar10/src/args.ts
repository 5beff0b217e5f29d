/** Command-line flags of `pnpm cifar10`, parsed with Node's `util.parseArgs`. */
import { parseArgs } from 'node:util';

/** The app's settings, after defaults and validation. */
export interface Options {
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  workers: number;
  device: 'cpu' | 'webgpu';
  dataDir: string;
  out: string;
  /** Seeds torch's generator (shuffling, initial weights) and the synthetic data; undefined: unseeded torch, synthetic seed 0. */
  seed: number | undefined;
  /** Skip CIFAR-10 and train on the built-in synthetic dataset. */
  synthetic: boolean;
  help: boolean;
}

/** The `--help` text. */
export const USAGE = `Usage: pnpm cifar10 [options]

Trains PyTorch's "Training a classifier" Net on CIFAR-10 (or, offline, on a built-in synthetic set).

Options:
  --epochs <n>        passes over the training set (default 2)
  --batch-size <n>    images per mini-batch (default 4)
  --lr <x>            SGD learning rate (default 0.001)
  --momentum <x>      SGD momentum (default 0.9)
  --workers <n>       DataLoader worker threads (default 0: load in the main thread)
  --device <name>     cpu (default) or webgpu
  --data-dir <dir>    where CIFAR-10 is or is downloaded to (default ./data)
  --out <dir>         where the model, images and loss plot are written (default ./out)
  --seed <n>          seed for weights, shuffling and the synthetic data
  --synthetic         skip CIFAR-10 and train on the built-in synthetic dataset
  --help              print this text`;

/** Thrown for a bad command line; main prints its message and the usage hint. */
export class UsageError extends Error {}

function toNumber(flag: string, text: string, check: (v: number) => boolean, expected: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) {
    throw new UsageError(`--${flag}: expected ${expected}, got '${text}'`);
  }
  return value;
}

const isPositiveInt = (v: number) => Number.isInteger(v) && v > 0;
const isNonNegativeInt = (v: number) => Number.isInteger(v) && v >= 0;

/**
 * Parses `argv` (without node and the script); throws UsageError on unknown flags or bad values.
 * A leading `--` is dropped: `pnpm cifar10 -- --epochs 1` (and the root script's own `--`) pass it through.
 */
export function parseOptions(argv: readonly string[]): Options {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        epochs: { type: 'string', default: '2' },
        'batch-size': { type: 'string', default: '4' },
        lr: { type: 'string', default: '0.001' },
        momentum: { type: 'string', default: '0.9' },
        workers: { type: 'string', default: '0' },
        device: { type: 'string', default: 'cpu' },
        'data-dir': { type: 'string', default: './data' },
        out: { type: 'string', default: './out' },
        seed: { type: 'string' },
        synthetic: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const device = values.device;
  if (device !== 'cpu' && device !== 'webgpu') {
    throw new UsageError(`--device: expected cpu or webgpu, got '${device}'`);
  }
  return {
    epochs: toNumber('epochs', values.epochs, isPositiveInt, 'a positive integer'),
    batchSize: toNumber('batch-size', values['batch-size'], isPositiveInt, 'a positive integer'),
    lr: toNumber('lr', values.lr, (v) => v > 0, 'a positive number'),
    momentum: toNumber('momentum', values.momentum, (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    workers: toNumber('workers', values.workers, isNonNegativeInt, 'a non-negative integer'),
    device,
    dataDir: values['data-dir'],
    out: values.out,
    seed: values.seed === undefined ? undefined : toNumber('seed', values.seed, isNonNegativeInt, 'a non-negative integer'),
    synthetic: values.synthetic,
    help: values.help,
  };
}
