// Gradients at PyTorch's special points (zeros, ties, NaN, infinities, bounds), compared with the
// values PyTorch 1.13 gives for the same expressions (`f(x).sum().backward(); x.grad`, float64).
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';

type Tensor = torch.Tensor;
const f64 = (v: unknown) => torch.tensor(v, { dtype: 'float64' });

/** [expression, function, input, x.grad from PyTorch 1.13]. */
const cases: [string, (x: Tensor) => Tensor, unknown, unknown][] = [
  ['x.prod() with one zero', (x) => x.prod(), [2, 0, 3], [0, 6, 0]],
  ['x.prod() with two zeros', (x) => x.prod(), [0, 0, 3], [0, 0, 0]],
  ['x.prod(1) with zeros', (x) => x.prod(1), [[0, 2, 3], [1, 0, 0]], [[6, 0, 0], [0, 0, 0]]],
  ['x.cumprod(0) with zeros', (x) => x.cumprod(0), [2, 0, 3, 0, 5], [1, 8, 0, 0, 0]],
  ['x.logsumexp(0) of -inf', (x) => x.logsumexp(0), [-Infinity, -Infinity], [NaN, NaN]],
  ['x.logsumexp(0) with +inf', (x) => x.logsumexp(0), [Infinity, 1], [NaN, 0]],
  ['x.clamp(0, 1) at the bounds', (x) => x.clamp(0, 1), [0, 1, 0.5, 2], [1, 1, 1, 0]],
  ['x.abs() at 0', (x) => x.abs(), [0], [0]],
  ['x.relu() at 0', (x) => x.relu(), [0], [0]],
  ['x.sqrt() at 0', (x) => x.sqrt(), [0], [Infinity]],
  ['x.pow(0) at 0', (x) => x.pow(0), [0], [0]],
  ['NaN ** tensor(0)', (x) => x.pow(f64(0)), [NaN], [0]],
  ['x.mean() of nothing', (x) => x.mean(), [], []],
  ['x.amax() with NaN', (x) => x.amax(), [1, NaN], [NaN, NaN]],
  ['x.max() with NaNs', (x) => x.max(), [1, NaN, NaN], [0, 0.5, 0.5]],
  ['x.norm(inf) with NaN', (x) => x.norm(Infinity), [1, NaN], [0, 0]],
  ['x.norm(-inf)', (x) => x.norm(-Infinity), [1, -0.5, 0.5], [0, -0.5, 0.5]],
  ['x.std(1) of a constant row', (x) => x.std(1), [[1, 1], [1, 2]], [[0, 0], [-0.7071067811865475, 0.7071067811865475]]],
  ['x.sign()', (x) => x.sign(), [0, 1], [0, 0]],
  ['atan2(x, x) at 0', (x) => torch.atan2(x, x), [0], [NaN]],
  ['1 / x at 0', (x) => f64(1).div(x), [0], [-Infinity]],
  ['x.log() at 0', (x) => x.log(), [0], [Infinity]],
  ['where(x > 0, x.log(), x) at -1', (x) => torch.where(x.gt(0), x.log(), x), [-1], [1]],
  ['maximum(x, [1, 0]) with a tie', (x) => torch.maximum(x, f64([1, 0])), [1, 1], [0.5, 1]],
  ['x.norm(0.5) with a zero', (x) => x.norm(0.5), [0, 1], [0, 1]],
  ['x.norm(0.5) of zeros', (x) => x.norm(0.5), [0, 0], [0, 0]],
  ['x.norm(1.5) with a zero', (x) => x.norm(1.5), [0, 1], [0, 1]],
  ['x.norm(3) with a zero', (x) => x.norm(3), [0, 1], [0, 1]],
  ['x.norm(0) (no gradient)', (x) => x.norm(0), [0, 1], null],
  ['x.norm(2) with inf', (x) => x.norm(2), [0, Infinity], [0, NaN]],
  ['x.norm(1) with inf', (x) => x.norm(1), [0, Infinity], [0, 1]],
  ['x.norm(inf) with inf', (x) => x.norm(Infinity), [Infinity, 1], [1, 0]],
  ['x.norm(-1)', (x) => x.norm(-1), [1, 2], [0.4444444444444444, 0.1111111111111111]],
  ['x.std() with inf', (x) => x.std(), [1, Infinity], [NaN, NaN]],
];

describe('gradients at special points match PyTorch 1.13', () => {
  for (const [code, fn, input, expected] of cases) {
    it(`${code} has gradient ${JSON.stringify(expected, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`, () => {
      const x = torch.tensor(input, { dtype: 'float64', requiresGrad: true });
      fn(x).sum().backward();
      if (expected === null) expect(x.grad).toBeNull();
      else expect(x.grad!.tolistSync()).toEqual(expected);
    });
  }
});
