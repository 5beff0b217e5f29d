/**
 * The backward engine: records graph nodes as core runs ops, and walks them from the roots in
 * topological order, summing each tensor's incoming gradients before its node runs.
 *
 * @module
 */
import {
  Tensor, noGrad, setGradEnabled, onesLike, zeros, retainWith, type AutogradEngine, type GradNode, type BackwardOptions, type OpAttrs,
} from '@typetorch/core';
import { AccumulateGrad, Node, OpNode, accumulatorOf, edgeOf, noteView, type OutputMeta } from './node.js';
import { getRule } from './rules/rule.js';
import { sumToShape } from './reduce-grad.js';

/** Records one op: builds its node and makes it the `gradFn` of each output. */
function record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: OpAttrs): void {
  const rule = getRule(op);
  const meta: OutputMeta[] = outputs.map((t) => ({ shape: t.shape, dtype: t.dtype, device: t.device }));
  const node = new OpNode(op, rule, inputs, outputs, attrs, inputs.map(edgeOf), meta);
  attach(node, outputs);
  for (const out of outputs) noteView(out);
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

/** Every node reachable from the roots. */
function reachableFrom(roots: readonly Node[]): Set<Node> {
  const seen = new Set<Node>(roots);
  const stack = [...seen];
  while (stack.length > 0) {
    for (const [next] of stack.pop()!.nextFunctions) {
      if (next !== null && !seen.has(next as Node)) {
        seen.add(next as Node);
        stack.push(next as Node);
      }
    }
  }
  return seen;
}

/**
 * The nodes that have a path to one of `targets` (PyTorch's `exec_info[fn].needed_`): only they
 * run when `grad()` or `backward(inputs)` asks for some gradients, so a pass never computes (or
 * trips over freed or modified saved values of) parts of the graph that cannot reach its inputs.
 */
function nodesLeadingTo(reachable: ReadonlySet<Node>, targets: ReadonlySet<Node>): Set<Node> {
  const memo = new Map<Node, boolean>();
  // Iterative post-order DFS: graphs can be deeper than the JS stack (long recurrent chains).
  for (const start of reachable) {
    if (memo.has(start)) continue;
    const stack: [Node, number][] = [[start, 0]];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const [node, i] = frame;
      const edges = node.nextFunctions;
      if (i < edges.length) {
        frame[1]++;
        const next = edges[i][0] as Node | null;
        if (next !== null && !memo.has(next)) stack.push([next, 0]);
        continue;
      }
      stack.pop();
      memo.set(node, edges.some(([next]) => next !== null && (targets.has(next as Node) || memo.get(next as Node) === true)));
    }
  }
  return new Set([...memo].filter(([, needed]) => needed).map(([node]) => node));
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
    // Always a copy, as PyTorch's AccumulateGrad makes one: the incoming gradient may be the
    // user's seed or be shared with other tensors (add passes it through unchanged), and an
    // aliased .grad would change them all on `grad.zero_()`. Under createGraph the copy is
    // recorded, so the stored gradient stays differentiable.
    t.grad = createGraph ? grad.clone() : noGrad(() => grad.detach().clone());
    retainWith(t, t.grad); // a gradient made inside torch.tidy lives as long as its tensor
  } else if (createGraph) {
    t.grad = t.grad.add(grad);
    retainWith(t, t.grad);
  } else {
    noGrad(() => t.grad!.add_(grad));
  }
}

function accumulateLeaf(node: AccumulateGrad, grad: Tensor, createGraph: boolean): void {
  const leaf = node.variable;
  for (const hook of leaf._hooks ?? []) {
    const replaced = hook(grad);
    if (replaced instanceof Tensor) grad = replaced;
  }
  storeGrad(leaf, grad, createGraph);
}

/** A zero gradient for an output that received none while another output of its node did. */
function zeroGrad(meta: OutputMeta): Tensor {
  return zeros(meta.shape as number[], { dtype: meta.dtype, device: meta.device });
}

/** Whether `shape` broadcasts to `target` (PyTorch's `is_expandable_to`). */
function expandableTo(shape: readonly number[], target: readonly number[]): boolean {
  const lead = target.length - shape.length;
  return lead >= 0 && shape.every((d, i) => d === target[lead + i] || d === 1);
}

/**
 * Conforms a rule's gradient to its input: sums broadcast dims away and restores the dtype. A
 * gradient the input cannot broadcast to is an error that names the node, as PyTorch's
 * validate_outputs gives (mostly met by a custom Function's backward).
 */
function conform(grad: Tensor, input: Tensor, node: Node, index: number): Tensor {
  if (!expandableTo(input.shape, grad.shape)) {
    throw new Error(
      `[backward] Function ${node.name} returned an invalid gradient at index ${index} - got [${grad.shape.join(', ')}] ` +
        `but expected shape compatible with [${input.shape.join(', ')}]`,
    );
  }
  let g = sumToShape(grad, input.shape);
  if (g.dtype !== input.dtype) g = g.to(input.dtype);
  return g;
}

/** Which nodes a pass runs, and which it only reads a gradient from. */
interface Plan {
  /** Nodes whose rule (or accumulation, for leaves) runs. */
  readonly executed: ReadonlySet<Node>;
  /** Executed nodes plus the nodes of captured tensors, whose gradient buffers are awaited. */
  readonly scheduled: ReadonlySet<Node>;
}

