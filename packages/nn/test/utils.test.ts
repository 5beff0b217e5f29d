// nn.utils: gradient clipping and parameter vectors; the expected numbers are PyTorch 1.13's for the
// same gradients (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).
import { describe, it, expect } from 'vitest';
import * as torch from 'typetorch';
import { Parameter, utils } from '@typetorch/nn';

function params(): [Parameter, Parameter, Parameter] {
  const a = new Parameter(torch.zeros(2));
  const b = new Parameter(torch.zeros(2, 2));
  const c = new Parameter(torch.zeros(1)); // no gradient: skipped
  a.grad = torch.tensor([3, 4]);
  b.grad = torch.tensor([[1, -2], [2, 4]]);
  return [a, b, c];
}

function close(actual: unknown, expected: unknown, digits = 6): void {
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
  const [x, y] = [flat(actual), flat(expected)];
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(v).toBeCloseTo(y[i], digits));
}

describe('utils.clipGradNorm_', () => {
  it('scales gradients to the max 2-norm and returns the total norm before clipping', () => {
    const [a, b, c] = params();
    const total = utils.clipGradNorm_([a, b, c], 1.0);
    expect(total.dim()).toBe(0);
    expect(total.itemSync()).toBeCloseTo(Math.sqrt(50), 5); // PyTorch: tensor(7.0711)
    close(a.grad!.tolistSync(), [0.42426401376724243, 0.5656853318214417]);
    close(b.grad!.tolistSync(), [[0.1414213329553604, -0.2828426659107208], [0.2828426659107208, 0.5656853318214417]]);
    expect(c.grad).toBe(null);
  });

  it('leaves gradients below the limit unchanged, with the infinity norm', () => {
    const [a, b] = params();
    const total = utils.clipGradNorm_([a, b], 100.0, Infinity);
    expect(total.itemSync()).toBe(4);
    expect(a.grad!.tolistSync()).toEqual([3, 4]);
  });

  it('uses other norm orders, positionally or as options', () => {
    const [a, b] = params();
    expect(utils.clipGradNorm_([a, b], 2.0, { normType: 1 }).itemSync()).toBe(16);
    close(a.grad!.tolistSync(), [0.3749999403953552, 0.4999999403953552]);
    close(b.grad!.tolistSync(), [[0.1249999850988388, -0.2499999701976776], [0.2499999701976776, 0.4999999403953552]]);
    const [a2, b2] = params();
    expect(utils.clipGradNorm_([a2, b2], 2.0, 1).itemSync()).toBe(16);
  });

  it('accepts a single tensor, gives tensor(0.) when no gradient exists, and works on a model', () => {
    const [a] = params();
    expect(utils.clipGradNorm_(a, 10).itemSync()).toBe(5);
    expect(String(utils.clipGradNorm_([new Parameter(torch.zeros(1))], 1.0))).toBe('tensor(0.)');
    const lin = new torch.nn.Linear(3, 2);
    lin.call(torch.ones(4, 3)).sum().backward();
    const norm = utils.clipGradNorm_(lin.parameters(), 0.1).itemSync() as number;
    expect(norm).toBeGreaterThan(0.1);
    const after = torch.stack(lin.parameters().map((p) => p.grad!.norm())).norm().itemSync() as number;
    expect(after).toBeCloseTo(0.1, 5);
  });

  it('throws on a non-finite total norm only when asked, in PyTorch words', () => {
    const p = new Parameter(torch.zeros(2));
    p.grad = torch.tensor([NaN, 1]);
    expect(() => utils.clipGradNorm_(p, 1.0, 2, true)).toThrow(
      'The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped. ' +
        'To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`',
    );
    expect(Number.isNaN(utils.clipGradNorm_(p, 1.0).itemSync())).toBe(true);
  });
});

describe('utils.clipGradValue_', () => {
  it('clamps every gradient to [-clipValue, clipValue] in place, skipping missing ones', () => {
    const a = new Parameter(torch.zeros(2));
    const c = new Parameter(torch.zeros(1));
    a.grad = torch.tensor([3, -4]);
    const grad = a.grad;
    utils.clipGradValue_([a, c], 3.5);
    expect(a.grad).toBe(grad);
    expect(a.grad!.tolistSync()).toEqual([3, -3.5]);
    expect(c.grad).toBe(null);
  });
});

describe('utils.parametersToVector and vectorToParameters', () => {
  it('flattens parameters into one vector and makes parameters views of a vector', () => {
    const a = new Parameter(torch.tensor([[1, 2], [3, 4]]));
    const b = new Parameter(torch.tensor([5]));
    const vec = utils.parametersToVector([a, b]);
    expect(vec.tolistSync()).toEqual([1, 2, 3, 4, 5]);
    const next = torch.tensor([9, 8, 7, 6, 5]);
    utils.vectorToParameters(next, [a, b]);
    expect(a.tolistSync()).toEqual([[9, 8], [7, 6]]);
    expect(b.tolistSync()).toEqual([5]);
    expect(a._storage).toBe(next._storage);
    expect(a.requiresGrad).toBe(true);
  });
});
