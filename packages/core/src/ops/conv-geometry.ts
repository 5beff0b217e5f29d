/**
 * Argument parsing and shape arithmetic of the convolutions: the sizes of one product written out
 * as a {@link Conv2dGeometry}, which both the composite in core and a backend's fused kernels read.
 * Error messages follow PyTorch 1.13's, prefixed with the op.
 *
 * @module
 */
import type { Tensor } from '../tensor.js';
import { showShape } from '../shape.js';

/** A height and a width (for 1-D ops the height is 1 and only the width varies). */
export type Pair = readonly [number, number];

/**
 * Stride, padding and dilation of a 2-D convolution as its graph nodes record them. `padding` is
 * the zero padding before the first row and column; the padding after the last one follows from
 * the output size (it differs only for `'same'` with an even kernel, where PyTorch pads one more
 * row / column at the end).
 */
export interface Conv2dParams {
  /** Step between neighbouring windows. */
  readonly stride: Pair;
  /** Zeros added before the first row and column. */
  readonly padding: Pair;
  /** Step between the taps of one window. */
  readonly dilation: Pair;
  /** Number of independent channel groups. */
  readonly groups: number;
}

/**
 * Every size of one 2-D convolution `[N, C, H, W] ⊛ [OC, C / groups, KH, KW] → [N, OC, OH, OW]`:
 * `out[n, oc, oh, ow] = Σ x[n, g·C/groups + c, oh·stride − pad + kh·dilation, ...] · w[oc, c, kh, kw]`
 * over the group `g` of `oc`, with zeros outside the input. Fused kernels receive it as is.
 */
export interface Conv2dGeometry extends Conv2dParams {
  /** N. */
  readonly batch: number;
  /** C, the channels of the input (all groups). */
  readonly inChannels: number;
  /** OC, the channels of the output (all groups). */
  readonly outChannels: number;
  /** H and W of the input. */
  readonly inSize: Pair;
  /** OH and OW of the output. */
  readonly outSize: Pair;
  /** KH and KW of the weight. */
  readonly kernelSize: Pair;
}

/** A spatial size argument: one number for every dim, or one per dim. */
export type IntOrPair = number | readonly number[];

/** The values of an int-or-list argument, with PyTorch's message when the count is wrong. */
export function parseSpatial(op: string, name: string, value: unknown, dims: number, what = 'convolution'): number[] {
  const list = typeof value === 'number' ? [value] : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (list === undefined || list.some((v) => typeof v !== 'number' || !Number.isInteger(v))) {
    throw new Error(`[${op}] expected ${name} to be an integer or a list of ${dims} integers, got ${describe(value)}`);
  }
  const values = list as number[];
  if (values.length === 1) return new Array<number>(dims).fill(values[0]);
  if (values.length !== dims) {
    throw new Error(
      `[${op}] expected ${name} to be a single integer value or a list of ${dims} values to match the ${what} ` +
        `dimensions, but got ${name}=${showShape(values)}`,
    );
  }
  return values;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}

/** Checks that an op got a floating-point (or, where it can, integer) tensor. */
export function checkConvDtype(op: string, x: Tensor, allowIntegers: boolean): void {
  if (x.dtype === 'bool' || (!allowIntegers && x.dtype !== 'float32' && x.dtype !== 'float64')) {
    throw new Error(`[${op}] not implemented for ${x.dtype} tensors; convert the input with .float() first`);
  }
}

/** PyTorch's type names in its dtype-mismatch messages. */
function cType(t: Tensor): string {
  return t.dtype === 'float32' ? 'float' : t.dtype === 'float64' ? 'double' : t.dtype;
}

/** Input, weight and bias of one convolution: same dtype and device. */
export function checkOperandTypes(op: string, input: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (weight.dtype !== input.dtype) {
    throw new Error(`[${op}] Input type (${cType(input)}) and weight type (${cType(weight)}) should be the same`);
  }
  if (bias !== null && bias.dtype !== input.dtype) {
    throw new Error(`[${op}] Input type (${cType(input)}) and bias type (${cType(bias)}) should be the same`);
  }
  checkConvDtype(op, input, true);
}

/** The parsed options of a forward convolution over `dims` spatial dims. */
export interface ParsedConvOptions {
  stride: number[];
  /** Explicit padding, or a string mode. */
  padding: number[] | 'same' | 'valid';
  dilation: number[];
  groups: number;
}

/** Reads `{ stride, padding, dilation, groups }` with PyTorch's checks. */
export function parseConvOptions(op: string, options: Record<string, unknown>, dims: number, allowModes: boolean): ParsedConvOptions {
  const stride = parseSpatial(op, 'stride', options.stride ?? 1, dims);
  const dilation = parseSpatial(op, 'dilation', options.dilation ?? 1, dims);
  const groups = options.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups)) throw new Error(`[${op}] expected groups to be an integer, got ${describe(groups)}`);
  const rawPadding = options.padding ?? 0;
  let padding: ParsedConvOptions['padding'];
  if (typeof rawPadding === 'string') {
    if (!allowModes) throw new Error(`[${op}] expected padding to be an integer or a list of ${dims} integers, got '${rawPadding}'`);
    if (rawPadding !== 'same' && rawPadding !== 'valid') throw new Error(`[${op}] Invalid padding string: '${rawPadding}'`);
    padding = rawPadding;
  } else {
    padding = parseSpatial(op, 'padding', rawPadding, dims);
  }
  if (stride.some((s) => s <= 0)) throw new Error(`[${op}] non-positive stride is not supported`);
  if (Array.isArray(padding) && padding.some((p) => p < 0)) throw new Error(`[${op}] negative padding is not supported`);
  if (dilation.some((d) => d <= 0)) throw new Error(`[${op}] non-positive dilation is not supported`);
  if (groups <= 0) throw new Error(`[${op}] non-positive groups is not supported`);
  if (padding === 'same' && stride.some((s) => s !== 1)) {
    throw new Error(`[${op}] padding='same' is not supported for strided convolutions`);
  }
  return { stride, padding, dilation, groups };
}

