// nn.Module: registration through the Proxy, traversal, modes and bulk operations, checked against
// PyTorch 1.13's behaviour (the expected lists come from the same models run in PyTorch).
import { describe, it, expect } from 'vitest';
import * as torch from 'typetorch';
import { Module, Parameter, Sequential } from '@typetorch/nn';
import { Dense, Leaf, Relu, Tree } from './module-fixtures.js';

describe('Module registration', () => {
  it('registers class fields and constructor assignments in definition order', () => {
    class Net extends Module {
      fc1 = new Dense(3, 4);
      act = new Relu();
      fc2 = new Dense(4, 2);
      forward(x: torch.Tensor): torch.Tensor {
        return this.fc2.call(this.act.call(this.fc1.call(x)));
      }
    }
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(net.parameters().length).toBe(4);
    expect([...net._modules.keys()]).toEqual(['fc1', 'act', 'fc2']);
    expect(net.call(torch.randn(5, 3)).shape).toEqual([5, 2]);
  });

  it('keeps instanceof, methods, getters and this for subclasses behind the proxy', () => {
    class Scaled extends Dense {
      get doubledWeight(): torch.Tensor {
        return this.weight.mul(2);
      }
      self(): Module {
        return this;
      }
    }
    const m = new Scaled(2, 3);
    expect(m instanceof Scaled).toBe(true);
    expect(m instanceof Dense).toBe(true);
    expect(m instanceof Module).toBe(true);
    expect(m.self()).toBe(m);
    expect(m.doubledWeight.tolistSync()).toEqual(m.weight.mul(2).tolistSync());
    expect(m.weight).toBeInstanceOf(Parameter);
    expect(m._parameters.get('weight')).toBe(m.weight);
    // The registered value lives in the map, not as an own property of the instance.
    expect(Object.prototype.hasOwnProperty.call(m, 'weight')).toBe(false);
    expect('weight' in m).toBe(true);
  });

  it('registers parameters, buffers and modules assigned after construction', () => {
    const m = new Module();
    m.registerBuffer('running', torch.zeros(2));
    Object.assign(m, { p: new Parameter(torch.ones(1)), child: new Relu(), plain: 3 });
    expect([...m._parameters.keys()]).toEqual(['p']);
    expect([...m._modules.keys()]).toEqual(['child']);
    expect(Object.keys(m.stateDict())).toEqual(['p', 'running']);
    expect((m as unknown as { plain: number }).plain).toBe(3);
  });

  it('updates a registered buffer when a tensor is assigned to its name', () => {
    const leaf = new Leaf(2);
    const next = torch.full([2], 5);
    (leaf as unknown as { rm: torch.Tensor }).rm = next;
    expect(leaf._buffers.get('rm')).toBe(next);
    expect(leaf.stateDict().rm.tolistSync()).toEqual([5, 5]);
    expect(() => ((leaf as unknown as { rm: unknown }).rm = 3)).toThrow(
      "cannot assign 'number' as buffer 'rm' (torch.Tensor or None expected)",
    );
  });

  it('keeps a name registered when null is assigned, and skips null entries', () => {
    const d = new Dense(2, 2);
    d.bias = null;
    expect(d._parameters.has('bias')).toBe(true);
    expect(d.bias).toBe(null);
    expect(d.parameters().length).toBe(1);
    expect(Object.keys(d.stateDict())).toEqual(['weight']);
    d.bias = new Parameter(torch.zeros(2));
    // Reassignment keeps the original position, as a Python dict does.
    expect(Object.keys(d.stateDict())).toEqual(['weight', 'bias']);
  });

  it('refuses a plain tensor assigned to a parameter name, in PyTorch words', () => {
    const d = new Dense(2, 2);
    expect(() => ((d as unknown as { weight: unknown }).weight = torch.zeros(1))).toThrow(
      "[Module] cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)",
    );
    const t = new Tree();
    expect(() => ((t as unknown as { a: unknown }).a = 1)).toThrow("cannot assign 'number' as child module 'a'");
  });

  it('moves a name between kinds as PyTorch: a module over a buffer, a parameter over a module', () => {
    const leaf = new Leaf(1);
    (leaf as unknown as { rm: unknown }).rm = new Relu();
    expect(leaf._buffers.has('rm')).toBe(false);
    expect([...leaf._modules.keys()]).toEqual(['rm']);
    (leaf as unknown as { rm: unknown }).rm = new Parameter(torch.zeros(1));
    expect(leaf._modules.has('rm')).toBe(false);
    expect(Object.keys(leaf.stateDict())).toEqual(['w', 'rm']);
    // A registered parameter name only takes a Parameter or null (checked before modules, as PyTorch).
    const d = new Dense(2, 2);
    expect(() => ((d as unknown as { bias: unknown }).bias = new Relu())).toThrow(
      "cannot assign 'Relu' as parameter 'bias' (torch.nn.Parameter or None expected)",
    );
  });

  it('unregisters with delete, as PyTorch\'s delattr', () => {
    const d = new Dense(2, 2);
    delete (d as unknown as { bias?: unknown }).bias;
    expect(Object.keys(d.stateDict())).toEqual(['weight']);
    expect('bias' in d).toBe(false);
    const leaf = new Leaf(1);
    delete (leaf as unknown as { tmp?: unknown }).tmp;
    expect(leaf._nonPersistentBuffers.has('tmp')).toBe(false);
  });

  it('rejects bad names and values in registerParameter, registerBuffer and addModule', () => {
    const d = new Dense(2, 3);
    expect(() => d.registerParameter('a.b', new Parameter(torch.zeros(1)))).toThrow(
      '[registerParameter] parameter name can\'t contain "."',
    );
    expect(() => d.registerParameter('', new Parameter(torch.zeros(1)))).toThrow('parameter name can\'t be empty string ""');
    expect(() => d.registerParameter('x', torch.zeros(1) as Parameter)).toThrow(
      "cannot assign 'torch.FloatTensor' object to parameter 'x' (torch.nn.Parameter or None required)",
    );
    expect(() => d.registerBuffer('weight', torch.zeros(1))).toThrow("[registerBuffer] attribute 'weight' already exists");
    expect(() => d.registerParameter('inFeatures', null)).toThrow("attribute 'inFeatures' already exists");
    expect(() => d.addModule('forward', new Relu())).toThrow("[addModule] attribute 'forward' already exists");
    expect(() => d.addModule('x', torch.zeros(1) as unknown as Module)).toThrow('Tensor is not a Module subclass');
    expect(() => d.registerBuffer('a.b', torch.zeros(1))).toThrow('buffer name can\'t contain "."');
    expect(() => d.addModule('a.b', new Relu())).toThrow('module name can\'t contain ".", got: a.b');
    // Re-registering a parameter under its own name replaces it.
    const p = new Parameter(torch.zeros(3, 2));
    d.registerParameter('weight', p);
    expect(d.weight).toBe(p);
  });

  it('refuses a non-leaf as a parameter', () => {
    const w = torch.ones(2, { requiresGrad: true });
    const p = new Parameter(w);
    const nonLeaf = p.mul(2);
    Object.setPrototypeOf(nonLeaf, Parameter.prototype);
    expect(() => new Module().registerParameter('p', nonLeaf as Parameter)).toThrow('Cannot assign non-leaf Tensor to parameter');
  });

  it('registers with registerModule (the alias of addModule) and null placeholders', () => {
    const m = new Module();
    m.registerModule('x', new Relu());
    m.addModule('y', null);
    expect(m.children().length).toBe(1);
    expect([...m._modules.keys()]).toEqual(['x', 'y']);
    expect(String(m)).toBe('Module(\n  (x): Relu()\n  (y): None\n)');
  });

  it('finds submodules, parameters and buffers by dotted path', () => {
    const t = new Tree();
    expect(t.getSubmodule('b.0')).toBe((t.b as Sequential).get(0));
    expect(t.getParameter('b.0.w')).toBe(((t.b as Sequential).get(0) as Leaf).w);
    expect(t.getBuffer('a.rm').shape).toEqual([1]);
    expect(() => t.getSubmodule('b.7')).toThrow('has no attribute `7`');
  });
});

