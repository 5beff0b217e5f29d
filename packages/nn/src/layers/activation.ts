/**
 * Activation layers: ReLU, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax,
 * Softplus (PyTorch's modules over the functions of `nn.functional`). Every optional argument is
 * given positionally (`new nn.LeakyReLU(0.1)`) or by name (`new nn.LeakyReLU({ negativeSlope: 0.1 })`).
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Module } from '../module.js';
import { mergeArgs, type OptionalArgs } from '../args.js';
import * as F from '../functional/activation.js';
import { pyNumber, pyString } from './repr.js';

/** Options of {@link ReLU} and {@link SiLU}. */
export interface InplaceLayerOptions {
  /** Overwrite the input with the result (default false). */
  inplace?: boolean;
}

/** Options of {@link LeakyReLU}. */
export interface LeakyReLUOptions extends InplaceLayerOptions {
  /** The slope for negative inputs (default 0.01). */
  negativeSlope?: number;
}

/** Options of {@link ELU}. */
export interface ELUOptions extends InplaceLayerOptions {
  /** The scale of the negative part (default 1). */
  alpha?: number;
}

/** Options of {@link GELU}. */
export interface GELUOptions {
  /** `'none'` (default: exact, with erf) or `'tanh'`. */
  approximate?: 'none' | 'tanh';
}

/** Options of {@link Softmax} and {@link LogSoftmax}. */
export interface SoftmaxLayerOptions {
  /** The dim to normalise (default null: PyTorch's implicit choice, deprecated there). */
  dim?: number | null;
}

/** Options of {@link Softplus}. */
export interface SoftplusLayerOptions {
  /** The sharpness (default 1). */
  beta?: number;
  /** Where it reverts to the identity (default 20). */
  threshold?: number;
}

/** `, inplace=True` / `inplace=True` when set, as PyTorch's activations print it. */
function inplaceText(inplace: boolean, leading: boolean): string {
  if (!inplace) return '';
  return leading ? ', inplace=True' : 'inplace=True';
}

/** The shared part of {@link ReLU} and {@link SiLU}: the `inplace` flag and its printed form. */
export abstract class _InplaceActivation extends Module {
  /** Overwrite the input with the result. */
  readonly inplace: boolean;

  /** @param args - `inplace` (default false), positionally or as `{ inplace }` */
  constructor(...args: OptionalArgs<[inplace: boolean], InplaceLayerOptions>) {
    super();
    this.inplace = mergeArgs<InplaceLayerOptions>(this._getName(), ['inplace'], args).inplace ?? false;
  }

  /** `inplace=True` when set, else empty. */
  override extraRepr(): string {
    return inplaceText(this.inplace, false);
  }
}

/** `max(x, 0)` (PyTorch's `nn.ReLU`): `new nn.ReLU()`, `new nn.ReLU(true)` or `new nn.ReLU({ inplace: true })`. */
export class ReLU extends _InplaceActivation {
  /** `relu(input)`. */
  forward(input: Tensor): Tensor {
    return F.relu(input, { inplace: this.inplace });
  }
}

/** `x * sigmoid(x)` (PyTorch's `nn.SiLU`): `new nn.SiLU()`, `new nn.SiLU(true)` or `new nn.SiLU({ inplace: true })`. */
export class SiLU extends _InplaceActivation {
  /** `silu(input)`. */
  forward(input: Tensor): Tensor {
    return F.silu(input, { inplace: this.inplace });
  }
}

/**
 * `x` where positive, else `negativeSlope * x` (PyTorch's `nn.LeakyReLU`):
 * `new nn.LeakyReLU(0.1)` or `new nn.LeakyReLU({ negativeSlope: 0.1, inplace: true })`.
 */
export class LeakyReLU extends Module {
  /** The slope for negative inputs. */
  readonly negativeSlope: number;
  /** Overwrite the input with the result. */
  readonly inplace: boolean;

  /** @param args - `negativeSlope` (default 0.01), `inplace` (default false), positionally or by name */
  constructor(...args: OptionalArgs<[negativeSlope: number, inplace: boolean], LeakyReLUOptions>) {
    super();
    const o = mergeArgs<LeakyReLUOptions>('LeakyReLU', ['negativeSlope', 'inplace'], args);
    this.negativeSlope = o.negativeSlope ?? 0.01;
    this.inplace = o.inplace ?? false;
  }

  /** `leakyRelu(input, negativeSlope)`. */
  forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope, { inplace: this.inplace });
  }

  /** `negative_slope=0.01`. */
  override extraRepr(): string {
    return `negative_slope=${pyNumber(this.negativeSlope)}${inplaceText(this.inplace, true)}`;
  }
}

