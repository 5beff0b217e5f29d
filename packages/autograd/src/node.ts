/**
 * Graph nodes: one per recorded op (`MulBackward0`, ...) and one per leaf that accumulates into
 * `.grad` (`AccumulateGrad`). Edges point from a node to the nodes of its inputs.
 *
 * @module
 */
import type { GradNode, OpAttrs, Tensor } from '@typetorch/core';
import type { Rule } from './rules/rule.js';

/** An edge to the node that receives an input's gradient, and which of its outputs that is. */
export type Edge = readonly [Node | null, number];

/** A value saved for backward with the version it had, to detect in-place changes. */
interface Saved {
  readonly tensor: Tensor;
  readonly version: number;
}

/** Shape and dtype of an output, to make zero gradients for outputs that received none. */
export interface OutputMeta {
  readonly shape: readonly number[];
  readonly dtype: Tensor['dtype'];
  readonly device: string;
}

/** What every node has; engine code treats all nodes alike through this. */
export abstract class Node implements GradNode {
  abstract readonly name: string;
  abstract readonly nextFunctions: readonly Edge[];
  /** Tensors (by output index) whose hooks run and that may retain their gradient. */
  readonly watchers: Set<Tensor>[] = [];

  /** `<MulBackward0>`, as PyTorch prints a node. */
  toString(): string {
    return `<${this.name}>`;
  }
}

/** The node of a recorded op. */
export class OpNode extends Node {
  readonly name: string;
  readonly nextFunctions: readonly Edge[];
  private inputs: readonly Tensor[] | null;
  private outputs: readonly Tensor[] | null;
  private readonly saved: readonly Saved[];
  released = false;

  constructor(
    readonly op: string,
    readonly rule: Rule,
    inputs: readonly Tensor[],
    outputs: readonly Tensor[],
    readonly attrs: OpAttrs,
    edges: readonly Edge[],
    readonly outputMeta: readonly OutputMeta[],
  ) {
    super();
    this.name = typeof rule.name === 'string' ? rule.name : rule.name(attrs);
    this.nextFunctions = edges;
    this.inputs = inputs;
    this.outputs = outputs;
    const saved: Saved[] = [];
    // A rule may name inputs an op records only sometimes (clamp's optional bounds).
    for (const i of rule.saves?.inputs ?? []) if (i < inputs.length) saved.push({ tensor: inputs[i], version: inputs[i]._version });
    if (rule.saves?.outputs) for (const t of outputs) saved.push({ tensor: t, version: t._version });
    this.saved = saved;
  }

  /** True when the rule reads saved values (so a second backward after release is an error). */
  get hasSaved(): boolean {
    return this.saved.length > 0;
  }

  /** The recorded inputs and outputs, after checking that saved values were not changed in place. */
  savedValues(): { inputs: readonly Tensor[]; outputs: readonly Tensor[] } {
    if (this.released || this.inputs === null || this.outputs === null) {
      throw new Error(
        `[backward] Trying to backward through the graph a second time (or directly access saved tensors after they ` +
          `have already been freed). Saved intermediate values of the graph are freed when you call .backward() or ` +
          `autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or if ` +
          `you need to access saved tensors after calling backward.`,
      );
    }
    for (const { tensor, version } of this.saved) {
      if (tensor._version !== version) {
        throw new Error(
          `[backward] one of the variables needed for gradient computation has been modified by an inplace operation: ` +
            `[${tensor.dtype} [${tensor.shape.join(', ')}]], which is an input or output of ${this.name}, is at version ` +
            `${tensor._version}; expected version ${version} instead. Hint: the operation that changed it was an ` +
            `in-place op (a method ending in _) after this value was used.`,
        );
      }
    }
    return { inputs: this.inputs, outputs: this.outputs };
  }

  /** Drops references to saved values after a backward pass that does not retain the graph. */
  release(): void {
    if (!this.hasSaved) return; // nothing saved: PyTorch allows running through such nodes again
    this.released = true;
    this.inputs = null;
    this.outputs = null;
  }
}

/** The node that adds a leaf's gradient into its `.grad`. */
export class AccumulateGrad extends Node {
  readonly name = 'AccumulateGrad';
  readonly nextFunctions: readonly Edge[] = [];
  constructor(readonly variable: Tensor) {
    super();
  }
}

const accumulators = new WeakMap<Tensor, AccumulateGrad>();

/** The (one, cached) AccumulateGrad node of a leaf. */
export function accumulatorOf(leaf: Tensor): AccumulateGrad {
  let node = accumulators.get(leaf);
  if (!node) accumulators.set(leaf, (node = new AccumulateGrad(leaf)));
  return node;
}

/** The edge along which a tensor receives its gradient, or null when it does not require grad. */
export function edgeOf(t: Tensor): Edge {
  if (t._gradFn !== null) return [t._gradFn as Node, t._outputNr];
  if (t.requiresGrad) return [accumulatorOf(t), 0];
  return [null, 0];
}
