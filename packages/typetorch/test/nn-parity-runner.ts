/**
 * Runs one nn parity case (see scripts/fixtures/gen_nn_parity.py for the format) against typetorch
 * and returns the list of problems found (empty when the case passes). Tensors are built, read and
 * compared with the core parity runner's helpers (parity-runner.ts).
 *
 * Conventions the runner relies on (issue 3, .briefs/issue3.md):
 * - modules: `new torch.nn[ctor](...args, options?)`: PyTorch's class name; PyTorch's required
 *   parameters positional, in order; every other argument the case sets in ONE options object with
 *   camelCase keys (`kernelSize`, `ceilMode`, `paddingIdx`, `labelSmoothing`, ...), passed only when
 *   the case sets any (`new nn.Dropout({ p: 0.2 })`, `new nn.Softmax({ dim: 1 })`); tuples as
 *   arrays, Python's None as `null` (`{ momentum: null }`, `AdaptiveAvgPool2d([null, 2])`); tensor
 *   options (a loss's `weight`, `posWeight`) are Tensors. Every layer also takes its optional
 *   arguments positionally, as PyTorch does (packages/nn/test/args-forms.test.ts checks that both
 *   forms agree), but the runner always passes the keyword form the fixtures record;
 * - float64 cases: `m.to('float64')` right after construction (PyTorch's `m.double()`);
 * - `Object.keys(m.stateDict())` equals PyTorch's state dict keys (a plain object; a Map also works);
 * - `m.loadStateDict(stateDict, { strict })` with PyTorch's keys (strict when the keys agree);
 * - `m.train()` / `m.eval()`; forward: `m.call(...inputs)` (a loss: `m.call(input, target)`);
 * - results: a Tensor, or several (MaxPool with `returnIndices`) as an array `[values, indices]`
 *   (`{ values, indices }` is accepted too);
 * - gradients: `out.backward(gradOutput)` (several differentiable outputs: the sum of
 *   `out_i.mul(g_i).sum()`), then each input's `.grad` and, by name, each parameter's `.grad` from
 *   `m.namedParameters()` (`[name, parameter]` pairs);
 * - buffers after the passes: `m.stateDict()[key]` (running_mean, running_var, num_batches_tracked);
 * - functional: `torch.nn.functional[fn](...args, options?)`: the arguments PyTorch's call passes
 *   positionally stay positional (`linear(x, w, b)`, `conv2d(x, w, null, { groups: 2 })`), keyword
 *   arguments go in the options object (`interpolate(x, { scaleFactor, mode, alignCorners })`,
 *   `pad(x, [1, 2], { mode: 'reflect' })`, `normalize(x, { p, dim, eps })`, `oneHot(x, { numClasses: 5 })`,
 *   `softmax(x, { dim: 1 })`, `dropout(x, { p: 0.5, training: false })`);
 * - errors: the step PyTorch fails at (`"at": "constructor"` or `"forward"`) throws an Error with a
 *   message; the steps before it must succeed;
 * - devices (`runNNCase(c, { device })`, default `'cpu'`): the module is moved with `m.to(device)`
 *   right after construction; every tensor the case builds (inputs, state dict values, tensor
 *   options, gradient outputs) is built on the CPU and moved there (see `buildTensor`).
 *
 * @module
 */
import * as torch from 'typetorch';
import {
  applyTransforms, buildTensor, compareTensor, errorMessage, outputsOf, resolveArg,
  type RunOptions, type TensorSpec, type Tolerance,
} from './parity-runner.js';

/** An expected error. */
export interface NNErrorSpec {
  error: true;
  /** The step that throws in PyTorch; the steps before it must succeed. */
  at?: 'constructor' | 'forward';
  torch_message?: string;
}

/** Gradients recorded after the backward pass. */
export interface GradsSpec {
  inputs: (TensorSpec | null)[];
  params?: Record<string, TensorSpec | null>;
}