/** Checks the weight's rank against the op (`dims` spatial dims). */
export function checkWeightRank(op: string, weight: Tensor, dims: number, stride: readonly number[], layout: string): void {
  if (weight.ndim < 3) throw new Error(`[${op}] weight should have at least three dimensions`);
  if (weight.ndim !== dims + 2) {
    throw new Error(
      `[${op}] expected stride to be a single integer value or a list of ${weight.ndim - 2} values to match the ` +
        `convolution dimensions, but got stride=${showShape(stride)} (${op} expects a ${dims + 2}-D weight ${layout}, ` +
        `got ${showShape(weight.shape)})`,
    );
  }
}

/** Checks the input's rank: `dims + 1` (unbatched) or `dims + 2` (batched). */
export function checkInputRank(op: string, pyName: string, input: Tensor, dims: number): void {
  if (input.ndim !== dims + 1 && input.ndim !== dims + 2) {
    throw new Error(
      `[${op}] Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${pyName}, but got input of size: ${showShape(input.shape)}`,
    );
  }
}

/** Checks the bias: 1-D with `channels` elements. */
export function checkBias(op: string, bias: Tensor | null, weight: Tensor, channels: number, transposed: boolean): void {
  if (bias === null) return;
  if (bias.ndim !== 1 || bias.shape[0] !== channels) {
    throw new Error(
      `[${op}] Given ${transposed ? 'transposed=1, ' : ''}weight of size ${showShape(weight.shape)}, expected bias to be ` +
        `1-dimensional with ${channels} elements, but got bias of size ${showShape(bias.shape)} instead`,
    );
  }
}

/** Checks that the weight's dim 0 splits into `groups` non-empty parts. */
export function checkGroups(op: string, weight: Tensor, groups: number): void {
  if (weight.shape[0] < groups) {
    throw new Error(
      `[${op}] Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${showShape(weight.shape)} instead`,
    );
  }
  if (weight.shape[0] % groups !== 0) {
    throw new Error(
      `[${op}] Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${showShape(weight.shape)} instead`,
    );
  }
}

/**
 * Resolves `'same'` / `'valid'` / explicit padding into the padding before each dim and the output
 * size, and checks that the (dilated) kernel fits the padded input, as PyTorch does.
 */
export function forwardGeometry(
  op: string, inSize: readonly number[], kernel: readonly number[], o: ParsedConvOptions,
): { padding: number[]; outSize: number[] } {
  const dims = inSize.length;
  const padBefore: number[] = [];
  const padTotal: number[] = [];
  for (let i = 0; i < dims; i++) {
    if (o.padding === 'valid') { padBefore.push(0); padTotal.push(0); continue; }
    if (o.padding === 'same') {
      // PyTorch puts the odd one out of an even total at the end.
      const total = o.dilation[i] * (kernel[i] - 1);
      padBefore.push(Math.floor(total / 2));
      padTotal.push(total);
      continue;
    }
    padBefore.push(o.padding[i]);
    padTotal.push(2 * o.padding[i]);
  }
  const padded = inSize.map((s, i) => s + padTotal[i]);
  const effective = kernel.map((k, i) => o.dilation[i] * (k - 1) + 1);
  if (padded.some((p, i) => p < effective[i])) {
    throw new Error(
      `[${op}] Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${effective.join(' x ')}). ` +
        `Kernel size can't be greater than actual input size`,
    );
  }
  const outSize = padded.map((p, i) => Math.floor((p - effective[i]) / o.stride[i]) + 1);
  return { padding: padBefore, outSize };
}

/** Output size of a transposed convolution: `(in − 1)·stride − 2·pad + dilation·(k − 1) + outputPadding + 1`. */
export function transposedOutSize(
  op: string, inSize: readonly number[], kernel: readonly number[], stride: readonly number[], padding: readonly number[],
  dilation: readonly number[], outputPadding: readonly number[],
): number[] {
  const out = inSize.map((s, i) => (s - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1);
  if (out.some((o) => o <= 0)) {
    throw new Error(
      `[${op}] Given input size per channel: (${inSize.join(' x ')}). Calculated output size per channel: (${out.join(' x ')}). ` +
        `Output size is too small`,
    );
  }
  return out;
}

/** The geometry of a convolution from 4-D operand shapes and the recorded parameters. */
export function makeGeometry(
  inputShape: readonly number[], outChannels: number, kernelSize: Pair, outSize: Pair, params: Conv2dParams,
): Conv2dGeometry {
  return {
    batch: inputShape[0],
    inChannels: inputShape[1],
    outChannels,
    inSize: [inputShape[2], inputShape[3]],
    outSize,
    kernelSize,
    stride: params.stride,
    padding: params.padding,
    dilation: params.dilation,
    groups: params.groups,
  };
}

/** Copies params into plain attrs (fresh arrays), so graph nodes keep what they were given. */
export function paramsOf(stride: readonly number[], padding: readonly number[], dilation: readonly number[], groups: number): Conv2dParams {
  return { stride: [stride[0], stride[1]], padding: [padding[0], padding[1]], dilation: [dilation[0], dilation[1]], groups };
}
