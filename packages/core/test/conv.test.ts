// Convolutions: PyTorch's argument checks and messages, output shapes, empty and integer inputs,
// and what the ops record for autograd. Values and gradients against PyTorch are in
// conv-fixtures.test.ts.
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { asyncOnly } from '@typetorch/core/testing';

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
const w = torch.randn(4, 3, 3, 3);

describe('conv2d checks its arguments as PyTorch does', () => {
  const cases: [string, () => unknown, string | RegExp][] = [
    ['a 5-D input', () => torch.conv2d(torch.randn(1, 2, 3, 8, 8), w),
      '[conv2d] Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [1, 2, 3, 8, 8]'],
    ['a 2-D input', () => torch.conv2d(torch.randn(3, 8), w), '[conv2d] Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 8]'],
    ['a 3-D weight', () => torch.conv2d(x, torch.randn(4, 3, 3)),
      /^\[conv2d\] expected stride to be a single integer value or a list of 1 values to match the convolution dimensions, but got stride=\[1, 1\]/],
    ['a 2-D weight', () => torch.conv2d(x, torch.randn(4, 3)), '[conv2d] weight should have at least three dimensions'],
    ['input channels that differ from the weight', () => torch.conv2d(x, torch.randn(4, 2, 3, 3)),
      '[conv2d] Given groups=1, weight of size [4, 2, 3, 3], expected input[2, 3, 8, 8] to have 2 channels, but got 3 channels instead'],
    ['channels that differ with groups', () => torch.conv2d(x, torch.randn(4, 1, 3, 3), null, { groups: 2 }),
      '[conv2d] Given groups=2, weight of size [4, 1, 3, 3], expected input[2, 3, 8, 8] to have 2 channels, but got 3 channels instead'],
    ['unbatched channels that differ', () => torch.conv2d(torch.randn(2, 8, 8), w),
      '[conv2d] Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 2, 8, 8] to have 3 channels, but got 2 channels instead'],
    ['out channels not divisible by groups', () => torch.conv2d(torch.randn(2, 4, 8, 8), torch.randn(3, 2, 3, 3), null, { groups: 2 }),
      '[conv2d] Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 2, 3, 3] instead'],
    ['an empty weight', () => torch.conv2d(x, torch.randn(0, 3, 3, 3)),
      '[conv2d] Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size [0, 3, 3, 3] instead'],
    ['groups 0', () => torch.conv2d(x, w, null, { groups: 0 }), '[conv2d] non-positive groups is not supported'],
    ['a kernel larger than the input', () => torch.conv2d(x, torch.randn(4, 3, 9, 9)),
      "[conv2d] Calculated padded input size per channel: (8 x 8). Kernel size: (9 x 9). Kernel size can't be greater than actual input size"],
    ['a dilated kernel larger than the input', () => torch.conv2d(x, w, null, { dilation: [4, 1] }),
      "[conv2d] Calculated padded input size per channel: (8 x 8). Kernel size: (9 x 3). Kernel size can't be greater than actual input size"],
    ["'same' with a stride", () => torch.conv2d(x, w, null, { padding: 'same', stride: 2 }),
      "[conv2d] padding='same' is not supported for strided convolutions"],
    ['negative padding', () => torch.conv2d(x, w, null, { padding: -1 }), '[conv2d] negative padding is not supported'],
    ['stride 0', () => torch.conv2d(x, w, null, { stride: 0 }), '[conv2d] non-positive stride is not supported'],
    ['dilation 0', () => torch.conv2d(x, w, null, { dilation: 0 }), '[conv2d] non-positive dilation is not supported'],
    ['a bias of the wrong size', () => torch.conv2d(x, w, torch.randn(3)),
      '[conv2d] Given weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, but got bias of size [3] instead'],
    ['a 2-D bias', () => torch.conv2d(x, w, torch.randn(4, 1)),
      '[conv2d] Given weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, but got bias of size [4, 1] instead'],
    ['a weight of another dtype', () => torch.conv2d(x.double(), w), '[conv2d] Input type (double) and weight type (float) should be the same'],
    ['a bias of another dtype', () => torch.conv2d(x, w, torch.randn(4).double()), '[conv2d] Input type (float) and bias type (double) should be the same'],
    ['bool tensors', () => torch.conv2d(x.bool(), w.bool()), /^\[conv2d\] not implemented for bool tensors/],
    ['an unknown padding string', () => torch.conv2d(x, w, null, { padding: 'foo' as 'same' }), "[conv2d] Invalid padding string: 'foo'"],
    ['three strides', () => torch.conv2d(x, w, null, { stride: [1, 1, 1] }),
      '[conv2d] expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but got stride=[1, 1, 1]'],
    ['a fractional stride', () => torch.conv2d(x, w, null, { stride: 1.5 }), /^\[conv2d\] expected stride to be an integer or a list of 2 integers, got 1.5/],
    ['a non-tensor input', () => torch.conv2d([1, 2] as unknown as torch.Tensor, w), '[conv2d] expected input to be a Tensor, got an array'],
    ['tensors on different devices', () => torch.conv2d(x, w.to('meta-test')), /^\[conv2d\] expected all tensors to be on the same device/],
  ];
  torch.registerBackend('meta-test', Object.create(torch.cpuBackend) as torch.Backend);
  for (const [what, run, message] of cases) it(`rejects ${what}`, () => expectError(run, message));
});