/** A forward pass run before the main one (BatchNorm's running statistics). */
export interface WarmupPass {
  inputs: TensorSpec[];
  out: TensorSpec | TensorSpec[];
}

/** A module case: a layer or a loss. */
export interface ModuleCase {
  id: string;
  kind: 'module';
  ctor: string;
  args: unknown[];
  options?: Record<string, unknown>;
  dtype: 'float32' | 'float64';
  mode: 'train' | 'eval';
  repr?: string;
  state_dict?: Record<string, TensorSpec>;
  state_dict_keys?: string[];
  warmup?: WarmupPass[];
  inputs: TensorSpec[];
  out: TensorSpec | TensorSpec[] | NNErrorSpec;
  grad_output?: TensorSpec | (TensorSpec | null)[];
  grads?: GradsSpec;
  buffers_after?: Record<string, TensorSpec>;
  note?: string;
}

/** A functional case: `nn.functional[fn](...args, options?)`. */
export interface FunctionalCase {
  id: string;
  kind: 'functional';
  fn: string;
  inputs: TensorSpec[];
  args: unknown[];
  options?: Record<string, unknown>;
  out: TensorSpec | TensorSpec[] | NNErrorSpec;
  grad_output?: TensorSpec | (TensorSpec | null)[];
  grads?: GradsSpec;
  note?: string;
}

/** One fixture case. */
export type NNCase = ModuleCase | FunctionalCase;

type Floats = 'float32' | 'float64';

/**
 * Tolerances for forward values and buffers. float32: rtol 1e-4 because convolutions, norms and
 * reductions sum tens to hundreds of products in an order that differs from PyTorch's (and PyTorch
 * accumulates some float32 statistics in double), so a few ulps per term add up; atol 1e-5 for
 * values that cancel to near zero. float64: the same sums are exact to ~1e-15, so 1e-9 still leaves
 * room for libm differences (exp, tanh, erf) while catching any real formula difference.
 */
export const NN_VALUE_TOLERANCE: Record<Floats, Tolerance> = {
  float32: { rtol: 1e-4, atol: 1e-5 },
  float64: { rtol: 1e-9, atol: 1e-10 },
};

/**
 * Tolerances for gradients. float32: atol 1e-4 as well, because a gradient is a second sum over
 * the batch and the spatial positions (weight gradients of a conv sum N*Hout*Wout products, BatchNorm's
 * input gradient subtracts two means of such sums), so entries that should be ~0 come out as
 * differences of O(1) terms with float32 rounding in both implementations. float64: 1e-9.
 */
export const NN_GRAD_TOLERANCE: Record<Floats, Tolerance> = {
  float32: { rtol: 1e-4, atol: 1e-4 },
  float64: { rtol: 1e-9, atol: 1e-9 },
};

// ---- the slice of typetorch's API the runner uses, typed structurally ----

type Fn = (...args: unknown[]) => unknown;

interface TT {
  readonly dtype: string;
  readonly shape: ArrayLike<number> & Iterable<number>;
  readonly requiresGrad: boolean;
  readonly grad: TT | null | undefined;
  data(): Promise<ArrayLike<number | bigint | boolean>>;
  backward(gradient?: TT): unknown;
  mul(other: TT): TT;
  add(other: TT): TT;
  sum(): TT;
}

interface ModuleLike {
  call(...args: unknown[]): unknown;
  stateDict(): Record<string, TT> | Map<string, TT>;
  loadStateDict(sd: Record<string, TT>, options?: { strict?: boolean }): unknown;
  namedParameters(): Iterable<[string, TT]>;
  train(mode?: boolean): unknown;
  eval(): unknown;
  to(dtypeOrDevice: string): unknown;
  toString(): string;
}

type ModuleCtor = new (...args: unknown[]) => ModuleLike;

const NN = (torch as unknown as { nn?: Record<string, unknown> & { functional?: Record<string, unknown> } }).nn;

// ---- helpers ----

