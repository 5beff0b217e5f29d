/**
 * `gradcheck` and `gradgradcheck`: compare analytical gradients with central finite differences.
 * They are testing tools and read values synchronously (CPU).
 *
 * @module
 */
import { Tensor, enableGrad, noGrad, zerosLike, randnLike } from '@typetorch/core';
import { grad } from './grad.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Relative tolerance. */
  rtol?: number;
  /** Throw with the Jacobians on mismatch (default) instead of returning false. */
  raiseException?: boolean;
}

/** A function checked by {@link gradcheck}: tensors in, one or several tensors out. */
export type CheckedFunction = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(fn: CheckedFunction, inputs: Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return out instanceof Tensor ? [out] : [...out];
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

function valuesOf(t: Tensor): number[] {
  return Array.from(t.detach().contiguous().dataSync() as ArrayLike<number>, Number);
}

/** Numerical Jacobians d(output o)/d(input i) as rows [input element][output element]. */
function numericalJacobian(fn: CheckedFunction, inputs: Tensor[], i: number, eps: number): number[][][] {
  const x = inputs[i];
  const rows: number[][][] = [];
  noGrad(() => {
    for (let j = 0; j < x.numel(); j++) {
      const at = unravel(j, x.shape);
      const original = Number(x.index(...at).itemSync());
      x.indexPut_(at, original + eps);
      const plus = outputsOf(fn, inputs).map(valuesOf);
      x.indexPut_(at, original - eps);
      const minus = outputsOf(fn, inputs).map(valuesOf);
      x.indexPut_(at, original);
      rows.push(plus.map((p, o) => p.map((v, k) => (v - minus[o][k]) / (2 * eps))));
    }
  });
  return rows;
}

/** Analytical Jacobians, one backward pass per output element. */
function analyticalJacobian(fn: CheckedFunction, inputs: Tensor[], i: number): number[][][] {
  const x = inputs[i];
  const outputs = outputsOf(fn, inputs);
  const rows: number[][][] = Array.from({ length: x.numel() }, () => outputs.map((o) => new Array<number>(o.numel()).fill(0)));
  outputs.forEach((out, o) => {
    if (!out.requiresGrad) return;
    for (let k = 0; k < out.numel(); k++) {
      const seed = zerosLike(out);
      noGrad(() => seed.indexPut_(unravel(k, out.shape), 1));
      const [g] = grad(out, [x], { gradOutputs: seed, retainGraph: true, allowUnused: true });
      const values = g ? valuesOf(g) : new Array<number>(x.numel()).fill(0);
      values.forEach((v, j) => (rows[j][o][k] = v));
    }
  });
  return rows;
}

/**
 * Checks the gradients of `fn` at `inputs` against finite differences (use float64 inputs that
 * require grad). Returns true, or throws (or returns false) describing the first mismatch.
 */
export function gradcheck(fn: CheckedFunction, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  const list = [...inputs];
  for (let i = 0; i < list.length; i++) {
    if (!list[i].requiresGrad) continue;
    const numerical = numericalJacobian(fn, list, i, eps);
    const analytical = analyticalJacobian(fn, list, i);
    for (let j = 0; j < numerical.length; j++) {
      for (let o = 0; o < numerical[j].length; o++) {
        for (let k = 0; k < numerical[j][o].length; k++) {
          const n = numerical[j][o][k];
          const a = analytical[j][o][k];
          const ok = Math.abs(a - n) <= atol + rtol * Math.abs(n) || (Number.isNaN(a) && Number.isNaN(n));
          if (ok) continue;
          const message =
            `[gradcheck] Jacobian mismatch for output ${o} with respect to input ${i} at input element ${j}, ` +
            `output element ${k}: numerical ${n}, analytical ${a} (atol ${atol}, rtol ${rtol})`;
          if (raiseException) throw new Error(message);
          return false;
        }
      }
    }
  }
  return true;
}

/**
 * Checks second derivatives: gradcheck of the function that maps `(inputs, gradOutputs)` to the
 * gradients of `fn` (computed with `createGraph`). Random gradOutputs are used when not given.
 */
export function gradgradcheck(
  fn: CheckedFunction,
  inputs: readonly Tensor[],
  gradOutputs?: readonly Tensor[],
  options: GradcheckOptions = {},
): boolean {
  const outputs = outputsOf(fn, [...inputs]);
  const seeds = gradOutputs ?? outputs.map((o) => randnLike(o).requiresGrad_(true));
  const diffInputs = inputs.filter((t) => t.requiresGrad);
  const n = inputs.length;
  // Gradients need a graph even when gradcheck evaluates this under noGrad (finite differences).
  const firstOrder: CheckedFunction = (...all: Tensor[]) =>
    enableGrad(() => {
      const xs = all.slice(0, n);
      const gs = all.slice(n);
      const outs = outputsOf(fn, xs);
      const differentiable = xs.filter((t) => t.requiresGrad);
      const grads = grad(outs, differentiable, { gradOutputs: gs, createGraph: true, allowUnused: true });
      return grads.map((g, i) => g ?? zerosLike(differentiable[i]));
    });
  if (diffInputs.length === 0) return true;
  return gradcheck(firstOrder, [...inputs, ...seeds], options);
}