describe('conv1d and convTranspose2d check their arguments as PyTorch does', () => {
  const cases: [string, () => unknown, string | RegExp][] = [
    ['a 4-D weight for conv1d', () => torch.conv1d(torch.randn(2, 3, 8), torch.randn(4, 3, 3, 3)),
      /^\[conv1d\] expected stride to be a single integer value or a list of 2 values to match the convolution dimensions, but got stride=\[1\]/],
    ['a 4-D input for conv1d', () => torch.conv1d(torch.randn(2, 3, 8, 8), torch.randn(4, 3, 3)),
      '[conv1d] Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [2, 3, 8, 8]'],
    ["conv1d 'same' with a stride", () => torch.conv1d(torch.randn(2, 3, 8), torch.randn(4, 3, 4), null, { padding: 'same', stride: 2 }),
      "[conv1d] padding='same' is not supported for strided convolutions"],
    ['a conv1d kernel larger than the input', () => torch.conv1d(torch.randn(2, 3, 2), torch.randn(4, 3, 4)),
      "[conv1d] Calculated padded input size per channel: (2). Kernel size: (4). Kernel size can't be greater than actual input size"],
    ['output padding not below stride or dilation', () => torch.convTranspose2d(x, torch.randn(3, 4, 3, 3), null, { outputPadding: 1 }),
      '[convTranspose2d] output padding must be smaller than either stride or dilation, but got output_padding_height: 1 ' +
        'output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1'],
    ['transposed input channels that differ', () => torch.convTranspose2d(x, torch.randn(4, 4, 3, 3)),
      '[convTranspose2d] Given transposed=1, weight of size [4, 4, 3, 3], expected input[2, 3, 8, 8] to have 4 channels, but got 3 channels instead'],
    ['a transposed output that is too small', () => torch.convTranspose2d(torch.randn(2, 3, 1, 1), torch.randn(3, 4, 3, 3), null, { padding: 2 }),
      '[convTranspose2d] Given input size per channel: (1 x 1). Calculated output size per channel: (-1 x -1). Output size is too small'],
    ['a transposed bias of the wrong size', () => torch.convTranspose2d(x, torch.randn(3, 4, 3, 3), torch.randn(3)),
      '[convTranspose2d] Given transposed=1, weight of size [3, 4, 3, 3], expected bias to be 1-dimensional with 4 elements, but got bias of size [3] instead'],
    ["'same' padding for a transposed convolution", () => torch.convTranspose2d(x, torch.randn(3, 4, 3, 3), null, { padding: 'same' as unknown as number }),
      "[convTranspose2d] expected padding to be an integer or a list of 2 integers, got 'same'"],
    ['negative output padding', () => torch.convTranspose2d(x, torch.randn(3, 4, 3, 3), null, { outputPadding: -1 }),
      '[convTranspose2d] negative output_padding is not supported'],
    ['a transposed 2-D input', () => torch.convTranspose2d(torch.randn(8, 8), torch.randn(3, 4, 3, 3)),
      '[convTranspose2d] Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [8, 8]'],
  ];
  for (const [what, run, message] of cases) it(`rejects ${what}`, () => expectError(run, message));
});