/** Resolves `{"tensor": spec}` (constructor options) and `{"input": k}` (functional arguments). */
function resolveValue(v: unknown, views: readonly TT[], device: string): unknown {
  if (Array.isArray(v)) return v.map((x) => resolveValue(x, views, device));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.tensor !== undefined) return buildTensor(o.tensor as TensorSpec, false, device);
    return resolveArg(v, views as never);
  }
  return v;
}

/** The call's arguments: the fixture's positional ones, then its options object (when it has one). */
function withOptions(
  args: unknown[], options: Record<string, unknown> | undefined, views: readonly TT[], device: string,
): unknown[] {
  const out = args.map((a) => resolveValue(a, views, device));
  if (options !== undefined && Object.keys(options).length > 0) {
    out.push(Object.fromEntries(Object.entries(options).map(([k, v]) => [k, resolveValue(v, views, device)])));
  }
  return out;
}

function stateDictOf(m: ModuleLike): Record<string, TT> {
  const sd = m.stateDict();
  return sd instanceof Map ? Object.fromEntries(sd) : sd;
}

function buildLeaves(specs: readonly TensorSpec[], device: string): { leaves: TT[]; views: TT[] } {
  const leaves = specs.map((s) => buildTensor(s, s.requires_grad === true, device) as unknown as TT);
  const views = specs.map((s, i) => applyTransforms(leaves[i] as never, s.transform) as unknown as TT);
  return { leaves, views };
}

async function compareOutputs(label: string, outs: TT[], want: TensorSpec | TensorSpec[]): Promise<string[]> {
  const wants = Array.isArray(want) ? want : [want];
  if (outs.length !== wants.length) return [`${label}: expected ${wants.length} output(s), got ${outs.length}`];
  const problems: string[] = [];
  for (let i = 0; i < wants.length; i++) {
    const l = wants.length > 1 ? `${label} ${i}` : label;
    problems.push(...(await compareTensor(l, outs[i], wants[i], NN_VALUE_TOLERANCE)));
  }
  return problems;
}

async function runBackward(outs: TT[], gradOutput: TensorSpec | (TensorSpec | null)[], device: string): Promise<void> {
  if (!Array.isArray(gradOutput)) {
    await outs[0].backward(buildTensor(gradOutput, false, device) as unknown as TT);
    return;
  }
  const pairs: [TT, TT][] = [];
  gradOutput.forEach((g, i) => {
    if (g) pairs.push([outs[i], buildTensor(g, false, device) as unknown as TT]);
  });
  if (pairs.length === 1) {
    await pairs[0][0].backward(pairs[0][1]);
    return;
  }
  let loss = pairs[0][0].mul(pairs[0][1]).sum();
  for (const [o, g] of pairs.slice(1)) loss = loss.add(o.mul(g).sum());
  await loss.backward();
}

async function compareGrad(label: string, got: TT | null | undefined, want: TensorSpec | null): Promise<string[]> {
  if (want === null) {
    return got !== null && got !== undefined ? [`${label}: expected no gradient, got a tensor`] : [];
  }
  if (got === null || got === undefined) return [`${label}: expected a gradient, got ${String(got)}`];
  return compareTensor(label, got, want, NN_GRAD_TOLERANCE);
}

/** Runs the step a case expects to fail; a problem unless it throws an Error with a message. */
async function expectError(c: NNCase, attempt: () => Promise<unknown>): Promise<string[]> {
  const torchMessage = 'torch_message' in c.out && c.out.torch_message ? ` (PyTorch: "${c.out.torch_message}")` : '';
  try {
    await attempt();
  } catch (e) {
    if (!(e instanceof Error) || e.message.length === 0) return [`expected an Error with a message${torchMessage}, got ${String(e)}`];
    return [];
  }
  return [`expected an error${torchMessage}, but it succeeded`];
}

async function readAll(outs: TT[]): Promise<void> {
  for (const o of outs) await o.data();
}

