/**
 * The backward engine: records graph nodes as core runs ops, and walks them from the roots in
 * topological order, summing each tensor's incoming gradients before its node runs.
 *
 * @module
 */
import {
  Tensor, noGrad, setGradEnabled, onesLike, zeros, retainWith, type AutogradEngine, type BackwardOptions, type OpAttrs,
} from '@typetorch/core';
import { AccumulateGrad, Node, OpNode, edgeOf, type OutputMeta } from './node.js';
import { getRule } from './rules/rule.js';
import { sumToShape } from './reduce-grad.js';

/** Records one op: builds its node and makes it the `gradFn` of each output. */
function record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: OpAttrs): void {
  const rule = getRule(op);
  const meta: OutputMeta[] = outputs.map((t) => ({ shape: t.shape, dtype: t.dtype, device: t.device }));
  const node = new OpNode(op, rule, inputs, outputs, attrs, inputs.map(edgeOf), meta);
  attach(node, outputs);
}

/** Makes `node` the gradFn of the floating-point outputs (integer outputs never require grad). */
export function attach(node: Node, outputs: readonly Tensor[]): void {
  outputs.forEach((out, i) => {
    if (!out.isFloatingPoint()) return;
    out._gradFn = node;
    out._outputNr = i;
  });
}

function watch(tensor: Tensor): void {
  const node = tensor._gradFn as Node | null;
  if (node === null) return;
  (node.watchers[tensor._outputNr] ??= new Set()).add(tensor);
}

/** What a run computes: gradients accumulated into leaves, or captured for given tensors. */
interface RunOptions {
  readonly retainGraph: boolean;
  readonly createGraph: boolean;
  /** Whether leaves' `.grad` receive gradients (`backward`) or not (`grad()`). */
  readonly accumulate: boolean;
  /** Tensors whose total gradient the run returns (`grad()`'s inputs, `backward`'s non-leaf inputs). */
  readonly capture?: readonly Tensor[];
  /** `backward(inputs)`: accumulate only into these leaves. */
  readonly accumulateOnly?: ReadonlySet<Tensor>;
}

/** A gradient buffer per (node, output index): the sum of everything flowing into it. */
class GradBuffers {
  private readonly buffers = new Map<Node, (Tensor | null)[]>();

  add(node: Node, index: number, grad: Tensor): void {
    let slots = this.buffers.get(node);
    if (!slots) this.buffers.set(node, (slots = []));
    const current = slots[index];
    slots[index] = current ? current.add(grad) : grad;
  }

  take(node: Node): (Tensor | null)[] {
    const slots = this.buffers.get(node) ?? [];
    this.buffers.delete(node);
    return slots;
  }
}

/** Nodes reachable from the roots, with the number of edges into each (for Kahn's algorithm). */
function dependencies(roots: readonly Node[]): Map<Node, number> {
  const counts = new Map<Node, number>();
  const stack: Node[] = [];
  for (const root of roots) {
    if (!counts.has(root)) {
      counts.set(root, 0);
      stack.push(root);
    }
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const [next] of node.nextFunctions) {
      if (next === null) continue;
      const seen = counts.has(next);
      counts.set(next, (counts.get(next) ?? 0) + 1);
      if (!seen) stack.push(next as Node);
    }
  }
  return counts;
}

/** Runs the hooks of tensors watching a node's output, and retains their gradient if asked. */
function runTensorHooks(node: Node, index: number, grad: Tensor, createGraph: boolean): Tensor {
  const watchers = node.watchers[index];
  if (!watchers) return grad;
  for (const t of watchers) {
    if (t._gradFn !== node || t._outputNr !== index) continue; // rebased by an in-place op since
    for (const hook of t._hooks ?? []) {
      const replaced = hook(grad);
      if (replaced instanceof Tensor) grad = replaced;
    }
    if (t._retainsGrad) storeGrad(t, grad, createGraph);
  }
  return grad;
}

/** Adds a gradient into a tensor's `.grad`: a fresh copy the first time, in place afterwards. */
function storeGrad(t: Tensor, grad: Tensor, createGraph: boolean): void {
  if (t.grad === null) {
    t.grad = createGraph ? grad : noGrad(() => grad.detach().clone());
    retainWith(t, t.grad); // a gradient made inside torch.tidy lives as long as its tensor
  } else if (createGraph) {
    t.grad = t.grad.add(grad);
    retainWith(t, t.grad);
  } else {
    noGrad(() => t.grad!.add_(grad));
  }
}

function accumulateLeaf(node: AccumulateGrad, grad: Tensor, options: RunOptions): void {
  const leaf = node.variable;
  for (const hook of leaf._hooks ?? []) {
    const replaced = hook(grad);
    if (replaced instanceof Tensor) grad = replaced;
  }
  if (options.accumulateOnly && !options.accumulateOnly.has(leaf)) return;
  storeGrad(leaf, grad, options.createGraph);
}

/** A zero gradient for an output that received none while another output of its node did. */
function zeroGrad(meta: OutputMeta): Tensor {
  return zeros(meta.shape as number[], { dtype: meta.dtype, device: meta.device });
}

/** Conforms a rule's gradient to its input: sums broadcast dims away and restores the dtype. */
function conform(grad: Tensor, input: Tensor): Tensor {
  let g = sumToShape(grad, input.shape);
  if (g.dtype !== input.dtype) g = g.to(input.dtype);
  return g;
}

