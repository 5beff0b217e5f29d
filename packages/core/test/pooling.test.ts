// Pooling: PyTorch's argument checks and messages, output shapes (ceil mode, dilation, padding),
// integer average pooling, and what the ops record for autograd. Values and gradients against
// PyTorch are in conv-fixtures.test.ts.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';

/** Expects `run` to throw exactly `message` (a string), or a message matching it (a RegExp). */
function expectError(run: () => unknown, message: string | RegExp): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  if (typeof message === 'string') expect((error as Error).message).toBe(message);
  else expect((error as Error).message).toMatch(message);
}

const x = torch.randn(2, 3, 8, 8);

describe('pooling checks its arguments as PyTorch does', () => {
  const cases: [string, () => unknown, string][] = [
    ['kernel 0 (stride defaults to it)', () => torch.maxPool2d(x, 0), '[maxPool2d] stride should not be zero'],
    ['kernel 0 with a stride', () => torch.maxPool2d(x, { kernelSize: 0, stride: 1 }), '[maxPool2d] kernel size should be greater than zero, but got kH: 0 kW: 0'],
    ['a negative kernel', () => torch.maxPool2d(x, { kernelSize: -1, stride: 1 }), '[maxPool2d] kernel size should be greater than zero, but got kH: -1 kW: -1'],
    ['stride 0', () => torch.maxPool2d(x, { kernelSize: 2, stride: 0 }), '[maxPool2d] stride should not be zero'],
    ['a negative stride', () => torch.maxPool2d(x, { kernelSize: 2, stride: -1 }), '[maxPool2d] stride should be greater than zero, but got dH: -1 dW: -1'],
    ['padding over half the kernel', () => torch.maxPool2d(x, { kernelSize: 2, padding: 2 }), '[maxPool2d] pad should be at most half of kernel size, but got pad=2 and kernel_size=2'],
    ['padding over half the kernel in one dim', () => torch.maxPool2d(x, { kernelSize: [2, 4], padding: [2, 1] }),
      '[maxPool2d] pad should be at most half of kernel size, but got pad=2 and kernel_size=2'],
    ['negative padding', () => torch.maxPool2d(x, { kernelSize: 2, padding: -1 }), '[maxPool2d] pad must be non-negative, but got pad: -1'],
    ['dilation 0', () => torch.maxPool2d(x, { kernelSize: 2, dilation: 0 }), '[maxPool2d] dilation should be greater than zero, but got dilationH: 0 dilationW: 0'],
    ['an output that is too small', () => torch.maxPool2d(torch.randn(1, 1, 2, 2), 3),
      '[maxPool2d] Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small'],
    ['a 2-D input', () => torch.maxPool2d(torch.randn(8, 8), 2), '[maxPool2d] non-empty 3D or 4D (batch mode) tensor expected for input'],
    ['a 5-D input', () => torch.maxPool2d(torch.randn(1, 1, 1, 8, 8), 2), '[maxPool2d] non-empty 3D or 4D (batch mode) tensor expected for input'],
    ['int64 max pooling', () => torch.maxPool2d(x.long(), 2), `[maxPool2d] "max_pool2d" not implemented for 'int64'`],
    ['empty channels', () => torch.maxPool2d(torch.randn(2, 0, 8, 8), 2),
      '[maxPool2d] Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[2, 0, 8, 8]'],
    ['an empty unbatched input', () => torch.maxPool2d(torch.randn(0, 8, 8), 2),
      '[maxPool2d] Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[0, 8, 8]'],
    ['three kernel sizes', () => torch.maxPool2d(x, [2, 2, 2]), '[maxPool2d] max_pool2d: kernel_size must either be a single int, or a tuple of two ints'],
    ['three strides', () => torch.maxPool2d(x, { kernelSize: 2, stride: [2, 2, 2] }),
      '[maxPool2d] max_pool2d: stride must either be omitted, a single int, or a tuple of two ints'],
    ['a fractional kernel', () => torch.maxPool2d(x, 2.5), '[maxPool2d] expected kernel_size to be integers, got 2.5'],
    ['avg padding over half the kernel', () => torch.avgPool2d(x, { kernelSize: 2, padding: 2 }),
      '[avgPool2d] pad should be at most half of kernel size, but got pad=2 and kernel_size=2'],
    ['divisor 0', () => torch.avgPool2d(x, { kernelSize: 2, divisorOverride: 0 }), '[avgPool2d] divisor must be not zero'],
    ['avg stride 0', () => torch.avgPool2d(x, { kernelSize: 2, stride: 0 }), '[avgPool2d] stride should not be zero'],
    ['int32 average pooling', () => torch.avgPool2d(x.int(), 2), `[avgPool2d] "avg_pool2d" not implemented for 'int32'`],
    ['an avg output that is too small', () => torch.avgPool2d(torch.randn(1, 1, 2, 2), 3),
      '[avgPool2d] Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small'],
    ['a 2-D adaptive input', () => torch.adaptiveAvgPool2d(torch.randn(8, 8), 2), '[adaptiveAvgPool2d] adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [8, 8]'],
    ['a negative adaptive size', () => torch.adaptiveAvgPool2d(x, -1),
      '[adaptiveAvgPool2d] adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {-1, -1}'],
    ['three adaptive sizes', () => torch.adaptiveAvgPool2d(x, [2, 2, 2]), '[adaptiveAvgPool2d] adaptive_avg_pool2d: output_size must be 2'],
    ['an empty adaptive input', () => torch.adaptiveAvgPool2d(torch.randn(2, 3, 0, 4), 2),
      '[adaptiveAvgPool2d] adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [2, 3, 0, 4] with dimension 2 being empty'],
    ['int64 adaptive average pooling', () => torch.adaptiveAvgPool2d(x.long(), 2), `[adaptiveAvgPool2d] "adaptive_avg_pool2d" not implemented for 'int64'`],
    ['int64 adaptive max pooling', () => torch.adaptiveMaxPool2d(x.long(), 2), `[adaptiveMaxPool2d] "adaptive_max_pool2d" not implemented for 'int64'`],
    ['max_pool1d kernel 0', () => torch.maxPool1d(torch.randn(2, 3, 8), 0), '[maxPool1d] max_pool1d() kernel_size must be greater than zero, but got 0'],
    ['max_pool1d padding over half the kernel', () => torch.maxPool1d(torch.randn(2, 3, 8), { kernelSize: 2, padding: 2 }),
      '[maxPool1d] max_pool1d() padding should be at most half of kernel size, but got padding=2 and kernel_size=2'],
    ['a 1-D max_pool1d input', () => torch.maxPool1d(torch.randn(8), 2),
      '[maxPool1d] max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:[8]'],
    ['avg_pool1d padding over half the kernel', () => torch.avgPool1d(torch.randn(2, 3, 8), { kernelSize: 3, padding: 2 }),
      '[avgPool1d] pad should be at most half of kernel size, but got pad=2 and kernel_size=3'],
  ];
  for (const [what, run, message] of cases) it(`rejects ${what}`, () => expectError(run, message));
});

