import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { defaultCollate, defaultConvert } from '@typetorch/data';

describe('defaultCollate', () => {
  it('stacks tensors along a new first dimension', () => {
    const b = defaultCollate([torch.tensor([1, 2]), torch.tensor([3, 4])]);
    expect([...b.shape]).toEqual([2, 2]);
    expect(b.tolistSync()).toEqual([[1, 2], [3, 4]]);
  });

  it('turns numbers into int64 (integers) or float64, booleans into bool, bigints into int64', () => {
    const ints = defaultCollate([1, 2, 3]);
    expect([ints.dtype, ints.tolistSync()]).toEqual(['int64', [1, 2, 3]]);
    const floats = defaultCollate([1, 2.5]);
    expect([floats.dtype, floats.tolistSync()]).toEqual(['float64', [1, 2.5]]);
    const bools = defaultCollate([true, false]);
    expect([bools.dtype, bools.tolistSync()]).toEqual(['bool', [true, false]]);
    const bigs = defaultCollate([1n, 5n]);
    expect([bigs.dtype, bigs.tolistSync()]).toEqual(['int64', [1, 5]]);
  });

  it('collates nested arrays and objects recursively and keeps strings as arrays', () => {
    const batch = defaultCollate([
      { image: torch.zeros(2, 2), meta: { label: 1, name: 'a', box: [0.5, new Float32Array([1, 2])] } },
      { image: torch.ones(2, 2), meta: { label: 0, name: 'b', box: [1.5, new Float32Array([3, 4])] } },
    ]);
    expect([...batch.image.shape]).toEqual([2, 2, 2]);
    expect(batch.meta.label.tolistSync()).toEqual([1, 0]);
    expect(batch.meta.name).toEqual(['a', 'b']);
    expect(batch.meta.box[0].dtype).toBe('float64');
    expect(batch.meta.box[0].tolistSync()).toEqual([0.5, 1.5]);
    expect(batch.meta.box[1].dtype).toBe('float32');
    expect(batch.meta.box[1].tolistSync()).toEqual([[1, 2], [3, 4]]);
  });

  it('transposes tuples: [x, y] samples become [xs, ys]', () => {
    const [xs, ys] = defaultCollate([[torch.tensor(1.5), 3], [torch.tensor(2.5), 4]] as [torch.Tensor, number][]);
    expect(xs.tolistSync()).toEqual([1.5, 2.5]);
    expect(ys.tolistSync()).toEqual([3, 4]);
  });

  it('names the elements and shapes that cannot be stacked', () => {
    expect(() => defaultCollate([[torch.zeros(3)], [torch.zeros(3)], [torch.zeros(4)]])).toThrow(
      '[defaultCollate] cannot stack the samples at [0] into a batch: batch element 0 has shape [3] but batch element 2 has shape [4]',
    );
  });

  it('explains unsupported values, ragged lists and missing keys', () => {
    expect(() => defaultCollate([null, null])).toThrow('[defaultCollate] default collate: a batch must contain tensors');
    expect(() => defaultCollate([[1, 2], [1]])).toThrow(
      '[defaultCollate] each element in list of batch should be of equal size: batch element 0 has 2 elements but batch element 1 has 1',
    );
    expect(() => defaultCollate([{ a: 1 }, { b: 1 }] as Record<string, number>[])).toThrow(
      "[defaultCollate] default collate: batch element 0 has key 'a' but batch element 1 does not",
    );
    expect(() => defaultCollate([torch.zeros(1), 1] as unknown[])).toThrow(
      '[defaultCollate] default collate: batch element 0 has a Tensor of shape [1] but batch element 1 has a number',
    );
    expect(() => defaultCollate([])).toThrow('[defaultCollate] default collate: the batch is empty');
  });
});

describe('defaultConvert', () => {
  it('turns typed arrays into tensors and leaves other values alone', () => {
    const out = defaultConvert({ a: new Int32Array([1, 2]), b: [3, 'x'] }) as { a: torch.Tensor; b: unknown[] };
    expect(out.a.dtype).toBe('int32');
    expect(out.a.tolistSync()).toEqual([1, 2]);
    expect(out.b).toEqual([3, 'x']);
  });
});
