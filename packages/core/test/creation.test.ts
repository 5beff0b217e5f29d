import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import { cpuBackend } from '@typetorch/backend-cpu';
import type { Backend, DType, Tensor } from '@typetorch/core';

/** Counts the kernel calls of a CPU-backed device, to see how creation reaches the backend. */
function spyDevice(name: string): Record<'fill' | 'write' | 'copy' | 'wrapHostArray', number> {
  const calls = { fill: 0, write: 0, copy: 0, wrapHostArray: 0 };
  const backend: Backend = {
    ...cpuBackend,
    name,
    fill: (out, value) => { calls.fill++; cpuBackend.fill(out, value); },
    write: (handle, dtype, data, offset) => { calls.write++; cpuBackend.write(handle, dtype, data, offset); },
    copy: (out, x) => { calls.copy++; cpuBackend.copy(out, x); },
    wrapHostArray: (data, dtype) => { calls.wrapHostArray++; return cpuBackend.wrapHostArray!(data, dtype); },
  };
  torch.registerBackend(name, backend);
  return calls;
}

/** A CPU-backed device with no host memory sharing and no synchronous reads (like WebGPU). */
function deviceMemoryOnly(name: string): void {
  const { readSync: _readSync, hostArray: _hostArray, wrapHostArray: _wrap, ...rest } = cpuBackend;
  torch.registerBackend(name, { ...rest, name });
}

const values = (t: Tensor): unknown[] => Array.from(t.dataSync() as ArrayLike<unknown>);

afterEach(() => {
  torch.setDefaultDtype('float32');
});

