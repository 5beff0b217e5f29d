/**
 * Convolutions with PyTorch's semantics: `conv2d`, `conv1d` and `convTranspose2d`, and the two
 * gradient products they share (`conv2dBackwardInput`, `conv2dBackwardWeight`), which are ops of
 * their own so that derivative rules written with them differentiate again.
 *
 * Every product is one of three: the forward convolution, its input gradient (which is also the
 * transposed convolution), and its weight gradient. A backend may provide each as a fused kernel
 * (`fused.conv2d`, `fused.conv2dBackwardInput`, `fused.conv2dBackwardWeight`, see the kernel types
 * below); core falls back to a composite of primitive kernels (conv-composite.ts) otherwise, and
 * always for integer dtypes.
 *
 * @module
 */
import type { View } from '../backend/contract.js';
import { backendOf, checkTensor, commonDevice, differentiable, emptyTensor, viewOf } from '../dispatch.js';
import { showShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { filled, forwardComposite, inputGradComposite, weightGradComposite } from './conv-composite.js';
import {
  type Conv2dGeometry, type Conv2dParams, type IntOrPair, type Pair, checkBias, checkGroups, checkInputRank,
  checkOperandTypes, checkWeightRank, forwardGeometry, makeGeometry, paramsOf, parseConvOptions, parseSpatial, transposedOutSize,
} from './conv-geometry.js';

export type { Conv2dGeometry, Conv2dParams, Pair, IntOrPair } from './conv-geometry.js';

/**
 * Optional fused kernel `fused.conv2d`: writes `x ⊛ w + bias` into `out` (`[N, OC, OH, OW]`) for
 * input `[N, C, H, W]` and weight `[OC, C / groups, KH, KW]`, with the sizes, stride, padding
 * (before each dim; zeros outside the input), dilation and groups of `geometry`. All views are
 * contiguous (row-major from their offset) and float32 or float64 of one dtype; `bias` is `[OC]` or
 * null. Core calls it only when every size of `geometry` is positive.
 */
export type FusedConv2dKernel = (out: View, input: View, weight: View, bias: View | null, geometry: Conv2dGeometry) => void;

/**
 * Optional fused kernel `fused.conv2dBackwardInput`: writes the gradient of the forward
 * convolution's input into `gradInput` (`[N, C, H, W]`, every element written), given its output
 * gradient `gradOutput` (`[N, OC, OH, OW]`) and the weight. The same contract as
 * {@link FusedConv2dKernel} otherwise; it is also the transposed convolution.
 */
export type FusedConv2dBackwardInputKernel = (gradInput: View, gradOutput: View, weight: View, geometry: Conv2dGeometry) => void;

/**
 * Optional fused kernel `fused.conv2dBackwardWeight`: writes the gradient of the forward
 * convolution's weight into `gradWeight` (`[OC, C / groups, KH, KW]`, every element written),
 * summed over the batch, given the input and `gradOutput`. Same contract as {@link FusedConv2dKernel}.
 */
export type FusedConv2dBackwardWeightKernel = (gradWeight: View, input: View, gradOutput: View, geometry: Conv2dGeometry) => void;

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: IntOrPair;
  /** Zeros around the input (default 0), or `'valid'` (none) / `'same'` (output size = input size; stride 1 only). */
  padding?: IntOrPair | 'same' | 'valid';
  /** Step between kernel taps (default 1). */
  dilation?: IntOrPair;
  /** Channel groups (default 1): input and output channels split into `groups` independent convolutions. */
  groups?: number;
}

/** Options of {@link conv1d}: as {@link Conv2dOptions} with one spatial dim. */
export interface Conv1dOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly [number];
  /** Zeros at both ends (default 0), or `'valid'` / `'same'`. */
  padding?: number | readonly [number] | 'same' | 'valid';
  /** Step between kernel taps (default 1). */
  dilation?: number | readonly [number];
  /** Channel groups (default 1). */
  groups?: number;
}

