/**
 * Runs one PyTorch parity case (see scripts/fixtures/gen_parity.py for the format) against
 * typetorch and returns the list of problems found (empty when the case passes).
 *
 * Conventions the runner relies on:
 * - inputs: `torch.tensor(nested, { dtype, requiresGrad })` (booleans for bool, numbers otherwise),
 *   `torch.fromTypedArray(BigInt64Array, shape)` for int64, `torch.zeros(shape, { dtype, requiresGrad })`
 *   for tensors with no elements;
 * - transforms: `transpose(d0, d1)`, `permute(...dims)`, `expand(...sizes)`, `select(dim, i)`,
 *   `index(':', ..., 'start:stop:step')`;
 * - calls: `torch[camel(name)](...args, options?)` or `self[camel(name)](...args, options?)`, where the
 *   options object holds the keyword arguments with camelCase keys and is passed only when there are
 *   keyword arguments; `["method", "index"]` is `self.index(...items)`;
 * - results: a Tensor, an array of Tensors, or `{ values, indices }` (compared as `[values, indices]`);
 * - reading: `await t.data()` (a typed array; BigInt64Array for int64), `t.dtype`, `t.shape`,
 *   `t.requiresGrad`, `t.grad`;
 * - gradients: `out.backward(gradOutput)`; with several differentiable outputs,
 *   `sum_i out_i.mul(g_i).sum()` chained with `add`, then `.backward()`;
 * - errors: the call (or reading its result) throws an Error whose message starts with `[`;
 * - devices (`runCase(c, { device })`, default `'cpu'`): each leaf is created on the CPU as above,
 *   moved with `.to(device)` and only then marked `requiresGrad_()`, so the transforms, the call, the
 *   backward pass and the gradients all happen on the device; gradient outputs are moved too. Where
 *   a call throws that it "needs a synchronous read" (an output shape that depends on values, on a
 *   device that reads only asynchronously), the runner makes the call the way the message says:
 *   `torch.nonzeroAsync(x)`, `torch.maskedSelectAsync(x, mask)`, and a boolean mask `m` in `index`
 *   replaced by the index tensors `(await torch.nonzeroAsync(m)).unbind(1)` (what PyTorch does).
 *
 * @module
 */
import * as torch from 'typetorch';

/** Dtype names as written in the fixtures. */
export type DTypeName = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

/** A view op applied to a leaf after creation. */
export type Transform =
  | ['transpose', number, number]
  | ['permute', number[]]
  | ['expand', number[]]
  | ['select', number, number]
  | ['slice', number, number, number | null, number];

/** A tensor as the fixtures write it. */
export interface TensorSpec {
  dtype: DTypeName;
  shape: number[];
  data: (number | string | boolean)[];
  requires_grad?: boolean;
  transform?: Transform[];
}

/** An expected error. */
export interface ErrorSpec {
  error: true;
  torch_message?: string;
}

/** One fixture case. */
export interface ParityCase {
  id: string;
  call: ['torch' | 'method', string];
  inputs: TensorSpec[];
  args: unknown[];
  kwargs?: Record<string, unknown>;
  out: TensorSpec | TensorSpec[] | ErrorSpec;
  grad_output?: TensorSpec | (TensorSpec | null)[];
  grads?: (TensorSpec | null)[];
}

/** Absolute and relative tolerance, as in `torch.testing.assert_close`. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Tolerances for forward values (PyTorch's defaults for `assert_close`). */
export const VALUE_TOLERANCE: Record<'float32' | 'float64', Tolerance> = {
  float32: { rtol: 1.3e-6, atol: 1e-5 },
  float64: { rtol: 1e-7, atol: 1e-7 },
};

/** Tolerances for gradients (summation orders differ between implementations). */
export const GRAD_TOLERANCE: Record<'float32' | 'float64', Tolerance> = {
  float32: { rtol: 1e-4, atol: 1e-5 },
  float64: { rtol: 1e-7, atol: 1e-7 },
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
  to(device: string): TT;
  requiresGrad_(value?: boolean): TT;
  transpose(d0: number, d1: number): TT;
  permute(...dims: number[]): TT;
  expand(...sizes: number[]): TT;
  select(dim: number, index: number): TT;
  index(...items: unknown[]): TT;
  mul(other: TT): TT;
  add(other: TT): TT;
  sum(): TT;
  unbind(dim: number): TT[];
}

