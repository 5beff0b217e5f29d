// Sequential, ModuleList and ModuleDict: indexing, numbering and printing as in PyTorch 1.13 (the
// expected strings are PyTorch's reprs of the same containers, with Tanh/Sigmoid/ELU replaced by
// the hand-written modules below).
import { describe, it, expect } from 'vitest';
import * as torch from 'typetorch';
import { Module, ModuleDict, ModuleList, Sequential } from '@typetorch/nn';
import { Dense, Relu } from './module-fixtures.js';

class A extends Module {
  forward(x: torch.Tensor): torch.Tensor {
    return x.add(1);
  }
}
class B extends Module {
  forward(x: torch.Tensor): torch.Tensor {
    return x.mul(2);
  }
}
class C extends Module {
  forward(x: torch.Tensor): torch.Tensor {
    return x.sub(3);
  }
}

describe('Sequential', () => {
  it('feeds the input through its modules in order', () => {
    const s = new Sequential(new A(), new B(), new C());
    expect(s.call(torch.tensor([1, 2])).tolistSync()).toEqual([1, 3]); // ((x + 1) * 2) - 3
    expect(new Sequential().call(torch.tensor([5])).tolistSync()).toEqual([5]);
  });

  it('indexes with integers (negative from the end) and slices that keep the names', () => {
    const a = new A(), b = new B(), c = new C();
    const s = new Sequential(a, b, c);
    expect(s.length).toBe(3);
    expect(s.get(0)).toBe(a);
    expect(s.get(-1)).toBe(c);
    expect(() => s.get(3)).toThrow('index 3 is out of range');
    expect(() => s.get(-4)).toThrow('index -4 is out of range');
    const tail = s.get('1:');
    expect(tail).toBeInstanceOf(Sequential);
    expect(String(tail)).toBe('Sequential(\n  (1): B()\n  (2): C()\n)');
    expect(String(s.get('::-1'))).toBe('Sequential(\n  (2): C()\n  (1): B()\n  (0): A()\n)');
    expect([...s.get('::2')]).toEqual([a, c]);
    expect(s.get('5:').length).toBe(0);
  });

  it('iterates, appends, inserts, extends, replaces and deletes with PyTorch\'s renumbering', () => {
    const a = new A(), b = new B(), c = new C();
    const s = new Sequential(a, b);
    expect([...s]).toEqual([a, b]);
    expect(s.append(c)).toBe(s);
    expect([...s._modules.keys()]).toEqual(['0', '1', '2']);
    s.delete(0);
    expect([...s._modules.keys()]).toEqual(['0', '1']);
    expect([...s]).toEqual([b, c]);
    s.insert(1, a);
    expect([...s]).toEqual([b, a, c]);
    s.insert(-1, new Relu());
    expect(String(s)).toBe('Sequential(\n  (0): B()\n  (1): A()\n  (2): Relu()\n  (3): C()\n)');
    expect(() => s.insert(9, a)).toThrow('Index out of range: 9');
    s.set(-1, a);
    expect(s.get(3)).toBe(a);
    s.delete('1:3');
    expect([...s]).toEqual([b, a]);
    expect(s.pop(0)).toBe(b);
    expect([...s]).toEqual([a]);
    s.extend([b, c]);
    expect([...s]).toEqual([a, b, c]);
    expect([...s.concat(new Sequential(a))]).toEqual([a, b, c, a]);
  });

  it('takes named modules from an object or Map (PyTorch\'s OrderedDict form)', () => {
    const s = new Sequential({ first: new Dense(2, 3), act: new Relu() });
    expect(String(s)).toBe('Sequential(\n  (first): Dense(in_features=2, out_features=3, bias=True)\n  (act): Relu()\n)');
    expect(Object.keys(s.stateDict())).toEqual(['first.weight', 'first.bias']);
    const m = new Sequential(new Map<string, Module>([['z', new A()], ['y', new B()]]));
    expect(m.call(torch.tensor([1])).tolistSync()).toEqual([4]);
  });

  it('registers its children for parameters and state dicts', () => {
    const s = new Sequential(new Dense(2, 8), new Relu(), new Dense(8, 1));
    expect(Object.keys(s.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(s.parameters().length).toBe(4);
    expect(String(new Sequential())).toBe('Sequential()');
  });
});

describe('ModuleList', () => {
  it('indexes, slices (renumbered), iterates and prints as PyTorch', () => {
    const a = new A(), b = new B(), c = new C();
    const l = new ModuleList([a, b, c]);
    expect(l.length).toBe(3);
    expect(l.get(-1)).toBe(c);
    expect(() => l.get(3)).toThrow('index 3 is out of range');
    expect(String(l.get('1:'))).toBe('ModuleList(\n  (0): B()\n  (1): C()\n)');
    expect([...l]).toEqual([a, b, c]);
    expect(() => l.call(torch.ones(1))).toThrow('Module [ModuleList] is missing the required "forward" function');
  });

  it('appends, extends, inserts, replaces, pops and deletes, renumbering as PyTorch', () => {
    const a = new A(), b = new B(), c = new C();
    const l = new ModuleList();
    l.append(a).extend([b, c]);
    expect([...l._modules.keys()]).toEqual(['0', '1', '2']);
    l.insert(0, c);
    expect([...l]).toEqual([c, a, b, c]);
    l.set(1, b);
    expect([...l]).toEqual([c, b, b, c]);
    expect(l.pop(-1)).toBe(c);
    l.delete(0);
    expect([...l._modules.keys()]).toEqual(['0', '1']);
    expect([...l.concat([a])]).toEqual([b, b, a]);
    // The same module twice: registered twice, its parameters counted once.
    const d = new Dense(1, 1);
    const twice = new ModuleList([d, d]);
    expect(twice.parameters().length).toBe(2);
    expect(Object.keys(twice.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(() => l.extend(3 as unknown as Module[])).toThrow('ModuleList.extend should be called with an iterable');
  });

  it('works as a field of a model', () => {
    class Net extends Module {
      layers = new ModuleList([new Dense(2, 2), new Dense(2, 2)]);
      forward(x: torch.Tensor): torch.Tensor {
        for (const layer of this.layers) x = layer.call(x);
        return x;
      }
    }
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
    expect(net.call(torch.ones(3, 2)).shape).toEqual([3, 2]);
  });
});

describe('ModuleDict', () => {
  it('registers modules under their keys, in insertion order, and prints as PyTorch', () => {
    const d = new ModuleDict({ a: new Relu(), b: new Sequential(new Dense(1, 1)) });
    expect(String(d)).toBe(
      'ModuleDict(\n  (a): Relu()\n  (b): Sequential(\n    (0): Dense(in_features=1, out_features=1, bias=True)\n  )\n)',
    );
    expect(d.keys()).toEqual(['a', 'b']);
    expect([...d]).toEqual(['a', 'b']);
    expect(d.length).toBe(2);
    expect(Object.keys(d.stateDict())).toEqual(['b.0.weight', 'b.0.bias']);
  });

  it('gets, sets, checks, pops, deletes, updates and clears', () => {
    const a = new A(), b = new B(), c = new C();
    const d = new ModuleDict([['x', a]]);
    d.set('y', b);
    expect(d.get('y')).toBe(b);
    expect(d.has('x')).toBe(true);
    expect(d.items()).toEqual([['x', a], ['y', b]]);
    d.update(new Map([['x', c]]));
    expect(d.values()).toEqual([c, b]); // replacing keeps the position
    expect(d.pop('x')).toBe(c);
    expect(d.delete('y')).toBe(true);
    expect(d.length).toBe(0);
    d.update(new ModuleDict({ z: a }));
    expect(d.keys()).toEqual(['z']);
    d.clear();
    expect(d.keys()).toEqual([]);
    expect(() => d.get('nope')).toThrow("no module under key 'nope'");
  });
});
