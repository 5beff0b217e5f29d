/**
 * `torch.autograd.functional`: Jacobians, Hessians and vector products of whole functions.
 *
 * @module
 */
import { Tensor, stack, zerosLike, onesLike, noGrad } from '@typetorch/core';
import { grad } from './grad.js';

/** A function of tensors with one tensor result, as the functional API differentiates it. */
export type TensorFunction = (...inputs: Tensor[]) => Tensor;

function prepare(inputs: Tensor | readonly Tensor[]): Tensor[] {
  const list = inputs instanceof Tensor ? [inputs] : [...inputs];
  return list.map((t) => t.detach().requiresGrad_(true));
}

/** Options of the functional API. */
export interface FunctionalOptions {
  /** Record the computation so the result can be differentiated again. */
  createGraph?: boolean;
}

/**
 * The Jacobian of `fn` at `inputs`: for one input a tensor of shape `out.shape ++ in.shape`, for an
 * array of inputs an array of such tensors.
 */
export function jacobian(fn: TensorFunction, inputs: Tensor | readonly Tensor[], options: FunctionalOptions = {}): Tensor | Tensor[] {
  const xs = prepare(inputs);
  const out = fn(...xs);
  const rows: Tensor[][] = xs.map(() => []);
  const flat = out.reshape(-1);
  for (let k = 0; k < flat.numel(); k++) {
    const seed = zerosLike(out);
    noGrad(() => seed.view(-1).indexPut_([k], 1));
    const gs = grad(out, xs, { gradOutputs: seed, retainGraph: true, createGraph: options.createGraph, allowUnused: true });
    gs.forEach((g, i) => rows[i].push(g ?? zerosLike(xs[i])));
  }
  const jac = xs.map((x, i) =>
    rows[i].length === 0 ? zerosLike(x).reshape([...out.shape, ...x.shape]) : stack(rows[i]).reshape([...out.shape, ...x.shape]),
  );
  return inputs instanceof Tensor ? jac[0] : jac;
}

/** The Hessian of a scalar function: the Jacobian of its gradient. */
export function hessian(fn: TensorFunction, inputs: Tensor | readonly Tensor[]): Tensor | Tensor[][] {
  const xs = prepare(inputs);
  const gradient = (...args: Tensor[]) => {
    const [g] = grad(fn(...args), args, { createGraph: true, allowUnused: true }).map((g, i) => g ?? zerosLike(args[i]));
    return g;
  };
  if (inputs instanceof Tensor) return jacobian(gradient, xs[0]) as Tensor;
  return xs.map((_, i) => {
    const gi = (...args: Tensor[]) => grad(fn(...args), args, { createGraph: true, allowUnused: true }).map((g, j) => g ?? zerosLike(args[j]))[i];
    return jacobian(gi, xs) as Tensor[];
  });
}

/** `[fn(inputs), vᵀ J]`: the vector-Jacobian product (`v` may be omitted only for a one-element output). */
export function vjp(fn: TensorFunction, inputs: Tensor | readonly Tensor[], v?: Tensor): [Tensor, Tensor | Tensor[]] {
  const xs = prepare(inputs);
  const out = fn(...xs);
  // As PyTorch: an implicit v of ones is only unambiguous for a one-element output.
  if (v === undefined && out.numel() !== 1) {
    throw new Error(`[vjp] The vector v can only be None if the user-provided function returns a single Tensor with a single element.`);
  }
  const gs = grad(out, xs, { gradOutputs: v ?? onesLike(out), allowUnused: true }).map((g, i) => g ?? zerosLike(xs[i]));
  return [out.detach(), inputs instanceof Tensor ? gs[0] : gs];
}

/**
 * `[fn(inputs), J v]`: the Jacobian-vector product, by differentiating a vector-Jacobian product
 * (`v` may be omitted only for a single one-element input).
 */
export function jvp(fn: TensorFunction, inputs: Tensor | readonly Tensor[], v?: Tensor | readonly Tensor[]): [Tensor, Tensor] {
  const xs = prepare(inputs);
  if (v === undefined && (xs.length !== 1 || xs[0].numel() !== 1)) {
    throw new Error(`[jvp] The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.`);
  }
  const vs = v === undefined ? xs.map((x) => onesLike(x)) : v instanceof Tensor ? [v] : [...v];
  const out = fn(...xs);
  const u = zerosLike(out).requiresGrad_(true);
  const gs = grad(out, xs, { gradOutputs: u, createGraph: true, allowUnused: true });
  const used = gs.map((g, i) => [g, vs[i]] as const).filter((e): e is readonly [Tensor, Tensor] => e[0] !== null);
  const [jv] = grad(used.map(([g]) => g), u, { gradOutputs: used.map(([, vi]) => vi), allowUnused: true });
  return [out.detach(), jv ?? zerosLike(out)];
}