/**
 * `x` where positive, else `alpha (exp(x) - 1)` (PyTorch's `nn.ELU`): `new nn.ELU(0.5)` or
 * `new nn.ELU({ alpha: 0.5 })`.
 */
export class ELU extends Module {
  /** The scale of the negative part. */
  readonly alpha: number;
  /** Overwrite the input with the result. */
  readonly inplace: boolean;
  /** Whether `alpha` is PyTorch's default (printed as the float `1.0`, a given 1 as the int `1`). */
  readonly alphaIsDefault: boolean;

  /** @param args - `alpha` (default 1), `inplace` (default false), positionally or by name */
  constructor(...args: OptionalArgs<[alpha: number, inplace: boolean], ELUOptions>) {
    super();
    const o = mergeArgs<ELUOptions>('ELU', ['alpha', 'inplace'], args);
    this.alpha = o.alpha ?? 1;
    this.alphaIsDefault = o.alpha === undefined;
    this.inplace = o.inplace ?? false;
  }

  /** `elu(input, alpha)`. */
  forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha, { inplace: this.inplace });
  }

  /** `alpha=1.0`. */
  override extraRepr(): string {
    return `alpha=${this.alphaIsDefault ? '1.0' : pyNumber(this.alpha)}${inplaceText(this.inplace, true)}`;
  }
}

/**
 * The Gaussian error linear unit `x Φ(x)` (PyTorch's `nn.GELU`), exact or tanh-approximated:
 * `new nn.GELU('tanh')` or `new nn.GELU({ approximate: 'tanh' })`.
 */
export class GELU extends Module {
  /** `'none'` (exact, erf) or `'tanh'`. */
  readonly approximate: 'none' | 'tanh';

  /** @param args - `approximate` (`'none'`, the default, or `'tanh'`), positionally or by name */
  constructor(...args: OptionalArgs<[approximate: 'none' | 'tanh'], GELUOptions>) {
    super();
    this.approximate = mergeArgs<GELUOptions>('GELU', ['approximate'], args).approximate ?? 'none';
  }

  /** `gelu(input)`. */
  forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }

  /** `approximate='none'`. */
  override extraRepr(): string {
    return `approximate=${pyString(this.approximate)}`;
  }
}

/** The logistic sigmoid (PyTorch's `nn.Sigmoid`). */
export class Sigmoid extends Module {
  /** `sigmoid(input)`. */
  forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

/** The hyperbolic tangent (PyTorch's `nn.Tanh`). */
export class Tanh extends Module {
  /** `tanh(input)`. */
  forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

/** The shared part of {@link Softmax} and {@link LogSoftmax}: the `dim` and its printed form. */
export abstract class _SoftmaxNd extends Module {
  /** The dim to normalise along, or null for PyTorch's implicit choice. */
  readonly dim: number | null;

  /** @param args - `dim` (default null: PyTorch's implicit choice, deprecated there), positionally or by name */
  constructor(...args: OptionalArgs<[dim: number | null], SoftmaxLayerOptions>) {
    super();
    this.dim = mergeArgs<SoftmaxLayerOptions>(this._getName(), ['dim'], args).dim ?? null;
  }

  /** `dim=1` (`dim=None` when unset). */
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

/** Softmax along `dim` (PyTorch's `nn.Softmax`): `new nn.Softmax(1)` or `new nn.Softmax({ dim: 1 })`. */
export class Softmax extends _SoftmaxNd {
  /** `softmax(input, dim)`. */
  forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
}

/** Log-softmax along `dim` (PyTorch's `nn.LogSoftmax`): `new nn.LogSoftmax(1)` or `new nn.LogSoftmax({ dim: 1 })`. */
export class LogSoftmax extends _SoftmaxNd {
  /** `logSoftmax(input, dim)`. */
  forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }
}

/**
 * `log(1 + exp(beta x)) / beta`, linear above `threshold` (PyTorch's `nn.Softplus`):
 * `new nn.Softplus(2, 10)` or `new nn.Softplus({ beta: 2, threshold: 10 })`.
 */
export class Softplus extends Module {
  /** The sharpness. */
  readonly beta: number;
  /** Above `beta * x > threshold` the layer is the identity. */
  readonly threshold: number;

  /** @param args - `beta` (default 1), `threshold` (default 20), positionally or by name */
  constructor(...args: OptionalArgs<[beta: number, threshold: number], SoftplusLayerOptions>) {
    super();
    const o = mergeArgs<SoftplusLayerOptions>('Softplus', ['beta', 'threshold'], args);
    this.beta = o.beta ?? 1;
    this.threshold = o.threshold ?? 20;
  }

  /** `softplus(input, beta, threshold)`. */
  forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }

  /** `beta=1, threshold=20`. */
  override extraRepr(): string {
    return `beta=${pyNumber(this.beta)}, threshold=${pyNumber(this.threshold)}`;
  }
}
