// The backward engine: accumulation, options, grad(), higher order, hooks, in-place history,
// graph structure, grad mode, custom Functions and the functional API.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';

const { autograd } = torch;

function values(t: torch.Tensor | null | undefined): unknown {
  if (!t) throw new Error('expected a tensor, got ' + String(t));
  return t.tolistSync();
}

function f64(data: unknown, requiresGrad = true): torch.Tensor {
  return torch.tensor(data, { dtype: 'float64', requiresGrad });
}

describe('backward', () => {
  it('accumulates into .grad over passes that retain the graph', () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    expect(values(x.grad)).toEqual([2, 4, 6]);
    y.backward(undefined, { retainGraph: true });
    expect(values(x.grad)).toEqual([4, 8, 12]);
    y.backward();
    expect(values(x.grad)).toEqual([6, 12, 18]);
  });

  it('accumulates only into the leaves given as inputs', () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const b = torch.tensor([3, 4], { requiresGrad: true });
    a.mul(b).sum().backward(undefined, { inputs: [a] });
    expect(values(a.grad)).toEqual([3, 4]);
    expect(b.grad).toBeNull();
    a.mul(b).sum().backward(undefined, { inputs: b });
    expect(values(a.grad)).toEqual([3, 4]);
    expect(values(b.grad)).toEqual([1, 2]);
  });

  it('runs autograd.backward on several roots with their gradients', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y1 = x.mul(2);
    const y2 = x.mul(x).sum();
    autograd.backward([y1, y2], { gradTensors: [torch.tensor([1, 10]), null] });
    expect(values(x.grad)).toEqual([2 + 2, 20 + 4]);
  });

  it('seeds a scalar root with one and takes explicit gradients for others', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    x.mul(3).backward(torch.tensor([1, -1]));
    expect(values(x.grad)).toEqual([3, -3]);
  });

  it('makes .grad differentiable with createGraph', () => {
    const x = f64([1, 2]);
    x.pow(3).sum().backward(undefined, { createGraph: true });
    expect(values(x.grad)).toEqual([3, 12]);
    expect(x.grad!.requiresGrad).toBe(true);
    const [second] = autograd.grad(x.grad!.sum(), x);
    expect(values(second)).toEqual([6, 12]);
  });

  it('sums gradients over the two paths of a diamond', () => {
    const x = torch.tensor(1.5, { requiresGrad: true });
    const a = x.mul(2);
    const b = a.mul(3);
    const c = a.mul(4);
    b.add(c).backward();
    expect(values(x.grad)).toBe(14);
  });

  it('sums broadcast gradients back to each input shape', () => {
    const a = torch.ones([3, 1], { requiresGrad: true });
    const b = torch.ones([4], { requiresGrad: true });
    const out = a.add(b);
    expect([...out.shape]).toEqual([3, 4]);
    out.sum().backward();
    expect(values(a.grad)).toEqual([[4], [4], [4]]);
    expect(values(b.grad)).toEqual([3, 3, 3, 3]);
  });

  it('gives each leaf a gradient of its own dtype when ops promote', () => {
    const x = torch.ones(2, { requiresGrad: true });
    const y = x.mul(torch.tensor([1.5, 2.5], { dtype: 'float64' }));
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(values(x.grad)).toEqual([1.5, 2.5]);
  });

  it('casts gradients back through dtype conversions', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.double();
    expect(y.gradFn?.name).toBe('ToCopyBackward0');
    y.mul(y).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(values(x.grad)).toEqual([2, 4]);
    // Converting to an integer dtype leaves the graph.
    expect(x.long().requiresGrad).toBe(false);
  });

  it('follows the new history of a tensor changed in place', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    y.add_(1);
    expect(y.gradFn?.name).toBe('AddBackward0');
    expect(values(y)).toEqual([3, 5]);
    y.sum().backward();
    expect(values(x.grad)).toEqual([2, 2]);
  });

  it('differentiates through an in-place op whose result depends on the old values', () => {
    const x = f64([1, 2, 3]);
    const y = x.mul(1);
    const z = x.mul(1);
    y.mul_(z); // y <- x^2
    expect(y.gradFn?.name).toBe('MulBackward0');
    y.sum().backward();
    expect(values(x.grad)).toEqual([2, 4, 6]);
  });

  it('leaves .grad of non-leaves null unless retainGrad', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const z = y.mul(3);
    z.retainGrad();
    expect(z.retainsGrad).toBe(true);
    z.sum().backward();
    expect(y.grad).toBeNull();
    expect(values(z.grad)).toEqual([1, 1]);
    expect(values(x.grad)).toEqual([6, 6]);
  });
});

