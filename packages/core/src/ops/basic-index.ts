/**
 * The basic half of `x[...]`: integers select, slices slice and `null` inserts a dim, all as views
 * (recorded as `'select'`, `'slice'` and `'unsqueeze'` when `x` requires grad, as in PyTorch).
 * Index tensors are collected per dim of the resulting view for the advanced half.
 *
 * @module
 */
import { emptyTensor, backendOf, viewOf } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import type { IndexEntry } from './advanced-index.js';
import type { ResolvedItem } from './index-parse.js';
import { nonzeroSync } from './nonzero.js';
import { select, slice } from './shape-ops.js';
import { unsqueeze } from './views.js';

/** The view that basic items select, and one index tensor (or null) per dim of that view. */
export interface BasicIndexResult {
  readonly view: Tensor;
  readonly indices: (IndexEntry | null)[];
}

/** Whether a slice covers a whole dim of `size` (PyTorch then skips it). */
function isFullSlice(start: number | null, stop: number | null, step: number, size: number): boolean {
  if (step !== 1) return false;
  const begin = start === null ? 0 : start < 0 ? start + size : start;
  const end = stop === null ? size : stop < 0 ? stop + size : stop;
  return begin <= 0 && end >= size;
}

/** Applies integers, slices and new axes to `x` as views and collects the index tensors. */
export function applyBasic(op: string, x: Tensor, items: readonly ResolvedItem[], maskHint: string): BasicIndexResult {
  let view = x;
  const indices: (IndexEntry | null)[] = [];
  let d = 0;
  for (const item of items) {
    switch (item.kind) {
      case 'int': {
        const size = view.shape[d];
        if (item.value < -size || item.value >= size) {
          throw new Error(`[${op}] index ${item.value} is out of bounds for dimension ${item.dim} with size ${size}`);
        }
        view = select(view, d, item.value);
        break;
      }
      case 'slice':
        // PyTorch skips whole-dim slices among several items, but x[:] alone is a SliceBackward0 view.
        if (items.length === 1 || !isFullSlice(item.start, item.stop, item.step, view.shape[d])) {
          view = slice(view, d, item.start, item.stop, item.step);
        }
        indices[d++] = null;
        break;
      case 'newaxis':
        view = unsqueeze(view, d);
        indices[d++] = null;
        break;
      case 'tensor':
        indices[d++] = { index: item.index, trusted: item.trusted, dim: item.dim };
        break;
      case 'mask0': {
        // A 0-d mask adds a dim of size 1, indexed by as many zeros as the mask has true values (0 or 1).
        view = unsqueeze(view, d);
        const count = nonzeroSync(op, item.mask, maskHint).shape[0];
        const zeros = emptyTensor([count], 'int64', x.device);
        if (count > 0) backendOf(zeros).fill(viewOf(zeros), 0n);
        indices[d] = { index: zeros, trusted: true, dim: d };
        d++;
        break;
      }
    }
  }
  while (indices.length < view.shape.length) indices.push(null);
  return { view, indices };
}
