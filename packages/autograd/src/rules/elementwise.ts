/**
 * Derivative rules of elementwise ops. Each is the vector-Jacobian product written with tensor
 * ops, so it runs on every backend and can itself be differentiated (higher-order gradients).
 *
 * @module
 */
import { where, zerosLike, type Tensor } from '@typetorch/core';
import { crossSaves, defineRules, type Rule } from './rule.js';

const LN2 = Math.LN2;
const LN10 = Math.LN10;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** A rule of a one-input op whose gradient is `g * f(x, y)`. */
function unaryRule(name: string, uses: 'input' | 'output' | 'none', derivative: (g: Tensor, x: Tensor, y: Tensor) => Tensor): Rule {
  return {
    name,
    saves: uses === 'input' ? { inputs: [0] } : uses === 'output' ? { outputs: true } : {},
    backward: ({ inputs, outputs }, [g]) => [derivative(g, inputs[0], outputs[0])],
  };
}

/** Ops whose derivative is zero almost everywhere (PyTorch still records a node for them). */
function zeroRule(name: string): Rule {
  return { name, backward: (_ctx, [g]) => [zerosLike(g)] };
}

defineRules({
  neg: unaryRule('NegBackward0', 'none', (g) => g.neg()),
  abs: unaryRule('AbsBackward0', 'input', (g, x) => g.mul(x.sign())),
  sign: zeroRule('SignBackward0'),
  floor: zeroRule('FloorBackward0'),
  ceil: zeroRule('CeilBackward0'),
  round: zeroRule('RoundBackward0'),
  trunc: zeroRule('TruncBackward0'),
  exp: unaryRule('ExpBackward0', 'output', (g, _x, y) => g.mul(y)),
  exp2: unaryRule('Exp2Backward0', 'output', (g, _x, y) => g.mul(y).mul(LN2)),
  expm1: unaryRule('Expm1Backward0', 'output', (g, _x, y) => g.mul(y.add(1))),
  log: unaryRule('LogBackward0', 'input', (g, x) => g.div(x)),
  log2: unaryRule('Log2Backward0', 'input', (g, x) => g.div(x.mul(LN2))),
  log10: unaryRule('Log10Backward0', 'input', (g, x) => g.div(x.mul(LN10))),
  log1p: unaryRule('Log1PBackward0', 'input', (g, x) => g.div(x.add(1))),
  sqrt: unaryRule('SqrtBackward0', 'output', (g, _x, y) => g.div(y.mul(2))),
  rsqrt: unaryRule('RsqrtBackward0', 'output', (g, _x, y) => g.mul(y.pow(3)).mul(-0.5)),
  reciprocal: unaryRule('ReciprocalBackward0', 'output', (g, _x, y) => g.mul(y.mul(y)).neg()),
  sin: unaryRule('SinBackward0', 'input', (g, x) => g.mul(x.cos())),
  cos: unaryRule('CosBackward0', 'input', (g, x) => g.mul(x.sin()).neg()),
  tan: unaryRule('TanBackward0', 'output', (g, _x, y) => g.mul(y.mul(y).add(1))),
  asin: unaryRule('AsinBackward0', 'input', (g, x) => g.div(x.mul(x).neg().add(1).sqrt())),
  acos: unaryRule('AcosBackward0', 'input', (g, x) => g.div(x.mul(x).neg().add(1).sqrt()).neg()),
  atan: unaryRule('AtanBackward0', 'input', (g, x) => g.div(x.mul(x).add(1))),
  sinh: unaryRule('SinhBackward0', 'input', (g, x) => g.mul(x.cosh())),
  cosh: unaryRule('CoshBackward0', 'input', (g, x) => g.mul(x.sinh())),
  tanh: unaryRule('TanhBackward0', 'output', (g, _x, y) => g.mul(y.mul(y).neg().add(1))),
  sigmoid: unaryRule('SigmoidBackward0', 'output', (g, _x, y) => g.mul(y.mul(y.neg().add(1)))),
  // PyTorch's threshold_backward: zero where result <= 0, else g (so a NaN input passes g through,
  // and an infinite g does not become NaN where the mask is 0).
  relu: unaryRule('ReluBackward0', 'output', (g, _x, y) => where(y.le(0), 0, g)),
  erf: unaryRule('ErfBackward0', 'input', (g, x) => g.mul(x.mul(x).neg().exp().mul(TWO_OVER_SQRT_PI))),

  add: { name: 'AddBackward0', backward: ({ needsInputGrad: n }, [g]) => [n[0] ? g : null, n[1] ? g : null] },
  sub: { name: 'SubBackward0', backward: ({ needsInputGrad: n }, [g]) => [n[0] ? g : null, n[1] ? g.neg() : null] },
  mul: {
    name: 'MulBackward0',
    saves: crossSaves,
    backward: ({ inputs: [a, b], needsInputGrad: n }, [g]) => [n[0] ? g.mul(b) : null, n[1] ? g.mul(a) : null],
  },
  div: {
    name: 'DivBackward0',
    // d/da needs b; d/db needs a and b (PyTorch saves only what the needed formulas use).
    saves: (n) => ({ inputs: n[1] ? [0, 1] : n[0] ? [1] : [] }),
    backward: ({ inputs: [a, b], needsInputGrad: n }, [g]) => [
      n[0] ? g.div(b) : null,
      // PyTorch's order, -g * ((a / b) / b): squaring b first underflows to 0 for small float32
      // divisors (1e-30 * 1e-30), which turned a finite gradient into an infinite one.
      n[1] ? g.neg().mul(a.div(b).div(b)) : null,
    ],
  },
  remainder: {
    name: 'RemainderBackward0',
    saves: (n) => ({ inputs: n[1] ? [0, 1] : [] }),
    backward: ({ inputs: [a, b], needsInputGrad: n }, [g]) => [
      n[0] ? g : null,
      n[1] ? g.mul(a.div(b, { roundingMode: 'floor' })).neg() : null,
    ],
  },
  pow: {
    name: (attrs) => (attrs.scalarBase ? 'PowBackward2' : attrs.scalarExponent ? 'PowBackward0' : 'PowBackward1'),
    // PyTorch: d/dx reads x and e, d/de also the result; `y = x.pow(2); y.add_(1)` must stay legal.
    saves: (n) => ({ inputs: n[0] || n[1] ? [0, 1] : [], outputs: n[1] }),
    backward: ({ inputs: [x, e], outputs: [y], needsInputGrad: n }, [g]) => [
      // d/dx x^e = e x^(e-1), taken as 0 where e == 0 as PyTorch does. The mask only covers the
      // points where the product is not already 0 (x == 0 or NaN), which keeps the mixed second
      // derivative d/de = x^-1 elsewhere.
      n[0] ? where(e.eq(0).logicalAnd(x.eq(0).logicalOr(x.isnan())), 0, g.mul(e).mul(x.pow(e.sub(1)))) : null,
      // d/de x^e = x^e log x, taken as 0 where x == 0 and e >= 0 (the limit).
      n[1] ? where(x.eq(0).logicalAnd(e.ge(0)), 0, g.mul(y).mul(x.log())) : null,
    ],
  },
  atan2: {
    name: 'Atan2Backward0',
    saves: { inputs: [0, 1] },
    backward: ({ inputs: [a, b], needsInputGrad: n }, [g]) => {
      const denominator = a.mul(a).add(b.mul(b));
      return [n[0] ? g.mul(b).div(denominator) : null, n[1] ? g.mul(a).neg().div(denominator) : null];
    },
  },
  maximum: extremumRule('MaximumBackward0', 'lt'),
  minimum: extremumRule('MinimumBackward0', 'gt'),
  lerp: {
    // PyTorch names lerp with a scalar weight LerpBackward0 (core marks it with `scalarWeight`).
    name: (attrs) => (attrs.scalarWeight ? 'LerpBackward0' : 'LerpBackward1'),
    // A scalar weight is core's own constant: PyTorch's LerpBackward0 saves nothing, so the
    // graph can be run again and start/end may change in place afterwards.
    saves: (n, attrs) => ({ inputs: [...(n[2] ? [0, 1] : []), ...((n[0] || n[1]) && !attrs.scalarWeight ? [2] : [])] }),
    backward: ({ inputs: [start, end, w], needsInputGrad: n }, [g]) => [
      n[0] ? g.mul(w.neg().add(1)) : null,
      n[1] ? g.mul(w) : null,
      n[2] ? g.mul(end.sub(start)) : null,
    ],
  },
  clamp: {
    // PyTorch: ClampBackward1 for scalar bounds, ClampBackward0 for tensor bounds (clamp.Tensor).
    // Core does not yet record `tensorBounds`; until it does, every clamp is named ClampBackward1.
    name: (attrs) => (attrs.tensorBounds ? 'ClampBackward0' : 'ClampBackward1'),
    saves: { inputs: [0, 1, 2] },
    backward: ({ inputs, attrs, needsInputGrad: n }, [g]) => {
      const x = inputs[0];
      const lo = attrs.hasMin ? inputs[1] : null;
      const hi = attrs.hasMax ? inputs[attrs.hasMin ? 2 : 1] : null;
      let inside = x.eq(x); // false only at NaN, where PyTorch's comparisons also give a zero gradient
      if (lo) inside = inside.logicalAnd(x.ge(lo));
      if (hi) inside = inside.logicalAnd(x.le(hi));
      const grads: (Tensor | null)[] = [n[0] ? where(inside, g, 0) : null];
      // With both bounds and min > max the result is max (PyTorch's clamp_backward_min_max): min
      // gets the gradient only below a proper range, max also wherever it is below min.
      if (lo) grads.push(n[1] ? where(hi ? x.lt(lo).logicalAnd(lo.lt(hi)) : x.lt(lo), g, 0) : null);
      if (hi) grads.push(n[grads.length] ? where(lo ? x.gt(hi).logicalOr(hi.lt(lo)) : x.gt(hi), g, 0) : null);
      return grads;
    },
  },
  where: {
    name: 'WhereBackward0',
    saves: { inputs: [0] },
    backward: ({ inputs: [cond], needsInputGrad: n }, [g]) => [
      null,
      n[1] ? where(cond, g, 0) : null,
      n[2] ? where(cond, 0, g) : null,
    ],
  },
  maskedFill: {
    name: 'MaskedFillBackward0',
    saves: { inputs: [1] },
    backward: ({ inputs: [, mask], needsInputGrad: n }, [g]) => [
      n[0] ? g.maskedFill(mask, 0) : null,
      null,
      n[2] ? where(mask, g, 0).sum() : null,
    ],
  },
  toDtype: { name: 'ToCopyBackward0', backward: (_ctx, [g]) => [g] },
  toDevice: { name: 'ToCopyBackward0', backward: ({ attrs }, [g]) => [g.to(attrs.device as string)] },
  clone: { name: 'CloneBackward0', backward: (_ctx, [g]) => [g] },
  // fill_/zero_ of a tensor with history, if core records it as 'fill' with inputs [self] or
  // [self, value (0-d tensor)] and attrs `{ zero, tensorValue }`: the old values get no gradient.
  fill: {
    name: (attrs) => (attrs.zero ? 'ZeroBackward0' : attrs.tensorValue ? 'FillBackward3' : 'FillBackward2'),
    backward: ({ inputs, needsInputGrad: n }, [g]) => [n[0] ? zerosLike(g) : null, inputs.length > 1 && n[1] ? g.sum() : null],
  },
});

/**
 * maximum/minimum: the gradient is split evenly on ties and zero for the input that loses; as in
 * PyTorch (`where(a == b, g / 2, g).masked_fill_(a < b, 0)`), an input compared with NaN neither
 * ties nor loses, so both inputs of a NaN result get the full gradient.
 */
function extremumRule(name: string, loses: 'gt' | 'lt'): Rule {
  return {
    name,
    saves: { inputs: [0, 1] },
    backward: ({ inputs: [a, b], needsInputGrad: n }, [g]) => {
      const half = g.mul(0.5);
      const ties = a.eq(b);
      return [
        n[0] ? where(ties, half, where(a[loses](b), 0, g)) : null,
        n[1] ? where(ties, half, where(b[loses](a), 0, g)) : null,
      ];
    },
  };
}
