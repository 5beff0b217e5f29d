// Regressions found by comparing autograd with PyTorch 1.13 (`/usr/bin/python3`): every expected
// value or error below is what PyTorch gives for the same program.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';

type Tensor = torch.Tensor;
const { autograd } = torch;
const f64 = (v: unknown, requiresGrad = true) => torch.tensor(v, { dtype: 'float64', requiresGrad });
const i64 = (v: unknown) => torch.tensor(v, { dtype: 'int64' });
const values = (t: Tensor | null) => t?.tolistSync() ?? null;

describe('saved values: only what the needed gradients read', () => {
  it('lets the input of x * 2 change in place (only the constant is saved)', () => {
    const x = f64([1, 2]);
    const h = x.add(1);
    const y = h.mul(2);
    h.add_(1);
    y.sum().backward();
    expect(values(x.grad)).toEqual([2, 2]);
  });

  it('still refuses a saved factor that changed in place', () => {
    const x = f64([1, 2]);
    const c = f64([3, 4], false);
    const y = x.add(1).mul(c);
    c.add_(1);
    expect(() => y.sum().backward()).toThrow(/modified by an inplace operation/);
  });

  it('lets the result of x.pow(2) and the inputs of h / 2, h.mm(w), dot and remainder change in place', () => {
    const x = f64([1, 2]);
    const y = x.pow(2);
    y.add_(1);
    y.sum().backward();
    expect(values(x.grad)).toEqual([2, 4]);

    const a = f64([[1, 2], [3, 4]]);
    const h = a.add(1);
    const products = [h.div(2), h.mm(torch.ones(2, 2, { dtype: 'float64' })), h.index(0).dot(f64([1, 1], false)), torch.remainder(h, 1.5)];
    h.add_(1);
    autograd.backward(products.map((p) => p.sum()));
    expect(values(a.grad)).toEqual([[4.5, 4.5], [3.5, 3.5]]);
  });

  it('runs lerp with a scalar weight twice and lets its inputs change in place', () => {
    const x = f64([1, 2]);
    const start = x.add(1);
    const y = torch.lerp(start, x.add(5), 0.5).sum();
    start.add_(1);
    y.backward();
    y.backward();
    expect(values(x.grad)).toEqual([2, 2]);
  });

  it('frees the indices of max(dim) and index(): a second backward is an error', () => {
    const x = f64([[1, 2], [3, 4]]);
    const m = x.max(1).values.sum();
    m.backward();
    expect(() => m.backward()).toThrow(/backward through the graph a second time/);
    const picked = x.index(i64([0, 0])).sum();
    picked.backward();
    expect(() => picked.backward()).toThrow(/backward through the graph a second time/);
  });

  it('checks the indices of max(dim) and the input of gather, not the input of max(dim)', () => {
    const x = f64([[1, 2], [3, 4]]);
    const h = x.add(0);
    const m = h.max(1).values.sum();
    h.add_(1);
    m.backward();
    expect(values(x.grad)).toEqual([[0, 1], [0, 1]]);

    const r = x.max(1);
    r.indices.zero_();
    expect(() => r.values.sum().backward()).toThrow(/modified by an inplace operation/);

    const g = x.add(0);
    const gathered = g.gather(1, i64([[1], [0]])).sum();
    g.add_(1);
    expect(() => gathered.backward()).toThrow(/modified by an inplace operation/);
  });
});

