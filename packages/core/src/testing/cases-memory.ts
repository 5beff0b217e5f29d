/**
 * Conformance cases for memory (alloc, write, read, free) and data movement (copy, fill, where).
 *
 * @module
 */
import type { DType } from '../dtype.js';
import { hostArray, positions, sentinel, type Value } from './harness.js';
import type { Suite } from './suite.js';

/** A few values of each dtype that every dtype conversion keeps well defined. */
export function samples(dtype: DType): Value[] {
  switch (dtype) {
    case 'float32': case 'float64': return [0, 1, 2.75, 100.5, -3.5, -0.25];
    case 'int32': case 'int64': return [0, 1, 7, 100, -3, -1];
    case 'uint8': return [0, 1, 7, 100, 200, 255];
    case 'bool': return [false, true, true, false, true, false];
  }
}

const FLOATS: readonly DType[] = ['float32', 'float64'];

/** What PyTorch's `.to(to)` makes of `value`, for the well-defined conversions of `samples`. */
function converted(value: Value, to: DType): Value {
  const n = Number(value);
  switch (to) {
    case 'bool': return n !== 0;
    case 'int32': case 'int64': return Math.trunc(n);
    case 'uint8': return ((Math.trunc(n) % 256) + 256) % 256;
    default: return n;
  }
}

