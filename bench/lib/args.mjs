// Command-line options of bench/run.mjs. Hand-rolled (no dependency): there are four of them.

import { availableParallelism } from 'node:os';

/** Devices the harness can run typetorch on today. */
export const DEVICES = ['cpu'];
/** Devices typetorch will have but the harness does not drive yet: named in the error message. */
const PLANNED_DEVICES = ['webgpu'];
/** Column keys, in table order. */
export const COLUMNS = ['typetorch', 'tfjs-cpu', 'tfjs-wasm', 'pytorch'];

export const USAGE = `usage: node bench/run.mjs [--quick] [--device cpu] [--threads N] [--only a,b]

  --quick        short budgets (a smoke check: numbers are noisier, the method is the same)
  --device NAME  device typetorch runs on; only 'cpu' is supported for now
  --threads N    threads for the libraries that can use several (tfjs-wasm, PyTorch, and
                 typetorch if it exposes setNumThreads); default: all cores (${availableParallelism()})
  --only LIST    comma-separated columns to run, from: ${COLUMNS.join(', ')}
  --help         this text`;

export class UsageError extends Error {}

/**
 * @param {string[]} argv  process.argv.slice(2)
 * @returns {{ quick: boolean, device: string, threads: number, only: string[], help: boolean }}
 */
export function parseArgs(argv) {
  const opts = { quick: false, device: 'cpu', threads: availableParallelism(), only: COLUMNS, help: false };
  for (let i = 0; i < argv.length; i++) {
    // Accept both `--name value` and `--name=value`.
    const [flag, inline] = argv[i].startsWith('--') ? splitOnce(argv[i], '=') : [argv[i], undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick':
        opts.quick = true;
        break;
      case '--help':
      case '-h':
        opts.help = true;
        break;
      case '--device': {
        const d = value();
        if (!DEVICES.includes(d)) {
          const why = PLANNED_DEVICES.includes(d)
            ? `the bench does not support --device ${d} yet`
            : `unknown device '${d}'`;
          throw new UsageError(`${why}; supported: ${DEVICES.join(', ')}`);
        }
        opts.device = d;
        break;
      }
      case '--threads': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--threads needs a positive integer');
        opts.threads = n;
        break;
      }
      case '--only': {
        const list = value().split(',').map((s) => s.trim()).filter(Boolean);
        const bad = list.filter((c) => !COLUMNS.includes(c));
        if (bad.length || !list.length) {
          throw new UsageError(`--only: unknown column(s) ${bad.join(', ')}; choose from ${COLUMNS.join(', ')}`);
        }
        opts.only = COLUMNS.filter((c) => list.includes(c));
        break;
      }
      default:
        throw new UsageError(`unknown option '${argv[i]}'`);
    }
  }
  return opts;
}

function splitOnce(s, sep) {
  const k = s.indexOf(sep);
  return k < 0 ? [s, undefined] : [s.slice(0, k), s.slice(k + 1)];
}