/** Options of {@link convTranspose2d}. */
export interface ConvTranspose2dOptions {
  /** Stride of the convolution this one transposes (default 1). */
  stride?: IntOrPair;
  /** Padding of the convolution this one transposes: removes `dilation·(k−1) − padding` rows per side (default 0). */
  padding?: IntOrPair;
  /** Extra rows / columns added at the end of the output (default 0; less than stride or dilation). */
  outputPadding?: IntOrPair;
  /** Channel groups (default 1). */
  groups?: number;
  /** Step between kernel taps (default 1). */
  dilation?: IntOrPair;
}

type Fused = 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardWeight';

function fusedKernel<K>(t: Tensor, name: Fused): K | undefined {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') return undefined;
  const kernel = backendOf(t).fused?.[name];
  return typeof kernel === 'function' ? (kernel as unknown as K) : undefined;
}

/** True when the product has work to do: every size positive (else the result is zeros or empty). */
function hasWork(g: Conv2dGeometry): boolean {
  return [g.batch, g.inChannels, g.outChannels, ...g.inSize, ...g.outSize, ...g.kernelSize].every((s) => s > 0);
}

/** `x ⊛ w + bias` without recording: the fused kernel or the composite. */
function forwardProduct(x: Tensor, w: Tensor, bias: Tensor | null, g: Conv2dGeometry): Tensor {
  const shape = [g.batch, g.outChannels, g.outSize[0], g.outSize[1]];
  if (!hasWork(g)) {
    const zeros = filled(shape, 0, x.dtype, x.device);
    return bias === null || zeros.numel() === 0 ? zeros : zeros.add(bias.view(-1, 1, 1));
  }
  const kernel = fusedKernel<FusedConv2dKernel>(x, 'conv2d');
  if (kernel === undefined) return forwardComposite(x, w, bias, g);
  const out = emptyTensor(shape, x.dtype, x.device);
  kernel(viewOf(out), viewOf(x.contiguous()), viewOf(w.contiguous()), bias === null ? null : viewOf(bias.contiguous()), g);
  return out;
}

/** The input gradient (or transposed convolution) without recording. */
function inputGradProduct(gy: Tensor, w: Tensor, g: Conv2dGeometry): Tensor {
  const shape = [g.batch, g.inChannels, g.inSize[0], g.inSize[1]];
  if (!hasWork(g)) return filled(shape, 0, gy.dtype, gy.device);
  const kernel = fusedKernel<FusedConv2dBackwardInputKernel>(gy, 'conv2dBackwardInput');
  if (kernel === undefined) return inputGradComposite(gy, w, g);
  const out = emptyTensor(shape, gy.dtype, gy.device);
  kernel(viewOf(out), viewOf(gy.contiguous()), viewOf(w.contiguous()), g);
  return out;
}

/** The weight gradient without recording. */
function weightGradProduct(x: Tensor, gy: Tensor, g: Conv2dGeometry): Tensor {
  const shape = [g.outChannels, g.inChannels / g.groups, g.kernelSize[0], g.kernelSize[1]];
  if (!hasWork(g)) return filled(shape, 0, gy.dtype, gy.device);
  const kernel = fusedKernel<FusedConv2dBackwardWeightKernel>(gy, 'conv2dBackwardWeight');
  if (kernel === undefined) return weightGradComposite(x, gy, g);
  const out = emptyTensor(shape, gy.dtype, gy.device);
  kernel(viewOf(out), viewOf(x.contiguous()), viewOf(gy.contiguous()), g);
  return out;
}

function checkParams(op: string, params: Conv2dParams): void {
  const ok = (p: unknown, min: number) =>
    Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= min);
  if (!ok(params.stride, 1) || !ok(params.padding, 0) || !ok(params.dilation, 1) || !(Number.isInteger(params.groups) && params.groups >= 1)) {
    throw new Error(`[${op}] expected params { stride, padding, dilation: [h, w], groups }, got ${JSON.stringify(params)}`);
  }
}

function check4d(op: string, name: string, t: Tensor): void {
  if (t.ndim !== 4) throw new Error(`[${op}] expected ${name} to be 4-D, got shape ${showShape(t.shape)}`);
}

function checkSize(op: string, name: string, size: readonly number[]): Pair {
  if (!Array.isArray(size) || size.length !== 2 || size.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new Error(`[${op}] expected ${name} to be two non-negative integers, got ${JSON.stringify(size)}`);
  }
  return [size[0], size[1]];
}

