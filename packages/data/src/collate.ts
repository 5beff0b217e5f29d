/**
 * Turning a list of samples into a batch: PyTorch's `default_collate` and `default_convert`.
 *
 * @module
 */
import { Tensor, stack, tensor } from '@typetorch/core';

/**
 * The type of a batch that {@link defaultCollate} makes from samples of type `T`: tensors, numbers,
 * booleans, bigints and typed arrays become tensors, strings become string arrays, and arrays
 * (tuples) and plain objects are collated element by element.
 */
export type Collated<T> =
  T extends Tensor ? Tensor
  : T extends number | bigint | boolean ? Tensor
  : T extends string ? string[]
  : T extends ArrayBufferView ? Tensor
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
  : T extends object ? { -readonly [K in keyof T]: Collated<T[K]> }
  : unknown;

/** Where in the batch collation is, for error messages. */
interface Context {
  /** The op named in errors. */
  readonly op: string;
  /** The dataset indices of the batch's samples, when known. */
  readonly indices: readonly number[] | undefined;
  /** The path inside a sample: `''`, `[0]`, `.image[1]`. */
  readonly path: string;
}

function sampleName(ctx: Context, j: number): string {
  return ctx.indices === undefined ? `batch element ${j}` : `sample index ${ctx.indices[j]}`;
}

function at(ctx: Context): string {
  return ctx.path === '' ? '' : ` at ${ctx.path}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Tensor) return `a Tensor of shape [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object of class ${(value as object).constructor?.name ?? 'null-prototype'}`;
  return `a ${typeof value}`;
}

type Kind = 'tensor' | 'number' | 'bigint' | 'boolean' | 'string' | 'typed' | 'array' | 'object';

function kindOf(value: unknown): Kind | undefined {
  if (value instanceof Tensor) return 'tensor';
  switch (typeof value) {
    case 'number': return 'number';
    case 'bigint': return 'bigint';
    case 'boolean': return 'boolean';
    case 'string': return 'string';
    case 'object': {
      if (value === null) return undefined;
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return 'typed';
      if (Array.isArray(value)) return 'array';
      const proto = Object.getPrototypeOf(value);
      return proto === Object.prototype || proto === null ? 'object' : undefined;
    }
    default: return undefined;
  }
}

function shapeText(t: Tensor): string {
  return `[${t.shape.join(', ')}]`;
}

function stackChecked(items: readonly Tensor[], ctx: Context): Tensor {
  const first = items[0];
  for (let j = 1; j < items.length; j++) {
    const t = items[j];
    if (t.shape.length !== first.shape.length || t.shape.some((d, k) => d !== first.shape[k])) {
      throw new Error(
        `[${ctx.op}] cannot stack the samples${at(ctx)} into a batch: ${sampleName(ctx, 0)} has shape ${shapeText(first)} ` +
          `but ${sampleName(ctx, j)} has shape ${shapeText(t)}; give them one shape (or pass a collateFn)`,
      );
    }
  }
  return stack(items, 0);
}

function collateAt(batch: readonly unknown[], ctx: Context): unknown {
  const elem = batch[0];
  const kind = kindOf(elem);
  if (kind === undefined) {
    throw new Error(
      `[${ctx.op}] default collate: a batch must contain tensors, typed arrays, numbers, booleans, bigints, strings, ` +
        `arrays or plain objects; found ${describe(elem)}${at(ctx)} in ${sampleName(ctx, 0)}`,
    );
  }
  batch.forEach((v, j) => {
    const k = kindOf(v);
    // Numbers, booleans and bigints mix as in a Python list handed to torch.tensor.
    const scalar = (x: Kind | undefined) => x === 'number' || x === 'boolean' || x === 'bigint';
    if (k !== kind && !(scalar(k) && scalar(kind))) {
      throw new Error(`[${ctx.op}] default collate: ${sampleName(ctx, 0)} has ${describe(elem)}${at(ctx)} but ${sampleName(ctx, j)} has ${describe(v)}`);
    }
  });
  switch (kind) {
    case 'tensor':
      return stackChecked(batch as Tensor[], ctx);
    case 'typed':
      return stackChecked((batch as ArrayBufferView[]).map((a) => tensor(a)), ctx);
    case 'number':
    case 'bigint':
    case 'boolean': {
      const kinds = new Set(batch.map(kindOf));
      if (kinds.size === 1 && kind === 'boolean') return tensor(batch, { dtype: 'bool' });
      if (kinds.has('number') && (batch as unknown[]).some((v) => typeof v === 'number' && !Number.isInteger(v))) {
        return tensor(batch.map(Number), { dtype: 'float64' });
      }
      // Integers (Python ints, JS integral numbers and bigints; booleans count as 0/1) → int64.
      return tensor(BigInt64Array.from(batch, (v) => BigInt(v as number | bigint | boolean)));
    }
    case 'string':
      return [...batch];
    case 'array': {
      const len = (elem as unknown[]).length;
      batch.forEach((v, j) => {
        if ((v as unknown[]).length !== len) {
          throw new Error(
            `[${ctx.op}] each element in list of batch should be of equal size: ${sampleName(ctx, 0)} has ${len} elements${at(ctx)} ` +
              `but ${sampleName(ctx, j)} has ${(v as unknown[]).length}`,
          );
        }
      });
      return Array.from({ length: len }, (_, k) =>
        collateAt(batch.map((v) => (v as unknown[])[k]), { ...ctx, path: `${ctx.path}[${k}]` }));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(elem as object)) {
        batch.forEach((v, j) => {
          if (!Object.prototype.hasOwnProperty.call(v, key)) {
            throw new Error(`[${ctx.op}] default collate: ${sampleName(ctx, 0)} has key '${key}'${at(ctx)} but ${sampleName(ctx, j)} does not`);
          }
        });
        out[key] = collateAt(batch.map((v) => (v as Record<string, unknown>)[key]), { ...ctx, path: `${ctx.path}.${key}` });
      }
      return out;
    }
  }
}

/**
 * PyTorch's `default_collate`: stacks tensors (and typed arrays) along a new first dimension,
 * turns numbers into a tensor — int64 when every number is an integer, else float64 — booleans
 * into a bool tensor and bigints into int64, keeps strings as a string array, and collates arrays
 * (tuples) and plain objects element by element, so a batch of `[x, y]` samples becomes
 * `[stack(xs), stack(ys)]`. Samples that cannot be stacked are an error naming them and their shapes.
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collateBatch(batch, undefined, 'defaultCollate');
}

/** {@link defaultCollate} with the samples' dataset indices, which errors name. */
export function collateBatch<T>(batch: readonly T[], indices: readonly number[] | undefined, op = 'DataLoader'): Collated<T> {
  if (batch.length === 0) throw new Error(`[${op}] default collate: the batch is empty`);
  return collateAt(batch, { op, indices, path: '' }) as Collated<T>;
}

/**
 * PyTorch's `default_convert`, used when automatic batching is off (`batchSize: null`): typed
 * arrays become tensors, arrays and plain objects are converted element by element, and everything
 * else (tensors, numbers, strings) is returned as it is.
 */
export function defaultConvert(sample: unknown): unknown {
  const kind = kindOf(sample);
  if (kind === 'typed') return tensor(sample);
  if (kind === 'array') return (sample as unknown[]).map(defaultConvert);
  if (kind === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(sample as object)) out[k] = defaultConvert(v);
    return out;
  }
  return sample;
}
