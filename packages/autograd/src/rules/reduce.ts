/**
 * Derivative rules of reductions, scans and softmax. Every rule is written with tensor ops (no
 * host reads), so it runs on any backend and can be differentiated again.
 *
 * @module
 */
import { arange, cat, where, type OpAttrs, type Tensor } from '@typetorch/core';
import { defineRules, type Rule } from './rule.js';

/** The attributes core records for a reduction over `dims`. */
interface ReduceAttrs {
  /** Reduced dims: non-negative, ascending (all dims when none was given). */
  dims: number[];
  keepdim: boolean;
}

function reduceAttrs(attrs: OpAttrs): ReduceAttrs {
  return { dims: attrs.dims as number[], keepdim: attrs.keepdim as boolean };
}

/** `shape` with size 1 on each reduced dim: the shape of a reduction's result with keepdim. */
function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((d, i) => (dims.includes(i) ? 1 : d));
}

/** Puts the reduced dims back (as size 1) into a tensor computed without keepdim. */
function restoreDims(t: Tensor, inputShape: readonly number[], { dims, keepdim }: ReduceAttrs): Tensor {
  return keepdim || dims.length === 0 ? t : t.reshape(keptShape(inputShape, dims));
}

/** How many input elements each output element of a reduction over `dims` combines. */
function countOver(shape: readonly number[], dims: readonly number[]): number {
  return dims.reduce((n, d) => n * shape[d], 1);
}

/** The mean over `dims` with keepdim (the tensor itself when nothing is reduced). */
function meanKept(x: Tensor, dims: readonly number[]): Tensor {
  return dims.length === 0 ? x : x.mean([...dims], { keepdim: true });
}

/**
 * max()/min() of all elements: the incoming gradient split evenly among the elements equal to the
 * result, a NaN result counting as equal to the NaNs (PyTorch's `evenly_distribute_backward`).
 */
function evenlyDistribute(g: Tensor, x: Tensor, result: Tensor): Tensor {
  const mask = x.eq(result).logicalOr(x.isnan().logicalAnd(result.isnan()));
  return where(mask, g.div(mask.sum()), 0);
}

/**
 * amax/amin: `(grad / count) * mask` over the elements equal to the result, exactly as PyTorch's
 * `scale_grad_by_count` (so a NaN result, which equals nothing, gives NaN gradients as there).
 */
function scaleByCount(gKept: Tensor, x: Tensor, resultKept: Tensor, dims: readonly number[]): Tensor {
  const mask = x.eq(resultKept);
  const count = dims.length === 0 ? mask.to(gKept.dtype) : mask.sum([...dims], { keepdim: true });
  return gKept.div(count).mul(mask);
}

const sum: Rule = {
  name: (attrs) => (attrs.allDims ? 'SumBackward0' : 'SumBackward1'),
  backward: ({ inputs: [x], attrs }, [g]) => [restoreDims(g, x.shape, reduceAttrs(attrs)).expand([...x.shape])],
};

const mean: Rule = {
  name: (attrs) => (attrs.allDims ? 'MeanBackward0' : 'MeanBackward1'),
  backward: ({ inputs: [x], attrs }, [g]) => {
    const a = reduceAttrs(attrs);
    return [restoreDims(g, x.shape, a).div(countOver(x.shape, a.dims)).expand([...x.shape])];
  },
};

/**
 * prod: each element's gradient is the product of all the others, computed as the product of the
 * exclusive prefix and suffix products along the dim (exact with zeros, and differentiable).
 */
function productOfOthers(x: Tensor, dim: number): Tensor {
  const n = x.shape[dim];
  const oneShape = x.shape.map((s, i) => (i === dim ? 1 : s));
  const ones = x.newOnes([...oneShape]);
  const prefix = cat([ones, x.narrow(dim, 0, n - 1)], dim).cumprod(dim);
  const suffix = cat([x.narrow(dim, 1, n - 1), ones], dim).flip(dim).cumprod(dim).flip(dim);
  return prefix.mul(suffix);
}