/**
 * Runs backward from `roots` seeded with `seeds`. Returns the captured gradients when
 * `options.capture` is given (null for a tensor the roots do not depend on).
 */
export function run(roots: readonly Tensor[], seeds: readonly Tensor[], options: RunOptions): (Tensor | null)[] {
  const buffers = new GradBuffers();
  const rootNodes: Node[] = [];
  roots.forEach((root, i) => {
    const [node, index] = edgeOf(root);
    if (node === null) {
      throw new Error(`[backward] element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    buffers.add(node, index, seeds[i]);
    rootNodes.push(node);
  });

  // In grad() mode, a captured tensor's gradient is read from its node's buffer before the node runs.
  const captureAt = new Map<Node, Map<number, number[]>>();
  const captured: (Tensor | null)[] = (options.capture ?? []).map(() => null);
  options.capture?.forEach((t, k) => {
    const [node, index] = edgeOf(t);
    if (node === null) return;
    let byIndex = captureAt.get(node);
    if (!byIndex) captureAt.set(node, (byIndex = new Map()));
    byIndex.set(index, [...(byIndex.get(index) ?? []), k]);
  });

  const pending = dependencies(rootNodes);
  const ready: Node[] = [...new Set(rootNodes)].filter((n) => pending.get(n) === 0);
  const visited: OpNode[] = [];

  setGradEnabled(options.createGraph, () => {
    while (ready.length > 0) {
      const node = ready.pop()!;
      const grads = buffers.take(node);
      for (let i = 0; i < grads.length; i++) {
        if (grads[i]) grads[i] = runTensorHooks(node, i, grads[i]!, options.createGraph);
      }
      const wanted = captureAt.get(node);
      if (wanted) for (const [index, ks] of wanted) for (const k of ks) captured[k] = grads[index] ?? null;

      if (node instanceof AccumulateGrad) {
        if (options.accumulate && grads[0]) accumulateLeaf(node, grads[0], options);
      } else if (node instanceof OpNode) {
        visited.push(node);
        runNode(node, grads, buffers);
      }
      for (const [next] of node.nextFunctions) {
        if (next === null) continue;
        const left = pending.get(next)! - 1;
        pending.set(next, left);
        if (left === 0) ready.push(next as Node);
      }
    }
  });
  if (!options.retainGraph) for (const node of visited) node.release();
  return captured;
}

function runNode(node: OpNode, grads: (Tensor | null)[], buffers: GradBuffers): void {
  if (!grads.some((g) => g)) return; // nothing flowed in (e.g. an unused output)
  const edges = node.nextFunctions;
  const needsInputGrad = edges.map(([next]) => next !== null);
  if (!needsInputGrad.some(Boolean)) return;
  const { inputs, outputs } = node.savedValues();
  const filled = node.outputMeta.map((meta, i) => grads[i] ?? zeroGrad(meta));
  const inputGrads = node.rule.backward({ inputs, outputs, attrs: node.attrs, needsInputGrad }, filled);
  edges.forEach(([next, index], i) => {
    const g = inputGrads[i];
    if (next === null || g === null || g === undefined) return;
    buffers.add(next as Node, index, conform(g, inputs[i]));
  });
}

/** `tensor.backward(gradient, options)`. */
function backward(tensor: Tensor, gradient: Tensor | undefined, options: BackwardOptions): void {
  runBackward([tensor], gradient === undefined ? [] : [gradient], options);
}

/** Seeds for the roots: the given gradients, or ones for scalar roots. */
export function seedsFor(op: string, roots: readonly Tensor[], grads: readonly (Tensor | null | undefined)[]): Tensor[] {
  return roots.map((root, i) => {
    const g = grads[i];
    if (g !== undefined && g !== null) {
      if (g.shape.length !== root.shape.length || g.shape.some((d, j) => d !== root.shape[j])) {
        throw new Error(
          `[${op}] Mismatch in shape: grad_output[${i}] has a shape of [${g.shape.join(', ')}] and output[${i}] has a shape of [${root.shape.join(', ')}].`,
        );
      }
      return g;
    }
    if (!root.requiresGrad) {
      throw new Error(`[${op}] element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    if (root.numel() !== 1) throw new Error(`[${op}] grad can be implicitly created only for scalar outputs`);
    return onesLike(root);
  });
}

/** `autograd.backward(tensors, grads, options)`. */
export function runBackward(tensors: readonly Tensor[], grads: readonly (Tensor | null | undefined)[], options: BackwardOptions): void {
  for (const [i, t] of tensors.entries()) {
    if (!t.requiresGrad) {
      throw new Error(`[backward] element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
  }
  const seeds = seedsFor('backward', tensors, grads);
  const createGraph = options.createGraph ?? false;
  const inputs = options.inputs === undefined ? undefined : options.inputs instanceof Tensor ? [options.inputs] : options.inputs;
  // Non-leaf inputs get their total gradient in `.grad`, as in PyTorch.
  const nonLeafInputs = inputs?.filter((t) => !t.isLeaf) ?? [];
  const captured = run(tensors, seeds, {
    retainGraph: options.retainGraph ?? createGraph,
    createGraph,
    accumulate: true,
    accumulateOnly: inputs ? new Set(inputs) : undefined,
    capture: nonLeafInputs,
  });
  nonLeafInputs.forEach((t, i) => {
    if (captured[i]) storeGrad(t, captured[i]!, createGraph);
  });
}

/** The engine object registered with core. */
export const engine: AutogradEngine = { record, backward, watch };