describe('tensor(data)', () => {
  it('reads nested arrays of any depth in row-major order', () => {
    const t = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]);
    expect(t.shape).toEqual([3, 2, 2]);
    expect(t.tolistSync()).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]);
    expect(t.isContiguous()).toBe(true);
  });

  it('makes plain numbers the default float dtype, bigints int64 and booleans bool', () => {
    expect(torch.tensor([5.5, 3]).dtype).toBe('float32');
    expect(torch.tensor([1n, -2n]).dtype).toBe('int64');
    expect(torch.tensor([true, false]).dtype).toBe('bool');
    torch.setDefaultDtype('float64');
    expect(torch.tensor([1, 2]).dtype).toBe('float64');
  });

  it('promotes mixed values as PyTorch promotes a list (bool < int64 < float)', () => {
    expect(torch.tensor([true, 2n]).dtype).toBe('int64');
    expect(torch.tensor([true, 2n]).tolistSync()).toEqual([1, 2]);
    expect(torch.tensor([1n, 2.5]).dtype).toBe('float32');
    expect(torch.tensor([true, 2.5]).tolistSync()).toEqual([1, 2.5]);
  });

  it('keeps the element type of typed arrays', () => {
    const cases: [ArrayLike<unknown>, DType][] = [
      [new Float32Array([1.5]), 'float32'], [new Float64Array([1.5]), 'float64'], [new Int32Array([-3]), 'int32'],
      [new BigInt64Array([2n ** 60n]), 'int64'], [new Uint8Array([200]), 'uint8'],
    ];
    for (const [array, dtype] of cases) {
      const t = torch.tensor(array);
      expect(t.dtype).toBe(dtype);
      expect(values(t)).toEqual(Array.from(array));
    }
    expect(torch.tensor(new Int16Array([-7, 8])).dtype).toBe('int32');
    expect(torch.tensor(new Uint32Array([4294967295])).dataSync()).toEqual(new BigInt64Array([4294967295n]));
  });

  it('reads arrays of typed arrays as rows', () => {
    const t = torch.tensor([new Int32Array([1, 2]), new Int32Array([3, 4])]);
    expect(t.dtype).toBe('int32');
    expect(t.tolistSync()).toEqual([[1, 2], [3, 4]]);
  });

  it('makes a scalar a 0-d tensor and empty arrays empty float tensors', () => {
    const s = torch.tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.itemSync()).toBe(3.5);
    expect(torch.tensor([]).shape).toEqual([0]);
    expect(torch.tensor([]).dtype).toBe('float32');
    expect(torch.tensor([[]]).shape).toEqual([1, 0]);
    expect(torch.tensor([[], []]).shape).toEqual([2, 0]);
    expect(torch.tensor(new Int32Array(0)).dtype).toBe('int32');
  });

  it('rejects ragged arrays naming the dim, as PyTorch', () => {
    expect(() => torch.tensor([[1, 2], [3]])).toThrow('[tensor] expected a sequence of length 2 at dim 1 (got 1)');
    expect(() => torch.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]])).toThrow(
      '[tensor] expected a sequence of length 2 at dim 2 (got 1)',
    );
    expect(() => torch.tensor([[1, 2], 3])).toThrow('[tensor] expected a sequence of length 2 at dim 1 (got number 3)');
    expect(() => torch.tensor([1, [2]])).toThrow('[tensor] expected a number at dim 1 (got a sequence)');
    expect(() => torch.tensor([[], [1]])).toThrow('[tensor] expected a sequence of length 0 at dim 1 (got 1)');
  });

  it('rejects values that are not numbers', () => {
    expect(() => torch.tensor([1, 'a'])).toThrow(/\[tensor\] expected numbers, bigints, booleans or one-element tensors, got the string "a"/);
    expect(() => torch.tensor(undefined)).toThrow(/got undefined/);
    expect(() => torch.tensor([null])).toThrow(/got null/);
  });

  it('converts to the dtype option: integers exact, fractions truncated, bool as nonzero', () => {
    expect(torch.tensor([1, 0, 3], { dtype: 'int64' }).dataSync()).toEqual(new BigInt64Array([1n, 0n, 3n]));
    expect(torch.tensor([1.5, -2.7], { dtype: 'int64' }).tolistSync()).toEqual([1, -2]);
    expect(torch.tensor([1.9, -2.9], { dtype: 'int32' }).tolistSync()).toEqual([1, -2]);
    expect(torch.tensor([0.5, 0, -2, NaN], { dtype: 'bool' }).tolistSync()).toEqual([true, false, true, true]);
    expect(torch.tensor([2n ** 62n + 1n], { dtype: 'int64' }).dataSync()).toEqual(new BigInt64Array([2n ** 62n + 1n]));
    expect(torch.tensor([true, false], { dtype: 'float64' }).tolistSync()).toEqual([1, 0]);
  });

  it('reports values that overflow an integer dtype, as PyTorch', () => {
    expect(() => torch.tensor([256], { dtype: 'uint8' })).toThrow('[tensor] value 256 cannot be converted to type uint8 without overflow');
    expect(() => torch.tensor([-0.5], { dtype: 'uint8' })).toThrow(/cannot be converted to type uint8/);
    expect(() => torch.tensor([2 ** 31], { dtype: 'int32' })).toThrow(/cannot be converted to type int32/);
    expect(() => torch.tensor([NaN], { dtype: 'int64' })).toThrow(/cannot be converted to type int64/);
    expect(() => torch.tensor([2n ** 63n])).toThrow(/cannot be converted to type int64/);
    // Negative integers wrap into uint8 down to -255, as PyTorch allows; floats overflow to infinity.
    expect(torch.tensor([-1, -255], { dtype: 'uint8' }).tolistSync()).toEqual([255, 1]);
    expect(torch.tensor([1e40]).tolistSync()).toEqual([Infinity]);
  });

  it('converts typed arrays to another dtype with C casts', () => {
    expect(torch.tensor(new Float32Array([1.7, -1.7]), { dtype: 'int64' }).tolistSync()).toEqual([1, -1]);
    expect(torch.tensor(new Uint8Array([0, 2]), { dtype: 'bool' }).tolistSync()).toEqual([false, true]);
  });

  it('copies the data: later changes to the source do not show', () => {
    const array = new Float32Array([1, 2, 3]);
    const nested = [[1, 2]];
    const a = torch.tensor(array);
    const b = torch.tensor(nested);
    array[0] = 100;
    nested[0][0] = 100;
    expect(a.tolistSync()).toEqual([1, 2, 3]);
    expect(b.tolistSync()).toEqual([[1, 2]]);
  });

  it('allows requiresGrad only for floating-point dtypes', () => {
    const w = torch.tensor([[0, 0], [1, 2]], { requiresGrad: true });
    expect(w.requiresGrad).toBe(true);
    expect(w.isLeaf).toBe(true);
    expect(() => torch.tensor([1, 2], { dtype: 'int64', requiresGrad: true })).toThrow(
      '[tensor] only tensors of floating point dtype can require gradients, got int64',
    );
    expect(() => torch.tensor([1n], { requiresGrad: true })).toThrow(/floating point/);
  });

  it('accepts one-element tensors inside arrays, promoting their dtypes', () => {
    expect(torch.tensor([torch.tensor(1), torch.tensor(2)]).tolistSync()).toEqual([1, 2]);
    expect(torch.tensor([torch.tensor([1]), torch.tensor([[2]])]).tolistSync()).toEqual([1, 2]);
    const ints = torch.tensor([torch.tensor(1, { dtype: 'int32' }), torch.tensor(2, { dtype: 'uint8' })]);
    expect(ints.dtype).toBe('int32');
    const doubles = torch.tensor([torch.tensor(1, { dtype: 'float64' }), 2]);
    expect(doubles.dtype).toBe('float64');
    expect(doubles.tolistSync()).toEqual([1, 2]);
    expect(() => torch.tensor([torch.tensor([1, 2])])).toThrow(
      '[tensor] only one-element tensors can be converted to scalars, got a tensor of shape [2] at dim 1',
    );
  });

  it('copies a tensor argument, detached, converting to the dtype option', () => {
    const x = torch.tensor([1.5, 2.5], { requiresGrad: true });
    const y = torch.tensor(x);
    expect(y._storage).not.toBe(x._storage);
    expect(y.requiresGrad).toBe(false);
    expect(y.tolistSync()).toEqual([1.5, 2.5]);
    expect(torch.tensor(x, { dtype: 'int32' }).tolistSync()).toEqual([1, 2]);
  });

  it('rejects unknown devices and options', () => {
    expect(() => torch.tensor([1], { device: 'nowhere' })).toThrow(/\[tensor\] no backend registered for device 'nowhere'/);
    expect(() => torch.tensor([1], { requires_grad: true } as never)).toThrow(
      "[tensor] unknown option 'requires_grad' (expected dtype, device, requiresGrad)",
    );
  });

  it('writes host data with the write kernel and puts the tensor on the requested device', () => {
    const calls = spyDevice('spy-tensor');
    const t = torch.tensor([[1, 2], [3, 4]], { device: 'spy-tensor' });
    expect(t.device).toBe('spy-tensor');
    expect(calls.write).toBe(1);
    expect(t.tolistSync()).toEqual([[1, 2], [3, 4]]);
  });
});

