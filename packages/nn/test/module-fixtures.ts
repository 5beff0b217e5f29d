// Small modules shared by the Module tests; they use no layers, so they test Module alone.
import * as torch from 'typetorch';
import { Module, Parameter, Sequential } from '@typetorch/nn';

/** A dense layer written by hand: `x @ weight^T + bias`. */
export class Dense extends Module {
  weight: Parameter;
  bias!: Parameter | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, bias = true) {
    super();
    this.weight = new Parameter(torch.randn(outFeatures, inFeatures));
    if (bias) this.bias = new Parameter(torch.zeros(outFeatures));
    else this.registerParameter('bias', null);
  }
  forward(x: torch.Tensor): torch.Tensor {
    const y = x.matmul(this.weight.t());
    return this.bias === null ? y : y.add(this.bias);
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/** A module with parameters, persistent and non-persistent buffers and a null placeholder. */
export class Leaf extends Module {
  w: Parameter;
  constructor(readonly n: number) {
    super();
    this.w = new Parameter(torch.ones(n));
    this.registerBuffer('rm', torch.zeros(n));
    this.registerBuffer('tmp', torch.zeros(1), { persistent: false });
    this.registerParameter('nothing', null);
  }
  forward(x: torch.Tensor): torch.Tensor {
    return x.mul(this.w);
  }
  override extraRepr(): string {
    return `n=${this.n}`;
  }
}

/** A parameter-free activation. */
export class Relu extends Module {
  forward(x: torch.Tensor): torch.Tensor {
    return x.relu();
  }
}

/**
 * The tree of /tmp/pt2.py in PyTorch: own parameter and buffer, a child, a Sequential, a shared
 * child (the same module registered twice) and an unregistered null attribute.
 */
export class Tree extends Module {
  a = new Leaf(1);
  scale = new Parameter(torch.tensor(2.0));
  b = new Sequential(new Leaf(2), new Relu());
  shared: Module;
  empty: Module | null = null;
  constructor() {
    super();
    this.shared = this.a;
    this.registerBuffer('count', torch.tensor(0, { dtype: 'int64' }));
  }
}
