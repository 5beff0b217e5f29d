/**
 * `nn.init`: in-place initialisation of parameters with PyTorch's distributions and bounds
 * (`torch.nn.init`). Every function writes into the tensor without recording gradients and returns
 * it; random ones take a `{ generator }` option (default: the global generator).
 *
 * Scalar options may be given positionally as in PyTorch (`kaimingUniform_(w, Math.sqrt(5))`) or
 * as an options object (`kaimingUniform_(w, { a: Math.sqrt(5), mode: 'fan_out' })`).
 *
 * @module
 */
import { Tensor, noGrad, eye, type Generator } from '@typetorch/core';

/** The `{ generator }` option of random initialisers. */
export interface GeneratorOption {
  /** The random number generator to draw from (default: the global one). */
  generator?: Generator;
}

/** Names accepted by {@link calculateGain} (PyTorch's `nn.functional` names). */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** Which fan Kaiming initialisation scales by. */
export type FanMode = 'fan_in' | 'fan_out';

/** Options of {@link kaimingUniform_} and {@link kaimingNormal_}. */
export interface KaimingOptions extends GeneratorOption {
  /** Negative slope of the rectifier after this layer (used with `'leaky_relu'`); default 0. */
  a?: number;
  /** `'fan_in'` (default) preserves the forward pass's variance, `'fan_out'` the backward pass's. */
  mode?: FanMode;
  /** The nonlinearity after this layer (default `'leaky_relu'`). */
  nonlinearity?: Nonlinearity;
}

/** Options of the Xavier initialisers and {@link orthogonal_}. */
export interface GainOptions extends GeneratorOption {
  /** A scaling factor (default 1). */
  gain?: number;
}

