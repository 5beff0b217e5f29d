/**
 * gather, scatter and scatterAdd along one dimension.
 *
 * All three walk the index tensor's shape. The operand indexed along `dim` gets a zero stride there
 * (the walk pins it to the start of the dimension) and the index value, checked against the size of
 * that dimension, supplies the step.
 *
 * @module
 */
import type { View } from '@typetorch/core';
import { arrayOf, type NumberArray } from './storage.js';
import { forEachRow, withStride } from './strided.js';

/** PyTorch's message for an index outside `[0, size)` (negative indices are not wrapped either). */
function outOfBounds(op: string, index: number, dim: number, size: number): never {
  throw new Error(`[${op}] index ${index} is out of bounds for dimension ${dim} with size ${size}`);
}

/** `out[p] = x[p with dim replaced by index[p]]` over every position `p` of `index`. */
export function gather(out: View, x: View, dim: number, index: View): void {
  const o = arrayOf(out) as NumberArray; // values are only moved, so bigints pass through too
  const xd = arrayOf(x) as NumberArray;
  const idx = arrayOf(index) as ArrayLike<number | bigint>;
  const size = x.shape[dim];
  const step = x.strides[dim];
  forEachRow(index.shape, [index, out, withStride(x, dim, 0)], (n, at, st) => {
    for (let i = 0, ii = at[0], oi = at[1], xi = at[2]; i < n; i++, ii += st[0], oi += st[1], xi += st[2]) {
      const k = Number(idx[ii]);
      if (!(k >= 0 && k < size)) outOfBounds('gather', k, dim, size);
      o[oi] = xd[xi + k * step];
    }
  });
}

/**
 * Calls `put(target, source)` for every position `p` of `index`, where `target` is the element of
 * `out` at `p` with `dim` replaced by `index[p]` and `source` the element of `src` at `p`.
 */
function scatterWith(op: string, out: View, dim: number, index: View, src: View, put: (target: number, source: number) => void): void {
  const idx = arrayOf(index) as ArrayLike<number | bigint>;
  const size = out.shape[dim];
  const step = out.strides[dim];
  forEachRow(index.shape, [index, src, withStride(out, dim, 0)], (n, at, st) => {
    for (let i = 0, ii = at[0], si = at[1], oi = at[2]; i < n; i++, ii += st[0], si += st[1], oi += st[2]) {
      const k = Number(idx[ii]);
      if (!(k >= 0 && k < size)) outOfBounds(op, k, dim, size);
      put(oi + k * step, si);
    }
  });
}

/** `out[p with dim = index[p]] = src[p]`; with duplicate indices the last write (row-major) wins. */
export function scatter(out: View, dim: number, index: View, src: View): void {
  const o = arrayOf(out) as NumberArray;
  const s = arrayOf(src) as NumberArray;
  scatterWith('scatter', out, dim, index, src, (target, source) => { o[target] = s[source]; });
}

/** `out[p with dim = index[p]] += src[p]`, accumulating duplicates. */
export function scatterAdd(out: View, dim: number, index: View, src: View): void {
  if (out.dtype === 'int64') {
    const o = arrayOf(out) as BigInt64Array;
    const s = arrayOf(src) as BigInt64Array;
    scatterWith('scatterAdd', out, dim, index, src, (target, source) => { o[target] += s[source]; });
  } else if (out.dtype === 'bool') {
    const o = arrayOf(out) as Uint8Array;
    const s = arrayOf(src) as Uint8Array;
    scatterWith('scatterAdd', out, dim, index, src, (target, source) => { o[target] |= s[source]; });
  } else {
    const o = arrayOf(out) as NumberArray;
    const s = arrayOf(src) as NumberArray;
    scatterWith('scatterAdd', out, dim, index, src, (target, source) => { o[target] += s[source]; });
  }
}
