/**
 * Custom differentiable functions (PyTorch's `torch.autograd.Function`): a static `forward` and
 * `backward`, applied with `MyFunction.apply(...)`.
 *
 * @module
 */
import { Tensor, isGradEnabled, noGrad } from '@typetorch/core';
import { OpNode, checkVersions, edgeOf, freedGraphMessage, type Saved } from './node.js';
import { attach } from './engine.js';
import type { Rule } from './rules/rule.js';

/** The `ctx` object passed to a custom function's `forward` and `backward`. */
export class Context {
  /** For each argument of `forward`: whether it is a tensor whose gradient is needed. */
  needsInputGrad: boolean[] = [];
  private saved: Saved[] = [];
  private freed = false;
  /** @internal The node's name (`CubeBackward`), for error messages. */
  nodeName = 'Function';
  /** @internal Outputs excluded from differentiation. */
  readonly nonDifferentiable = new Set<Tensor>();
  /** Users may keep other values on the context, as in PyTorch (`ctx.constant = 3`). */
  [key: string]: unknown;

  /** Saves tensors for `backward`; they are checked for in-place changes when read. */
  saveForBackward(...tensors: (Tensor | null | undefined)[]): void {
    this.saved = tensors.filter((t): t is Tensor => t instanceof Tensor).map((tensor) => ({ tensor, version: tensor._version }));
  }

  /** The tensors given to {@link saveForBackward}. */
  get savedTensors(): Tensor[] {
    // The same errors as built-in nodes give, as in PyTorch.
    if (this.freed) throw new Error(freedGraphMessage());
    checkVersions(this.saved, this.nodeName);
    return this.saved.map((s) => s.tensor);
  }

  /** Marks outputs as not differentiable (e.g. integer indices). */
  markNonDifferentiable(...outputs: Tensor[]): void {
    for (const t of outputs) this.nonDifferentiable.add(t);
  }

  /** @internal Drops saved tensors after a backward that does not retain the graph. */
  free(): void {
    this.freed = true;
    this.saved = [];
  }
}

/** What a custom function's `forward` returns: one tensor or several. */
export type FunctionOutput = Tensor | readonly Tensor[];

/** The static methods a subclass of {@link Function} defines, as `apply` calls them. */
interface FunctionDefinition {
  forward(ctx: Context, ...args: unknown[]): FunctionOutput;
  backward(ctx: Context, ...grads: Tensor[]): Tensor | null | readonly (Tensor | null | undefined)[];
}

/**
 * Base class of custom differentiable functions. Subclasses define `static forward(ctx, ...args)`
 * and `static backward(ctx, ...gradOutputs)`, which returns one gradient (or null) per argument of
 * `forward`; call them with `MyFunction.apply(...args)`.
 */
export class Function {
  // `forward` and `backward` are deliberately not declared here: a subclass then defines them
  // without `override`, so PyTorch-style code (API.md) compiles under `noImplicitOverride` too.

  /** Runs the function and, when gradients are needed, records one node for it. */
  static apply<T extends FunctionOutput = Tensor>(this: typeof Function, ...args: unknown[]): T {
    const fn = this as unknown as Partial<FunctionDefinition>;
    const forward = fn.forward;
    const backward = fn.backward;
    if (typeof forward !== 'function') {
      throw new Error(`[Function] ${this.name}.forward is not defined: subclasses define static forward(ctx, ...args)`);
    }
    if (typeof backward !== 'function') {
      throw new Error(`[Function] ${this.name}.backward is not defined: subclasses define static backward(ctx, ...grads)`);
    }
    const ctx = new Context();
    const name = `${this.name}Backward`;
    ctx.nodeName = name;
    ctx.needsInputGrad = args.map((a) => a instanceof Tensor && a.requiresGrad && isGradEnabled());
    const raw = noGrad(() => forward.call(fn, ctx, ...args));
    if (!ctx.needsInputGrad.some(Boolean)) return raw as T;

    // An output that is an input object gets its own tensor, so the input keeps its own history.
    const list = (raw instanceof Tensor ? [raw] : [...raw]).map((t) => (args.includes(t) ? t.detach() : t));
    const tensorArgs = args.map((a, i) => [a, i] as const).filter((e): e is readonly [Tensor, number] => e[0] instanceof Tensor);
    const rule: Rule = {
      name,
      backward(_ctx, grads) {
        const result = backward.call(fn, ctx, ...grads);
        const perArg = result instanceof Tensor || result === null || result === undefined ? [result ?? null] : [...result];
        checkGradientCount(name, args, perArg);
        return tensorArgs.map(([, argIndex]) => perArg[argIndex] ?? null);
      },
    };
    const inputs = tensorArgs.map(([t]) => t);
    const differentiable = list.filter((t) => !ctx.nonDifferentiable.has(t));
    const node = new FunctionNode(ctx, rule, inputs, list, list.map((t) => ({ shape: t.shape, dtype: t.dtype, device: t.device })));
    attach(node, differentiable);
    return (raw instanceof Tensor ? list[0] : list) as unknown as T;
  }
}

/**
 * PyTorch's checks on what a custom backward returns: one gradient per argument of forward (extra
 * trailing nulls are dropped), and null for every argument that is not a tensor. Silently
 * ignoring a missing or misplaced gradient would hide a bug in the user's backward.
 */
function checkGradientCount(name: string, args: readonly unknown[], grads: (Tensor | null | undefined)[]): void {
  while (grads.length > args.length && (grads[grads.length - 1] === null || grads[grads.length - 1] === undefined)) grads.pop();
  if (grads.length !== args.length) {
    throw new Error(`[backward] function ${name} returned an incorrect number of gradients (expected ${args.length}, got ${grads.length})`);
  }
  grads.forEach((g, i) => {
    if (g !== null && g !== undefined && !(args[i] instanceof Tensor)) {
      throw new Error(
        `[backward] function ${name} returned a gradient different than null at position ${i + 1}, but the corresponding forward input was not a Tensor`,
      );
    }
  });
}

/** The node of a custom function: frees the context's saved tensors on release. */
class FunctionNode extends OpNode {
  constructor(private readonly ctx: Context, rule: Rule, inputs: readonly Tensor[], outputs: readonly Tensor[], meta: OpNode['outputMeta']) {
    super('Function', rule, inputs, outputs, {}, inputs.map(edgeOf), meta);
  }

  override release(): void {
    this.ctx.free();
  }
}