interface TorchNS {
  tensor(data: unknown, options?: { dtype?: string; requiresGrad?: boolean }): TT;
  zeros(shape: number[], options?: { dtype?: string; requiresGrad?: boolean }): TT;
  fromTypedArray(data: BigInt64Array, shape: number[]): TT;
}

const T = torch as unknown as TorchNS & Record<string, unknown>;

/**
 * PyTorch names whose typetorch name is not the mechanical snake_case → camelCase conversion.
 * (Empty today: every name the fixtures use converts mechanically, e.g. `log_softmax` →
 * `logSoftmax`, `scatter_add` → `scatterAdd`, `rounding_mode` → `roundingMode`.)
 */
export const NAME_EXCEPTIONS: Record<string, string> = {};

/** typetorch's name for a PyTorch function, method or keyword argument. */
export function jsName(name: string): string {
  if (name in NAME_EXCEPTIONS) return NAME_EXCEPTIONS[name];
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

// ---- values ----

function parseFloatValue(v: number | string | boolean): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  throw new Error(`bad float value in fixture: ${JSON.stringify(v)}`);
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function nest(flat: unknown[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  const [n, ...rest] = shape;
  const step = numel(rest);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(nest(flat.slice(i * step, (i + 1) * step), rest));
  return out;
}

/** Where a case runs. */
export interface RunOptions {
  /** The device the inputs are moved to before the call (default `'cpu'`). */
  device?: string;
}

/**
 * Creates the leaf tensor of a spec (transform not applied). On another device than the CPU, the
 * tensor is built on the CPU, moved, and then made to require gradients, so it is a leaf there.
 */
export function buildTensor(spec: TensorSpec, requiresGrad = false, device = 'cpu'): TT {
  if (device !== 'cpu') {
    const moved = buildTensor(spec).to(device);
    return requiresGrad ? moved.requiresGrad_(true) : moved;
  }
  const { dtype, shape } = spec;
  const opts = requiresGrad ? { dtype, requiresGrad: true } : { dtype };
  if (numel(shape) === 0) return T.zeros([...shape], opts);
  if (dtype === 'int64') {
    const data = BigInt64Array.from(spec.data.map((v) => BigInt(v as string | number)));
    return T.fromTypedArray(data, [...shape]);
  }
  let values: unknown[];
  if (dtype === 'float32' || dtype === 'float64') values = spec.data.map(parseFloatValue);
  else if (dtype === 'bool') values = spec.data.map((v) => v === true);
  else values = spec.data.map((v) => Number(v));
  return T.tensor(nest(values, shape), opts);
}

/** Applies a spec's view ops. */
export function applyTransforms(t: TT, transforms: readonly Transform[] = []): TT {
  for (const op of transforms) {
    switch (op[0]) {
      case 'transpose': t = t.transpose(op[1], op[2]); break;
      case 'permute': t = t.permute(...op[1]); break;
      case 'expand': t = t.expand(...op[1]); break;
      case 'select': t = t.select(op[1], op[2]); break;
      case 'slice': {
        const [, dim, start, stop, step] = op;
        const items: string[] = new Array<string>(dim).fill(':');
        items.push(`${start}:${stop ?? ''}:${step}`);
        t = t.index(...items);
        break;
      }
      default: throw new Error(`unknown transform ${JSON.stringify(op)}`);
    }
  }
  return t;
}

/** Resolves `{"input": k}`, `{"scalar": "nan"}`, `{"bigint": "..."}` inside args and kwargs. */
export function resolveArg(v: unknown, views: readonly TT[]): unknown {
  if (Array.isArray(v)) return v.map((x) => resolveArg(x, views));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.input === 'number') {
      if (!(o.input in views)) throw new Error(`fixture refers to missing input ${o.input}`);
      return views[o.input];
    }
    if (typeof o.scalar === 'string') return parseFloatValue(o.scalar);
    if (typeof o.bigint === 'string') return BigInt(o.bigint);
    throw new Error(`unknown argument encoding ${JSON.stringify(v)}`);
  }
  return v;
}

export function isTensor(v: unknown): v is TT {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { dtype?: unknown }).dtype === 'string' &&
    typeof (v as { shape?: unknown }).shape === 'object'
  );
}

/** The tensors of a result: a Tensor, an array of Tensors, or `{ values, indices }`. */
export function outputsOf(res: unknown): TT[] {
  if (isTensor(res)) return [res];
  if (Array.isArray(res)) return res as TT[];
  if (res !== null && typeof res === 'object' && 'values' in res && 'indices' in res) {
    const r = res as { values: TT; indices: TT };
    return [r.values, r.indices];
  }
  throw new Error(`result is neither a Tensor, an array of Tensors nor { values, indices }: ${String(res)}`);
}

