/**
 * Iteration over strided views that share a shape.
 *
 * Kernels are written as loops over one "row": `n` elements, each operand advancing by its own
 * stride. {@link forEachRow} cuts a shape into such rows. It first simplifies the shape: dimensions
 * of size 1 are dropped and neighbouring dimensions are merged wherever every operand steps through
 * them as through one (so any contiguous tensor, and any broadcast of a trailing block, is a single
 * row or a few long ones). What remains above the innermost dimension is walked with an odometer.
 *
 * Rows come in row-major order of the shape, which scans and the random generator rely on.
 *
 * @module
 */
import { numelOf } from '@typetorch/core';

/** The part of a view that iteration needs. */
export interface Strided {
  readonly strides: readonly number[];
  readonly offset: number;
}

/** A shape with neighbouring dimensions merged, and each operand's strides over it. */
export interface Collapsed {
  /** Sizes, outermost first; empty for a single element, `[0]` when there are no elements. */
  readonly shape: number[];
  /** `strides[k][d]`: the step of operand `k` along dimension `d`. */
  readonly strides: number[][];
}

/**
 * Drops size-1 dimensions and merges dimension `d` into its outer neighbour whenever, for every
 * operand, the outer stride equals the inner stride times the inner size.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const dims: number[] = [];
  const out = strides.map(() => [] as number[]);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 0) return { shape: [0], strides: strides.map(() => [0]) };
    if (size === 1) continue;
    const last = dims.length - 1;
    let mergeable = last >= 0;
    for (let k = 0; k < strides.length && mergeable; k++) {
      mergeable = out[k][last] === strides[k][d] * size;
    }
    if (mergeable) {
      dims[last] *= size;
      for (let k = 0; k < strides.length; k++) out[k][last] = strides[k][d];
    } else {
      dims.push(size);
      for (let k = 0; k < strides.length; k++) out[k].push(strides[k][d]);
    }
  }
  return { shape: dims, strides: out };
}

/**
 * A row body: `n` elements; operand `k` starts at `offsets[k]` and advances by `steps[k]`.
 * `offsets` is reused between calls, so a body must read it and not keep it.
 */
export type RowBody = (n: number, offsets: readonly number[], steps: readonly number[]) => void;

/** Calls `body` for every row of `shape` over the operands, in row-major order. Nothing for numel 0. */
export function forEachRow(shape: readonly number[], operands: readonly Strided[], body: RowBody): void {
  const offsets = operands.map((o) => o.offset);
  // The common case, every operand dense and row-major, is one row without collapsing anything.
  if (operands.every((o) => isContiguous(shape, o.strides))) {
    const n = numelOf(shape);
    if (n > 0) body(n, offsets, operands.map(() => 1));
    return;
  }
  const { shape: dims, strides } = collapse(shape, operands.map((o) => o.strides));
  const rank = dims.length;
  if (rank === 0) return body(1, offsets, operands.map(() => 0));
  const inner = rank - 1;
  const n = dims[inner];
  if (n === 0) return;
  const steps = strides.map((s) => s[inner]);
  if (inner === 0) return body(n, offsets, steps);

  const index = new Array<number>(inner).fill(0);
  const count = operands.length;
  for (;;) {
    body(n, offsets, steps);
    // Advance the odometer over the outer dimensions, innermost digit first.
    let d = inner - 1;
    for (; d >= 0; d--) {
      for (let k = 0; k < count; k++) offsets[k] += strides[k][d];
      if (++index[d] < dims[d]) break;
      for (let k = 0; k < count; k++) offsets[k] -= strides[k][d] * dims[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

/** The strides of `view` with dimension `dim` replaced by `stride` (e.g. 0 to pin it). */
export function withStride(view: Strided, dim: number, stride: number): Strided {
  const strides = view.strides.slice();
  strides[dim] = stride;
  return { strides, offset: view.offset };
}

/** A shape with dimension `dim` set to `size`. */
export function withSize(shape: readonly number[], dim: number, size: number): number[] {
  const out = shape.slice();
  out[dim] = size;
  return out;
}

/** True when a view covers one dense block in row-major order (size-1 dimensions may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== step) return false;
    step *= shape[d];
  }
  return true;
}
