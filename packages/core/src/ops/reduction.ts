/**
 * Shared machinery of the reductions: parsing PyTorch's `dim` / `keepdim` / `dtype` argument forms,
 * running a backend `reduce` kernel into a keepdim-shaped output, and dropping reduced dims as a
 * view. Every reduction module (`reduce.ts`, `minmax.ts`, `statistics.ts`, `softmax.ts`) builds on it.
 *
 * @module
 */
import type { ReduceOp } from '../backend/contract.js';
import { checkDType, type DType } from '../dtype.js';
import { backendOf, emptyTensor, toKernelScalar, viewOf } from '../dispatch.js';
import { normalizeDim, normalizeDims, showShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** The dims a reduction runs over, normalised. */
export interface ParsedDims {
  /** Non-negative, sorted, distinct dims to reduce; empty for a 0-d input. */
  dims: number[];
  /** True when no dim was given (`undefined` or `null`); `dims` then lists every dim. */
  allDims: boolean;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Tensor) return 'a Tensor';
  return typeof value;
}

/** True for a plain options object (not an array, a tensor or null). */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Tensor);
}

/**
 * Splits PyTorch's two call forms `f(dim, options)` and `f(options)`: when the first argument is an
 * options object it is the options and no dim was given.
 */
export function splitDimAndOptions<O extends object>(
  op: string,
  dim: unknown,
  options: O | undefined,
): [unknown, O] {
  if (isOptionsObject(dim)) {
    if (options !== undefined) {
      throw new Error(`[${op}] expected options only once, got an options object in place of dim and another after it`);
    }
    return [undefined, dim as O];
  }
  return [dim, options ?? ({} as O)];
}

/**
 * Normalises `dim`: `undefined`, `null` and `[]` mean every dim (as PyTorch 1.13 treats `dim=()`),
 * a number or a list of numbers select dims (negative count from the end; duplicates are an error).
 * A 0-d tensor accepts dim 0 and -1 and has nothing to reduce.
 */
export function parseDims(op: string, rank: number, dim: unknown): ParsedDims {
  const every = Array.from({ length: rank }, (_, i) => i);
  if (dim === undefined || dim === null) return { dims: every, allDims: true };
  if (typeof dim === 'number') {
    if (!Number.isInteger(dim)) throw new Error(`[${op}] expected dim to be an integer, got ${dim}`);
    const d = normalizeDim(op, dim, rank);
    return { dims: rank === 0 ? [] : [d], allDims: false };
  }
  if (Array.isArray(dim)) {
    if (dim.length === 0) return { dims: every, allDims: false };
    if (!dim.every((d) => typeof d === 'number' && Number.isInteger(d))) {
      throw new Error(`[${op}] expected dim to be a list of integers, got ${describe(dim)}`);
    }
    const dims = normalizeDims(op, dim as number[], rank);
    return { dims: rank === 0 ? [] : dims, allDims: false };
  }
  throw new Error(`[${op}] expected dim to be an integer, a list of integers or null, got ${describe(dim)}`);
}

/** Normalises a single `dim` argument (a number; negative counts from the end). */
export function parseOneDim(op: string, rank: number, dim: unknown): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) {
    throw new Error(`[${op}] expected dim to be an integer, got ${describe(dim)}`);
  }
  return normalizeDim(op, dim, rank);
}

/** Reads the `keepdim` option (default false). */
export function parseKeepdim(op: string, options: { keepdim?: unknown } | undefined): boolean {
  const keepdim = options?.keepdim ?? false;
  if (typeof keepdim !== 'boolean') throw new Error(`[${op}] expected keepdim to be a boolean, got ${describe(keepdim)}`);
  return keepdim;
}

/** Reads the optional `dtype` option. */
export function parseDtype(op: string, options: { dtype?: unknown } | undefined): DType | undefined {
  const dtype = options?.dtype;
  return dtype === undefined || dtype === null ? undefined : checkDType(dtype, op);
}

/** The shape of a reduction's output before reduced dims are dropped (size 1 on `dims`). */
export function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((d, i) => (dims.includes(i) ? 1 : d));
}

/** How many input elements each output element reduces over. */
export function reducedCount(shape: readonly number[], dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= shape[d];
  return n;
}

/**
 * `t` without the size-1 dims `dims`, as a view of the same storage. Only used on results that a
 * reduction just created, which are not part of any graph yet, so no view node is needed.
 */
export function dropDims(t: Tensor, dims: readonly number[]): Tensor {
  if (dims.length === 0) return t;
  const shape: number[] = [];
  const strides: number[] = [];
  t.shape.forEach((d, i) => {
    if (!dims.includes(i)) {
      shape.push(d);
      strides.push(t._strides[i]);
    }
  });
  return new Tensor(t._storage, shape, strides, t._offset, t._base);
}

/** The value of an empty reduction, for the ops that have one. */
const IDENTITY: Partial<Record<ReduceOp, number>> = { sum: 0, prod: 1, any: 0, all: 1 };

/**
 * Reduces `x` over `dims` with the backend's `reduce` kernel into a new tensor of `outDtype`, then
 * drops the reduced dims unless `keepdim`. `x` must already have the dtype the op computes in
 * (`sum`/`prod`/`max`/`min` read and write the same dtype; `argmax`/`argmin` write int64; `any`/`all`
 * write bool). Empty reductions give the op's identity without calling the kernel; ops without one
 * (`max`, `min`, `argmax`, `argmin`) must be rejected by the caller first.
 */
export function reduceInto(op: ReduceOp, x: Tensor, dims: readonly number[], outDtype: DType, keepdim: boolean): Tensor {
  const out = emptyTensor(keptShape(x.shape, dims), outDtype, x.device);
  if (out.numel() > 0) {
    const backend = backendOf(x);
    if (dims.length === 0) {
      // Nothing to reduce (0-d input): the result is the element itself, or index 0.
      if (op === 'argmax' || op === 'argmin') backend.fill(viewOf(out), toKernelScalar(0, outDtype));
      else backend.copy(viewOf(out), viewOf(x));
    } else if (reducedCount(x.shape, dims) === 0) {
      const identity = IDENTITY[op];
      if (identity === undefined) {
        throw new Error(`[${op}] cannot reduce over an empty dim of shape ${showShape(x.shape)}: the operation does not have an identity`);
      }
      backend.fill(viewOf(out), toKernelScalar(identity, outDtype));
    } else {
      backend.reduce(op, viewOf(out), viewOf(x), dims);
    }
  }
  return keepdim ? out : dropDims(out, dims);
}

/**
 * Rejects reductions without an identity (max, min, amax, argmax, ...) over nothing, in PyTorch's
 * situations: no dim given and an empty input, or a reduced dim of size 0.
 */
export function checkNonEmptyReduction(op: string, shape: readonly number[], parsed: ParsedDims): void {
  const numel = shape.reduce((n, d) => n * d, 1);
  if (parsed.allDims && numel === 0) {
    throw new Error(
      `[${op}] expected a non-empty input, got shape ${showShape(shape)}: the operation does not have an identity, ` +
        `so the reduction dim must be specified with the 'dim' argument`,
    );
  }
  for (const d of parsed.dims) {
    if (shape[d] === 0) {
      throw new Error(
        `[${op}] expected reduction dim ${d} to have non-zero size, got shape ${showShape(shape)}: ` +
          `the operation does not have an identity`,
      );
    }
  }
}