export function memoryCases(suite: Suite): void {
  for (const dtype of suite.dtypes()) {
    suite.add(`write then read round-trips values, and write lands at its element offset (${dtype})`, async (h) => {
      const values = samples(dtype);
      const handle = h.empty(dtype, [8]).handle;
      h.backend.write(handle, dtype, hostArray(dtype, values), 0);
      h.backend.write(handle, dtype, hostArray(dtype, values.slice(1, 3)), 6);
      await h.expect({ handle, dtype, shape: [8], strides: [1], offset: 0 }, [...values, ...values.slice(1, 3)], 'read');
    });

    suite.add(`read returns a strided view's elements in row-major order (${dtype})`, async (h) => {
      const values = [...samples(dtype), ...samples(dtype)];
      await h.expect(h.tensor(dtype, values, [2, 3, 2], 'strided'), values, 'read of a strided view');
    });

    suite.add(`copy reads a strided source into a contiguous output (${dtype})`, async (h) => {
      const values = [...samples(dtype), ...samples(dtype)].reverse();
      const out = h.empty(dtype, [3, 2, 2]);
      h.backend.copy(out, h.tensor(dtype, values, [3, 2, 2], 'strided'));
      await h.expect(out, values, 'copy');
    });

    suite.add(`copy writes into a strided output and leaves the rest of its storage alone (${dtype})`, async (h) => {
      const values = samples(dtype);
      const out = h.tensor(dtype, values.map(() => sentinel(dtype)), [2, 3], 'strided');
      const expected: Value[] = new Array<Value>(h.whole(out).shape[0]).fill(sentinel(dtype));
      positions(out).forEach((at, i) => (expected[at] = values[i]));
      h.backend.copy(out, h.tensor(dtype, values, [2, 3]));
      await h.expect(h.whole(out), expected, 'storage after a copy into a strided view');
    });

    suite.add(`copy broadcasts a zero-stride source, and handles rank 0 and empty views (${dtype})`, async (h) => {
      const values = samples(dtype).slice(0, 3);
      const out = h.empty(dtype, [2, 3]);
      h.backend.copy(out, h.broadcast(dtype, values, [3], [2, 3]));
      await h.expect(out, [...values, ...values], 'broadcast copy');
      const scalar = h.empty(dtype, []);
      h.backend.copy(scalar, h.tensor(dtype, [values[2]], []));
      await h.expect(scalar, [values[2]], 'rank-0 copy');
      const empty = h.empty(dtype, [0, 3]);
      h.backend.copy(empty, h.tensor(dtype, [], [0, 3]));
      await h.expect(empty, [], 'empty copy');
    });

    suite.add(`fill sets every element of a contiguous, a strided, a rank-0 and an empty view (${dtype})`, async (h) => {
      // Unlike the sentinel that surrounds a strided view, so that a stray write shows.
      const value = dtype === 'bool' ? false : samples(dtype)[2];
      const scalar: number | bigint = dtype === 'int64' ? BigInt(value) : Number(value);
      const dense = h.empty(dtype, [2, 3]);
      h.backend.fill(dense, scalar);
      await h.expect(dense, new Array<Value>(6).fill(value), 'contiguous fill');

      const strided = h.tensor(dtype, new Array<Value>(6).fill(sentinel(dtype)), [3, 2], 'strided');
      const expected: Value[] = new Array<Value>(h.whole(strided).shape[0]).fill(sentinel(dtype));
      positions(strided).forEach((at) => (expected[at] = value));
      h.backend.fill(strided, scalar);
      await h.expect(h.whole(strided), expected, 'strided fill must write exactly the view');

      const rank0 = h.empty(dtype, []);
      h.backend.fill(rank0, scalar);
      await h.expect(rank0, [value], 'rank-0 fill');
      h.backend.fill(h.empty(dtype, [0]), scalar); // nothing to write: must not fail
    });

    suite.add(`where picks from a and b under a broadcast condition (${dtype})`, async (h) => {
      const [a0, a1, a2, a3, a4, a5] = samples(dtype);
      const b0 = samples(dtype)[3];
      const out = h.empty(dtype, [2, 3]);
      const cond = h.broadcast('bool', [true, false, true], [1, 3], [2, 3]);
      const a = h.tensor(dtype, [a0, a1, a2, a3, a4, a5], [2, 3], 'strided');
      const b = h.broadcast(dtype, [b0], [], [2, 3]);
      h.backend.where(out, cond, a, b);
      await h.expect(out, [a0, b0, a2, a3, b0, a5], 'where');
      const scalar = h.empty(dtype, []);
      h.backend.where(scalar, h.tensor('bool', [false], []), h.tensor(dtype, [a1], []), h.tensor(dtype, [a2], []));
      await h.expect(scalar, [a2], 'rank-0 where');
    });

    for (const to of suite.dtypes()) {
      suite.add(`copy converts ${dtype} to ${to} as PyTorch's .to() does`, async (h) => {
        // Negative floats have no defined uint8 value (C leaves it undefined), so they stay out.
        const values = samples(dtype).filter((v) => !(to === 'uint8' && FLOATS.includes(dtype) && Number(v) < 0));
        const out = h.empty(to, [values.length]);
        h.backend.copy(out, h.tensor(dtype, values));
        await h.expect(out, values.map((v) => converted(v, to)), `copy ${dtype} -> ${to}`);
      });
    }
  }

  for (const dtype of suite.dtypes(...FLOATS)) {
    suite.add(`copy to bool makes NaN and infinities true and both zeros false (${dtype})`, async (h) => {
      const out = h.empty('bool', [5]);
      h.backend.copy(out, h.tensor(dtype, [NaN, 0, -0, 0.5, -Infinity]));
      await h.expect(out, [true, false, false, true, true], 'copy to bool');
    });

    suite.add(`copy to integers truncates toward zero (${dtype})`, async (h) => {
      for (const to of suite.dtypes('int32', 'int64')) {
        const out = h.empty(to, [6]);
        h.backend.copy(out, h.tensor(dtype, [-2.9, -1.5, -0.5, 0.5, 1.5, 2.9]));
        await h.expect(out, [-2, -1, 0, 0, 1, 2], `copy ${dtype} -> ${to}`);
      }
    });
  }

  suite.add('read returns a copy that later kernels do not change', async (h) => {
    const [dtype] = suite.dtypes('float32', 'int32');
    const view = h.tensor(dtype, [1, 2, 3]);
    const first = await h.read(view);
    h.backend.fill(view, 9);
    await h.expect(view, [9, 9, 9], 'after fill');
    const snapshot = Array.from(first as ArrayLike<number>);
    if (snapshot.join() !== '1,2,3') throw new Error(`an earlier read changed to [${snapshot.join(', ')}]`);
  });

  suite.add('read of a rank-0 view at an offset and of an empty view', async (h) => {
    const [dtype] = suite.dtypes('float32', 'int32');
    const stored = h.tensor(dtype, [4, 5, 6]);
    await h.expect({ ...stored, shape: [], strides: [], offset: 2 }, [6], 'rank-0 read');
    await h.expect({ ...stored, shape: [2, 0], strides: [0, 1], offset: 0 }, [], 'empty read');
  });

  suite.add('free releases storage without disturbing other storage', async (h) => {
    const [dtype] = suite.dtypes('float32', 'int32');
    const keep = h.tensor(dtype, [1, 2, 3]);
    const handle = h.backend.alloc(dtype, 1024);
    h.backend.free(handle);
    await h.expect(keep, [1, 2, 3], 'storage after freeing another');
  });
}
