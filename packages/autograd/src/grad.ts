/**
 * `torch.autograd.grad` and `torch.autograd.backward`: the functional entry points of the engine.
 *
 * @module
 */
import { Tensor, type BackwardOptions } from '@typetorch/core';
import { run, runBackward, seedsFor } from './engine.js';

/** Options of {@link grad}. */
export interface GradOptions {
  /** Gradients of the outputs (ones for scalar outputs when omitted). */
  gradOutputs?: Tensor | readonly (Tensor | null)[] | null;
  /** Keep the graph for another backward pass. Defaults to `createGraph`. */
  retainGraph?: boolean;
  /** Record the backward pass, for higher-order derivatives. */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of an error. */
  allowUnused?: boolean;
}

function asList(value: Tensor | readonly Tensor[]): readonly Tensor[] {
  return value instanceof Tensor ? [value] : value;
}

/**
 * The gradients of `outputs` with respect to `inputs` (PyTorch's `torch.autograd.grad`), without
 * touching any `.grad`. Returns one entry per input.
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = asList(outputs);
  const ins = asList(inputs);
  for (const [i, t] of ins.entries()) {
    if (!t.requiresGrad) throw new Error(`[grad] One of the differentiated Tensors (input ${i}) does not require grad`);
  }
  const given = options.gradOutputs;
  const gradOutputs = given === undefined || given === null ? [] : given instanceof Tensor ? [given] : given;
  const seeds = seedsFor('grad', outs, gradOutputs);
  const createGraph = options.createGraph ?? false;
  const result = run(outs, seeds, { retainGraph: options.retainGraph ?? createGraph, createGraph, accumulate: false, capture: ins });
  return result.map((g, i) => {
    if (g === null && !options.allowUnused) {
      throw new Error(
        `[grad] One of the differentiated Tensors (input ${i}) appears to not have been used in the graph. ` +
          `Set allowUnused: true if this is the desired behavior.`,
      );
    }
    if (g === null) return null;
    return g.shape.length === ins[i].shape.length && g.dtype === ins[i].dtype ? g : g.reshape([...ins[i].shape]).to(ins[i].dtype);
  });
}

/** Options of {@link backward}. */
export interface AutogradBackwardOptions extends BackwardOptions {
  /** Gradients of the tensors (ones for scalars when omitted). */
  gradTensors?: Tensor | readonly (Tensor | null)[] | null;
}

/** Accumulates gradients of `tensors` into the leaves' `.grad` (PyTorch's `torch.autograd.backward`). */
export function backward(tensors: Tensor | readonly Tensor[], options: AutogradBackwardOptions = {}): void {
  const given = options.gradTensors;
  const grads = given === undefined || given === null ? [] : given instanceof Tensor ? [given] : given;
  runBackward(asList(tensors), grads, options);
}