describe('gradients at special points', () => {
  it('gives both inputs of maximum/minimum the gradient where one is NaN', () => {
    for (const op of [torch.maximum, torch.minimum]) {
      const a = f64([NaN, 1]);
      const b = f64([1, NaN]);
      op(a, b).sum().backward();
      expect([values(a.grad), values(b.grad)]).toEqual([[1, 1], [1, 1]]);
    }
  });

  it('sends the gradient of clamp with min > max to max, and with min == max to no bound', () => {
    const x = f64([0, 3, 1.5, 0, 2]);
    const lo = f64([2, 2, 2, 1, 1]);
    const hi = f64([1, 1, 1, 1, 1]);
    torch.clamp(x, lo, hi).sum().backward();
    expect(values(x.grad)).toEqual([0, 0, 0, 0, 0]);
    expect(values(lo.grad)).toEqual([0, 0, 0, 0, 0]);
    expect(values(hi.grad)).toEqual([1, 1, 1, 0, 1]);
  });

  it('keeps the divisor gradient of a / b finite for small float32 b', () => {
    const a = torch.tensor([1e-30], { requiresGrad: true });
    const b = torch.tensor([1e-30], { requiresGrad: true });
    a.div(b).sum().backward();
    expect(b.grad!.itemSync()).toBeCloseTo(-1.0000000150474662e30, -24);
  });

  it('does not clamp the divisor of var backward when correction exceeds the count', () => {
    const x = f64([[1, 2]]);
    x.var(1, { correction: 3 }).sum().backward();
    expect(values(x.grad)).toEqual([[1, -1]]);
  });

  it('passes the gradient of relu through a NaN input', () => {
    const x = f64([NaN, -1, 2]);
    x.relu().sum().backward();
    expect(values(x.grad)).toEqual([1, 0, 1]);
  });
});

describe('.grad and seeds', () => {
  it('stores a copy as the first gradient under createGraph, never the seed or another leaf’s gradient', () => {
    const x = f64([1, 2]);
    const w = f64([3, 4]);
    const seed = f64([1, 1], false);
    x.add(w).backward(seed, { createGraph: true });
    expect(x.grad).not.toBe(seed);
    x.grad!.data.zero_();
    expect(values(w.grad)).toEqual([1, 1]);
    expect(values(seed)).toEqual([1, 1]);
  });

  it('casts a given gradient to the output dtype before hooks and retained gradients see it', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const seen: string[] = [];
    y.registerHook((g) => void seen.push(g.dtype));
    y.retainGrad();
    y.backward(f64([1, 1], false));
    expect([seen, y.grad!.dtype, x.grad!.dtype]).toEqual([['float32'], 'float32', 'float32']);
  });

  it('stores a retained non-leaf input of backward(inputs) once', () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    y.retainGrad();
    y.mul(3).sum().backward(undefined, { inputs: [y] });
    expect([values(y.grad), x.grad]).toEqual([[3, 3], null]);
  });
});

describe('pruning: only nodes that lead to the requested gradients run', () => {
  it('stops grad() at a non-leaf input, so saved values below it are not read', () => {
    const x = f64([1, 2]);
    const c = f64([3, 4], false);
    const h = x.mul(c);
    c.add_(1);
    const [g] = autograd.grad(h.mul(h).sum(), h);
    expect(values(g)).toEqual([6, 16]);
  });

  it('runs no hooks off the path to grad() inputs or backward(inputs)', () => {
    const x = f64([1, 2]);
    const z = f64([1, 2]);
    const seen: string[] = [];
    const hz = z.mul(2);
    hz.registerHook(() => void seen.push('hz'));
    z.registerHook(() => void seen.push('z'));
    const y = x.mul(3).sum().add(hz.sum());
    const [g] = autograd.grad(y, x, { retainGraph: true });
    expect([values(g), seen]).toEqual([[3, 3], []]);
    y.backward(undefined, { inputs: [x] });
    expect([values(x.grad), z.grad, seen]).toEqual([[3, 3], null, []]);
  });

  it('captures grad() inputs before their hooks, and runs hooks only on nodes that execute', () => {
    const x = f64([1, 2]);
    const h = x.mul(2);
    let calls = 0;
    h.registerHook((g) => {
      calls++;
      return g.mul(10);
    });
    const y = h.mul(3).sum();
    expect(values(autograd.grad(y, h, { retainGraph: true })[0])).toEqual([3, 3]);
    expect(calls).toBe(0);
    const [gh, gx] = autograd.grad(y, [h, x], { retainGraph: true });
    expect([values(gh), values(gx), calls]).toEqual([[3, 3], [60, 60], 1]);
    y.backward(undefined, { inputs: [h] });
    expect([values(h.grad), calls]).toEqual([[30, 30], 2]);
  });
});

