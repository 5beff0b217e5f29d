// Module.stateDict / loadStateDict: keys, order, sharing, and PyTorch 1.13's error reports (the
// expected messages are what PyTorch prints for the same models).
import { describe, it, expect } from 'vitest';
import * as torch from 'typetorch';
import { Module, Parameter } from '@typetorch/nn';
import { Dense, Leaf, Tree } from './module-fixtures.js';

/** The tutorial Net's parameter shapes, with hand-written layers (no dependency on nn layers). */
class Conv extends Module {
  weight: Parameter;
  bias: Parameter;
  constructor(outC: number, inC: number, k: number) {
    super();
    this.weight = new Parameter(torch.randn(outC, inC, k, k));
    this.bias = new Parameter(torch.randn(outC));
  }
}
class Net extends Module {
  conv1 = new Conv(6, 3, 5);
  pool = new Module();
  conv2 = new Conv(16, 6, 5);
  fc1 = new Dense(400, 120);
  fc2 = new Dense(120, 84);
  fc3 = new Dense(84, 10);
}

describe('Module.stateDict', () => {
  it('holds detached tensors that share storage with the parameters', () => {
    const d = new Dense(2, 3);
    const sd = d.stateDict();
    expect(Object.keys(sd)).toEqual(['weight', 'bias']);
    expect(sd.weight).not.toBe(d.weight);
    expect(sd.weight).not.toBeInstanceOf(Parameter);
    expect(sd.weight.requiresGrad).toBe(false);
    expect(sd.weight._storage).toBe(d.weight._storage);
    torch.noGrad(() => d.bias!.fill_(4));
    expect(sd.bias.tolistSync()).toEqual([4, 4, 4]);
  });

  it('gives the parameters themselves with keepVars, and honours prefix', () => {
    const d = new Dense(2, 3);
    const sd = d.stateDict({ keepVars: true, prefix: 'head.' });
    expect(Object.keys(sd)).toEqual(['head.weight', 'head.bias']);
    expect(sd['head.weight']).toBe(d.weight);
  });

  it('leaves out non-persistent buffers and null entries', () => {
    expect(Object.keys(new Leaf(2).stateDict())).toEqual(['w', 'rm']);
  });

  it('carries PyTorch\'s per-module version metadata, not as a key', () => {
    const sd = new Tree().stateDict();
    expect(Object.keys(sd)).not.toContain('_metadata');
    expect((sd as unknown as { _metadata: unknown })._metadata).toEqual({
      '': { version: 1 }, a: { version: 1 }, b: { version: 1 }, 'b.0': { version: 1 }, 'b.1': { version: 1 }, shared: { version: 1 },
    });
  });
});