describe('Module traversal (PyTorch order and deduplication)', () => {
  it('lists state dict keys, parameters, buffers, modules and children as PyTorch does', () => {
    const t = new Tree();
    expect(Object.keys(t.stateDict())).toEqual(['scale', 'count', 'a.w', 'a.rm', 'b.0.w', 'b.0.rm', 'shared.w', 'shared.rm']);
    expect(t.namedParameters().map(([n]) => n)).toEqual(['scale', 'a.w', 'b.0.w']);
    expect(t.namedBuffers().map(([n]) => n)).toEqual(['count', 'a.rm', 'a.tmp', 'b.0.rm', 'b.0.tmp']);
    expect(t.namedModules().map(([n]) => n)).toEqual(['', 'a', 'b', 'b.0', 'b.1']);
    expect(t.namedModules({ removeDuplicate: false }).map(([n]) => n)).toEqual(['', 'a', 'b', 'b.0', 'b.1', 'shared']);
    expect(t.namedChildren().map(([n]) => n)).toEqual(['a', 'b']);
    expect(t.modules().length).toBe(5);
    expect(t.modules()[0]).toBe(t);
  });

  it('honours recurse: false and prefix', () => {
    const t = new Tree();
    expect(t.namedParameters({ recurse: false }).map(([n]) => n)).toEqual(['scale']);
    expect(t.parameters({ recurse: false }).length).toBe(1);
    expect(t.namedParameters({ prefix: 'model' }).map(([n]) => n)).toEqual(['model.scale', 'model.a.w', 'model.b.0.w']);
    expect(t.buffers({ recurse: false }).length).toBe(1);
  });

  it('applies fn post-order: children before their parent', () => {
    const order: string[] = [];
    new Tree().apply((m) => order.push(m.constructor.name));
    expect(order).toEqual(['Leaf', 'Leaf', 'Relu', 'Sequential', 'Tree']);
  });
});