describe('pooling shapes follow PyTorch', () => {
  const shape = (t: torch.Tensor) => [...t.shape];
  it('defaults the stride to the kernel size (also for null and [])', () => {
    expect(shape(torch.maxPool2d(x, 2))).toEqual([2, 3, 4, 4]);
    expect(shape(torch.maxPool2d(x, { kernelSize: 2, stride: null }))).toEqual([2, 3, 4, 4]);
    expect(shape(torch.avgPool2d(x, { kernelSize: 2, stride: [] as unknown as number }))).toEqual([2, 3, 4, 4]);
  });

  it('rounds up in ceil mode unless the last window would start in the right padding', () => {
    expect(shape(torch.maxPool2d(torch.randn(1, 1, 5, 5), { kernelSize: 2, ceilMode: true }))).toEqual([1, 1, 3, 3]);
    expect(shape(torch.maxPool2d(torch.randn(1, 1, 5, 5), { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }))).toEqual([1, 1, 3, 3]);
    expect(shape(torch.maxPool2d(torch.randn(1, 1, 6, 6), { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }))).toEqual([1, 1, 4, 4]);
    expect(shape(torch.avgPool1d(torch.randn(2, 3, 2), { kernelSize: 3, padding: 1 }))).toEqual([2, 3, 1]);
  });

  it('keeps a dim of an adaptive pooling with null, and allows size 0', () => {
    expect(shape(torch.adaptiveAvgPool2d(x, [null, 3]))).toEqual([2, 3, 8, 3]);
    expect(shape(torch.adaptiveAvgPool2d(x, 0))).toEqual([2, 3, 0, 0]);
    expect(shape(torch.adaptiveMaxPool2d(x, 0))).toEqual([2, 3, 0, 0]);
    expect(shape(torch.adaptiveAvgPool1d(torch.randn(2, 3, 8), 3))).toEqual([2, 3, 3]);
  });

  it('accepts an empty batch', () => {
    expect(shape(torch.maxPool2d(torch.randn(0, 3, 8, 8), 2))).toEqual([0, 3, 4, 4]);
    expect(shape(torch.avgPool2d(torch.randn(0, 3, 8, 8), 2))).toEqual([0, 3, 4, 4]);
  });
});