/**
 * The forward 2-D convolution with explicit geometry: `input` `[N, C, H, W]`, `weight`
 * `[OC, C / groups, KH, KW]`, `bias` `[OC]` or null, output `[N, OC, ...outputSize]` (the output
 * size is given, so padding after the input may differ from `padding` before it). Recorded as op
 * `'conv2d'` (`ConvolutionBackward0`) with attrs `{ stride, padding, dilation, groups, outputSize }`.
 * {@link conv2d} is the user-facing form.
 */
export function conv2dForward(input: Tensor, weight: Tensor, bias: Tensor | null, params: Conv2dParams, outputSize: readonly number[]): Tensor {
  const op = 'conv2d';
  checkParams(op, params);
  const outSize = checkSize(op, 'outputSize', outputSize);
  check4d(op, 'input', input);
  check4d(op, 'weight', weight);
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  commonDevice(op, inputs);
  checkOperandTypes(op, input, weight, bias);
  checkGroups(op, weight, params.groups);
  if (input.shape[1] !== weight.shape[1] * params.groups) {
    throw new Error(
      `[${op}] Given groups=${params.groups}, weight of size ${showShape(weight.shape)}, expected input${showShape(input.shape)} to have ` +
        `${weight.shape[1] * params.groups} channels, but got ${input.shape[1]} channels instead`,
    );
  }
  checkBias(op, bias, weight, weight.shape[0], false);
  const g = makeGeometry(input.shape, weight.shape[0], [weight.shape[2], weight.shape[3]], outSize, params);
  const attrs = { ...paramsOf(params.stride, params.padding, params.dilation, params.groups), outputSize: outSize };
  return differentiable(op, inputs, attrs, () => forwardProduct(input, weight, bias, g));
}

/**
 * The gradient of {@link conv2dForward}'s input: `gradOutput` `[N, OC, OH, OW]` and `weight`
 * `[OC, C / groups, KH, KW]` give `[N, C, ...inputSize]`. Linear in both operands; recorded as op
 * `'conv2dBackwardInput'` (`ConvolutionBackwardBackward0`) with attrs `{ stride, padding, dilation,
 * groups, inputSize }`. It is also the transposed convolution.
 */
export function conv2dBackwardInput(gradOutput: Tensor, weight: Tensor, inputSize: readonly number[], params: Conv2dParams): Tensor {
  const op = 'conv2dBackwardInput';
  checkParams(op, params);
  const inSize = checkSize(op, 'inputSize', inputSize);
  check4d(op, 'gradOutput', gradOutput);
  check4d(op, 'weight', weight);
  commonDevice(op, [gradOutput, weight]);
  checkOperandTypes(op, gradOutput, weight, null);
  if (gradOutput.shape[1] !== weight.shape[0]) {
    throw new Error(`[${op}] gradOutput ${showShape(gradOutput.shape)} has ${gradOutput.shape[1]} channels, the weight ${showShape(weight.shape)} ${weight.shape[0]}`);
  }
  checkGroups(op, weight, params.groups);
  const n = gradOutput.shape[0];
  const g = makeGeometry([n, weight.shape[1] * params.groups, inSize[0], inSize[1]], weight.shape[0],
    [weight.shape[2], weight.shape[3]], [gradOutput.shape[2], gradOutput.shape[3]], params);
  const attrs = { ...paramsOf(params.stride, params.padding, params.dilation, params.groups), inputSize: inSize };
  return differentiable(op, [gradOutput, weight], attrs, () => inputGradProduct(gradOutput, weight, g));
}

/**
 * The gradient of {@link conv2dForward}'s weight: `input` `[N, C, H, W]` and `gradOutput`
 * `[N, OC, OH, OW]` give `[OC, C / groups, ...kernelSize]`, summed over the batch. Linear in both
 * operands; recorded as op `'conv2dBackwardWeight'` (`ConvolutionBackwardBackward0`) with attrs
 * `{ stride, padding, dilation, groups, kernelSize }`.
 */