describe('hooks', () => {
  it('replaces a gradient with the value a hook returns', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    y.registerHook((g) => g.mul(10));
    y.sum().backward();
    expect(values(x.grad)).toEqual([20, 20]);
  });

  it('keeps the gradient when a hook returns nothing, and runs hooks in order', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const seen: unknown[] = [];
    y.registerHook((g) => void seen.push(['first', g.tolistSync()]));
    y.registerHook((g) => {
      seen.push(['second', g.tolistSync()]);
      return g.add(1);
    });
    y.registerHook((g) => void seen.push(['third', g.tolistSync()]));
    y.sum().backward();
    expect(seen).toEqual([['first', [1, 1]], ['second', [1, 1]], ['third', [2, 2]]]);
    expect(values(x.grad)).toEqual([4, 4]);
  });

  it('stops calling a hook after remove()', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    let calls = 0;
    const handle = y.registerHook((g) => {
      calls++;
      return g.mul(10);
    });
    y.sum().backward(undefined, { retainGraph: true });
    handle.remove();
    x.grad = null;
    y.sum().backward();
    expect(calls).toBe(1);
    expect(values(x.grad)).toEqual([2, 2]);
  });

  it('runs hooks on leaves before accumulation', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const seen: unknown[] = [];
    x.registerHook((g) => {
      seen.push(g.tolistSync());
      return g.add(1);
    });
    x.mul(3).sum().backward();
    expect(seen).toEqual([[3, 3]]);
    expect(values(x.grad)).toEqual([4, 4]);
  });

  it('stores the hooked gradient in a retained non-leaf .grad', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    y.retainGrad();
    y.registerHook((g) => g.mul(-1));
    y.sum().backward();
    expect(values(y.grad)).toEqual([-1, -1]);
    expect(values(x.grad)).toEqual([-2, -2]);
  });
});

describe('autograd.grad', () => {
  it('returns gradients without touching .grad', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const [g] = autograd.grad(x.mul(x).sum(), x);
    expect(values(g)).toEqual([2, 4]);
    expect(x.grad).toBeNull();
  });

  it('uses gradOutputs for non-scalar outputs', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const [g] = autograd.grad(x.mul(x), [x], { gradOutputs: [torch.tensor([1, 0.5])] });
    expect(values(g)).toEqual([2, 2]);
  });

  it('differentiates with respect to a non-leaf', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    const [g] = autograd.grad(y.mul(y).sum(), y);
    expect(values(g)).toEqual([6, 12]);
  });

  it('returns null for unused inputs with allowUnused', () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const b = torch.tensor([3], { requiresGrad: true });
    const [ga, gb] = autograd.grad(a.mul(2).sum(), [a, b], { allowUnused: true });
    expect(values(ga)).toEqual([2, 2]);
    expect(gb).toBeNull();
  });

  it('computes first, second and third derivatives of x^3', () => {
    const x = f64(2);
    const y = x.pow(3);
    const [d1] = autograd.grad(y, x, { createGraph: true });
    expect(values(d1)).toBe(12);
    expect(d1!.requiresGrad).toBe(true);
    const [d2] = autograd.grad(d1!, x, { createGraph: true });
    expect(values(d2)).toBe(12);
    const [d3] = autograd.grad(d2!, x);
    expect(values(d3)).toBe(6);
    expect(d3!.requiresGrad).toBe(false);
  });

  it('computes mixed second derivatives', () => {
    const a = f64(2);
    const b = f64(3);
    const f = a.mul(a).mul(b); // a^2 b
    const [da] = autograd.grad(f, a, { createGraph: true }); // 2ab
    const [dab, daa] = autograd.grad(da!, [b, a]);
    expect(values(dab)).toBe(4);
    expect(values(daa)).toBe(6);
  });
});

