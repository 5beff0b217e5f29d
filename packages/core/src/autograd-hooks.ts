/**
 * The seam between core and the autograd package. Core's dispatch tells the registered engine about
 * every op that needs a graph node; `Tensor.backward()` hands over to it. Without the autograd
 * package installed, ops still mark their results as requiring grad, and `backward()` says which
 * package to add.
 *
 * @module
 */
import type { Tensor } from './tensor.js';

/** A node of the backward graph, as PyTorch's `grad_fn` (e.g. `MulBackward0`). */
export interface GradNode {
  /** PyTorch's name of the backward function, e.g. `'MulBackward0'`. */
  readonly name: string;
  /** The nodes that receive this node's input gradients, with the output index of each. */
  readonly nextFunctions: ReadonlyArray<readonly [GradNode | null, number]>;
}

/** Options of `Tensor.backward()` and `autograd.backward()`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. Defaults to `createGraph`. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
  /** Accumulate gradients only into these leaves. */
  inputs?: Tensor | readonly Tensor[];
}

/** Non-tensor arguments of an op, kept on its graph node for the derivative rule. */
export type OpAttrs = Readonly<Record<string, unknown>>;

/** What the autograd package registers with core. */
export interface AutogradEngine {
  /**
   * Records op `op` that computed `outputs` from `inputs` (all tensor inputs, in order, including
   * those that do not require grad) with `attrs`; sets each output's `gradFn`.
   */
  record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: OpAttrs): void;
  /** Runs backward from `tensor`, seeded with `gradient` (ones for a scalar when undefined). */
  backward(tensor: Tensor, gradient: Tensor | undefined, options: BackwardOptions): void;
  /**
   * Called when a non-leaf tensor gets a hook or `retainGrad()`, so the engine can find it from its
   * `gradFn` during backward.
   */
  watch(tensor: Tensor): void;
  /**
   * Called by an in-place op just before it overwrites `tensor`, which `node` (the op's own node)
   * may have saved as an input: the engine keeps a copy of the old values for the derivative rule,
   * as PyTorch saves `original_self` for in-place formulas that read it.
   */
  saveBeforeOverwrite(node: GradNode, tensor: Tensor): void;
}

let engine: AutogradEngine | undefined;

/** Installs the autograd engine (`@typetorch/autograd` calls this when imported); undefined removes it. */
export function registerAutograd(impl: AutogradEngine | undefined): void {
  engine = impl;
}

/** The installed engine, if any. */
export function getAutograd(): AutogradEngine | undefined {
  return engine;
}

/** The installed engine; throws a message that names the package to add when there is none. */
export function requireAutograd(op: string): AutogradEngine {
  if (engine) return engine;
  throw new Error(
    `[${op}] gradients need the autograd package: import '@typetorch/autograd' (or use 'typetorch', which includes it)`,
  );
}