const prod: Rule = {
  name: (attrs) => (attrs.dim === null || attrs.dim === undefined ? 'ProdBackward0' : 'ProdBackward1'),
  saves: { inputs: [0] },
  backward: ({ inputs: [x], attrs }, [g]) => {
    if (x.numel() === 0) return [x.newZeros([...x.shape])];
    const a = reduceAttrs(attrs);
    const dim = attrs.dim as number | null;
    if (x.shape.length === 0) return [g];
    if (dim === null || dim === undefined) {
      const others = productOfOthers(x.reshape(-1), 0).reshape([...x.shape]);
      return [others.mul(g)];
    }
    return [productOfOthers(x, dim).mul(restoreDims(g, x.shape, { dims: [dim], keepdim: a.keepdim }))];
  },
};

/** max()/min() of all elements: the gradient is split evenly among the elements equal to the result. */
function extremeAll(name: string): Rule {
  return {
    name,
    saves: { inputs: [0], outputs: true },
    backward: ({ inputs: [x], outputs: [y] }, [g]) => [evenlyDistribute(g, x, y)],
  };
}

/** max(dim)/min(dim): the gradient goes to the recorded index of each slice. */
function extremeDim(name: string): Rule {
  return {
    name,
    // PyTorch saves the indices (not the input): a second backward is an error, and so is
    // changing the returned indices in place, while the input may change.
    saves: { attrs: ['indices'] },
    backward: ({ inputs: [x], attrs }, [g]) => {
      const dim = attrs.dim as number;
      const keepdim = attrs.keepdim as boolean;
      if (x.shape.length === 0) return [g];
      const indices = restoreDims(attrs.indices as Tensor, x.shape, { dims: [dim], keepdim });
      const positions = arange(x.shape[dim], { dtype: 'int64', device: g.device }).reshape(
        x.shape.map((s, i) => (i === dim ? s : 1)),
      );
      return [where(positions.eq(indices), restoreDims(g, x.shape, { dims: [dim], keepdim }), 0)];
    },
  };
}

/** amax/amin over dims: split evenly among the elements equal to the result. */
function extremeOverDims(name: string): Rule {
  return {
    name,
    saves: { inputs: [0], outputs: true },
    backward: ({ inputs: [x], outputs: [y], attrs }, [g]) => {
      const a = reduceAttrs(attrs);
      return [scaleByCount(restoreDims(g, x.shape, a), x, restoreDims(y, x.shape, a), a.dims)];
    },
  };
}

/**
 * d var / dx = 2 (x - mean) / (N - correction). Unlike the forward, PyTorch's var_backward does not
 * clamp the divisor at 0: with correction > N it is negative and the gradient finite.
 */
function varianceGrad(gKept: Tensor, x: Tensor, dims: readonly number[], correction: number): Tensor {
  const divisor = countOver(x.shape, dims) - correction;
  return gKept.mul(x.sub(meanKept(x, dims))).mul(2 / divisor);
}

const variance: Rule = {
  name: 'VarBackward0',
  saves: { inputs: [0] },
  backward: ({ inputs: [x], attrs }, [g]) => {
    const a = reduceAttrs(attrs);
    return [varianceGrad(restoreDims(g, x.shape, a), x, a.dims, attrs.correction as number)];
  },
};

const std: Rule = {
  name: 'StdBackward0',
  saves: { inputs: [0], outputs: true },
  backward: ({ inputs: [x], outputs: [y], attrs }, [g]) => {
    const a = reduceAttrs(attrs);
    const yKept = restoreDims(y, x.shape, a);
    // d std = d var / (2 std); PyTorch takes it as 0 where std is 0.
    const gVar = where(yKept.eq(0), 0, restoreDims(g, x.shape, a).div(yKept.mul(2)));
    return [varianceGrad(gVar, x, a.dims, attrs.correction as number)];
  },
};

const logsumexp: Rule = {
  name: 'LogsumexpBackward0',
  saves: { inputs: [0], outputs: true },
  backward: ({ inputs: [x], outputs: [y], attrs }, [g]) => {
    const a = reduceAttrs(attrs);
    return [restoreDims(g, x.shape, a).mul(x.sub(restoreDims(y, x.shape, a)).exp())];
  },
};