describe('convolution shapes follow PyTorch', () => {
  it('computes output sizes from stride, padding and dilation per dim', () => {
    const y = torch.conv2d(torch.randn(1, 2, 9, 8), torch.randn(3, 2, 3, 2), null, { stride: [2, 1], padding: [1, 2], dilation: [2, 1] });
    expect([...y.shape]).toEqual([1, 3, 4, 11]);
  });

  it("keeps the input size with 'same' padding, also for even kernels", () => {
    expect([...torch.conv2d(x, torch.randn(4, 3, 2, 3), null, { padding: 'same', dilation: [2, 3] }).shape]).toEqual([2, 4, 8, 8]);
    expect([...torch.conv2d(x, torch.randn(4, 3, 2, 4), null, { padding: 'same' }).shape]).toEqual([2, 4, 8, 8]);
    expect([...torch.conv1d(torch.randn(2, 3, 8), torch.randn(4, 3, 4), null, { padding: 'same' }).shape]).toEqual([2, 4, 8]);
  });

  it("pads nothing with 'valid'", () => {
    expect([...torch.conv1d(torch.randn(2, 3, 8), torch.randn(4, 3, 4), null, { padding: 'valid', stride: 3 }).shape]).toEqual([2, 4, 2]);
  });

  it('sizes transposed convolutions with output padding, groups and dilation', () => {
    expect([...torch.convTranspose2d(x, torch.randn(3, 4, 3, 3), null, { stride: 2 }).shape]).toEqual([2, 4, 17, 17]);
    expect([...torch.convTranspose2d(x, torch.randn(3, 4, 3, 3), null, { stride: 2, outputPadding: 1 }).shape]).toEqual([2, 4, 18, 18]);
    expect([...torch.convTranspose2d(x, torch.randn(3, 4, 3, 3), null, { dilation: 2, outputPadding: 1 }).shape]).toEqual([2, 4, 13, 13]);
    expect([...torch.convTranspose2d(torch.randn(2, 4, 8, 8), torch.randn(4, 3, 3, 3), null, { groups: 2 }).shape]).toEqual([2, 6, 10, 10]);
  });

  it('returns unbatched results for unbatched inputs', () => {
    expect([...torch.conv2d(x.select(0, 0), w).shape]).toEqual([4, 6, 6]);
    expect([...torch.conv1d(torch.randn(3, 8), torch.randn(4, 3, 3)).shape]).toEqual([4, 6]);
    expect([...torch.convTranspose2d(x.select(0, 0), torch.randn(3, 4, 3, 3), null, { stride: 2 }).shape]).toEqual([4, 17, 17]);
  });

  it('accepts an empty batch and gives an empty result', () => {
    const y = torch.conv2d(torch.randn(0, 3, 8, 8), w, torch.randn(4));
    expect([...y.shape]).toEqual([0, 4, 6, 6]);
  });

  it('gives the bias (or zeros) for zero input channels', () => {
    const b = torch.tensor([1, 2, 3, 4]);
    const y = torch.conv2d(torch.randn(2, 0, 8, 8), torch.randn(4, 0, 3, 3), b);
    expect([...y.shape]).toEqual([2, 4, 6, 6]);
    expect(y.sum([0, 2, 3]).tolistSync()).toEqual([72, 144, 216, 288]);
    expect(torch.conv2d(torch.randn(2, 0, 8, 8), torch.randn(4, 0, 3, 3)).abs().sum().itemSync()).toBe(0);
  });
});

describe('integer convolutions run on the composite, as PyTorch allows them on the CPU', () => {
  const xi = torch.tensor([[[[1, 2, 4], [5, -7, 3], [0, 0, 1]]]], { dtype: 'int64' });
  it('convolves int64 exactly', () => {
    const y = torch.conv2d(xi, torch.ones([1, 1, 2, 2], { dtype: 'int64' }));
    expect(y.dtype).toBe('int64');
    expect(y.tolistSync()).toEqual([[[[1, 2], [-2, -3]]]]);
  });

  it('wraps uint8 like C', () => {
    const y = torch.conv2d(xi.to('uint8'), torch.ones([1, 1, 2, 2], { dtype: 'uint8' }));
    expect(y.tolistSync()).toEqual([[[[1, 2], [254, 253]]]]);
  });

  it('transposes int64 convolutions', () => {
    const y = torch.convTranspose2d(xi, torch.ones([1, 1, 2, 2], { dtype: 'int64' }));
    expect(y.tolistSync()).toEqual([[[[1, 3, 6, 4], [6, 1, 2, 7], [5, -2, -3, 4], [0, 0, 1, 1]]]]);
  });
});