describe('graph structure', () => {
  it('names nodes as PyTorch does and links them through nextFunctions', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const w = torch.tensor([3, 4], { requiresGrad: true });
    const z = x.mul(w).add(x);
    const add = z.gradFn!;
    expect(add.name).toBe('AddBackward0');
    expect(String(add)).toBe('<AddBackward0>');
    expect(add.nextFunctions.map(([n, i]) => [n?.name, i])).toEqual([['MulBackward0', 0], ['AccumulateGrad', 0]]);
    const mul = add.nextFunctions[0][0]!;
    expect(mul.nextFunctions.map(([n]) => n?.name)).toEqual(['AccumulateGrad', 'AccumulateGrad']);
    // One AccumulateGrad per leaf, shared by every use of the leaf.
    expect(mul.nextFunctions[0][0]).toBe(add.nextFunctions[1][0]);
    expect(mul.nextFunctions[1][0]).not.toBe(mul.nextFunctions[0][0]);
  });

  it('has a null edge for inputs that do not require grad', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(y.gradFn!.nextFunctions.map(([n, i]) => [n?.name ?? null, i])).toEqual([['AccumulateGrad', 0], [null, 0]]);
  });

  it('records no graph for inputs that do not require grad', () => {
    const x = torch.tensor([1, 2]);
    const y = x.mul(2);
    expect(y.gradFn).toBeNull();
    expect(y.requiresGrad).toBe(false);
    expect(y.isLeaf).toBe(true);
  });

  it('gives integer results of differentiable inputs no history', () => {
    const x = torch.tensor([1.5, 2.5], { requiresGrad: true });
    const { values: v, indices } = x.max(0);
    expect(v.requiresGrad).toBe(true);
    expect(indices.requiresGrad).toBe(false);
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.gt(2).requiresGrad).toBe(false);
  });
});

describe('grad mode', () => {
  it('keeps noGrad set across an async function and restores it afterwards', async () => {
    const x = torch.ones(2, { requiresGrad: true });
    const y = await torch.noGrad(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(torch.isGradEnabled()).toBe(false);
      return x.mul(2);
    });
    expect(y.requiresGrad).toBe(false);
    expect(torch.isGradEnabled()).toBe(true);
  });

  it('restores the mode when the scoped function throws', async () => {
    expect(() => torch.noGrad(() => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(torch.isGradEnabled()).toBe(true);
    await expect(torch.noGrad(async () => {
      throw new Error('async boom');
    })).rejects.toThrow('async boom');
    expect(torch.isGradEnabled()).toBe(true);
  });

  it('sets the mode globally with setGradEnabled and no function', () => {
    const x = torch.ones(2, { requiresGrad: true });
    torch.setGradEnabled(false);
    try {
      expect(torch.isGradEnabled()).toBe(false);
      expect(x.mul(2).requiresGrad).toBe(false);
    } finally {
      torch.setGradEnabled(true);
    }
    expect(x.mul(2).requiresGrad).toBe(true);
  });
});

describe('detach and requiresGrad', () => {
  it('detach shares storage and cuts the history', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    expect(d.gradFn).toBeNull();
    torch.noGrad(() => d.add_(1));
    expect(values(y)).toEqual([3, 5]);
  });

  it('detach_ turns a non-leaf into a leaf that does not require grad', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(y.detach_()).toBe(y);
    expect(y.isLeaf).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
  });

  it('requiresGrad_ makes a leaf require grad, and ints refuse it', () => {
    const x = torch.tensor([1, 2]);
    expect(x.requiresGrad_()).toBe(x);
    expect(x.requiresGrad).toBe(true);
    x.requiresGrad = false;
    expect(x.requiresGrad).toBe(false);
    expect(() => torch.tensor([1, 2], { dtype: 'int32' }).requiresGrad_()).toThrow(
      /^\[requiresGrad_\] only tensors of floating point dtype can require gradients/,
    );
  });
});