/** The arguments of a case's call: positional ones, then the options object when there are kwargs. */
function argsOf(c: ParityCase, views: readonly TT[]): unknown[] {
  const args = c.args.map((a) => resolveArg(a, views));
  if (c.kwargs && Object.keys(c.kwargs).length > 0) {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c.kwargs)) options[jsName(k)] = resolveArg(v, views);
    args.push(options);
  }
  return args;
}

/** Calls the op of a case on already-built views. */
export function callOp(c: ParityCase, views: readonly TT[]): unknown {
  const args = argsOf(c, views);
  const [where, torchName] = c.call;
  const name = jsName(torchName);
  if (where === 'torch') {
    const fn = T[name];
    if (typeof fn !== 'function') throw new Error(`typetorch has no function torch.${name} (PyTorch: torch.${torchName})`);
    return (fn as Fn)(...args);
  }
  const [self, ...rest] = args;
  if (!isTensor(self)) throw new Error(`fixture error: method call without a tensor self`);
  const method = (self as unknown as Record<string, unknown>)[name];
  if (typeof method !== 'function') throw new Error(`typetorch has no method Tensor.${name} (PyTorch: Tensor.${torchName})`);
  return (method as Fn).apply(self, rest);
}

/** Whether an error says the call needs a synchronous read, which the device cannot do. */
function needsSyncRead(e: unknown): boolean {
  return e instanceof Error && /needs a synchronous read/.test(e.message);
}

/**
 * {@link callOp}, and when the device cannot read the values it needs synchronously, the same call
 * through the asynchronous forms the error names (see the module comment).
 */
export async function callOpAsync(c: ParityCase, views: readonly TT[]): Promise<unknown> {
  try {
    return callOp(c, views);
  } catch (e) {
    if (!needsSyncRead(e)) throw e;
  }
  const name = jsName(c.call[1]);
  const asyncForm = T[`${name}Async`];
  if (typeof asyncForm === 'function') return (asyncForm as Fn)(...argsOf(c, views));
  if (c.call[0] === 'method' && name === 'index') {
    const [self, ...items] = argsOf(c, views);
    const expanded: unknown[] = [];
    for (const item of items) {
      if (isTensor(item) && item.dtype === 'bool') {
        const nz = await (T.nonzeroAsync as (m: TT) => Promise<TT>)(item);
        expanded.push(...nz.unbind(1));
      } else expanded.push(item);
    }
    return (self as TT).index(...expanded);
  }
  return callOp(c, views);
}

// ---- comparison ----

function fmt(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return String(v);
}

function multiIndex(flat: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return `[${idx.join(', ')}]`;
}

function closeEnough(got: number, want: number, tol: Tolerance): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want) || !Number.isFinite(got)) return got === want;
  return Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}

/**
 * Compares a typetorch tensor with a fixture tensor like `torch.testing.assert_close`: dtype, shape,
 * then values (floats within tolerance, NaN equal to NaN; integers and bools exactly).
 */
export async function compareTensor(
  label: string,
  got: unknown,
  want: TensorSpec,
  tolerances: Record<'float32' | 'float64', Tolerance>,
): Promise<string[]> {
  if (!isTensor(got)) return [`${label}: expected a Tensor, got ${fmt(got)}`];
  const problems: string[] = [];
  const gotShape = Array.from(got.shape);
  if (got.dtype !== want.dtype) problems.push(`${label}: dtype ${got.dtype}, expected ${want.dtype}`);
  if (gotShape.length !== want.shape.length || gotShape.some((s, i) => s !== want.shape[i])) {
    problems.push(`${label}: shape [${gotShape.join(', ')}], expected [${want.shape.join(', ')}]`);
  }
  if (want.requires_grad !== undefined && Boolean(got.requiresGrad) !== want.requires_grad) {
    problems.push(`${label}: requiresGrad ${got.requiresGrad}, expected ${want.requires_grad}`);
  }
  if (problems.length > 0) return problems;

  const data = await got.data();
  if (data.length !== want.data.length) {
    return [`${label}: ${data.length} values read, expected ${want.data.length}`];
  }
  let first = -1;
  let mismatches = 0;
  let detail = '';
  const isFloat = want.dtype === 'float32' || want.dtype === 'float64';
  const tol = isFloat ? tolerances[want.dtype as 'float32' | 'float64'] : { rtol: 0, atol: 0 };
  for (let i = 0; i < want.data.length; i++) {
    const g = data[i];
    const w = want.data[i];
    let ok: boolean;
    let shownWant: unknown = w;
    if (isFloat) {
      let wv = parseFloatValue(w);
      if (want.dtype === 'float32') wv = Math.fround(wv);
      shownWant = wv;
      ok = closeEnough(Number(g), wv, tol);
    } else if (want.dtype === 'int64') {
      shownWant = BigInt(w as string);
      ok = typeof g !== 'boolean' && BigInt(g) === shownWant;
    } else if (want.dtype === 'bool') {
      ok = (Number(g) !== 0) === w;
    } else {
      ok = Number(g) === w;
    }
    if (!ok) {
      mismatches++;
      if (first < 0) {
        first = i;
        detail = `expected ${fmt(shownWant)}, got ${fmt(g)}`;
      }
    }
  }
  if (mismatches > 0) {
    const tolText = isFloat ? ` (rtol ${tol.rtol}, atol ${tol.atol})` : '';
    problems.push(
      `${label}: ${mismatches} of ${want.data.length} values differ; first at flat index ${first} ` +
        `${multiIndex(first, want.shape)}: ${detail}${tolText}`,
    );
  }
  return problems;
}