// ---- modules ----

/** Constructs the module of a case (float64 cases moved to float64), on `device`. */
export function constructModule(c: ModuleCase, device = 'cpu'): ModuleLike {
  if (!NN) throw new Error('typetorch has no torch.nn');
  const ctor = NN[c.ctor];
  if (typeof ctor !== 'function') throw new Error(`typetorch has no nn.${c.ctor}`);
  const m = new (ctor as ModuleCtor)(...withOptions(c.args, c.options, [], device));
  if (c.dtype === 'float64') m.to('float64');
  if (device !== 'cpu') m.to(device);
  return m;
}

function describeCtor(c: ModuleCase): string {
  return `new nn.${c.ctor}(${[...c.args, ...(c.options ? [c.options] : [])].map((a) => JSON.stringify(a)).join(', ')})`;
}

async function runModuleCase(c: ModuleCase, device: string): Promise<string[]> {
  if (!NN || typeof NN[c.ctor] !== 'function') return [`typetorch has no nn.${c.ctor}`];
  const errorAt = 'error' in c.out ? (c.out.at ?? 'forward') : null;
  if (errorAt === 'constructor') return expectError(c, async () => constructModule(c, device));

  let m: ModuleLike;
  try {
    m = constructModule(c, device);
  } catch (e) {
    return [`${describeCtor(c)} threw: ${errorMessage(e)}`];
  }
  const problems: string[] = [];

  // state dict: same keys as PyTorch, then load PyTorch's values
  let keysAgree = true;
  try {
    const keys = Object.keys(stateDictOf(m));
    const want = c.state_dict_keys ?? [];
    if (keys.length !== want.length || keys.some((k, i) => k !== want[i])) {
      keysAgree = false;
      problems.push(`stateDict() keys [${keys.join(', ')}], expected PyTorch's [${want.join(', ')}]`);
    }
  } catch (e) {
    keysAgree = false;
    problems.push(`stateDict() threw: ${errorMessage(e)}`);
  }
  if (c.state_dict && Object.keys(c.state_dict).length > 0) {
    const sd: Record<string, TT> = {};
    for (const [k, s] of Object.entries(c.state_dict)) sd[k] = buildTensor(s, false, device) as unknown as TT;
    try {
      m.loadStateDict(sd, { strict: keysAgree });
    } catch (e) {
      return [...problems, `loadStateDict threw: ${errorMessage(e)}`];
    }
  }
  try {
    if (c.mode === 'eval') m.eval();
    else m.train();
  } catch (e) {
    return [...problems, `${c.mode}() threw: ${errorMessage(e)}`];
  }

  // warm-up passes (forward only)
  for (const [i, pass] of (c.warmup ?? []).entries()) {
    const { views } = buildLeaves(pass.inputs, device);
    let outs: TT[];
    try {
      outs = outputsOf(m.call(...views));
    } catch (e) {
      return [...problems, `warm-up pass ${i + 1}: forward threw: ${errorMessage(e)}`];
    }
    problems.push(...(await compareOutputs(`warm-up pass ${i + 1} output`, outs, pass.out)));
  }

  // main pass
  const { leaves, views } = buildLeaves(c.inputs, device);
  if (errorAt === 'forward' || 'error' in c.out) {
    return [...problems, ...(await expectError(c, async () => readAll(outputsOf(m.call(...views)))))];
  }
  let outs: TT[];
  try {
    outs = outputsOf(m.call(...views));
  } catch (e) {
    return [...problems, `forward threw: ${errorMessage(e)}`];
  }
  problems.push(...(await compareOutputs('output', outs, c.out)));

  if (c.grad_output && c.grads) {
    let backwardOk = true;
    try {
      await runBackward(outs, c.grad_output, device);
    } catch (e) {
      backwardOk = false;
      problems.push(`backward threw: ${errorMessage(e)}`);
    }
    if (backwardOk) {
      for (let i = 0; i < c.grads.inputs.length; i++) {
        const label = `grad of input ${i}${i === 1 && c.inputs.length === 2 ? ' (target)' : ''}`;
        problems.push(...(await compareGrad(label, leaves[i].grad, c.grads.inputs[i])));
      }
      let params: Map<string, TT>;
      try {
        params = new Map(Array.from(m.namedParameters()));
      } catch (e) {
        params = new Map();
        problems.push(`namedParameters() threw: ${errorMessage(e)}`);
      }
      for (const [name, want] of Object.entries(c.grads.params ?? {})) {
        const p = params.get(name);
        if (!p) {
          problems.push(`parameter ${name}: missing from namedParameters() (has: ${[...params.keys()].join(', ')})`);
          continue;
        }
        problems.push(...(await compareGrad(`grad of parameter ${name}`, p.grad, want)));
      }
    }
  }

  if (c.buffers_after) {
    let sd: Record<string, TT> = {};
    try {
      sd = stateDictOf(m);
    } catch (e) {
      problems.push(`stateDict() after the passes threw: ${errorMessage(e)}`);
    }
    for (const [key, want] of Object.entries(c.buffers_after)) {
      if (!(key in sd)) {
        problems.push(`buffer ${key}: missing from stateDict() after the passes`);
        continue;
      }
      problems.push(...(await compareTensor(`buffer ${key} after the passes`, sd[key], want, NN_VALUE_TOLERANCE)));
    }
  }
  return problems;
}

