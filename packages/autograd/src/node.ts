/**
 * Graph nodes: one per recorded op (`MulBackward0`, ...) and one per leaf that accumulates into
 * `.grad` (`AccumulateGrad`). Edges point from a node to the nodes of its inputs.
 *
 * @module
 */
import { Tensor, enableGrad, noGrad, type GradNode, type OpAttrs } from '@typetorch/core';
import type { Rule } from './rules/rule.js';

/** An edge to the node that receives an input's gradient, and which of its outputs that is. */
export type Edge = readonly [Node | null, number];

/** A value saved for backward with the version it had, to detect in-place changes. */
export interface Saved {
  readonly tensor: Tensor;
  readonly version: number;
  /** Which input of the op this is, when it is one. */
  readonly input?: number;
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
  private saved: readonly Saved[];
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
    const needsInputGrad = edges.map(([next]) => next !== null);
    const spec = typeof rule.saves === 'function' ? rule.saves(needsInputGrad, attrs) : rule.saves;
    const saved: Saved[] = [];
    // A rule may name inputs an op records only sometimes (clamp's optional bounds).
    for (const i of spec?.inputs ?? []) if (i < inputs.length) saved.push({ tensor: inputs[i], version: inputs[i]._version, input: i });
    if (spec?.outputs) for (const t of outputs) saved.push({ tensor: t, version: t._version });
    for (const name of spec?.attrs ?? []) {
      const value = attrs[name];
      for (const t of Array.isArray(value) ? value : [value]) {
        if (t instanceof Tensor) saved.push({ tensor: t, version: t._version });
      }
    }
    this.saved = saved;
  }

  /**
   * An in-place op whose node this is is about to overwrite `self`, its first input: where the rule
   * saved that input, keep a copy of the old values instead (PyTorch's `original_self`). Other
   * saved references to the same tensor (`y.mul_(y)` saves `y` as the other factor too) keep
   * pointing at it, so backward reports their change as PyTorch does.
   */
  preserve(self: Tensor): void {
    if (this.inputs === null || this.inputs[0] !== self || !this.saved.some((s) => s.input === 0)) return;
    const copy = noGrad(() => self.detach().clone());
    this.inputs = [copy, ...this.inputs.slice(1)];
    this.saved = this.saved.map((s) => (s.input === 0 ? { tensor: copy, version: copy._version, input: 0 } : s));
  }

  /** True when the rule reads saved values (so a second backward after release is an error). */
  get hasSaved(): boolean {
    return this.saved.length > 0;
  }

  /** The recorded inputs and outputs, after checking that saved values were not changed in place. */
  savedValues(): { inputs: readonly Tensor[]; outputs: readonly Tensor[] } {
    if (this.released || this.inputs === null || this.outputs === null) throw new Error(freedGraphMessage());
    checkVersions(this.saved, this.name);
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

/** PyTorch's error for reading saved values after the graph was freed. */
export function freedGraphMessage(): string {
  return (
    `[backward] Trying to backward through the graph a second time (or directly access saved tensors after they ` +
    `have already been freed). Saved intermediate values of the graph are freed when you call .backward() or ` +
    `autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or if ` +
    `you need to access saved tensors after calling backward.`
  );
}

/** Throws PyTorch's error when a saved value was changed in place after it was saved. */
export function checkVersions(saved: readonly Saved[], nodeName: string): void {
  for (const { tensor, version } of saved) {
    if (tensor._version !== version) {
      throw new Error(
        `[backward] one of the variables needed for gradient computation has been modified by an inplace operation: ` +
          `[${tensor.dtype} [${tensor.shape.join(', ')}]], which is an input or output of ${nodeName}, is at version ` +
          `${tensor._version}; expected version ${version} instead. Hint: the operation that changed it was an ` +
          `in-place op (a method ending in _) after this value was used.`,
      );
    }
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

/** The storage version at which each view's gradFn was recorded (PyTorch's view `attr_version`). */
const viewVersions = new WeakMap<Tensor, number>();

/** Notes the version at which a view got its gradFn, so a later in-place write can be detected. */
export function noteView(t: Tensor): void {
  if (t._base !== null) viewVersions.set(t, t._version);
}

/**
 * A view whose storage was written in place since it got its gradFn (through the base or another
 * view) has a stale history: its values now come from the base's new history. As PyTorch does
 * when it reads such a view's grad_fn, rebuild it as an asStrided view of the base (the write
 * through `y.view(2, 2)[0].zero_()` must reach an older `v = y.view(2, 2)` too).
 */
function refreshView(t: Tensor): void {
  const base = t._base;
  const recorded = viewVersions.get(t);
  if (base === null || recorded === undefined || recorded === t._version || !base.requiresGrad) return;
  const fresh = enableGrad(() => base.asStrided([...t.shape], [...t._strides], t._offset));
  t._gradFn = fresh._gradFn;
  t._outputNr = fresh._outputNr;
  viewVersions.set(t, t._version);
  // Hooks and retainGrad() follow the tensor to its new node.
  if (t._retainsGrad || (t._hooks?.length ?? 0) > 0) {
    const node = t._gradFn as Node;
    (node.watchers[t._outputNr] ??= new Set()).add(t);
  }
}

/** The edge along which a tensor receives its gradient, or null when it does not require grad. */
export function edgeOf(t: Tensor): Edge {
  if (t._gradFn !== null && t._base !== null) refreshView(t);
  if (t._gradFn !== null) return [t._gradFn as Node, t._outputNr];
  if (t.requiresGrad) return [accumulatorOf(t), 0];
  return [null, 0];
}
