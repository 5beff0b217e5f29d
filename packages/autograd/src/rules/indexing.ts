/**
 * Derivative rules of indexing: advanced `index`, `indexPut`, `gather`, `scatter`, `scatterAdd`,
 * `indexSelect` and `maskedSelect`. Gradients are routed with the opposite indexing op (gather ↔
 * scatter-add, index ↔ accumulating indexPut), so they differentiate again.
 *
 * @module
 */
import type { IndexItem, OpAttrs, Tensor } from '@typetorch/core';
import { defineRules } from './rule.js';
import { embedSlice } from './views.js';

function inputShape(attrs: OpAttrs): number[] {
  return [...(attrs.inputShape as readonly number[])];
}

/**
 * The gradient of a scatter's `src`: `g.gather(dim, index)` has the index's shape, which may be
 * smaller than `src`'s in any dim; the elements of `src` that were not read get zeros. (PyTorch
 * 1.13 rejects this case in backward; padding is what its gradient is.)
 */
function srcGrad(g: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  let out = g.gather(dim, index);
  src.shape.forEach((size, d) => {
    if (out.shape[d] < size) out = embedSlice(out, d, size, 0, 1);
  });
  return out;
}

/** Index items selecting what per-dim index tensors select: `':'` for dims without one. */
function itemsOf(indices: readonly (Tensor | null)[]): IndexItem[] {
  return indices.map((t) => t ?? ':');
}

defineRules({
  index: {
    name: 'IndexBackward0',
    saves: { attrs: ['indices'] }, // as PyTorch: a second backward without retainGraph is an error
    backward: ({ attrs }, [g]) => [
      g.newZeros(inputShape(attrs)).indexPut(itemsOf(attrs.indices as (Tensor | null)[]), g, { accumulate: true }),
    ],
  },
  indexPut: {
    name: 'IndexPutBackward0',
    backward: ({ attrs, needsInputGrad: n }, [g]) => {
      const items = attrs.items as IndexItem[];
      return [
        n[0] ? (attrs.accumulate ? g : g.indexPut(items, 0)) : null,
        // The value was broadcast to the selection; the engine sums its gradient back.
        n[1] ? g.index(...items) : null,
      ];
    },
  },
  gather: {
    name: 'GatherBackward0',
    saves: { inputs: [0, 1] }, // PyTorch's gather_backward saves self too (an in-place change is an error)
    backward: ({ inputs: [, index], attrs }, [g]) => [
      g.newZeros(inputShape(attrs)).scatterAdd(attrs.dim as number, index, g),
      null,
    ],
  },
  scatter: {
    name: (attrs) => (attrs.scalarSrc ? 'ScatterBackward1' : 'ScatterBackward0'),
    saves: { inputs: [1] },
    backward: ({ inputs: [, index, src], attrs, needsInputGrad: n }, [g]) => {
      const dim = attrs.dim as number;
      return [n[0] ? g.scatter(dim, index, 0) : null, null, n[2] && !attrs.scalarSrc ? srcGrad(g, dim, index, src) : null];
    },
  },
  scatterAdd: {
    name: 'ScatterAddBackward0',
    saves: { inputs: [1] },
    backward: ({ inputs: [, index, src], attrs, needsInputGrad: n }, [g]) => [
      n[0] ? g : null,
      null,
      n[2] ? srcGrad(g, attrs.dim as number, index, src) : null,
    ],
  },
  indexSelect: {
    name: 'IndexSelectBackward0',
    saves: { inputs: [1] },
    backward: ({ inputs: [, index], attrs }, [g]) => {
      const shape = inputShape(attrs);
      if (shape.length === 0) return [g, null];
      const dim = attrs.dim as number;
      const items: IndexItem[] = [...new Array<IndexItem>(dim).fill(':'), index];
      return [g.newZeros(shape).indexPut(items, g, { accumulate: true }), null];
    },
  },
  maskedSelect: {
    name: 'MaskedSelectBackward0',
    saves: { inputs: [1] },
    backward: ({ attrs }, [g]) => [
      // Scattered at the recorded coordinates of the broadcast shape; the engine sums a broadcast input back.
      g.newZeros([...(attrs.shape as number[])]).indexPut(attrs.indices as Tensor[], g, { accumulate: true }),
      null,
    ],
  },
});
