// Command-line options of bench/run.mjs. Hand-rolled (no dependency): there are four of them.

import { availableParallelism } from 'node:os';

/** Devices the harness can run typetorch on. */
export const DEVICES = ['cpu', 'webgpu'];
/**
 * Column keys per device, in table order. On the GPU the peer is tfjs's WebGPU backend on the same
 * adapter (PyTorch has no WebGPU device, and CPU libraries are not its peers).
 */
export const COLUMNS_BY_DEVICE = {
  cpu: ['typetorch', 'tfjs-cpu', 'tfjs-wasm', 'pytorch'],
  webgpu: ['typetorch', 'tfjs-webgpu'],
};
/** The CPU run's columns (the default device). */
export const COLUMNS = COLUMNS_BY_DEVICE.cpu;

export const USAGE = `usage: node bench/run.mjs [--quick] [--device cpu|webgpu] [--threads N] [--only a,b]

  --quick        short budgets (a smoke check: numbers are noisier, the method is the same)
  --device NAME  device typetorch runs on: 'cpu' (default; peers tfjs-cpu, tfjs-wasm, PyTorch) or
                 'webgpu' (peer tfjs-webgpu on the same adapter; without a GPU that is SwiftShader,
                 a CPU implementation: its figures are only a sanity check)
  --threads N    threads for the libraries that can use several (tfjs-wasm, PyTorch, and
                 typetorch if it exposes setNumThreads); default: all cores (${availableParallelism()})
  --only LIST    comma-separated columns to run, from: ${COLUMNS.join(', ')} (cpu);
                 ${COLUMNS_BY_DEVICE.webgpu.join(', ')} (webgpu)
  --help         this text`;

export class UsageError extends Error {}

/**
 * @param {string[]} argv  process.argv.slice(2)
 * @returns {{ quick: boolean, device: string, threads: number, only: string[], help: boolean }}
 */
export function parseArgs(argv) {
  const opts = { quick: false, device: 'cpu', threads: availableParallelism(), only: null, help: false };
  let only = null;
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
        if (!DEVICES.includes(d)) throw new UsageError(`unknown device '${d}'; supported: ${DEVICES.join(', ')}`);
        opts.device = d;
        break;
      }
      case '--threads': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--threads needs a positive integer');
        opts.threads = n;
        break;
      }
      case '--only':
        // Checked after the loop: the valid columns depend on --device, which may come later.
        only = value().split(',').map((s) => s.trim()).filter(Boolean);
        break;
      default:
        throw new UsageError(`unknown option '${argv[i]}'`);
    }
  }
  const columns = COLUMNS_BY_DEVICE[opts.device];
  if (only === null) {
    opts.only = columns;
  } else {
    const bad = only.filter((c) => !columns.includes(c));
    if (bad.length || !only.length) {
      throw new UsageError(
        `--only: unknown column(s) ${bad.join(', ')} for --device ${opts.device}; choose from ${columns.join(', ')}`,
      );
    }
    opts.only = columns.filter((c) => only.includes(c));
  }
  return opts;
}

function splitOnce(s, sep) {
  const k = s.indexOf(sep);
  return k < 0 ? [s, undefined] : [s.slice(0, k), s.slice(k + 1)];
}
