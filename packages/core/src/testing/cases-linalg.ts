/**
 * Conformance cases for `matmul`, `gather`, `scatter`, `scatterAdd` and `uniform`.
 *
 * @module
 */
import { uniformAt } from '../random/philox.js';
import type { DType } from '../dtype.js';
import type { Value } from './harness.js';
import type { Suite } from './suite.js';

const FLOATS: readonly DType[] = ['float32', 'float64'];

/** Deterministic small multiples of 1/4 in [-2, 2]: products and sums of them are exact in float32. */
function quarters(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return ((state >>> 16) % 17) / 4 - 2;
  });
}

/** The product of row-major `[M, K]` and `[K, N]` matrices by the textbook triple loop. */
function naive(a: readonly number[], b: readonly number[], M: number, K: number, N: number): number[] {
  const c = new Array<number>(M * N).fill(0);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) for (let p = 0; p < K; p++) c[i * N + j] += a[i * K + p] * b[p * N + j];
  return c;
}

export function linalgCases(suite: Suite): void {
  for (const dtype of suite.dtypes('float32', 'float64', 'int32', 'int64', 'uint8')) {
    suite.add(`matmul multiplies small matrices (${dtype})`, async (h) => {
      const out = h.empty(dtype, [2, 2]);
      h.backend.matmul(out, h.tensor(dtype, [1, 2, 3, 4, 5, 6], [2, 3]), h.tensor(dtype, [7, 8, 9, 10, 11, 12], [3, 2]));
      await h.expect(out, [58, 64, 139, 154], 'matmul');
    });
  }

  for (const dtype of suite.dtypes(...FLOATS)) {
    suite.add(`matmul matches the triple loop on odd sizes with transposed operands (${dtype})`, async (h) => {
      for (const [M, K, N] of [[37, 45, 29], [1, 64, 70], [70, 3, 1], [64, 64, 64]]) {
        const a = quarters(M * K, M);
        const b = quarters(K * N, N);
        const expected = naive(a, b, M, K, N);
        for (const layout of ['contiguous', 'strided'] as const) {
          const out = h.empty(dtype, [M, N]);
          h.backend.matmul(out, h.tensor(dtype, a, [M, K], layout), h.tensor(dtype, b, [K, N], layout));
          await h.expect(out, expected, `${M}x${K} @ ${K}x${N} (${layout})`);
        }
      }
    });

    suite.add(`matmul runs every batch entry and broadcasts batch dimensions by zero strides (${dtype})`, async (h) => {
      const [B, M, K, N] = [3, 5, 6, 4];
      const a = quarters(B * M * K, 1);
      const b = quarters(B * K * N, 2);
      const perBatch = (i: number, bShared: boolean) =>
        naive(a.slice(i * M * K, (i + 1) * M * K), bShared ? b.slice(0, K * N) : b.slice(i * K * N, (i + 1) * K * N), M, K, N);
      const out = h.empty(dtype, [B, M, N]);
      h.backend.matmul(out, h.tensor(dtype, a, [B, M, K], 'strided'), h.tensor(dtype, b, [B, K, N]));
      await h.expect(out, [0, 1, 2].flatMap((i) => perBatch(i, false)), 'batched');
      h.backend.matmul(out, h.tensor(dtype, a, [B, M, K]), h.broadcast(dtype, b.slice(0, K * N), [K, N], [B, K, N]));
      await h.expect(out, [0, 1, 2].flatMap((i) => perBatch(i, true)), 'b broadcast over the batch');
      const aShared = h.broadcast(dtype, a.slice(0, M * K), [1, M, K], [B, M, K]);
      h.backend.matmul(out, aShared, h.tensor(dtype, b, [B, K, N], 'strided'));
      const shared = [0, 1, 2].flatMap((i) => naive(a.slice(0, M * K), b.slice(i * K * N, (i + 1) * K * N), M, K, N));
      await h.expect(out, shared, 'a broadcast over the batch');
    });

    suite.add(`matmul with an empty inner dimension gives zeros, and with no rows nothing (${dtype})`, async (h) => {
      const out = h.empty(dtype, [2, 3]);
      h.backend.matmul(out, h.tensor(dtype, [], [2, 0]), h.tensor(dtype, [], [0, 3]));
      await h.expect(out, [0, 0, 0, 0, 0, 0], 'K = 0');
      const none = h.empty(dtype, [0, 3]);
      h.backend.matmul(none, h.tensor(dtype, [], [0, 2]), h.tensor(dtype, [1, 2, 3, 4, 5, 6], [2, 3]));
      await h.expect(none, [], 'M = 0');
    });
  }

  const indexTypes = suite.dtypes('int64', 'int32');
  for (const dtype of suite.dtypes()) {
    const v = (n: number): Value => (dtype === 'bool' ? n % 2 === 1 : n);
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(v); // [3, 4]
    for (const indexType of indexTypes) {
      suite.add(`gather picks along each dimension with ${indexType} indices (${dtype})`, async (h) => {
        const source = h.tensor(dtype, x, [3, 4], 'strided');
        const rows = h.empty(dtype, [2, 4]);
        h.backend.gather(rows, source, 0, h.tensor(indexType, [2, 0, 1, 2, 0, 0, 1, 1], [2, 4], 'strided'));
        await h.expect(rows, [9, 2, 7, 12, 1, 2, 7, 8].map(v), 'gather along 0');
        const cols = h.empty(dtype, [3, 2]);
        h.backend.gather(cols, source, 1, h.tensor(indexType, [3, 0, 1, 1, 2, 3], [3, 2]));
        await h.expect(cols, [4, 1, 6, 6, 11, 12].map(v), 'gather along 1');
      });

      suite.add(`scatter writes src at the indexed positions along each dimension (${indexType} indices, ${dtype})`, async (h) => {
        const zero = v(0);
        const out = h.tensor(dtype, new Array<Value>(12).fill(zero), [3, 4]);
        h.backend.scatter(out, 1, h.tensor(indexType, [3, 0, 1, 2], [2, 2]), h.tensor(dtype, [5, 6, 7, 8].map(v), [2, 2]));
        await h.expect(out, [6, 0, 0, 5, 0, 7, 8, 0, 0, 0, 0, 0].map(v), 'scatter along 1');
        h.backend.scatter(out, 0, h.tensor(indexType, [2, 1, 0, 0], [1, 4]), h.tensor(dtype, [1, 3, 5, 7].map(v), [1, 4], 'strided'));
        await h.expect(out, [6, 0, 5, 7, 0, 3, 8, 0, 1, 0, 0, 0].map(v), 'scatter along 0');
      });
    }
  }

  for (const dtype of suite.dtypes('float32', 'float64', 'int32', 'int64', 'uint8')) {
    suite.add(`scatterAdd accumulates duplicate indices (${dtype})`, async (h) => {
      const [indexType] = indexTypes;
      const out = h.tensor(dtype, [1, 1, 1, 1, 1, 1], [2, 3]);
      const index = h.tensor(indexType, [0, 0, 2, 2, 1, 1, 1, 0], [2, 4]);
      h.backend.scatterAdd(out, 1, index, h.tensor(dtype, [1, 2, 3, 4, 5, 6, 7, 8], [2, 4], 'strided'));
      await h.expect(out, [4, 1, 8, 9, 19, 1], 'scatterAdd along 1');
      h.backend.scatterAdd(out, 0, h.tensor(indexType, [1, 1, 1], [1, 3]), h.tensor(dtype, [10, 20, 30], [1, 3]));
      await h.expect(out, [4, 1, 8, 19, 39, 31], 'scatterAdd along 0');
    });
  }

  for (const dtype of suite.dtypes(...FLOATS)) {
    suite.add(`uniform produces uniformAt's stream in row-major order (${dtype})`, async (h) => {
      const float64 = dtype === 'float64';
      for (const [key, counter, shape] of [
        [[123, 456], 0, [1000]],
        [[0xdeadbeef, 7], 2 ** 32 - 30, [7, 11]], // the counter crosses into its high word
      ] as const) {
        const out = h.empty(dtype, shape);
        h.backend.uniform(out, key, counter);
        const count = shape.reduce((p: number, s: number) => p * s, 1);
        const expected = Array.from({ length: count }, (_, i) => uniformAt(key, counter, i, float64));
        await h.expect(out, expected, `uniform with counter ${counter}`);
        const got = await h.read(out);
        for (const u of got as Float32Array) if (!(u >= 0 && u < 1)) throw new Error(`uniform gave ${u}, outside [0, 1)`);
      }
    });
  }
}