export function conv2dBackwardWeight(input: Tensor, gradOutput: Tensor, kernelSize: readonly number[], params: Conv2dParams): Tensor {
  const op = 'conv2dBackwardWeight';
  checkParams(op, params);
  const kSize = checkSize(op, 'kernelSize', kernelSize);
  check4d(op, 'input', input);
  check4d(op, 'gradOutput', gradOutput);
  commonDevice(op, [input, gradOutput]);
  checkOperandTypes(op, input, gradOutput, null);
  if (input.shape[0] !== gradOutput.shape[0] || input.shape[1] % params.groups !== 0 || gradOutput.shape[1] % params.groups !== 0) {
    throw new Error(
      `[${op}] input ${showShape(input.shape)} and gradOutput ${showShape(gradOutput.shape)} do not match (batch sizes, or channels divisible by groups=${params.groups})`,
    );
  }
  const g = makeGeometry(input.shape, gradOutput.shape[1], kSize, [gradOutput.shape[2], gradOutput.shape[3]], params);
  const attrs = { ...paramsOf(params.stride, params.padding, params.dilation, params.groups), kernelSize: kSize };
  return differentiable(op, [input, gradOutput], attrs, () => weightGradProduct(input, gradOutput, g));
}

/** Validates a forward convolution and works out its geometry (`dims` = 1 or 2 spatial dims). */
function planForward(op: string, pyName: string, input: Tensor, weight: Tensor, bias: Tensor | null, options: object, dims: 1 | 2) {
  checkTensor(op, input);
  checkTensor(op, weight, 'weight');
  if (bias !== null) checkTensor(op, bias, 'bias');
  const o = parseConvOptions(op, options as Record<string, unknown>, dims, true);
  checkInputRank(op, pyName, input, dims);
  checkWeightRank(op, weight, dims, o.stride, dims === 2 ? '[out_channels, in_channels / groups, kH, kW]' : '[out_channels, in_channels / groups, kW]');
  commonDevice(op, bias === null ? [input, weight] : [input, weight, bias]);
  checkOperandTypes(op, input, weight, bias);
  checkGroups(op, weight, o.groups);
  const batched = input.ndim === dims + 2;
  const shape = batched ? input.shape : [1, ...input.shape];
  const channels = weight.shape[1] * o.groups;
  if (shape[1] !== channels) {
    throw new Error(
      `[${op}] Given groups=${o.groups}, weight of size ${showShape(weight.shape)}, expected input${showShape(shape)} to have ` +
        `${channels} channels, but got ${shape[1]} channels instead`,
    );
  }
  checkBias(op, bias, weight, weight.shape[0], false);
  const { padding, outSize } = forwardGeometry(op, shape.slice(2), weight.shape.slice(2), o);
  return { o, padding, outSize, batched };
}