describe('custom Function', () => {
  it('reports needsInputGrad per argument', () => {
    let seen: boolean[] = [];
    class Scale extends torch.autograd.Function {
      static forward(ctx: torch.autograd.Context, x: torch.Tensor, y: torch.Tensor, k: number) {
        seen = [...ctx.needsInputGrad];
        ctx.k = k;
        return x.mul(y).mul(k);
      }
      static backward(ctx: torch.autograd.Context, g: torch.Tensor) {
        return [ctx.needsInputGrad[0] ? g.mul(ctx.k as number) : null, null, null];
      }
    }
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = torch.tensor([3, 4]);
    const out = Scale.apply(x, y, 5);
    expect(seen).toEqual([true, false, false]);
    out.sum().backward();
    expect(values(x.grad)).toEqual([5, 5]);
    expect(y.grad).toBeNull();
  });

  it('runs forward without recording and backward with the saved tensors', () => {
    class Exp extends torch.autograd.Function {
      static forward(ctx: torch.autograd.Context, x: torch.Tensor) {
        const y = x.exp();
        expect(y.requiresGrad).toBe(false);
        ctx.saveForBackward(y);
        return y;
      }
      static backward(ctx: torch.autograd.Context, g: torch.Tensor) {
        const [y] = ctx.savedTensors;
        return g.mul(y);
      }
    }
    const x = f64([0, 1]);
    const y = Exp.apply<torch.Tensor>(x);
    expect(y.gradFn?.name).toBe('ExpBackward');
    y.sum().backward();
    expect(values(x.grad)).toEqual([1, Math.E]);
  });

  it('does not record when no input requires grad or grad mode is off', () => {
    class Twice extends torch.autograd.Function {
      static forward(_ctx: torch.autograd.Context, x: torch.Tensor) { return x.mul(2); }
      static backward(_ctx: torch.autograd.Context, g: torch.Tensor) { return g.mul(2); }
    }
    expect(Twice.apply(torch.ones(2)).requiresGrad).toBe(false);
    const x = torch.ones(2, { requiresGrad: true });
    expect(torch.noGrad(() => Twice.apply(x)).requiresGrad).toBe(false);
    expect(Twice.apply(x).requiresGrad).toBe(true);
  });

  it('marks outputs non-differentiable', () => {
    class SortLike extends torch.autograd.Function {
      static forward(ctx: torch.autograd.Context, x: torch.Tensor) {
        const order = torch.tensor([1, 0], { dtype: x.dtype });
        ctx.markNonDifferentiable(order);
        return [x.mul(2), order];
      }
      static backward(_ctx: torch.autograd.Context, g: torch.Tensor, gOrder: torch.Tensor) {
        expect(values(gOrder)).toEqual([0, 0]);
        return g.mul(2);
      }
    }
    const x = torch.tensor([3, 4], { requiresGrad: true });
    const [doubled, order] = SortLike.apply<torch.Tensor[]>(x);
    expect(doubled.requiresGrad).toBe(true);
    expect(order.requiresGrad).toBe(false);
    doubled.sum().backward();
    expect(values(x.grad)).toEqual([2, 2]);
  });

  it('passes zero gradients for unused outputs of a multi-output function', () => {
    class Split2 extends torch.autograd.Function {
      static forward(_ctx: torch.autograd.Context, x: torch.Tensor) { return [x.mul(2), x.mul(3)]; }
      static backward(_ctx: torch.autograd.Context, g1: torch.Tensor, g2: torch.Tensor) { return g1.mul(2).add(g2.mul(3)); }
    }
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const [a, b] = Split2.apply<torch.Tensor[]>(x);
    expect(a.gradFn).toBe(b.gradFn);
    a.sum().backward(undefined, { retainGraph: true });
    expect(values(x.grad)).toEqual([2, 2]);
    x.grad = null;
    a.add(b).sum().backward();
    expect(values(x.grad)).toEqual([5, 5]);
  });

  it('refuses to read saved tensors changed in place', () => {
    class Square extends torch.autograd.Function {
      static forward(ctx: torch.autograd.Context, x: torch.Tensor) {
        ctx.saveForBackward(x);
        return x.mul(x);
      }
      static backward(ctx: torch.autograd.Context, g: torch.Tensor) {
        const [x] = ctx.savedTensors;
        return g.mul(x).mul(2);
      }
    }
    const leaf = torch.tensor([1, 2], { requiresGrad: true });
    const x = leaf.mul(1);
    const y = Square.apply(x);
    x.add_(1);
    expect(() => y.sum().backward()).toThrow(/^\[backward\] one of the variables needed for gradient computation has been modified/);
  });

  it('supports higher-order gradients through a backward written with tensor ops', () => {
    class Cube extends torch.autograd.Function {
      static forward(ctx: torch.autograd.Context, x: torch.Tensor) { ctx.saveForBackward(x); return x.pow(3); }
      static backward(ctx: torch.autograd.Context, g: torch.Tensor) { const [x] = ctx.savedTensors; return g.mul(x.pow(2)).mul(3); }
    }
    const x = f64(2);
    const [d1] = autograd.grad(Cube.apply(x), x, { createGraph: true });
    expect(values(d1)).toBe(12);
    const [d2] = autograd.grad(d1!, x);
    expect(values(d2)).toBe(12);
  });
});