describe('views written in place through another view', () => {
  it('rebuilds an older view’s history from its base after the write', () => {
    const x = f64([1, 2, 3, 4]);
    const y = x.mul(1);
    const v = y.view(2, 2);
    v.index(0).zero_();
    v.sum().backward();
    expect(values(x.grad)).toEqual([0, 0, 1, 1]);
  });

  it('uses the written values in gradients through overlapping views', () => {
    const x = f64([1, 2, 3, 4]);
    const y = x.mul(1);
    const a = y.index(':2');
    y.index('1:3').mul_(2);
    a.mul(a).sum().backward();
    expect(values(x.grad)).toEqual([2, 16, 0, 0]);

    const x2 = f64([1, 2, 3, 4]);
    const v = x2.mul(1).view(2, 2);
    const row = v.index(1);
    v.index(0).mul_(3);
    row.mul(v).sum().backward();
    expect(values(x2.grad)).toEqual([9, 12, 9, 14]);
  });
});

describe('custom Function backward results are checked', () => {
  class Product extends autograd.Function {
    static forward(_ctx: torch.autograd.Context, a: Tensor, b: Tensor) {
      return a.mul(b);
    }
    static backward(_ctx: torch.autograd.Context, g: Tensor) {
      return g; // one gradient for two inputs
    }
  }
  class Scale extends autograd.Function {
    static forward(_ctx: torch.autograd.Context, a: Tensor, k: number) {
      return a.mul(k);
    }
    static backward(_ctx: torch.autograd.Context, g: Tensor) {
      return [g.mul(2), torch.ones(1)];
    }
  }
  class Resize extends autograd.Function {
    static forward(_ctx: torch.autograd.Context, a: Tensor) {
      return a.mul(2);
    }
    static backward() {
      return torch.ones(3, { dtype: 'float64' });
    }
  }
  class Extra extends autograd.Function {
    static forward(_ctx: torch.autograd.Context, a: Tensor) {
      return a.mul(2);
    }
    static backward(_ctx: torch.autograd.Context, g: Tensor) {
      return [g.mul(2), null, null];
    }
  }

  it('rejects a wrong number of gradients but drops extra trailing nulls', () => {
    expect(() => Product.apply(f64([1, 2]), f64([3, 4])).sum().backward()).toThrow(
      '[backward] function ProductBackward returned an incorrect number of gradients (expected 2, got 1)',
    );
    const a = f64([1, 2]);
    Extra.apply(a).sum().backward();
    expect(values(a.grad)).toEqual([2, 2]);
  });

  it('rejects a gradient for an argument that is not a tensor', () => {
    expect(() => Scale.apply(f64([1, 2]), 2).sum().backward()).toThrow(/ScaleBackward returned a gradient different than null at position 2/);
  });

  it('rejects a gradient whose shape the input cannot broadcast to', () => {
    expect(() => Resize.apply(f64([1, 2])).sum().backward()).toThrow(
      '[backward] Function ResizeBackward returned an invalid gradient at index 0 - got [3] but expected shape compatible with [2]',
    );
  });
});

describe('functional vjp and jvp', () => {
  it('require v unless the output (vjp) or the single input (jvp) has one element', () => {
    const x = f64([1, 2], false);
    expect(() => autograd.functional.vjp((t) => t.mul(2), x)).toThrow(/vector v can only be None/);
    expect(() => autograd.functional.jvp((t) => t.sum(), x)).toThrow(/vector v can only be None/);
    expect(values(autograd.functional.vjp((t) => t.pow(2).sum(), x)[1] as Tensor)).toEqual([2, 4]);
    expect(values(autograd.functional.jvp((t) => t.pow(2), f64(3, false))[1])).toEqual(6);
  });
});
