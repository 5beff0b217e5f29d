/**
 * Derivative rules of views and shape ops (view, reshape, permute, transpose, expand, squeeze,
 * unsqueeze, slice, select, asStrided, flip, repeat), of joins (cat, stack), and of in-place writes
 * through views (CopySlices). None of them reads
 * values: they only move gradients around, with tensor ops, so they can be differentiated again.
 *
 * @module
 */
import { cat, noGrad, stack, tensor, where, zeros, type OpAttrs, type Tensor } from '@typetorch/core';
import { sumToShape } from '../reduce-grad.js';
import { defineRule, defineRules } from './rule.js';

function inputShape(attrs: OpAttrs): number[] {
  return [...(attrs.inputShape as readonly number[])];
}

/**
 * The gradient of a slice `start::step` (of `g.shape[dim]` elements) along `dim` of a tensor whose
 * size there is `size`: `g` spread out to every `step`-th position and padded with zeros.
 */
export function embedSlice(g: Tensor, dim: number, size: number, start: number, step: number): Tensor {
  const n = g.shape[dim];
  let spread = g;
  if (step > 1 && n > 0) {
    // [.., n, ..] -> [.., n, step, ..] with zeros after each element -> [.., n * step, ..].
    const gaps = g.newZeros([...g.shape.slice(0, dim + 1), step - 1, ...g.shape.slice(dim + 1)]);
    const interleaved = cat([g.unsqueeze(dim + 1), gaps], dim + 1);
    spread = interleaved.reshape([...g.shape.slice(0, dim), n * step, ...g.shape.slice(dim + 1)]);
    spread = spread.narrow(dim, 0, Math.min(n * step, size - start));
  }
  const covered = spread.shape[dim];
  const pieces: Tensor[] = [];
  const zerosAlong = (count: number) => g.newZeros([...g.shape.slice(0, dim), count, ...g.shape.slice(dim + 1)]);
  if (start > 0) pieces.push(zerosAlong(start));
  pieces.push(spread);
  if (size - start - covered > 0) pieces.push(zerosAlong(size - start - covered));
  return pieces.length === 1 ? spread : cat(pieces, dim);
}

/** Storage offsets of every element (row-major) of a strided geometry. */
function storageOffsets(shape: readonly number[], strides: readonly number[], offset: number): number[] {
  let offsets = [offset];
  shape.forEach((size, d) => {
    const next: number[] = [];
    for (const base of offsets) for (let i = 0; i < size; i++) next.push(base + i * strides[d]);
    offsets = next;
  });
  return offsets;
}

/**
 * asStrided: scatter-add the gradient onto the storage positions the view reads, then read the
 * input's positions back (dividing by how many input elements share one position, as PyTorch does
 * for overlapping inputs). The offsets are computed from the recorded geometry, not from values.
 */
function asStridedBackward(g: Tensor, attrs: OpAttrs): Tensor {
  const size = attrs.size as number[];
  const stride = attrs.stride as number[];
  const outOffsets = storageOffsets(size, stride, attrs.storageOffset as number);
  const inShape = inputShape(attrs);
  const inOffsets = storageOffsets(inShape, attrs.inputStrides as number[], attrs.inputOffset as number);
  const extent = Math.max(0, ...outOffsets, ...inOffsets) + 1;
  const asIndex = (offsets: number[]) => tensor(offsets, { dtype: 'int64', device: g.device });
  const storage = g.newZeros([extent]).scatterAdd(0, asIndex(outOffsets), g.reshape(-1));
  let result = storage.indexSelect(0, asIndex(inOffsets));
  const sharing = new Map<number, number>();
  for (const o of inOffsets) sharing.set(o, (sharing.get(o) ?? 0) + 1);
  if ([...sharing.values()].some((c) => c > 1)) {
    result = result.div(tensor(inOffsets.map((o) => sharing.get(o)!), { dtype: g.dtype, device: g.device }));
  }
  return result.reshape(inShape);
}

/** The gradient of `repeat`: sum the tiles back onto the input. */
function repeatBackward(g: Tensor, attrs: OpAttrs): Tensor {
  const repeats = attrs.repeats as number[];
  const shape = inputShape(attrs);
  const padded = [...new Array<number>(repeats.length - shape.length).fill(1), ...shape];
  const interleaved = repeats.flatMap((r, i) => [r, padded[i]]);
  const tileDims = repeats.map((_, i) => 2 * i);
  return g.reshape(interleaved).sum(tileDims).reshape(shape);
}