describe('gradcheck and gradgradcheck', () => {
  it('accepts correct first and second derivatives', () => {
    const x = f64([0.5, -1.25, 2]);
    expect(autograd.gradcheck((a) => a.pow(3).mul(a.sin()), [x])).toBe(true);
    expect(autograd.gradgradcheck((a) => a.pow(3).mul(a.sin()), [x])).toBe(true);
    const y = f64([[1, 2], [3, 4]]);
    expect(autograd.gradgradcheck((a, b) => a.mul(b).exp(), [x.index('0:2'), y])).toBe(true);
  });

  it('rejects a wrong backward, throwing by default or returning false', () => {
    class Wrong extends torch.autograd.Function {
      static forward(_ctx: torch.autograd.Context, x: torch.Tensor) { return x.mul(x); }
      static backward(_ctx: torch.autograd.Context, g: torch.Tensor) { return g; }
    }
    const x = f64([1, 2]);
    expect(() => autograd.gradcheck((a) => Wrong.apply(a), [x])).toThrow(/^\[gradcheck\] Jacobian mismatch/);
    expect(autograd.gradcheck((a) => Wrong.apply(a), [x], { raiseException: false })).toBe(false);
  });

  it('rejects a wrong second derivative', () => {
    class WrongSecond extends torch.autograd.Function {
      static forward(ctx: torch.autograd.Context, x: torch.Tensor) { ctx.saveForBackward(x); return x.pow(3); }
      // Right values, but computed from a detached x: the second derivative is lost.
      static backward(ctx: torch.autograd.Context, g: torch.Tensor) { const [x] = ctx.savedTensors; return g.mul(x.detach().pow(2)).mul(3); }
    }
    const x = f64([1, 2]);
    expect(autograd.gradcheck((a) => WrongSecond.apply(a), [x])).toBe(true);
    expect(autograd.gradgradcheck((a) => WrongSecond.apply(a), [x], undefined, { raiseException: false })).toBe(false);
  });
});