/**
 * 2-D convolution (PyTorch's cross-correlation) of `input` `[N, C, H, W]` (or unbatched
 * `[C, H, W]`) with `weight` `[OC, C / groups, KH, KW]` plus an optional `bias` `[OC]`. Output
 * `[N, OC, OH, OW]` with `OH = ⌊(H + 2·padding − dilation·(KH − 1) − 1) / stride⌋ + 1`. Recorded as
 * op `'conv2d'` (`ConvolutionBackward0`); an unbatched input is unsqueezed and the result squeezed,
 * as in PyTorch.
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  const b = bias ?? null;
  const { o, padding, outSize, batched } = planForward(op, 'conv2d', input, weight, b, options, 2);
  const params = paramsOf(o.stride, padding, o.dilation, o.groups);
  if (!batched) return conv2dForward(input.unsqueeze(0), weight, b, params, outSize).squeeze(0);
  return conv2dForward(input, weight, b, params, outSize);
}

/**
 * 1-D convolution of `input` `[N, C, L]` (or unbatched `[C, L]`) with `weight` `[OC, C / groups, K]`
 * plus an optional `bias` `[OC]`. Computed as a 2-D convolution of height 1; recorded as op
 * `'conv1d'` (`ConvolutionBackward0`) with the 2-D attrs `{ stride, padding, dilation, groups,
 * outputSize }` (height entries 1, 0, 1, and output height 1).
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  const op = 'conv1d';
  const b = bias ?? null;
  const { o, padding, outSize, batched } = planForward(op, 'conv1d', input, weight, b, options, 1);
  const params = paramsOf([1, o.stride[0]], [0, padding[0]], [1, o.dilation[0]], o.groups);
  const x = batched ? input : input.unsqueeze(0);
  const out2d: Pair = [1, outSize[0]];
  const result = differentiable(op, b === null ? [x, weight] : [x, weight, b], { ...params, outputSize: out2d }, () => {
    const x4 = x.unsqueeze(2);
    const w4 = weight.unsqueeze(2);
    const g = makeGeometry(x4.shape, weight.shape[0], [1, weight.shape[2]], out2d, params);
    return forwardProduct(x4, w4, b, g).squeeze(2);
  });
  return batched ? result : result.squeeze(0);
}

/**
 * The transposed 2-D convolution (the gradient of `conv2d` with respect to its input, sometimes
 * called deconvolution): `input` `[N, Cin, H, W]` (or unbatched), `weight`
 * `[Cin, Cout / groups, KH, KW]`, optional `bias` `[Cout]`. Output size
 * `(H − 1)·stride − 2·padding + dilation·(KH − 1) + outputPadding + 1`. Recorded as op
 * `'convTranspose2d'` (`ConvolutionBackward0`) with attrs `{ stride, padding, dilation, groups,
 * outputSize }`.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  const b = bias ?? null;
  checkTensor(op, input);
  checkTensor(op, weight, 'weight');
  if (b !== null) checkTensor(op, b, 'bias');
  const raw = options as Record<string, unknown>;
  const o = parseConvOptions(op, raw, 2, false);
  const outputPadding = parseSpatial(op, 'output_padding', raw.outputPadding ?? 0, 2);
  if (outputPadding.some((p) => p < 0)) throw new Error(`[${op}] negative output_padding is not supported`);
  checkInputRank(op, 'conv_transpose2d', input, 2);
  checkWeightRank(op, weight, 2, o.stride, '[in_channels, out_channels / groups, kH, kW]');
  commonDevice(op, b === null ? [input, weight] : [input, weight, b]);
  checkOperandTypes(op, input, weight, b);
  checkGroups(op, weight, o.groups);
  const batched = input.ndim === 4;
  const x = batched ? input : input.unsqueeze(0);
  if (x.shape[1] !== weight.shape[0]) {
    throw new Error(
      `[${op}] Given transposed=1, weight of size ${showShape(weight.shape)}, expected input${showShape(x.shape)} to have ` +
        `${weight.shape[0]} channels, but got ${x.shape[1]} channels instead`,
    );
  }
  const outChannels = weight.shape[1] * o.groups;
  checkBias(op, b, weight, outChannels, true);
  const [s, d] = [o.stride, o.dilation];
  if (outputPadding[0] >= Math.max(s[0], d[0]) || outputPadding[1] >= Math.max(s[1], d[1])) {
    throw new Error(
      `[${op}] output padding must be smaller than either stride or dilation, but got output_padding_height: ${outputPadding[0]} ` +
        `output_padding_width: ${outputPadding[1]} stride_height: ${s[0]} stride_width: ${s[1]} dilation_height: ${d[0]} dilation_width: ${d[1]}`,
    );
  }
  const padding = o.padding as number[];
  const kernel = weight.shape.slice(2);
  const outSize = transposedOutSize(op, x.shape.slice(2), kernel, s, padding, d, outputPadding);
  const params = paramsOf(s, padding, d, o.groups);
  const size: Pair = [outSize[0], outSize[1]];
  const result = differentiable(op, b === null ? [x, weight] : [x, weight, b], { ...params, outputSize: size }, () => {
    // The forward convolution this transposes maps [N, Cout, ...outSize] to x's shape.
    const g = makeGeometry([x.shape[0], outChannels, size[0], size[1]], weight.shape[0], [kernel[0], kernel[1]],
      [x.shape[2], x.shape[3]], params);
    const out = inputGradProduct(x, weight, g);
    return b === null ? out : out.add(b.view(-1, 1, 1));
  });
  return batched ? result : result.squeeze(0);
}