describe('Module.loadStateDict', () => {
  it('copies values in place, keeping parameter identity and requiresGrad', () => {
    const src = new Tree();
    torch.noGrad(() => src.scale.fill_(9));
    const dst = new Tree();
    const scale = dst.scale;
    const version = scale._version;
    const result = dst.loadStateDict(src.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(dst.scale).toBe(scale);
    expect(scale.itemSync()).toBe(9);
    expect(scale.requiresGrad).toBe(true);
    expect(scale.isLeaf).toBe(true);
    expect(scale._version).toBeGreaterThan(version);
    expect(scale._storage).not.toBe(src.scale._storage);
  });

  it('round-trips every parameter of a model', () => {
    const a = new Net();
    const b = new Net();
    b.loadStateDict(a.stateDict());
    for (const [name, value] of Object.entries(a.stateDict())) {
      expect(b.stateDict()[name].tolistSync(), name).toEqual(value.tolistSync());
    }
  });

  it('casts values to the parameter dtype, like copy_', () => {
    const d = new Dense(1, 1);
    d.loadStateDict({ weight: torch.tensor([[2]], { dtype: 'float64' }), bias: torch.tensor([3], { dtype: 'int64' }) });
    expect(d.weight.dtype).toBe('float32');
    expect(d.bias!.tolistSync()).toEqual([3]);
  });

  it('reports missing keys, unexpected keys and size mismatches exactly as PyTorch', () => {
    const net = new Net();
    const bad = { 'conv1.weight': torch.zeros(6, 3, 5, 5), foo: torch.zeros(1), 'fc1.weight': torch.zeros(1, 2) };
    expect(() => net.loadStateDict(bad)).toThrow(
      '[loadStateDict] Error(s) in loading state_dict for Net:\n' +
        '\tMissing key(s) in state_dict: "conv1.bias", "conv2.weight", "conv2.bias", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias". \n' +
        '\tUnexpected key(s) in state_dict: "foo". \n' +
        '\tsize mismatch for fc1.weight: copying a param with shape torch.Size([1, 2]) from checkpoint, ' +
        'the shape in current model is torch.Size([120, 400]).',
    );
    const d = new Dense(2, 3);
    expect(() => d.loadStateDict({ weight: torch.zeros(3, 3) })).toThrow(
      'Error(s) in loading state_dict for Dense:\n\tMissing key(s) in state_dict: "bias". \n' +
        '\tsize mismatch for weight: copying a param with shape torch.Size([3, 3]) from checkpoint, the shape in current model is torch.Size([3, 2]).',
    );
  });

  it('returns missing and unexpected keys with strict: false and still copies what matches', () => {
    const net = new Net();
    const w = torch.full([6, 3, 5, 5], 0.5);
    const result = net.loadStateDict({ 'conv1.weight': w, foo: torch.zeros(1) }, { strict: false });
    expect(result).toEqual({
      missingKeys: ['conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias'],
      unexpectedKeys: ['foo'],
    });
    expect(net.conv1.weight.equal(w)).toBe(true);
  });

  it('accepts a Map and strict as a boolean', () => {
    const d = new Dense(1, 1);
    const result = d.loadStateDict(new Map([['weight', torch.tensor([[4]])], ['extra', torch.zeros(1)]]), false);
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(d.weight.tolistSync()).toEqual([[4]]);
  });

  it('reports size mismatches even with strict: false', () => {
    expect(() => new Dense(2, 3).loadStateDict({ weight: torch.zeros(1) }, { strict: false })).toThrow(
      'size mismatch for weight: copying a param with shape torch.Size([1]) from checkpoint, the shape in current model is torch.Size([3, 2]).',
    );
  });

  it('refuses a value that is not a tensor, in PyTorch words', () => {
    expect(() => new Dense(1, 1).loadStateDict({ weight: [[1]], bias: torch.zeros(1) })).toThrow(
      'While copying the parameter named "weight", expected torch.Tensor or Tensor-like object from checkpoint but received Array',
    );
    expect(() => new Dense(1, 1).loadStateDict(null as unknown as Record<string, unknown>)).toThrow('Expected state_dict to be dict-like');
  });

  it('treats a key for a null parameter as unexpected', () => {
    const d = new Dense(2, 2, false);
    expect(d.loadStateDict({ weight: torch.zeros(2, 2), bias: torch.zeros(2) }, { strict: false }).unexpectedKeys).toEqual(['bias']);
  });

  it('loads a 1-element 1-D tensor into a 0-d parameter (PyTorch 0.3 checkpoints)', () => {
    const t = new Tree();
    t.loadStateDict({ ...t.stateDict(), scale: torch.tensor([5]) });
    expect(t.scale.itemSync()).toBe(5);
  });

  it('loads buffers, including int64 ones, and skips non-persistent buffers', () => {
    const t = new Tree();
    const sd = t.stateDict();
    const loaded = new Tree();
    loaded.loadStateDict({ ...sd, count: torch.tensor(7, { dtype: 'int64' }), 'b.0.rm': torch.tensor([3, 4]) });
    expect(loaded.getBuffer('count').itemSync()).toBe(7);
    expect(loaded.getBuffer('b.0.rm').tolistSync()).toEqual([3, 4]);
    expect(() => loaded.loadStateDict({ ...sd, 'a.tmp': torch.zeros(1) })).toThrow('Unexpected key(s) in state_dict: "a.tmp".');
  });

  it('lets a layer rewrite its entries in _loadFromStateDict (as BatchNorm fills num_batches_tracked)', () => {
    class Counter extends Module {
      constructor() {
        super();
        this.registerBuffer('num_batches_tracked', torch.tensor(3, { dtype: 'int64' }));
      }
      override _loadFromStateDict(
        sd: Record<string, unknown>, prefix: string, meta: Record<string, unknown>, strict: boolean,
        missing: string[], unexpected: string[], errors: string[],
      ): void {
        if (meta.version === undefined && !(`${prefix}num_batches_tracked` in sd)) {
          sd[`${prefix}num_batches_tracked`] = torch.tensor(0, { dtype: 'int64' });
        }
        super._loadFromStateDict(sd, prefix, meta, strict, missing, unexpected, errors);
      }
    }
    class Holder extends Module {
      c = new Counter();
    }
    const h = new Holder();
    const original = {};
    expect(h.loadStateDict(original)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(h.getBuffer('c.num_batches_tracked').itemSync()).toBe(0);
    expect(Object.keys(original)).toEqual([]); // the caller's object is not modified
    // With metadata saying version 1, nothing is filled in.
    const withMeta = {};
    Object.defineProperty(withMeta, '_metadata', { value: { c: { version: 1 } } });
    expect(h.loadStateDict(withMeta, { strict: false }).missingKeys).toEqual(['c.num_batches_tracked']);
  });
});