/** The p-norm's gradient, following PyTorch's `norm_backward` case by case. */
const norm: Rule = {
  name: 'NormBackward1',
  saves: { inputs: [0], outputs: true },
  backward: ({ inputs: [x], outputs: [y], attrs }, [g]) => {
    const a = reduceAttrs(attrs);
    const p = attrs.p as number;
    const gKept = restoreDims(g, x.shape, a);
    const nKept = restoreDims(y, x.shape, a);
    if (p === 0) return [null]; // piecewise constant: no gradient, as in PyTorch
    if (p === 1) return [x.sign().mul(gKept)];
    if (p === 2) return [x.mul(where(nKept.eq(0), 0, gKept.div(nKept)))];
    if (p === Infinity || p === -Infinity) {
      const magnitude = x.abs();
      const mask = magnitude.eq(nKept).logicalOr(magnitude.isnan());
      const count = a.dims.length === 0 ? mask.to(g.dtype) : mask.sum([...a.dims], { keepdim: true });
      return [x.sign().mul(where(mask, gKept.div(count), 0))];
    }
    if (p < 1) {
      // |x|^(p-1) is infinite at 0, where the gradient is taken as 0; norm^(1-p) is 0 at norm 0.
      const scaled = where(x.eq(0), 0, x.sign().mul(x.abs().pow(p - 1)));
      return [scaled.mul(gKept).mul(nKept.pow(1 - p))];
    }
    const scale = where(nKept.eq(0), 0, gKept.div(nKept.pow(p - 1)));
    if (p < 2) return [x.sign().mul(x.abs().pow(p - 1)).mul(scale)];
    return [x.mul(x.abs().pow(p - 2)).mul(scale)];
  },
};

/** Reverse cumulative sum along `dim`: out[i] = sum of t[j] for j >= i. */
function reverseCumsum(t: Tensor, dim: number): Tensor {
  return t.flip(dim).cumsum(dim).flip(dim);
}

const cumsum: Rule = {
  name: 'CumsumBackward0',
  backward: ({ inputs: [x], attrs }, [g]) => [x.shape.length === 0 ? g : reverseCumsum(g, attrs.dim as number)],
};

/**
 * cumprod: out[k] = prod of x[j] for j <= k, so d/dx[i] = sum over k >= i of g[k] out[k] / x[i].
 * Division is only valid before the first zero of a slice; at the first zero the gradient is the
 * reverse cumsum of g times the cumprod of x with that zero replaced by one; after it, zero.
 */
const cumprod: Rule = {
  name: 'CumprodBackward0',
  saves: { inputs: [0], outputs: true },
  backward: ({ inputs: [x], outputs: [y], attrs }, [g]) => {
    if (x.shape.length === 0) return [g];
    const dim = attrs.dim as number;
    const isZero = x.eq(0);
    const zerosSoFar = isZero.cumsum(dim);
    const beforeZero = zerosSoFar.eq(0);
    const firstZero = isZero.logicalAnd(zerosSoFar.eq(1));
    const safeX = where(isZero, 1, x);
    const regular = reverseCumsum(g.mul(y), dim).div(safeX);
    const atZero = reverseCumsum(g.mul(where(firstZero, 1, x).cumprod(dim)), dim);
    return [where(beforeZero, regular, where(firstZero, atZero, 0))];
  },
};

const softmax: Rule = {
  name: 'SoftmaxBackward0',
  saves: { outputs: true },
  backward: ({ outputs: [y], attrs }, [g]) => {
    const dim = attrs.dim as number;
    const gy = g.mul(y);
    return [gy.sub(y.mul(gy.sum(dim, { keepdim: true })))];
  },
};

const logSoftmax: Rule = {
  name: 'LogSoftmaxBackward0',
  saves: { outputs: true },
  backward: ({ outputs: [y], attrs }, [g]) => {
    const dim = attrs.dim as number;
    return [g.sub(y.exp().mul(g.sum(dim, { keepdim: true })))];
  },
};

defineRules({
  sum,
  mean,
  prod,
  maxAll: extremeAll('MaxBackward1'),
  minAll: extremeAll('MinBackward1'),
  maxDim: extremeDim('MaxBackward0'),
  minDim: extremeDim('MinBackward0'),
  amax: extremeOverDims('AmaxBackward0'),
  amin: extremeOverDims('AminBackward0'),
  var: variance,
  std,
  logsumexp,
  norm,
  cumsum,
  cumprod,
  softmax,
  logSoftmax,
});
