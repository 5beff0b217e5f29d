/**
 * Derivative rules of matrix products: `mm`, `bmm`, `mv`, `dot`, and the general `matmul` (1-D
 * operands and broadcast batch dims). Written with products and transposes, so they differentiate
 * again.
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { sumToShape } from '../reduce-grad.js';
import { crossSaves, defineRules, type Rule } from './rule.js';

/**
 * matmul with PyTorch's rules: a 1-D `a` is a row `[1, k]`, a 1-D `b` a column `[k, 1]`, batch
 * dims broadcast. The gradient is computed on those matrix forms and summed back to each
 * operand's shape (batch dims that were broadcast, and the added row/column dims).
 */
function matmulBackward(a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  const aMatrix = a.ndim === 1 ? a.unsqueeze(0) : a;
  const bMatrix = b.ndim === 1 ? b.unsqueeze(-1) : b;
  let gMatrix = g;
  if (b.ndim === 1) gMatrix = gMatrix.unsqueeze(-1);
  if (a.ndim === 1) gMatrix = gMatrix.unsqueeze(-2);
  const ga = needs[0] ? sumToShape(gMatrix.matmul(bMatrix.transpose(-2, -1)), aMatrix.shape).reshape([...a.shape]) : null;
  const gb = needs[1] ? sumToShape(aMatrix.transpose(-2, -1).matmul(gMatrix), bMatrix.shape).reshape([...b.shape]) : null;
  return [ga, gb];
}

const matmul: Rule = {
  // PyTorch's matmul is a composite: a vector times a matrix (or batch) ends in a squeeze of the
  // added dim (SqueezeBackward3); batched products end in a reshape (UnsafeViewBackward0).
  name: (attrs) => (attrs.vectorMatrix ? 'SqueezeBackward3' : 'UnsafeViewBackward0'),
  saves: crossSaves,
  backward: ({ inputs: [a, b], needsInputGrad }, [g]) => matmulBackward(a, b, g, needsInputGrad),
};

defineRules({
  matmul,
  mm: {
    name: 'MmBackward0',
    saves: crossSaves,
    backward: ({ inputs: [a, b], needsInputGrad: n }, [g]) => [n[0] ? g.mm(b.t()) : null, n[1] ? a.t().mm(g) : null],
  },
  bmm: {
    name: 'BmmBackward0',
    saves: crossSaves,
    backward: ({ inputs: [a, b], needsInputGrad: n }, [g]) => [
      n[0] ? g.bmm(b.transpose(1, 2)) : null,
      n[1] ? a.transpose(1, 2).bmm(g) : null,
    ],
  },
  mv: {
    name: 'MvBackward0',
    saves: crossSaves,
    backward: ({ inputs: [a, b], needsInputGrad: n }, [g]) => [
      n[0] ? g.unsqueeze(1).mul(b) : null,
      n[1] ? a.t().mv(g) : null,
    ],
  },
  dot: {
    name: 'DotBackward0',
    saves: crossSaves,
    backward: ({ inputs: [a, b], needsInputGrad: n }, [g]) => [n[0] ? g.mul(b) : null, n[1] ? g.mul(a) : null],
  },
});