describe('autograd.functional', () => {
  it('computes the Jacobian of an elementwise square', () => {
    const jac = autograd.functional.jacobian((x) => x.pow(2), f64([1, 2, 3], false)) as torch.Tensor;
    expect([...jac.shape]).toEqual([3, 3]);
    expect(values(jac)).toEqual([[2, 0, 0], [0, 4, 0], [0, 0, 6]]);
  });

  it('computes Jacobians with respect to several inputs', () => {
    const a = f64([1, 2], false);
    const b = f64([3, 4], false);
    const [ja, jb] = autograd.functional.jacobian((x, y) => x.mul(y), [a, b]) as torch.Tensor[];
    expect(values(ja)).toEqual([[3, 0], [0, 4]]);
    expect(values(jb)).toEqual([[1, 0], [0, 2]]);
    expect(a.requiresGrad).toBe(false);
  });

  it('gives Jacobians the shape output ++ input', () => {
    const m = f64([[1, 2, 3], [4, 5, 6]], false);
    const jac = autograd.functional.jacobian((x) => x.sum(0), m) as torch.Tensor;
    expect([...jac.shape]).toEqual([3, 2, 3]);
    expect(values(jac.index(1))).toEqual([[0, 1, 0], [0, 1, 0]]);
  });

  it('computes the Hessian of a scalar function', () => {
    const hess = autograd.functional.hessian((x) => x.pow(3).sum(), f64([1, 2], false)) as torch.Tensor;
    expect(values(hess)).toEqual([[6, 0], [0, 12]]);
  });

  it('computes the Hessian blocks of a function of two inputs', () => {
    const blocks = autograd.functional.hessian((a, b) => a.mul(b).sum(), [f64([1, 2], false), f64([3, 4], false)]) as torch.Tensor[][];
    expect(values(blocks[0][0])).toEqual([[0, 0], [0, 0]]);
    expect(values(blocks[0][1])).toEqual([[1, 0], [0, 1]]);
    expect(values(blocks[1][0])).toEqual([[1, 0], [0, 1]]);
    expect(values(blocks[1][1])).toEqual([[0, 0], [0, 0]]);
  });

  it('computes vector-Jacobian and Jacobian-vector products', () => {
    const x = f64([1, 2, 3], false);
    const v = f64([1, 0.5, -1], false);
    const [out, vjp] = autograd.functional.vjp((t) => t.pow(2), x, v);
    expect(values(out)).toEqual([1, 4, 9]);
    expect(values(vjp as torch.Tensor)).toEqual([2, 2, -6]);
    const [out2, jvp] = autograd.functional.jvp((t) => t.pow(2), x, v);
    expect(values(out2)).toEqual([1, 4, 9]);
    expect(values(jvp)).toEqual([2, 2, -6]);
    // A non-square Jacobian: J is [2, 3] for the row sums of a [2, 3] input.
    const m = f64([[1, 2, 3], [4, 5, 6]], false);
    const [, jv] = autograd.functional.jvp((t) => t.mul(t).sum(1), m, f64([[1, 0, 0], [0, 0, 1]], false));
    expect(values(jv)).toEqual([2, 12]);
  });
});

describe('backward argument forms', () => {
  it('takes options as the first argument, as PyTorch keywords without a gradient', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward({ retainGraph: true });
    y.backward(null, {});
    expect(x.grad!.tolistSync()).toEqual([4, 8]);
    const [g] = torch.autograd.grad(x.pow(3).sum(), x, { createGraph: true });
    (g as torch.Tensor).sum().backward({ inputs: [x] });
    expect(x.grad!.tolistSync()).toEqual([10, 20]);
  });

  it('rejects a gradient that is neither a Tensor nor options', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    expect(() => x.sum().backward(3 as unknown as torch.Tensor)).toThrow('[backward] expected gradient to be a Tensor (or an options object), got number');
  });
});