describe('Module modes and bulk operations', () => {
  it('sets training recursively with train() and eval(), returning the module', () => {
    const t = new Tree();
    expect(t.eval()).toBe(t);
    expect(t.modules().every((m) => !m.training)).toBe(true);
    t.train();
    expect(t.modules().every((m) => m.training)).toBe(true);
    t.train(false);
    expect(((t.b as Sequential).get(1)).training).toBe(false);
    expect(() => t.train('yes' as unknown as boolean)).toThrow('training mode is expected to be boolean');
  });

  it('zeroes gradients in place by default, as PyTorch 1.13 (set_to_none=False)', () => {
    const d = new Dense(2, 2);
    d.call(torch.ones(1, 2)).sum().backward();
    const grad = d.weight.grad!;
    expect(grad.abs().sum().itemSync()).toBeGreaterThan(0);
    d.zeroGrad();
    expect(d.weight.grad).toBe(grad);
    expect(grad.tolistSync()).toEqual([[0, 0], [0, 0]]);
    expect(d.bias!.grad!.tolistSync()).toEqual([0, 0]);
    d.zeroGrad({ setToNone: true });
    expect(d.weight.grad).toBe(null);
    expect(d.bias!.grad).toBe(null);
  });

  it('detaches a gradient that has history before zeroing it', () => {
    const d = new Dense(1, 1);
    const x = torch.ones(1, { requiresGrad: true });
    d.weight.grad = x.mul(3).view(1, 1);
    d.zeroGrad();
    expect(d.weight.grad!.gradFn).toBe(null);
    expect(d.weight.grad!.tolistSync()).toEqual([[0]]);
  });

  it('freezes and unfreezes parameters with requiresGrad_', () => {
    const t = new Tree();
    expect(t.requiresGrad_(false)).toBe(t);
    expect(t.parameters().map((p) => p.requiresGrad)).toEqual([false, false, false]);
    t.requiresGrad_();
    expect(t.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('converts floating parameters and buffers in place with to(dtype), keeping Parameter identity', () => {
    const t = new Tree();
    const scale = t.scale;
    const d = new Dense(2, 2);
    d.weight.grad = torch.ones(2, 2);
    d.to('float64');
    expect(d.weight.dtype).toBe('float64');
    expect(d.weight.grad!.dtype).toBe('float64');
    expect(t.to('float64')).toBe(t);
    expect(t.scale).toBe(scale);
    expect(scale.dtype).toBe('float64');
    expect(scale.requiresGrad).toBe(true);
    expect(scale.isLeaf).toBe(true);
    expect(t.getBuffer('a.rm').dtype).toBe('float64');
    expect(t.getBuffer('count').dtype).toBe('int64'); // integer buffers keep their dtype
    t.float();
    expect(scale.dtype).toBe('float32');
    t.double();
    expect(scale.dtype).toBe('float64');
  });

  it('keeps everything in place with to(\'cpu\') and refuses integer dtypes', () => {
    const d = new Dense(2, 2);
    const w = d.weight;
    const values = w.tolistSync();
    expect(d.to('cpu')).toBe(d);
    expect(d.cpu()).toBe(d);
    expect(d.weight).toBe(w);
    expect(w.tolistSync()).toEqual(values);
    expect(d.to({ device: 'cpu', dtype: 'float64' }).weight.dtype).toBe('float64');
    expect(d.to(torch.zeros(1)).weight.dtype).toBe('float32');
    expect(() => d.to('int64')).toThrow('nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64');
  });

  it('converts every tensor with type(dtype), integer buffers included', () => {
    const t = new Tree();
    t.type('float64');
    expect(t.getBuffer('count').dtype).toBe('float64');
  });
});

describe('Module.call and forward hooks', () => {
  it('types call() from the subclass\'s forward', () => {
    class Pair extends Module {
      forward(a: torch.Tensor, scale: number): [torch.Tensor, number] {
        return [a.mul(scale), scale];
      }
    }
    const [t, s] = new Pair().call(torch.ones(1), 3);
    const value: number = s;
    expect(value).toBe(3);
    expect(t.tolistSync()).toEqual([3]);
    // @ts-expect-error the second argument must be a number
    expect(() => new Pair().call(torch.ones(1), torch.ones(1))).not.toThrow();
    const generic: Module = new Pair();
    expect(generic.call(torch.ones(1), 2)[1]).toBe(2); // a plain Module type accepts any arguments
  });

  it('fails with PyTorch\'s message for a module without forward', () => {
    expect(() => new Module().call(torch.ones(1))).toThrow('Module [Module] is missing the required "forward" function');
  });

  it('runs pre-hooks, forward and hooks; hooks can replace inputs and outputs; handles remove them', () => {
    const d = new Dense(2, 2);
    const seen: number[] = [];
    const pre = d.registerForwardPreHook((_m, args) => {
      seen.push(args.length);
      return (args[0] as torch.Tensor).mul(0);
    });
    const post = d.registerForwardHook((_m, _args, out) => (out as torch.Tensor).add(1));
    const y = d.call(torch.ones(3, 2));
    expect(seen).toEqual([1]);
    // Input zeroed by the pre-hook, zero bias, then +1 from the hook.
    expect(y.tolistSync()).toEqual([[1, 1], [1, 1], [1, 1]]);
    pre.remove();
    post.remove();
    post.remove();
    expect(d.call(torch.zeros(1, 2)).tolistSync()).toEqual([[0, 0]]);
    expect(d._forwardHooks.size).toBe(0);
  });

  it('passes the module and replaces arguments given as an array', () => {
    class Add extends Module {
      forward(a: torch.Tensor, b: torch.Tensor): torch.Tensor {
        return a.add(b);
      }
    }
    const m = new Add();
    let hooked: Module | null = null;
    m.registerForwardPreHook((mod, args) => {
      hooked = mod;
      return [args[1], args[1]];
    });
    expect(m.call(torch.tensor([1]), torch.tensor([5])).tolistSync()).toEqual([10]);
    expect(hooked).toBe(m);
  });

  it('runs global forward hooks for every module', async () => {
    const { registerModuleForwardHook } = await import('@typetorch/nn');
    const names: string[] = [];
    const handle = registerModuleForwardHook((m) => {
      names.push(m.constructor.name);
    });
    new Sequential(new Relu(), new Dense(1, 1)).call(torch.ones(1, 1));
    handle.remove();
    new Relu().call(torch.ones(1));
    expect(names).toEqual(['Relu', 'Dense', 'Sequential']);
  });
});

describe('Module state and tidy', () => {
  it('keeps parameters and buffers created or assigned inside torch.tidy alive afterwards', () => {
    const inside: Tree[] = [];
    torch.tidy(() => {
      const tree = new Tree();
      tree.registerBuffer('extra', torch.full([2], 3));
      (tree.a as unknown as { rm: torch.Tensor }).rm = torch.ones(1).mul(4);
      tree.double();
      inside.push(tree);
    });
    const [tree] = inside;
    expect(tree.scale.isDisposed).toBe(false);
    expect(tree.scale.itemSync()).toBe(2);
    expect(tree.getBuffer('extra').tolistSync()).toEqual([3, 3]);
    expect(tree.getBuffer('a.rm').tolistSync()).toEqual([4]);
    expect(tree.getBuffer('count').itemSync()).toBe(0);
  });
});

describe('Parameter', () => {
  it('is a leaf that shares the data tensor\'s storage and requires grad by default', () => {
    const data = torch.zeros(2, 3);
    const p = new Parameter(data);
    expect(p).toBeInstanceOf(Parameter);
    expect(p).toBeInstanceOf(torch.Tensor);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p._storage).toBe(data._storage);
    data.fill_(7);
    expect(p.tolistSync()).toEqual([[7, 7, 7], [7, 7, 7]]);
    expect(data.requiresGrad).toBe(false);
  });

  it('prints as PyTorch: "Parameter containing:" then the tensor', () => {
    expect(String(new Parameter(torch.zeros(2, 3)))).toBe(
      'Parameter containing:\ntensor([[0., 0., 0.],\n        [0., 0., 0.]], requires_grad=True)',
    );
    expect(String(new Parameter(torch.zeros(2), false))).toBe('Parameter containing:\ntensor([0., 0.])');
  });

  it('views a non-contiguous tensor with its strides and offset', () => {
    const base = torch.arange(6, { dtype: 'float32' }).view(2, 3);
    const p = new Parameter(base.t(), false);
    expect(p.tolistSync()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(new Parameter().shape).toEqual([0]);
  });

  it('gives plain tensors from operations and detach', () => {
    const p = new Parameter(torch.ones(2));
    expect(p.mul(2)).not.toBeInstanceOf(Parameter);
    expect(p.detach()).not.toBeInstanceOf(Parameter);
  });

  it('refuses requiresGrad for integer data', () => {
    expect(() => new Parameter(torch.zeros([2], { dtype: 'int64' }))).toThrow('only tensors of floating point dtype can require gradients');
    expect(new Parameter(torch.zeros([2], { dtype: 'int64' }), false).dtype).toBe('int64');
  });
});