describe('pooling values', () => {
  it('averages int64 with truncating division, as PyTorch', () => {
    const xi = torch.tensor([[[[1, 2, 4], [5, -7, 3], [0, 0, 1]]]], { dtype: 'int64' });
    expect(torch.avgPool2d(xi, { kernelSize: 2, stride: 1 }).tolistSync()).toEqual([[[[0, 0], [0, 0]]]]);
    expect(torch.avgPool2d(xi.mul(3), { kernelSize: 2, stride: 1 }).tolistSync()).toEqual([[[[0, 1], [-1, -2]]]]);
  });

  it('propagates NaN through max pooling and points the index at it', () => {
    const xn = torch.tensor([[[[1, Number.NaN], [3, 2]]]]);
    const [v, i] = torch.maxPool2dWithIndices(xn, 2);
    expect(Number.isNaN(v.itemSync() as number)).toBe(true);
    expect(i.itemSync()).toBe(1);
  });

  it('gives -inf, an index past the plane and no gradient for a window inside the padding, as PyTorch', () => {
    const a = torch.tensor([[[[0.5]]]], { requiresGrad: true });
    const [v, i] = torch.maxPool2dWithIndices(a, { kernelSize: [2, 1], stride: 1, padding: [1, 0], dilation: [2, 1] });
    expect(v.tolistSync()).toEqual([[[[-Infinity]]]]);
    expect(i.tolistSync()).toEqual([[[[1]]]]);
    v.sum().backward();
    expect(a.grad!.tolistSync()).toEqual([[[[0]]]]);
  });

  it('picks the first maximum on ties', () => {
    const [, i] = torch.maxPool2dWithIndices(torch.ones(1, 1, 2, 2), 2);
    expect(i.itemSync()).toBe(0);
  });

  it('divides by divisorOverride', () => {
    const third = Math.fround(4 / 3);
    expect(torch.avgPool2d(torch.ones(1, 1, 4, 4), { kernelSize: 2, divisorOverride: 3 }).tolistSync()).toEqual([[[[third, third], [third, third]]]]);
  });
});

describe('what pooling records for autograd', () => {
  const xr = () => x.clone().requiresGrad_();
  it('names the nodes as PyTorch 1.13 does', () => {
    expect(torch.maxPool2d(xr(), 2).gradFn?.name).toBe('MaxPool2DWithIndicesBackward0');
    expect(torch.maxPool2d(xr().select(0, 0), 2).gradFn?.name).toBe('MaxPool2DWithIndicesBackward0');
    expect(torch.maxPool1d(xr().select(0, 0), 2).gradFn?.name).toBe('SqueezeBackward1');
    expect(torch.avgPool2d(xr(), 2).gradFn?.name).toBe('AvgPool2DBackward0');
    expect(torch.avgPool1d(xr().select(0, 0), 2).gradFn?.name).toBe('SqueezeBackward1');
    expect(torch.adaptiveAvgPool2d(xr(), 3).gradFn?.name).toBe('AdaptiveAvgPool2DBackward0');
    expect(torch.adaptiveAvgPool2d(xr(), 1).gradFn?.name).toBe('MeanBackward1');
    expect(torch.adaptiveMaxPool2d(xr(), 3).gradFn?.name).toBe('AdaptiveMaxPool2DBackward0');
    const [values, indices] = torch.maxPool2dWithIndices(xr(), 2);
    expect(values.gradFn?.name).toBe('MaxPool2DWithIndicesBackward0');
    expect(indices.requiresGrad).toBe(false);
  });

  it('names double-backward nodes as PyTorch 1.13 does', () => {
    const names = [
      (t: torch.Tensor) => torch.maxPool2d(t, 2),
      (t: torch.Tensor) => torch.avgPool2d(t, 2),
      (t: torch.Tensor) => torch.adaptiveAvgPool2d(t, 3),
    ].map((f) => {
      const a = xr();
      const [g] = torch.autograd.grad(f(a).pow(2).sum(), [a], { createGraph: true });
      return g!.gradFn?.name;
    });
    expect(names).toEqual(['MaxPool2DWithIndicesBackwardBackward0', 'AvgPool2DBackwardBackward0', 'AdaptiveAvgPool2DBackwardBackward0']);
  });

  it('routes max-pooling gradients to the maxima only, summing overlapping windows', () => {
    const a = torch.tensor([[[[1, 5, 2], [0, 3, 4], [6, 1, 0]]]], { requiresGrad: true });
    torch.maxPool2d(a, { kernelSize: 2, stride: 1 }).sum().backward();
    expect(a.grad!.tolistSync()).toEqual([[[[0, 2, 0], [0, 0, 1], [1, 0, 0]]]]);
  });
});