function plan(rootNodes: readonly Node[], options: RunOptions): Plan {
  const reachable = reachableFrom(rootNodes);
  if (options.capture === undefined && options.accumulateOnly === undefined) return { executed: reachable, scheduled: reachable };
  // Only some gradients are wanted: prune as PyTorch does. backward(inputs) accumulates into the
  // leaves it names (their AccumulateGrad runs); captured tensors are only read, not run.
  const captureNodes = new Set<Node>();
  for (const t of options.capture ?? []) {
    const [node] = edgeOf(t);
    if (node !== null) captureNodes.add(node);
  }
  const accumulateNodes = new Set<Node>();
  for (const t of options.accumulateOnly ?? []) {
    if (t.isLeaf && t.requiresGrad) accumulateNodes.add(accumulatorOf(t));
  }
  const targets = new Set([...captureNodes, ...accumulateNodes]);
  const executed = nodesLeadingTo(reachable, targets);
  for (const node of accumulateNodes) if (reachable.has(node)) executed.add(node);
  const scheduled = new Set(executed);
  for (const node of captureNodes) if (reachable.has(node)) scheduled.add(node);
  return { executed, scheduled };
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

  // A captured tensor's gradient is read from its node's buffer when the node's turn comes.
  const captureAt = new Map<Node, Map<number, number[]>>();
  const captured: (Tensor | null)[] = (options.capture ?? []).map(() => null);
  options.capture?.forEach((t, k) => {
    const [node, index] = edgeOf(t);
    if (node === null) return;
    let byIndex = captureAt.get(node);
    if (!byIndex) captureAt.set(node, (byIndex = new Map()));
    byIndex.set(index, [...(byIndex.get(index) ?? []), k]);
  });

  const { executed, scheduled } = plan(rootNodes, options);
  // Kahn's algorithm over the scheduled nodes; only executed nodes send gradients on.
  const pending = new Map<Node, number>();
  for (const node of executed) {
    for (const [next] of node.nextFunctions) {
      if (next !== null && scheduled.has(next as Node)) pending.set(next as Node, (pending.get(next as Node) ?? 0) + 1);
    }
  }
  const ready: Node[] = [...new Set(rootNodes)].filter((n) => scheduled.has(n) && !pending.has(n));
  const visited: OpNode[] = [];

  setGradEnabled(options.createGraph, () => {
    while (ready.length > 0) {
      const node = ready.pop()!;
      const grads = buffers.take(node);
      const runs = executed.has(node);
      const capture = () => {
        const wanted = captureAt.get(node);
        if (wanted) for (const [index, ks] of wanted) for (const k of ks) captured[k] = grads[index] ?? null;
      };
      // PyTorch 1.13: grad() reads a captured gradient before the tensor's hooks, and hooks run only
      // on nodes that execute; backward(inputs) stores a non-leaf input's gradient after its hooks.
      if (!options.accumulate) capture();
      if (runs || options.accumulate) {
        for (let i = 0; i < grads.length; i++) {
          if (grads[i]) grads[i] = runTensorHooks(node, i, grads[i]!, options.createGraph);
        }
      }
      if (options.accumulate) capture();
      if (!runs) continue;

      if (node instanceof AccumulateGrad) {
        if (options.accumulate && grads[0]) accumulateLeaf(node, grads[0], options.createGraph);
      } else if (node instanceof OpNode) {
        visited.push(node);
        runNode(node, grads, buffers, scheduled);
      }
      for (const [next] of node.nextFunctions) {
        if (next === null || !scheduled.has(next as Node)) continue;
        const left = pending.get(next as Node)! - 1;
        pending.set(next as Node, left);
        if (left === 0) ready.push(next as Node);
      }
    }
  });
  if (!options.retainGraph) for (const node of visited) node.release();
  return captured;
}

function runNode(node: OpNode, grads: (Tensor | null)[], buffers: GradBuffers, scheduled: ReadonlySet<Node>): void {
  if (!grads.some((g) => g)) return; // nothing flowed in (e.g. an unused output)
  const edges = node.nextFunctions;
  // An input's gradient is needed only when its node takes part in this pass (pruned otherwise).
  const needsInputGrad = edges.map(([next]) => next !== null && scheduled.has(next as Node));
  if (!needsInputGrad.some(Boolean)) return;
  const { inputs, outputs } = node.savedValues();
  const filled = node.outputMeta.map((meta, i) => grads[i] ?? zeroGrad(meta));
  const inputGrads = node.rule.backward({ inputs, outputs, attrs: node.attrs, needsInputGrad }, filled);
  edges.forEach(([next, index], i) => {
    const g = inputGrads[i];
    if (!needsInputGrad[i] || g === null || g === undefined) return;
    buffers.add(next as Node, index, conform(g, inputs[i], node, i));
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
      // PyTorch casts a given gradient to its output's dtype (validate_outputs), so a float64 seed
      // of a float32 output does not leak float64 into hooks and retained gradients.
      return g.dtype === root.dtype ? g : g.to(root.dtype);
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
    capture: inputs ? nonLeafInputs : undefined,
  });
  nonLeafInputs.forEach((t, i) => {
    // A tensor that retains its gradient already stored it when its hooks ran: PyTorch's
    // backward(inputs) calls retain_grad(), which is a no-op the second time.
    if (captured[i] && !t._retainsGrad) storeGrad(t, captured[i]!, createGraph);
  });
}

/** An in-place op is about to overwrite `tensor`: nodes that saved it keep a copy. */
function saveBeforeOverwrite(node: GradNode, tensor: Tensor): void {
  if (node instanceof OpNode) node.preserve(tensor);
}

/** The engine object registered with core. */
export const engine: AutogradEngine = { record, backward, watch, saveBeforeOverwrite };