defineRules({
  view: { name: 'ViewBackward0', backward: ({ attrs }, [g]) => [g.reshape(inputShape(attrs))] },
  reshapeCopy: { name: 'UnsafeViewBackward0', backward: ({ attrs }, [g]) => [g.reshape(inputShape(attrs))] },
  reshapeAlias: { name: 'ReshapeAliasBackward0', backward: ({ attrs }, [g]) => [g.reshape(inputShape(attrs))] },
  alias: { name: 'AliasBackward0', backward: (_ctx, [g]) => [g] },
  permute: {
    name: 'PermuteBackward0',
    backward: ({ attrs }, [g]) => {
      const dims = attrs.dims as number[];
      const inverse = new Array<number>(dims.length);
      dims.forEach((d, i) => (inverse[d] = i));
      return [g.permute(inverse)];
    },
  },
  transpose: {
    name: 'TransposeBackward0',
    backward: ({ attrs }, [g]) => [g.transpose(attrs.dim0 as number, attrs.dim1 as number)],
  },
  t: { name: 'TBackward0', backward: (_ctx, [g]) => [g.t()] },
  expand: { name: 'ExpandBackward0', backward: ({ attrs }, [g]) => [sumToShape(g, inputShape(attrs))] },
  squeeze: {
    // PyTorch: squeeze() is SqueezeBackward0, squeeze(dim) SqueezeBackward1, squeeze(dims) SqueezeBackward2.
    // (core records the dim argument as given in `dimArg`; without it the node is SqueezeBackward0).
    name: (attrs) =>
      typeof attrs.dimArg === 'number' ? 'SqueezeBackward1' : Array.isArray(attrs.dimArg) ? 'SqueezeBackward2' : 'SqueezeBackward0',
    backward: ({ attrs }, [g]) => [g.reshape(inputShape(attrs))],
  },
  unsqueeze: { name: 'UnsqueezeBackward0', backward: ({ attrs }, [g]) => [g.squeeze(attrs.dim as number)] },
  asStrided: { name: 'AsStridedBackward0', backward: ({ attrs }, [g]) => [asStridedBackward(g, attrs)] },
  slice: {
    name: 'SliceBackward0',
    backward: ({ attrs }, [g]) => {
      const dim = attrs.dim as number;
      return [embedSlice(g, dim, inputShape(attrs)[dim], attrs.start as number, attrs.step as number)];
    },
  },
  select: {
    name: 'SelectBackward0',
    backward: ({ attrs }, [g]) => {
      const dim = attrs.dim as number;
      return [embedSlice(g.unsqueeze(dim), dim, inputShape(attrs)[dim], attrs.index as number, 1)];
    },
  },
  flip: { name: 'FlipBackward0', backward: ({ attrs }, [g]) => [g.flip(attrs.dims as number[])] },
  repeat: { name: 'RepeatBackward0', backward: ({ attrs }, [g]) => [repeatBackward(g, attrs)] },
  cat: {
    name: 'CatBackward0',
    backward: ({ inputs, attrs, needsInputGrad }, [g]) => {
      const dim = attrs.dim as number;
      const sizes = attrs.sizes as number[];
      let start = 0;
      return inputs.map((input, i) => {
        const from = start;
        start += sizes[i];
        if (!needsInputGrad[i]) return null;
        // A skipped 1-D empty input (PyTorch's legacy rule) gets an empty gradient of its own shape.
        if (sizes[i] === 0 && input.shape.length !== g.shape.length) return g.newZeros([...input.shape]);
        return g.narrow(dim, from, sizes[i]);
      });
    },
  },
  stack: {
    name: 'StackBackward0',
    backward: ({ inputs, attrs, needsInputGrad }, [g]) =>
      inputs.map((_, i) => (needsInputGrad[i] ? g.select(attrs.dim as number, i) : null)),
  },
  // Multi-output views, for when core records unbind/split as one node (attrs `{ dim }` and
  // `{ dim, sizes, withSizes }`); the engine passes zeros for pieces that received no gradient.
  unbind: { name: 'UnbindBackward0', backward: ({ attrs }, grads) => [stack([...grads], attrs.dim as number)] },
  split: {
    name: (attrs) => (attrs.withSizes ? 'SplitWithSizesBackward0' : 'SplitBackward0'),
    backward: ({ attrs }, grads) => [cat([...grads], attrs.dim as number)],
  },
});

/**
 * An in-place write through a view (PyTorch's `CopySlices`): inputs are the base before the write
 * and the values written; attrs give the written region as `asStrided` geometry relative to the
 * base. The region's gradient goes to the written values, the rest to the base's earlier history.
 */
defineRule('copySlices', {
  name: 'CopySlices',
  backward: ({ attrs, needsInputGrad: n }, [g]) => {
    const size = attrs.size as number[];
    const stride = attrs.stride as number[];
    const offset = attrs.offset as number;
    const grad = g.contiguous();
    const written = noGrad(() => {
      const mask = zeros([...g.shape], { dtype: 'bool', device: g.device });
      mask.asStrided(size, stride, offset).fill_(true);
      return mask;
    });
    return [n[0] ? where(written, 0, grad) : null, n[1] ? grad.asStrided(size, stride, offset) : null];
  },
});