// ---- functional ----

async function runFunctionalCase(c: FunctionalCase, device: string): Promise<string[]> {
  const fns = NN?.functional;
  const fn = fns?.[c.fn];
  if (typeof fn !== 'function') return [`typetorch has no nn.functional.${c.fn}`];
  const { leaves, views } = buildLeaves(c.inputs, device);
  // On a device without synchronous reads, a function with an async form (oneHotAsync) uses it.
  const asyncFn = device === 'cpu' ? undefined : fns?.[`${c.fn}Async`];
  const call = async (): Promise<unknown> =>
    typeof asyncFn === 'function'
      ? await (asyncFn as (...a: unknown[]) => Promise<unknown>)(...withOptions(c.args, c.options, views, device))
      : (fn as Fn)(...withOptions(c.args, c.options, views, device));
  if ('error' in c.out) return expectError(c, async () => readAll(outputsOf(await call())));

  let outs: TT[];
  try {
    outs = outputsOf(await call());
  } catch (e) {
    return [`nn.functional.${c.fn} threw: ${errorMessage(e)}`];
  }
  const problems = await compareOutputs('output', outs, c.out);
  if (c.grad_output && c.grads) {
    try {
      await runBackward(outs, c.grad_output, device);
    } catch (e) {
      return [...problems, `backward threw: ${errorMessage(e)}`];
    }
    for (let i = 0; i < c.grads.inputs.length; i++) {
      problems.push(...(await compareGrad(`grad of input ${i}`, leaves[i].grad, c.grads.inputs[i])));
    }
  }
  return problems;
}

/** Runs a case; returns the problems found, one line each (empty when typetorch matches PyTorch). */
export async function runNNCase(c: NNCase, options: RunOptions = {}): Promise<string[]> {
  const device = options.device ?? 'cpu';
  return c.kind === 'module' ? runModuleCase(c, device) : runFunctionalCase(c, device);
}

/** The problems with a module's `toString()` compared with PyTorch's repr (empty when equal). */
export function checkRepr(c: ModuleCase): string[] {
  if (c.repr === undefined) return [];
  let m: ModuleLike;
  try {
    m = constructModule(c);
  } catch (e) {
    return [`${describeCtor(c)} threw: ${errorMessage(e)}`];
  }
  const got = m.toString();
  return got === c.repr ? [] : [`toString() ${JSON.stringify(got)}, expected PyTorch's ${JSON.stringify(c.repr)}`];
}
