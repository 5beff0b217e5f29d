/**
 * Activation layers: ReLU, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax,
 * Softplus (PyTorch's modules over the functions of `nn.functional`).
 *
 * @module
 */
import type { Tensor } from '@typetorch/core';
import { Module } from '../module.js';
import * as F from '../functional/activation.js';
import { pyNumber, pyString } from './repr.js';

/** `, inplace=True` / `inplace=True` when set, as PyTorch's activations print it. */
function inplaceText(inplace: boolean, leading: boolean): string {
  if (!inplace) return '';
  return leading ? ', inplace=True' : 'inplace=True';
}

/** `max(x, 0)` (PyTorch's `nn.ReLU`). */
export class ReLU extends Module {
  /** Overwrite the input with the result. */
  readonly inplace: boolean;

  /** @param inplace - overwrite the input (default false) */
  constructor(inplace = false) {
    super();
    this.inplace = inplace;
  }

  /** `relu(input)`. */
  forward(input: Tensor): Tensor {
    return F.relu(input, { inplace: this.inplace });
  }

  /** `inplace=True` when set, else empty. */
  override extraRepr(): string {
    return inplaceText(this.inplace, false);
  }
}

/** `x` where positive, else `negativeSlope * x` (PyTorch's `nn.LeakyReLU`). */
export class LeakyReLU extends Module {
  /** The slope for negative inputs. */
  readonly negativeSlope: number;
  /** Overwrite the input with the result. */
  readonly inplace: boolean;

  /**
   * @param negativeSlope - slope for negative inputs (default 0.01)
   * @param inplace - overwrite the input (default false)
   */
  constructor(negativeSlope = 0.01, inplace = false) {
    super();
    this.negativeSlope = negativeSlope;
    this.inplace = inplace;
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

/** `x` where positive, else `alpha (exp(x) - 1)` (PyTorch's `nn.ELU`). */
export class ELU extends Module {
  /** The scale of the negative part. */
  readonly alpha: number;
  /** Overwrite the input with the result. */
  readonly inplace: boolean;
  /** Whether `alpha` is PyTorch's default (printed as the float `1.0`, a given 1 as the int `1`). */
  readonly alphaIsDefault: boolean;

  /**
   * @param alpha - scale of the negative part (default 1)
   * @param inplace - overwrite the input (default false)
   */
  constructor(alpha?: number, inplace = false) {
    super();
    this.alpha = alpha ?? 1;
    this.alphaIsDefault = alpha === undefined;
    this.inplace = inplace;
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

/** The Gaussian error linear unit `x Φ(x)` (PyTorch's `nn.GELU`), exact or tanh-approximated. */
export class GELU extends Module {
  /** `'none'` (exact, erf) or `'tanh'`. */
  readonly approximate: 'none' | 'tanh';

  /** @param approximate - `'none'` (default) or `'tanh'` */
  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    this.approximate = approximate;
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

/** `x * sigmoid(x)` (PyTorch's `nn.SiLU`). */
export class SiLU extends Module {
  /** Overwrite the input with the result. */
  readonly inplace: boolean;

  /** @param inplace - overwrite the input (default false) */
  constructor(inplace = false) {
    super();
    this.inplace = inplace;
  }

  /** `silu(input)`. */
  forward(input: Tensor): Tensor {
    return F.silu(input, { inplace: this.inplace });
  }

  /** `inplace=True` when set, else empty. */
  override extraRepr(): string {
    return inplaceText(this.inplace, false);
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

/** Softmax along `dim` (PyTorch's `nn.Softmax`); null picks PyTorch's implicit dim. */
export class Softmax extends Module {
  /** The dim the values sum to 1 along. */
  readonly dim: number | null;

  /** @param dim - the dim to normalise (default null: PyTorch's implicit choice, deprecated there) */
  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }

  /** `softmax(input, dim)`. */
  forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }

  /** `dim=1` (`dim=None` when unset). */
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

/** Log-softmax along `dim` (PyTorch's `nn.LogSoftmax`); null picks PyTorch's implicit dim. */
export class LogSoftmax extends Module {
  /** The dim to normalise along. */
  readonly dim: number | null;

  /** @param dim - the dim to normalise (default null: PyTorch's implicit choice, deprecated there) */
  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }

  /** `logSoftmax(input, dim)`. */
  forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }

  /** `dim=1` (`dim=None` when unset). */
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

/** `log(1 + exp(beta x)) / beta`, linear above `threshold` (PyTorch's `nn.Softplus`). */
export class Softplus extends Module {
  /** The sharpness. */
  readonly beta: number;
  /** Above `beta * x > threshold` the layer is the identity. */
  readonly threshold: number;

  /**
   * @param beta - sharpness (default 1)
   * @param threshold - where it reverts to the identity (default 20)
   */
  constructor(beta = 1, threshold = 20) {
    super();
    this.beta = beta;
    this.threshold = threshold;
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