// ---- running a case ----

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs a case: forward, then backward when the fixture has gradients. Returns the problems found. */
export async function runCase(c: ParityCase, options: RunOptions = {}): Promise<string[]> {
  const device = options.device ?? 'cpu';
  const leaves = c.inputs.map((spec) => buildTensor(spec, spec.requires_grad === true, device));
  const views = c.inputs.map((spec, i) => applyTransforms(leaves[i], spec.transform));

  if ('error' in c.out) {
    const torchMessage = c.out.torch_message ? ` (PyTorch: "${c.out.torch_message}")` : '';
    let thrown: unknown = undefined;
    let threw = false;
    try {
      const outs = outputsOf(device === 'cpu' ? callOp(c, views) : await callOpAsync(c, views));
      for (const o of outs) await o.data();
    } catch (e) {
      thrown = e;
      threw = true;
    }
    if (!threw) return [`expected an error${torchMessage}, but the call succeeded`];
    if (!(thrown instanceof Error)) return [`expected an Error${torchMessage}, got a thrown ${fmt(thrown)}`];
    if (!thrown.message.startsWith('[')) {
      return [`expected an error message starting with "[op]"${torchMessage}, got "${thrown.message}"`];
    }
    return [];
  }

  let outs: TT[];
  try {
    outs = outputsOf(device === 'cpu' ? callOp(c, views) : await callOpAsync(c, views));
  } catch (e) {
    return [`the call threw: ${errorMessage(e)}`];
  }
  const problems: string[] = [];
  const wantOuts = Array.isArray(c.out) ? c.out : [c.out];
  if (Array.isArray(c.out) && outs.length !== wantOuts.length) {
    return [`expected ${wantOuts.length} outputs, got ${outs.length}`];
  }
  for (let i = 0; i < wantOuts.length; i++) {
    const label = Array.isArray(c.out) ? `output ${i}` : 'output';
    problems.push(...(await compareTensor(label, outs[i], wantOuts[i], VALUE_TOLERANCE)));
  }
  if (problems.length > 0 || !c.grads || !c.grad_output) return problems;

  try {
    if (!Array.isArray(c.grad_output)) {
      await outs[0].backward(buildTensor(c.grad_output, false, device));
    } else {
      const pairs: [TT, TT][] = [];
      c.grad_output.forEach((g, i) => {
        if (g) pairs.push([outs[i], buildTensor(g, false, device)]);
      });
      if (pairs.length === 1) {
        await pairs[0][0].backward(pairs[0][1]);
      } else {
        let loss = pairs[0][0].mul(pairs[0][1]).sum();
        for (const [o, g] of pairs.slice(1)) loss = loss.add(o.mul(g).sum());
        await loss.backward();
      }
    }
  } catch (e) {
    return [`backward threw: ${errorMessage(e)}`];
  }
  for (let i = 0; i < c.grads.length; i++) {
    const want = c.grads[i];
    const got = leaves[i].grad;
    if (want === null) {
      if (got !== null && got !== undefined) problems.push(`grad of input ${i}: expected none, got a tensor`);
    } else if (got === null || got === undefined) {
      problems.push(`grad of input ${i}: expected a gradient, got ${fmt(got)}`);
    } else {
      problems.push(...(await compareTensor(`grad of input ${i}`, got, want, GRAD_TOLERANCE)));
    }
  }
  return problems;
}
