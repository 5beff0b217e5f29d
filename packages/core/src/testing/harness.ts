/**
 * The machinery of the conformance suite: building views on a backend through the contract only
 * (alloc + write), reading them back asynchronously, and comparing with expected values.
 *
 * @module
 */
import type { Backend, StorageHandle, TypedArray, View } from '../backend/contract.js';
import { isFloatingPoint, type DType } from '../dtype.js';
import { contiguousStrides, numelOf } from '../shape.js';

/** A value as cases write them: numbers, bigints for exact int64, booleans for bool. */
export type Value = number | bigint | boolean;

/**
 * How a test view is laid out in its storage. `'strided'` reverses the dimension order (a
 * transpose), leaves a gap after every element and starts at an offset, with sentinel values in
 * between, so a kernel that ignores strides or offsets reads the wrong numbers.
 */
export type Layout = 'contiguous' | 'strided';

const RTOL = 1.3e-6;
const ATOL = 1e-5;

/** The multi-index of row-major position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return index;
}

/** The storage index of each element of `view`, in row-major order. */
export function positions(view: View): number[] {
  return Array.from({ length: numelOf(view.shape) }, (_, i) =>
    unravel(i, view.shape).reduce((at, k, d) => at + k * view.strides[d], view.offset));
}

/** A host array of `dtype` holding `values`. */
export function hostArray(dtype: DType, values: readonly Value[]): TypedArray {
  switch (dtype) {
    case 'float32': return Float32Array.from(values, Number);
    case 'float64': return Float64Array.from(values, Number);
    case 'int32': return Int32Array.from(values, Number);
    case 'int64': return BigInt64Array.from(values, (v) => BigInt(v));
    case 'uint8': return Uint8Array.from(values, Number);
    case 'bool': return Uint8Array.from(values, (v) => (v ? 1 : 0));
  }
}

/** What fills the unused slots of a strided layout: a value no case expects to read. */
export function sentinel(dtype: DType): Value {
  return dtype === 'bool' ? true : dtype === 'int64' ? 1234567n : dtype === 'uint8' ? 123 : 1234567;
}

function show(value: unknown): string {
  return typeof value === 'bigint' ? `${value}n` : Object.is(value, -0) ? '-0' : String(value);
}

/** True when `got` matches `expected` for `dtype`: float32 tolerances for floats, exact otherwise. */
export function matches(dtype: DType, got: number | bigint, expected: Value): boolean {
  if (dtype === 'int64') return BigInt(got) === BigInt(expected);
  const e = Number(expected);
  const g = Number(got);
  if (!isFloatingPoint(dtype)) return g === e;
  if (Number.isNaN(e)) return Number.isNaN(g);
  if (!Number.isFinite(e)) return g === e;
  return Math.abs(g - e) <= ATOL + RTOL * Math.abs(e);
}

/** Throws an error naming the first mismatch, with both arrays, when `got` differs from `expected`. */
export function assertValues(label: string, dtype: DType, got: ArrayLike<number | bigint>, expected: readonly Value[]): void {
  const list = (a: ArrayLike<unknown>) => `[${Array.from(a, show).slice(0, 24).join(', ')}${a.length > 24 ? ', ...' : ''}]`;
  if (got.length !== expected.length) {
    throw new Error(`${label}: expected ${expected.length} elements, got ${got.length}\n  expected ${list(expected)}\n  got      ${list(got)}`);
  }
  for (let i = 0; i < expected.length; i++) {
    if (!matches(dtype, got[i], expected[i])) {
      throw new Error(
        `${label}: element ${i} expected ${show(expected[i])}, got ${show(got[i])} (${dtype})\n` +
          `  expected ${list(expected)}\n  got      ${list(got)}`,
      );
    }
  }
}

/** Builds views on one backend, remembers their storage and frees it when the case ends. */
export class Harness {
  private readonly handles: StorageHandle[] = [];

  constructor(readonly backend: Backend) {}

  /** A view of `shape` whose row-major elements are `values`, stored as `layout` says. */
  tensor(dtype: DType, values: readonly Value[], shape: readonly number[] = [values.length], layout: Layout = 'contiguous'): View {
    if (values.length !== numelOf(shape)) {
      throw new Error(`[conformance] ${values.length} values do not fill shape [${shape.join(', ')}]`);
    }
    const view = this.empty(dtype, shape, layout);
    if (layout === 'contiguous') {
      if (values.length > 0) this.backend.write(view.handle, dtype, hostArray(dtype, values), 0);
      return view;
    }
    const data: Value[] = new Array<Value>(this.storageSize(view)).fill(sentinel(dtype));
    positions(view).forEach((at, i) => (data[at] = values[i]));
    this.backend.write(view.handle, dtype, hostArray(dtype, data), 0);
    return view;
  }

  /**
   * A view of `shape` reading `values` (row-major over `base`) through zero strides: every
   * dimension where `base` has size 1 (or is missing on the left) is broadcast.
   */
  broadcast(dtype: DType, values: readonly Value[], base: readonly number[], shape: readonly number[]): View {
    const stored = this.tensor(dtype, values, base);
    const lead = shape.length - base.length;
    const baseStrides = contiguousStrides(base);
    const strides = shape.map((size, d) => (d < lead || (base[d - lead] === 1 && size !== 1) ? 0 : baseStrides[d - lead]));
    return { ...stored, shape, strides };
  }

  /** A view of `shape` with unspecified contents (an output), laid out as `layout` says. */
  empty(dtype: DType, shape: readonly number[], layout: Layout = 'contiguous'): View {
    let strides = contiguousStrides(shape);
    let offset = 0;
    if (layout === 'strided') {
      // Reverse the dimension order and leave one slot free after each element.
      strides = new Array<number>(shape.length);
      let step = 2;
      for (let d = 0; d < shape.length; d++) {
        strides[d] = step;
        step *= Math.max(shape[d], 1);
      }
      offset = 3;
    }
    const view: View = { handle: undefined, dtype, shape, strides, offset };
    const handle = this.backend.alloc(dtype, this.storageSize(view));
    this.handles.push(handle);
    return { ...view, handle };
  }

  /** A flat view of the whole storage behind `view`, to check what a kernel left untouched. */
  whole(view: View): View {
    return { handle: view.handle, dtype: view.dtype, shape: [this.storageSize(view)], strides: [1], offset: 0 };
  }

  /** Reads a view through the asynchronous `read`, the only read every backend has. */
  async read(view: View): Promise<TypedArray> {
    return this.backend.read(view);
  }

  /** Reads `view` and throws unless its elements are `expected`. */
  async expect(view: View, expected: readonly Value[], label: string): Promise<void> {
    assertValues(label, view.dtype, (await this.read(view)) as ArrayLike<number | bigint>, expected);
  }

  /** Frees every storage this harness allocated. */
  freeAll(): void {
    for (const handle of this.handles.splice(0)) this.backend.free(handle);
  }

  private storageSize(view: View): number {
    if (numelOf(view.shape) === 0) return 1;
    return view.shape.reduce((end, size, d) => end + (size - 1) * view.strides[d], view.offset) + 2;
  }
}
