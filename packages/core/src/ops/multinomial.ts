/**
 * `multinomial`: indices sampled from rows of (unnormalised) probabilities.
 *
 * The result depends on the probabilities' values, so they are read to the host and sampled there
 * with the generator's Philox stream (`uniformAt`, the formula every backend's `uniform` kernel
 * uses). `multinomial` is synchronous, as in PyTorch, and so needs a device that can read
 * synchronously (`readSync`, e.g. CPU); `multinomialAsync` works on every device.
 *
 * @module
 */
import type { TypedArray } from '../backend/contract.js';
import { isFloatingPoint } from '../dtype.js';
import { backendOf, checkTensor, viewOf } from '../dispatch.js';
import { uniformAt } from '../random/philox.js';
import type { Tensor } from '../tensor.js';
import { describeValue, hostTensor } from './creation-options.js';
import { generatorOf, type Generator } from './generator.js';

/** Options of {@link multinomial}. */
export interface MultinomialOptions {
  /** Sample with replacement (default false: each category at most once per row). */
  replacement?: boolean;
  /** The generator to draw from (default: `torch.defaultGenerator`). */
  generator?: Generator;
}

interface Plan {
  readonly rows: number;
  readonly categories: number;
  readonly samples: number;
  readonly replacement: boolean;
  readonly generator: Generator;
  readonly outShape: number[];
}

function plan(op: string, x: Tensor, samples: number, options: MultinomialOptions): Plan {
  checkTensor(op, x);
  if (!isFloatingPoint(x.dtype)) throw new Error(`[${op}] only supports floating-point dtypes for input, got ${x.dtype}`);
  if (x.dim() !== 1 && x.dim() !== 2) throw new Error(`[${op}] prob_dist must be 1 or 2 dim, got ${x.dim()} dims`);
  if (typeof samples !== 'number' || !Number.isSafeInteger(samples)) {
    throw new Error(`[${op}] expected the number of samples to be an integer, got ${describeValue(samples)}`);
  }
  if (samples <= 0) throw new Error(`[${op}] cannot sample n_sample <= 0 samples (got ${samples})`);
  const replacement = options.replacement ?? false;
  const categories = x.shape[x.dim() - 1];
  if (!replacement && samples > categories) {
    throw new Error(`[${op}] cannot sample n_sample > prob_dist.size(-1) samples without replacement (${samples} > ${categories})`);
  }
  if (categories > 2 ** 24) throw new Error(`[${op}] number of categories cannot exceed 2^24, got ${categories}`);
  const rows = x.dim() === 1 ? 1 : x.shape[0];
  const outShape = x.dim() === 1 ? [samples] : [rows, samples];
  return { rows, categories, samples, replacement, generator: generatorOf(op, options), outShape };
}

function checkRows(op: string, data: TypedArray, p: Plan): void {
  for (let r = 0; r < p.rows; r++) {
    let sum = 0;
    let positive = 0;
    for (let j = 0; j < p.categories; j++) {
      const w = Number(data[r * p.categories + j]);
      if (!(w >= 0) || w === Infinity) throw new Error(`[${op}] probability tensor contains either \`inf\`, \`nan\` or element < 0`);
      sum += w;
      if (w > 0) positive++;
    }
    if (!(sum > 0)) throw new Error(`[${op}] invalid multinomial distribution (sum of probabilities <= 0)`);
    if (!p.replacement && positive < p.samples) {
      throw new Error(`[${op}] invalid multinomial distribution (with replacement=False, not enough non-negative category to sample)`);
    }
  }
}

/**
 * Samples every row. With replacement: inverse transform sampling on the cumulative weights. Without:
 * the Efraimidis–Spirakis keys `log(u) / w`, largest first, which draws the same distribution as
 * sampling one category at a time and renormalising.
 */
function sample(data: TypedArray, p: Plan): BigInt64Array {
  const { rows, categories: k, samples: n, generator } = p;
  const out = new BigInt64Array(rows * n);
  const drawsPerRow = p.replacement ? n : k;
  const first = generator._advance(rows * drawsPerRow);
  const cumulative = new Float64Array(k);
  const keys = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    const base = r * k;
    if (p.replacement) {
      let total = 0;
      for (let j = 0; j < k; j++) cumulative[j] = total += Number(data[base + j]);
      for (let s = 0; s < n; s++) {
        const target = uniformAt(generator._key, first, r * n + s, true) * total;
        // The first category whose cumulative weight exceeds the target (zero weights are never picked).
        let lo = 0;
        let hi = k - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid] > target) hi = mid;
          else lo = mid + 1;
        }
        while (lo > 0 && Number(data[base + lo]) === 0) lo--; // rounding at the top end: stay on a positive weight
        out[r * n + s] = BigInt(lo);
      }
    } else {
      for (let j = 0; j < k; j++) {
        const w = Number(data[base + j]);
        const u = uniformAt(generator._key, first, r * k + j, true);
        keys[j] = w > 0 ? Math.log1p(-u) / w : -Infinity;
      }
      const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => keys[b] - keys[a] || a - b);
      for (let s = 0; s < n; s++) out[r * n + s] = BigInt(order[s]);
    }
  }
  return out;
}

/**
 * Samples `numSamples` category indices from each row of `x` (1-D or 2-D, non-negative weights,
 * not necessarily normalised); int64 of shape `[numSamples]` or `[rows, numSamples]`. Reads the
 * weights synchronously: on devices that cannot (WebGPU) use {@link multinomialAsync}.
 */
export function multinomial(x: Tensor, numSamples: number, options: MultinomialOptions = {}): Tensor {
  const op = 'multinomial';
  const p = plan(op, x, numSamples, options);
  const backend = backendOf(x);
  if (backend.readSync === undefined) {
    throw new Error(
      `[${op}] needs a synchronous read of the probabilities, which device '${x.device}' cannot do; ` +
        `use await torch.multinomialAsync(x, ${numSamples})`,
    );
  }
  const data = backend.readSync(viewOf(x));
  checkRows(op, data, p);
  return hostTensor(sample(data, p), p.outShape, 'int64', x.device);
}

/** {@link multinomial} for every device: reads the weights asynchronously. */
export async function multinomialAsync(x: Tensor, numSamples: number, options: MultinomialOptions = {}): Promise<Tensor> {
  const op = 'multinomialAsync';
  const p = plan(op, x, numSamples, options);
  const data = await backendOf(x).read(viewOf(x));
  checkRows(op, data, p);
  return hostTensor(sample(data, p), p.outShape, 'int64', x.device);
}
