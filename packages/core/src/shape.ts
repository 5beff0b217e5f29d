/**
 * Shape arithmetic shared by all ops: sizes, strides, broadcasting and dim normalisation.
 *
 * @module
 */

/** A tensor's shape, printed as PyTorch prints `torch.Size`. */
export class Size extends Array<number> {
  /** `'torch.Size([5, 3])'`, as PyTorch prints it. */
  override toString(): string {
    return `torch.Size([${this.join(', ')}])`;
  }

  /** Node's `util.inspect` shows the same text as `toString`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Number of elements of a tensor of this shape. */
  numel(): number {
    return numelOf(this);
  }
}

/**
 * Makes a {@link Size} from plain dimensions. Not frozen (freezing costs more than a small op):
 * shapes are never mutated by the library and must not be by users.
 */
export function toSize(dims: readonly number[]): Size {
  const size = new Size(dims.length);
  for (let i = 0; i < dims.length; i++) size[i] = dims[i];
  return size;
}

/** Sizes passed variadically (`f(2, 3)`) or as one array (`f([2, 3])`), as PyTorch accepts both. */
export type SizeArgs = number[] | [readonly number[]];

/** Reads variadic or array sizes into a plain array and validates them. */
export function parseSize(op: string, args: readonly unknown[]): number[] {
  const dims = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const out: number[] = [];
  for (const d of dims) {
    if (typeof d !== 'number' || !Number.isInteger(d)) {
      throw new Error(`[${op}] expected sizes to be integers, got ${JSON.stringify(dims)}`);
    }
    out.push(d);
  }
  return out;
}

/** Checks that sizes are non-negative, as creation ops require. */
export function checkNonNegative(op: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (d < 0) throw new Error(`[${op}] expected non-negative sizes, got [${shape.join(', ')}]`);
  }
}

/** Number of elements of a shape (1 for a scalar). */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides of a contiguous tensor. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= Math.max(shape[i], 1);
  }
  return strides;
}

/** True when strides describe a row-major layout (dims of size 1 may have any stride). */
export function isContiguousLayout(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (shape[i] === 0) return true;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Formats a shape as in error messages: `[2, 3]`. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The broadcast shape of several shapes (numpy rules), or an error naming them. */
export function broadcastShapes(op: string, ...shapes: readonly (readonly number[])[]): number[] {
  let rank = 0;
  for (const s of shapes) rank = Math.max(rank, s.length);
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i];
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) out[j] = d;
      else {
        throw new Error(
          `[${op}] shapes ${shapes.map(showShape).join(' and ')} cannot be broadcast: ` +
            `size ${out[j]} and size ${d} differ at dimension ${j - rank}`,
        );
      }
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had the (broadcast) shape `target`. */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i];
  return out;
}

/** A dim in `[-rank, rank)` as a non-negative index, or an error that names the valid range. */
export function normalizeDim(op: string, dim: number, rank: number): number {
  const r = Math.max(rank, 1); // PyTorch lets scalars use dim 0 and -1
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new Error(`[${op}] dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Normalises a dim or a list of dims (sorted, without duplicates, which are an error). */
export function normalizeDims(op: string, dims: number | readonly number[], rank: number): number[] {
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normalizeDim(op, d, rank));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new Error(`[${op}] dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out.sort((a, b) => a - b);
}
