// The Autograd section of shared/API.md, run as written, with the values it states.
import { format } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as torch from 'typetorch';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('API.md: Autograd', () => {
  it('computes the gradient of the mean of 3 (x + 2)^2 as 4.5 and names the nodes', () => {
    const x = torch.ones(2, 2, { requiresGrad: true });
    const y = x.add(2);
    const z = y.mul(y).mul(3);
    const out = z.mean();
    expect(out.gradFn?.name).toBe('MeanBackward0');
    out.backward();
    expect(x.grad!.tolistSync()).toEqual([[4.5, 4.5], [4.5, 4.5]]);
    expect(String(x.grad)).toBe('tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])');
    expect(x.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    expect(y.gradFn?.name).toBe('AddBackward0');
    expect(z.gradFn?.name).toBe('MulBackward0');
  });

  it('takes a gradient argument, retains the graph and accumulates into .grad', () => {
    const w = torch.tensor([[0.0, 0.0], [1.0, 2.0]], { requiresGrad: true });
    const f = torch.pow(w, 2).mul(1).add(w.mul(-2)).add(1);
    f.backward(torch.tensor([[1.0, 1.0], [1.0, 2.0]]), { retainGraph: true });
    expect(w.grad!.tolistSync()).toEqual([[-2, -2], [0, 4]]);
    f.backward(torch.tensor([[1.0, 1.0], [1.0, 2.0]]));
    expect(w.grad!.tolistSync()).toEqual([[-4, -4], [0, 8]]);
    w.grad!.zero_();
    expect(w.grad!.tolistSync()).toEqual([[0, 0], [0, 0]]);
  });

  it('runs hooks and retains non-leaf gradients', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(format(...args));
    });
    const s = torch.tensor(3.0, { requiresGrad: true });
    const y1 = s.add(1), y2 = s.mul(2);
    const loss = y1.sub(y2).pow(2);
    y1.registerHook((g) => console.log(g));
    y1.retainGrad(); y2.retainGrad(); loss.retainGrad();
    loss.backward();
    expect(printed).toEqual(['tensor(-4.)']);
    expect(loss.grad!.itemSync()).toBe(1);
    expect(y1.grad!.itemSync()).toBe(-4);
    expect(y2.grad!.itemSync()).toBe(4);
    expect(s.grad!.itemSync()).toBe(4);
  });

  it('computes higher-order gradients with createGraph', () => {
    const u = torch.tensor(0.0, { requiresGrad: true });
    const v = torch.pow(u, 2).add(u.mul(-2)).add(1);
    const [dv] = torch.autograd.grad(v, u, { createGraph: true });
    expect(dv!.itemSync()).toBe(-2);
    const [d2v] = torch.autograd.grad(dv!, u);
    expect(d2v!.itemSync()).toBe(2);
  });

  it('switches grad mode with noGrad, setGradEnabled and enableGrad', () => {
    const x = torch.ones(2, 2, { requiresGrad: true });
    expect(torch.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(torch.setGradEnabled(false, () => x.mul(2)).requiresGrad).toBe(false);
    expect(torch.enableGrad(() => x.mul(2)).requiresGrad).toBe(true);
    expect(torch.noGrad(() => torch.enableGrad(() => x.mul(2)))).toHaveProperty('requiresGrad', true);
    expect(torch.isGradEnabled()).toBe(true);
  });

  it('runs the custom Cube function and its gradient checks out', () => {
    class Cube extends torch.autograd.Function {
      static forward(ctx: torch.autograd.Context, x: torch.Tensor) { ctx.saveForBackward(x); return x.pow(3); }
      static backward(ctx: torch.autograd.Context, g: torch.Tensor) { const [x] = ctx.savedTensors; return g.mul(x.pow(2)).mul(3); }
    }
    const x = torch.ones(2, 2, { requiresGrad: true });
    const cubed = Cube.apply(x);
    expect(cubed.tolistSync()).toEqual([[1, 1], [1, 1]]);
    expect(cubed.gradFn?.name).toBe('CubeBackward');
    cubed.sum().backward();
    expect(x.grad!.tolistSync()).toEqual([[3, 3], [3, 3]]);
    const a = torch.tensor([0.5, -1.5, 2], { dtype: 'float64', requiresGrad: true });
    expect(torch.autograd.gradcheck((t) => Cube.apply(t), [a])).toBe(true);
  });

  it('gradchecks a.sin().mul(a) as true', () => {
    expect(
      torch.autograd.gradcheck((a) => a.sin().mul(a), [torch.randn(3, { dtype: 'float64', requiresGrad: true })]),
    ).toBe(true);
  });

  it('fits the linear regression by hand to w = 3 and b = 0.8', () => {
    torch.manualSeed(0);
    const xs = torch.randn([500, 1]);
    const yTrue = xs.mul(3).add(0.8);
    const wt = torch.rand([], { requiresGrad: true });
    const bt = torch.tensor(0, { requiresGrad: true });
    for (let k = 0; k < 30; k++) {
      for (const p of [wt, bt]) p.grad?.data.zero_();
      const l = xs.mul(wt).add(bt).sub(yTrue).pow(2).mean();
      l.backward();
      wt.data = wt.data.sub(wt.grad!.mul(0.1));
      bt.data = bt.data.sub(bt.grad!.mul(0.1));
    }
    expect(Math.abs(Number(wt.itemSync()) - 3)).toBeLessThan(0.05);
    expect(Math.abs(Number(bt.itemSync()) - 0.8)).toBeLessThan(0.05);
    expect(wt.isLeaf && wt.requiresGrad).toBe(true);
    expect(bt.isLeaf && bt.requiresGrad).toBe(true);
  });
});