describe('fromTypedArray', () => {
  it('shares memory with the array on the CPU, like torch.from_numpy', () => {
    const a = new Float32Array([1, 2, 3]);
    const b = torch.fromTypedArray(a, [3]);
    a[0] = 10;
    expect(b.tolistSync()).toEqual([10, 2, 3]);
    b.fill_(7);
    expect(Array.from(a)).toEqual([7, 7, 7]);
  });

  it('takes the dtype from the array and the shape from the argument (default: 1-D)', () => {
    expect(torch.fromTypedArray(new BigInt64Array([1n, 2n])).dtype).toBe('int64');
    expect(torch.fromTypedArray(new Uint8Array(2)).dtype).toBe('uint8');
    const m = torch.fromTypedArray(new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(m.shape).toEqual([2, 3]);
    expect(m.tolistSync()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('reports a shape that does not match the length, and unsupported arrays', () => {
    expect(() => torch.fromTypedArray(new Float32Array(3), [2, 2])).toThrow(
      '[fromTypedArray] shape [2, 2] has 4 elements but the array has 3',
    );
    expect(() => torch.fromTypedArray(new Int16Array(2) as never)).toThrow(/expected a Float32Array.*got a Int16Array; use torch.tensor\(\) to copy it/);
  });

  it('copies on devices that keep their own memory', () => {
    deviceMemoryOnly('device-memory');
    torch.setDefaultDevice('device-memory');
    try {
      const a = new Float64Array([1, 2]);
      const t = torch.fromTypedArray(a);
      a[0] = 5;
      expect(t.device).toBe('device-memory');
      return t.tolist().then((list) => expect(list).toEqual([1, 2]));
    } finally {
      torch.setDefaultDevice(undefined);
    }
  });
});

describe('empty, zeros, ones, full', () => {
  it('accept sizes variadic or as an array, with trailing options', () => {
    expect(torch.zeros([5, 3], { dtype: 'int32' }).tolistSync()).toEqual(Array.from({ length: 5 }, () => [0, 0, 0]));
    expect(torch.zeros([5, 3], { dtype: 'int32' }).dtype).toBe('int32');
    const o = torch.ones(2, 2, { requiresGrad: true });
    expect(o.tolistSync()).toEqual([[1, 1], [1, 1]]);
    expect(o.requiresGrad).toBe(true);
    expect(torch.empty(5, 3).shape).toEqual([5, 3]);
    expect(torch.empty(5, 3).dtype).toBe('float32');
    expect(torch.ones([]).shape).toEqual([]);
    expect(torch.zeros(0, 3).numel()).toBe(0);
  });

  it('fill constants with the fill kernel', () => {
    const calls = spyDevice('spy-fill');
    torch.ones(3, 3, { device: 'spy-fill' });
    expect(calls.fill).toBe(1);
    expect(calls.write).toBe(0);
  });

  it('reject negative sizes and non-integer sizes', () => {
    expect(() => torch.zeros(-1)).toThrow('[zeros] expected non-negative sizes, got [-1]');
    expect(() => torch.ones(2.5)).toThrow('[ones] expected sizes to be integers');
    expect(() => torch.ones(2, 3, { dtype: 'int64', requiresGrad: true })).toThrow(
      '[ones] only tensors of floating point dtype can require gradients, got int64',
    );
  });

  it('full takes its dtype from the value: numbers float, bigints int64, booleans bool', () => {
    const f = torch.full([2, 2], 7);
    expect(f.dtype).toBe('float32');
    expect(f.tolistSync()).toEqual([[7, 7], [7, 7]]);
    expect(torch.full([2], 7n).dtype).toBe('int64');
    expect(torch.full([2], true).tolistSync()).toEqual([true, true]);
    expect(torch.full(3, 1.5).tolistSync()).toEqual([1.5, 1.5, 1.5]);
  });

  it('full converts to a dtype option as PyTorch: truncating, with overflow errors', () => {
    expect(torch.full([2], 2.5, { dtype: 'int64' }).tolistSync()).toEqual([2, 2]);
    expect(() => torch.full([2], 300, { dtype: 'uint8' })).toThrow('[full] value 300 cannot be converted to type uint8 without overflow');
  });

  it('full rejects finite values beyond float32 range, as PyTorch (infinities are fine)', () => {
    expect(() => torch.full([1], 1e40)).toThrow('[full] value 1e+40 cannot be converted to type float32 without overflow');
    expect(() => torch.full([1], -1e39)).toThrow(/without overflow/);
    expect(torch.full([1], -Infinity).tolistSync()).toEqual([-Infinity]);
    expect(torch.full([1], 1e40, { dtype: 'float64' }).tolistSync()).toEqual([1e40]);
    // torch.tensor() itself rounds to infinity, as PyTorch does.
    expect(torch.tensor([1e40]).tolistSync()).toEqual([Infinity]);
  });
});

describe('eye', () => {
  it('puts ones on the diagonal of a square or rectangular matrix', () => {
    expect(torch.eye(3).tolistSync()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(torch.eye(2, 3).tolistSync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(torch.eye(3, 2).tolistSync()).toEqual([[1, 0], [0, 1], [0, 0]]);
    expect(torch.eye(3).dtype).toBe('float32');
  });

  it('handles empty sizes, dtypes and options in either position', () => {
    expect(torch.eye(0).shape).toEqual([0, 0]);
    expect(torch.eye(3, 0).shape).toEqual([3, 0]);
    expect(torch.eye(2, { dtype: 'bool' }).tolistSync()).toEqual([[true, false], [false, true]]);
    expect(torch.eye(2, 2, { dtype: 'int64' }).dataSync()).toEqual(new BigInt64Array([1n, 0n, 0n, 1n]));
  });

  it('rejects negative sizes in PyTorch words', () => {
    expect(() => torch.eye(-1)).toThrow('[eye] n must be greater or equal to 0, got -1');
    expect(() => torch.eye(2, -3)).toThrow('[eye] m must be greater or equal to 0, got -3');
  });
});

interface RangeCase {
  fn: 'arange' | 'linspace';
  args: [number, number, number];
  dtype: DType | null;
  result: DType;
  values: number[];
}

const rangeCases = JSON.parse(
  readFileSync(new URL('./fixtures/creation.json', import.meta.url), 'utf8'),
) as RangeCase[];

describe('arange and linspace match PyTorch bit for bit', () => {
  it.each(rangeCases.map((c, i) => ({ ...c, name: `${c.fn}(${c.args.join(', ')}) ${c.dtype ?? 'default'} #${i}` })))(
    '$name',
    (c) => {
      const options = c.dtype === null ? {} : { dtype: c.dtype };
      const t = c.fn === 'arange'
        ? torch.arange(c.args[0], c.args[1], c.args[2], options)
        : torch.linspace(c.args[0], c.args[1], c.args[2], options);
      expect(t.dtype).toBe(c.result);
      expect(t.shape).toEqual([c.values.length]);
      expect(Array.from(t.dataSync() as ArrayLike<number | bigint>, Number)).toEqual(c.values);
    },
  );
});

describe('arange', () => {
  it('gives int64 for integer arguments and the default float dtype otherwise', () => {
    expect(torch.arange(5).dtype).toBe('int64');
    expect(torch.arange(5).tolistSync()).toEqual([0, 1, 2, 3, 4]);
    expect(torch.arange(0, 10, 2).tolistSync()).toEqual([0, 2, 4, 6, 8]);
    expect(torch.arange(0, 2.5).dtype).toBe('float32');
    torch.setDefaultDtype('float64');
    expect(torch.arange(0, 1, 0.5).dtype).toBe('float64');
  });

  it('counts exactly with bigints beyond 2**53', () => {
    const start = 2n ** 60n;
    expect(torch.arange(start, start + 3n).dataSync()).toEqual(new BigInt64Array([start, start + 1n, start + 2n]));
  });

  it('takes options after any number of arguments', () => {
    expect(torch.arange(3, { dtype: 'float64' }).tolistSync()).toEqual([0, 1, 2]);
    expect(torch.arange(1, 3, { dtype: 'int32' }).dtype).toBe('int32');
    expect(torch.arange(0, 1, 0.5, { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('reports PyTorch errors: zero step, inconsistent bounds, infinite bounds, bool', () => {
    expect(() => torch.arange(0, 10, 0)).toThrow('[arange] step must be nonzero');
    expect(() => torch.arange(0, 1, 0.3, { dtype: 'int64' })).toThrow('[arange] step must be nonzero');
    expect(() => torch.arange(0, -10, 1)).toThrow('[arange] upper bound and larger bound inconsistent with step sign');
    expect(() => torch.arange(-3)).toThrow(/inconsistent with step sign/);
    expect(() => torch.arange(0, Infinity)).toThrow('[arange] unsupported range: 0 -> Infinity');
    expect(() => torch.arange(0, 3, { dtype: 'bool' })).toThrow('[arange] not implemented for dtype bool');
  });

  it('returns an empty tensor for an empty range', () => {
    expect(torch.arange(5, 5).shape).toEqual([0]);
    expect(torch.arange(0).dtype).toBe('int64');
  });
});

describe('linspace', () => {
  it('includes both ends and uses the default float dtype', () => {
    const t = torch.linspace(-Math.PI, Math.PI, 2000);
    expect(t.shape).toEqual([2000]);
    expect(t.dtype).toBe('float32');
    const v = t.dataSync();
    expect(v[0]).toBe(Math.fround(-Math.PI));
    expect(v[1999]).toBe(Math.fround(Math.PI));
  });

  it('gives the start for one step and nothing for zero steps', () => {
    expect(torch.linspace(0, 1, 1).tolistSync()).toEqual([0]);
    expect(torch.linspace(0, 1, 0).shape).toEqual([0]);
  });

  it('reports negative steps and bool', () => {
    expect(() => torch.linspace(0, 1, -1)).toThrow('[linspace] number of steps must be non-negative, got -1');
    expect(() => torch.linspace(0, 1, 5, { dtype: 'bool' })).toThrow('[linspace] not implemented for dtype bool');
    expect(() => torch.linspace(0, 1, 2.5)).toThrow('[linspace] expected steps to be an integer');
  });
});

describe('*Like functions', () => {
  it('take the shape, dtype and device of their argument, options overriding', () => {
    const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' });
    const z = torch.zerosLike(x);
    expect([z.shape, z.dtype, z.device]).toEqual([[2, 3], 'int32', 'cpu']);
    expect(z.tolistSync()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(torch.onesLike(x, { dtype: 'float64' }).tolistSync()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(torch.onesLike(x, { dtype: 'float64' }).dtype).toBe('float64');
    expect(torch.fullLike(x, 7.9).tolistSync()).toEqual([[7, 7, 7], [7, 7, 7]]);
    expect(torch.emptyLike(x).shape).toEqual([2, 3]);
  });

  it('make contiguous tensors from views', () => {
    const t = torch.zeros(2, 3).t();
    expect(torch.zerosLike(t).shape).toEqual([3, 2]);
    expect(torch.zerosLike(t).isContiguous()).toBe(true);
  });

  it('allow requiresGrad for float results only', () => {
    const x = torch.tensor([1.5]);
    expect(torch.zerosLike(x, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => torch.onesLike(torch.tensor([1n]), { requiresGrad: true })).toThrow(/floating point/);
  });
});

describe('Tensor.new* methods', () => {
  const base = torch.zeros([2, 3], { dtype: 'int32' });

  it('use the tensor dtype and device unless given', () => {
    const ones = base.newOnes(5, 3);
    expect([ones.shape, ones.dtype]).toEqual([[5, 3], 'int32']);
    expect(base.newZeros([2]).tolistSync()).toEqual([0, 0]);
    const t = torch.tensor([1.5]).newOnes(5, 3, { dtype: 'float64' });
    expect(t.dtype).toBe('float64');
    expect(base.newEmpty(4).shape).toEqual([4]);
  });

  it('newFull converts the value to the dtype and newTensor copies data', () => {
    expect(base.newFull([2], 3.7).tolistSync()).toEqual([3, 3]);
    expect(base.newTensor([1.9, 2]).tolistSync()).toEqual([1, 2]);
    expect(base.newTensor([1.9, 2]).dtype).toBe('int32');
  });
});
