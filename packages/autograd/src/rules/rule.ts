/**
 * The shape of a derivative rule, and the table that maps core's op names to rules.
 *
 * @module
 */
import type { OpAttrs, Tensor } from '@typetorch/core';

/** What a rule sees when it runs: the op's inputs, outputs and attributes. */
export interface RuleContext {
  /** The op's tensor inputs, in the order core recorded them. */
  readonly inputs: readonly Tensor[];
  /** The op's outputs. */
  readonly outputs: readonly Tensor[];
  /** The op's non-tensor arguments. */
  readonly attrs: OpAttrs;
  /** For each input: whether its gradient is needed (rules skip the others). */
  readonly needsInputGrad: readonly boolean[];
}

/** Which recorded values a rule reads in backward; they are checked for in-place changes. */
export interface SavedSpec {
  /** Indices of inputs the rule reads. */
  inputs?: readonly number[];
  /** Whether the rule reads the outputs. */
  outputs?: boolean;
  /**
   * Names of attributes holding tensors (or arrays of tensors) the rule reads, such as the indices
   * of `max(dim)`: PyTorch saves them, so they are version-checked and freed like inputs.
   */
  attrs?: readonly string[];
}

/** A derivative rule: the vector-Jacobian product of one op, written with tensor ops. */
export interface Rule {
  /** PyTorch's name of the backward node (`'MulBackward0'`), or a function of the attributes. */
  readonly name: string | ((attrs: OpAttrs) => string);
  /**
   * The values `backward` reads (default: none), or a function of which inputs need a gradient:
   * PyTorch saves a value only when a needed gradient's formula uses it (`x * c` saves only `c`
   * when `c` does not require grad), so changing the other in place afterwards is allowed.
   */
  readonly saves?: SavedSpec | ((needsInputGrad: readonly boolean[], attrs: OpAttrs) => SavedSpec);
  /**
   * Gradients of the inputs, given the gradients of the outputs (null for an output that received
   * none when there are several). Return null for inputs without a gradient. The engine sums each
   * gradient back to its input's shape (broadcasting) and casts it to the input's dtype.
   */
  backward(ctx: RuleContext, grads: readonly Tensor[]): readonly (Tensor | null | undefined)[];
}

/** Saves for a product-like op: d/da reads b and d/db reads a (PyTorch's conditional saving). */
export function crossSaves(n: readonly boolean[]): SavedSpec {
  return { inputs: [...(n[1] ? [0] : []), ...(n[0] ? [1] : [])] };
}

const rules = new Map<string, Rule>();

/** Registers the rule for op `op`. */
export function defineRule(op: string, rule: Rule): void {
  rules.set(op, rule);
}

/** Registers several rules at once. */
export function defineRules(table: Readonly<Record<string, Rule>>): void {
  for (const [op, rule] of Object.entries(table)) rules.set(op, rule);
}

/** The rule of an op; an error names the op when there is none. */
export function getRule(op: string): Rule {
  const rule = rules.get(op);
  if (!rule) throw new Error(`[autograd] no derivative rule is registered for op '${op}'`);
  return rule;
}

/** The ops that have rules (for tests that check coverage). */
export function ruleNames(): string[] {
  return [...rules.keys()];
}