function checkTensorArg(op: string, tensor: unknown): asserts tensor is Tensor {
  if (!(tensor instanceof Tensor)) throw new TypeError(`[init.${op}] expected a Tensor, got ${typeof tensor}`);
}

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): 1 for linear and conv
 * layers and sigmoid, 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leaky_relu (slope
 * `param`, default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      if (param !== undefined && param !== null && (typeof param !== 'number' || !Number.isFinite(param))) {
        throw new Error(`[init.calculateGain] negative_slope ${String(param)} not a valid number`);
      }
      const slope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case 'selu':
      return 3.0 / 4;
    default:
      throw new Error(`[init.calculateGain] Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/**
 * `[fanIn, fanOut]` of a weight of shape `[out, in, ...kernel]` (PyTorch's
 * `_calculate_fan_in_and_fan_out`): `in × receptive field` and `out × receptive field`.
 */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  checkTensorArg('calculateFanInAndFanOut', tensor);
  if (tensor.dim() < 2) {
    throw new Error('[init.calculateFanInAndFanOut] Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  }
  const receptiveField = tensor.shape.slice(2).reduce((n, s) => n * s, 1);
  return [tensor.shape[1] * receptiveField, tensor.shape[0] * receptiveField];
}

/** The fan that `mode` selects (PyTorch's `_calculate_correct_fan`). */
function correctFan(tensor: Tensor, mode: string): number {
  const m = mode.toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') {
    throw new Error(`[init] Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`);
  }
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

/** Fills `tensor` with draws from U(a, b) (default U(0, 1)). */
export function uniform_<T extends Tensor>(tensor: T, a = 0, b = 1, options: GeneratorOption = {}): T {
  checkTensorArg('uniform_', tensor);
  return noGrad(() => tensor.uniform_(a, b, options));
}

/** Fills `tensor` with draws from N(mean, std²) (default N(0, 1)). */
export function normal_<T extends Tensor>(tensor: T, mean = 0, std = 1, options: GeneratorOption = {}): T {
  checkTensorArg('normal_', tensor);
  return noGrad(() => tensor.normal_(mean, std, options));
}

/** Fills `tensor` with `val`. */
export function constant_<T extends Tensor>(tensor: T, val: number): T {
  checkTensorArg('constant_', tensor);
  return noGrad(() => tensor.fill_(val));
}

/** Fills `tensor` with ones. */
export function ones_<T extends Tensor>(tensor: T): T {
  checkTensorArg('ones_', tensor);
  return noGrad(() => tensor.fill_(1));
}

/** Fills `tensor` with zeros. */
export function zeros_<T extends Tensor>(tensor: T): T {
  checkTensorArg('zeros_', tensor);
  return noGrad(() => tensor.zero_());
}

/** Fills a 2-D `tensor` with the identity matrix (ones on the diagonal). */
export function eye_<T extends Tensor>(tensor: T): T {
  checkTensorArg('eye_', tensor);
  if (tensor.dim() !== 2) throw new Error('[init.eye_] Only tensors with 2 dimensions are supported');
  return noGrad(() => tensor.copy_(eye(tensor.shape[0], tensor.shape[1], { dtype: tensor.dtype, device: tensor.device })));
}

/**
 * Fills a 3-, 4- or 5-D convolution weight with the Dirac delta, so the convolution preserves its
 * input channels (per group).
 */
export function dirac_<T extends Tensor>(tensor: T, groups = 1): T {
  checkTensorArg('dirac_', tensor);
  const dims = tensor.dim();
  if (dims < 3 || dims > 5) throw new Error('[init.dirac_] Only tensors with 3, 4, or 5 dimensions are supported');
  const sizes = tensor.shape;
  if (sizes[0] % groups !== 0) throw new Error('[init.dirac_] dim 0 must be divisible by groups');
  const outPerGroup = sizes[0] / groups;
  const minDim = Math.min(outPerGroup, sizes[1]);
  const centre = sizes.slice(2).map((s) => Math.floor(s / 2));
  return noGrad(() => {
    tensor.zero_();
    for (let g = 0; g < groups; g++) {
      for (let d = 0; d < minDim; d++) tensor.indexPut_([g * outPerGroup + d, d, ...centre], 1);
    }
    return tensor;
  });
}

function gainArgs(gainOrOptions: number | GainOptions | undefined, options: GeneratorOption | undefined): GainOptions {
  if (typeof gainOrOptions === 'object' && gainOrOptions !== null) return gainOrOptions;
  return { ...options, gain: gainOrOptions ?? 1 };
}

/**
 * Xavier/Glorot uniform initialisation: U(-a, a) with a = gain × √(6 / (fanIn + fanOut)).
 * `gain` positionally or `{ gain, generator }`.
 */
export function xavierUniform_<T extends Tensor>(tensor: T, gain?: number | GainOptions, options?: GeneratorOption): T {
  checkTensorArg('xavierUniform_', tensor);
  const opts = gainArgs(gain, options);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = (opts.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(tensor, -a, a, { generator: opts.generator });
}

/**
 * Xavier/Glorot normal initialisation: N(0, std²) with std = gain × √(2 / (fanIn + fanOut)).
 * `gain` positionally or `{ gain, generator }`.
 */
export function xavierNormal_<T extends Tensor>(tensor: T, gain?: number | GainOptions, options?: GeneratorOption): T {
  checkTensorArg('xavierNormal_', tensor);
  const opts = gainArgs(gain, options);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = (opts.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(tensor, 0, std, { generator: opts.generator });
}

function kaimingArgs(
  a: number | KaimingOptions | undefined, mode: FanMode | undefined, nonlinearity: Nonlinearity | undefined,
  options: GeneratorOption | undefined,
): Required<Omit<KaimingOptions, 'generator'>> & GeneratorOption {
  const o: KaimingOptions = typeof a === 'object' && a !== null ? a : { a, mode, nonlinearity, ...options };
  return { a: o.a ?? 0, mode: o.mode ?? 'fan_in', nonlinearity: o.nonlinearity ?? 'leaky_relu', generator: o.generator };
}

/** The standard deviation of Kaiming initialisation: gain / √fan. */
function kaimingStd(tensor: Tensor, o: Required<Omit<KaimingOptions, 'generator'>>): number {
  const fan = correctFan(tensor, o.mode);
  return calculateGain(o.nonlinearity, o.a) / Math.sqrt(fan);
}

/**
 * Kaiming/He uniform initialisation: U(-bound, bound) with bound = gain × √(3 / fan), where
 * `gain = calculateGain(nonlinearity, a)`. Defaults as PyTorch: `a = 0`, `mode = 'fan_in'`,
 * `nonlinearity = 'leaky_relu'`. Layers use `kaimingUniform_(w, Math.sqrt(5))`. Zero-element
 * tensors are left alone.
 */
export function kaimingUniform_<T extends Tensor>(tensor: T, options?: KaimingOptions): T;
export function kaimingUniform_<T extends Tensor>(
  tensor: T, a?: number, mode?: FanMode, nonlinearity?: Nonlinearity, options?: GeneratorOption): T;
export function kaimingUniform_<T extends Tensor>(
  tensor: T, a?: number | KaimingOptions, mode?: FanMode, nonlinearity?: Nonlinearity, options?: GeneratorOption,
): T {
  checkTensorArg('kaimingUniform_', tensor);
  if (tensor.numel() === 0) return tensor;
  const o = kaimingArgs(a, mode, nonlinearity, options);
  const bound = Math.sqrt(3.0) * kaimingStd(tensor, o);
  return uniform_(tensor, -bound, bound, { generator: o.generator });
}

/**
 * Kaiming/He normal initialisation: N(0, std²) with std = gain / √fan (same arguments as
 * {@link kaimingUniform_}). Zero-element tensors are left alone.
 */
export function kaimingNormal_<T extends Tensor>(tensor: T, options?: KaimingOptions): T;
export function kaimingNormal_<T extends Tensor>(
  tensor: T, a?: number, mode?: FanMode, nonlinearity?: Nonlinearity, options?: GeneratorOption): T;
export function kaimingNormal_<T extends Tensor>(
  tensor: T, a?: number | KaimingOptions, mode?: FanMode, nonlinearity?: Nonlinearity, options?: GeneratorOption,
): T {
  checkTensorArg('kaimingNormal_', tensor);
  if (tensor.numel() === 0) return tensor;
  const o = kaimingArgs(a, mode, nonlinearity, options);
  return normal_(tensor, 0, kaimingStd(tensor, o), { generator: o.generator });
}

/**
 * Fills `tensor` (at least 2-D; trailing dims are flattened) with a (semi-)orthogonal matrix times
 * `gain`: the Q factor of a standard normal matrix, with R's diagonal made positive, as PyTorch
 * does (computed here by Gram-Schmidt with re-orthogonalisation, which gives that same Q).
 */
export function orthogonal_<T extends Tensor>(tensor: T, gain?: number | GainOptions, options?: GeneratorOption): T {
  checkTensorArg('orthogonal_', tensor);
  if (tensor.dim() < 2) throw new Error('[init.orthogonal_] Only tensors with 2 or more dimensions are supported');
  if (tensor.numel() === 0) return tensor;
  const opts = gainArgs(gain, options);
  return noGrad(() => {
    const rows = tensor.shape[0];
    const cols = tensor.numel() / rows;
    const flattened = tensor.newEmpty([rows, cols]).normal_(0, 1, { generator: opts.generator });
    const a = rows < cols ? flattened.t() : flattened; // tall: m >= n
    const [m, n] = a.shape;
    const q = a.newZeros([m, n]);
    for (let j = 0; j < n; j++) {
      let v = a.select(1, j).clone();
      if (j > 0) {
        const basis = q.narrow(1, 0, j);
        // Twice is enough (Kahan): keeps Q orthogonal to working precision.
        for (let pass = 0; pass < 2; pass++) v = v.sub(basis.mv(basis.t().mv(v)));
      }
      q.select(1, j).copy_(v.div(v.norm()));
    }
    const result = rows < cols ? q.t() : q;
    tensor.view(rows, cols).copy_(result);
    tensor.mul_(opts.gain ?? 1);
    return tensor;
  });
}

/** Alias of {@link calculateFanInAndFanOut} under PyTorch's private name `_calculate_fan_in_and_fan_out`. */
export const _calculateFanInAndFanOut = calculateFanInAndFanOut;