describe('what convolutions record for autograd', () => {
  it('names the nodes as PyTorch 1.13 does', () => {
    const xr = x.clone().requiresGrad_();
    const wr = w.clone().requiresGrad_();
    expect(torch.conv2d(xr, wr).gradFn?.name).toBe('ConvolutionBackward0');
    expect(torch.conv2d(xr.select(0, 0), wr).gradFn?.name).toBe('SqueezeBackward1');
    expect(torch.conv1d(torch.randn(2, 3, 8, { requiresGrad: true }), torch.randn(4, 3, 3)).gradFn?.name).toBe('ConvolutionBackward0');
    expect(torch.convTranspose2d(xr, torch.randn(3, 4, 3, 3)).gradFn?.name).toBe('ConvolutionBackward0');
  });

  it('names double-backward nodes ConvolutionBackwardBackward0', () => {
    const xr = x.clone().requiresGrad_();
    const wr = w.clone().requiresGrad_();
    const y = torch.conv2d(xr, wr).pow(2).sum();
    const [gx, gw] = torch.autograd.grad(y, [xr, wr], { createGraph: true });
    expect(gx!.gradFn?.name).toBe('ConvolutionBackwardBackward0');
    expect(gw!.gradFn?.name).toBe('ConvolutionBackwardBackward0');
  });

  it('does not record when no input requires grad', () => {
    expect(torch.conv2d(x, w).gradFn).toBeNull();
    expect(torch.noGrad(() => torch.conv2d(x.clone().requiresGrad_(), w)).requiresGrad).toBe(false);
  });

  it('gives the bias gradient as the sum of the output gradient over batch and space', () => {
    const b = torch.zeros(4, { requiresGrad: true });
    torch.conv2d(x, w, b).sum().backward();
    expect(b.grad!.tolistSync()).toEqual([72, 72, 72, 72]);
  });
});

describe('the gradient products are ops of their own', () => {
  const params = { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 } as const;

  it('conv2dBackwardInput is the adjoint of conv2dForward', () => {
    torch.manualSeed(3);
    const a = torch.randn(2, 3, 5, 5, { dtype: 'float64' });
    const k = torch.randn(4, 3, 3, 3, { dtype: 'float64' });
    const g = torch.randn(2, 4, 5, 5, { dtype: 'float64' });
    const lhs = torch.conv2dForward(a, k, null, params, [5, 5]).mul(g).sum().itemSync() as number;
    const rhs = torch.conv2dBackwardInput(g, k, [5, 5], params).mul(a).sum().itemSync() as number;
    const rhsW = torch.conv2dBackwardWeight(a, g, [3, 3], params).mul(k).sum().itemSync() as number;
    expect(rhs).toBeCloseTo(lhs, 10);
    expect(rhsW).toBeCloseTo(lhs, 10);
  });

  it('check their operands', () => {
    expect(() => torch.conv2dBackwardInput(torch.randn(2, 5, 5, 5), w, [7, 7], params)).toThrow(
      '[conv2dBackwardInput] gradOutput [2, 5, 5, 5] has 5 channels, the weight [4, 3, 3, 3] 4',
    );
    expect(() => torch.conv2dForward(x, w, null, { ...params, stride: [0, 1] }, [8, 8])).toThrow(/^\[conv2d\] expected params/);
    expect(() => torch.conv2dBackwardWeight(x, torch.randn(2, 4, 8, 8), [3], params)).toThrow(
      '[conv2dBackwardWeight] expected kernelSize to be two non-negative integers, got [3]',
    );
  });
});

describe('convolution and pooling need no synchronous reads', () => {
  // Async-only devices (fused kernels kept, and without them: the composites).
  const fusedDevice = 'async-conv-fused';
  const compositeDevice = 'async-conv-composite';
  torch.registerBackend(fusedDevice, asyncOnly(torch.cpuBackend));
  torch.registerBackend(compositeDevice, asyncOnly(Object.create(torch.cpuBackend, { fused: { value: undefined } }) as torch.Backend));

  for (const device of [fusedDevice, compositeDevice]) {
    it(`runs every op and its gradients on an async-only device (${device})`, async () => {
      torch.manualSeed(11);
      const xs = torch.randn(2, 4, 7, 7);
      const ws = torch.randn(6, 2, 3, 3);
      const run = async (d: string) => {
        const a = (await xs.toAsync(d)).detach().requiresGrad_();
        const k = (await ws.toAsync(d)).detach().requiresGrad_();
        let y = torch.conv2d(a, k, null, { padding: 1, groups: 2 });
        y = torch.maxPool2d(y, { kernelSize: 3, stride: 2, padding: 1 });
        y = torch.avgPool2d(y, { kernelSize: 2, stride: 1, ceilMode: true, countIncludePad: false });
        y = torch.convTranspose2d(y, torch.ones([6, 1, 2, 2], { device: d }), null, { stride: 2 });
        y = torch.adaptiveAvgPool2d(torch.adaptiveMaxPool2d(y, [5, 4]), [3, 2]);
        const loss = y.pow(2).sum();
        loss.backward();
        return [loss, a.grad!, k.grad!];
      };
      const expected = (await run('cpu')).map((t) => Array.from(t.dataSync() as Float32Array));
      const actual = await run(device);
      expect(actual[0].device).toBe(device);
      for (let i = 0; i < actual.length; i++) {
        const values = Array.from((await actual[i].data()) as Float32Array);
        values.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 3));
      }
    });
  }
});
