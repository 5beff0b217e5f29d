import type { DType, View } from '@typetorch/core';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/backend.js';
import { output, stridesOf, values, view } from './helpers.js';

/** Seeded values in [-1, 1), rounded to the dtype so the reference sees what the kernel sees. */
function random(count: number, seed: number, dtype: DType): number[] {
  let state = seed >>> 0;
  const round = dtype === 'float32' ? Math.fround : (x: number) => x;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return round(state / 2 ** 31 - 1);
  });
}

/** A `[...batch, rows, cols]` view of row-major `data`, stored with its last two dims swapped when `transposed`. */
function matrices(dtype: DType, data: number[], shape: number[], transposed: boolean): View {
  if (!transposed) return view(dtype, data, shape);
  const [rows, cols] = shape.slice(-2);
  const batch = data.length / (rows * cols);
  const stored: number[] = [];
  for (let b = 0; b < batch; b++) for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) stored.push(data[b * rows * cols + i * cols + j]);
  const strides = stridesOf(shape);
  strides[shape.length - 2] = 1;
  strides[shape.length - 1] = rows;
  return view(dtype, stored, shape, strides);
}

/** Triple-loop products of one `[M, K] × [K, N]` pair, and the sum of |terms| for the error bound. */
function naive(a: number[], b: number[], M: number, K: number, N: number) {
  const c: number[] = [];
  const scale: number[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0, abs = 0;
      for (let p = 0; p < K; p++) { sum += a[i * K + p] * b[p * N + j]; abs += Math.abs(a[i * K + p] * b[p * N + j]); }
      c.push(sum);
      scale.push(abs);
    }
  }
  return { c, scale };
}

function expectClose(got: (number | bigint)[], expected: { c: number[]; scale: number[] }, dtype: DType) {
  const eps = dtype === 'float32' ? 2e-6 : 1e-14;
  expect(got.length).toBe(expected.c.length);
  got.forEach((g, i) => {
    const bound = eps * (expected.scale[i] + 1);
    if (!(Math.abs(Number(g) - expected.c[i]) <= bound)) {
      throw new Error(`element ${i}: expected ${expected.c[i]} ± ${bound}, got ${g}`);
    }
  });
}

describe('matmul against a triple loop', () => {
  const sizes: [number, number, number][] = [[70, 300, 1030], [37, 45, 29], [5, 260, 9], [1, 17, 1], [64, 64, 64]];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [M, K, N] of sizes) {
      it(`multiplies ${M}x${K} by ${K}x${N} with plain and transposed operands, read in place (${dtype})`, () => {
        const a = random(M * K, M + K, dtype);
        const b = random(K * N, K + N, dtype);
        const expected = naive(a, b, M, K, N);
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
          const out = output(dtype, [M, N]);
          cpuBackend.matmul(out, matrices(dtype, a, [M, K], ta), matrices(dtype, b, [K, N], tb));
          expectClose(values(out), expected, dtype);
        }
      });
    }
  }

  it('runs batches with a broadcast batch dimension on either side (float32)', () => {
    const [M, K, N] = [9, 33, 7];
    const a = random(2 * 3 * M * K, 1, 'float32');
    const b = random(3 * K * N, 2, 'float32');
    // a: [2, 3, M, K] with transposed matrices; b: [3, K, N] broadcast along the leading dimension.
    const av = matrices('float32', a, [2, 3, M, K], true);
    const bStored = view('float32', b, [3, K, N]);
    const bv: View = { ...bStored, shape: [2, 3, K, N], strides: [0, ...bStored.strides] };
    const out = output('float32', [2, 3, M, N]);
    cpuBackend.matmul(out, av, bv);
    const got = values(out);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const e = naive(a.slice((i * 3 + j) * M * K, (i * 3 + j + 1) * M * K), b.slice(j * K * N, (j + 1) * K * N), M, K, N);
        expectClose(got.slice((i * 3 + j) * M * N, (i * 3 + j + 1) * M * N), e, 'float32');
      }
    }
  });

  it('treats a batch against one shared matrix as a single tall product, also when rows are not contiguous', () => {
    const [B, M, K, N] = [4, 30, 40, 50];
    const a = random(B * M * K, 3, 'float64');
    const w = random(K * N, 4, 'float64');
    const stored = view('float64', w, [K, N]);
    const shared: View = { ...stored, shape: [B, K, N], strides: [0, N, 1] };
    const expected = Array.from({ length: B }, (_, i) => naive(a.slice(i * M * K, (i + 1) * M * K), w, M, K, N));
    const dense = output('float64', [B, M, N]);
    cpuBackend.matmul(dense, view('float64', a, [B, M, K]), shared);
    // Every other row of a [B, 2M, K] block: batch and rows still fold into one strided row dimension.
    const padded: number[] = [];
    for (let i = 0; i < B * M; i++) padded.push(...a.slice(i * K, (i + 1) * K), ...new Array<number>(K).fill(99));
    const strided = output('float64', [B, M, N]);
    cpuBackend.matmul(strided, view('float64', padded, [B, M, K], [2 * M * K, 2 * K, 1]), shared);
    const got = [values(dense), values(strided)];
    for (const g of got) expected.forEach((e, i) => expectClose(g.slice(i * M * N, (i + 1) * M * N), e, 'float64'));
  });
});

describe('matmul on integers', () => {
  it('wraps int32 products and sums at 32 bits like C', () => {
    const out = output('int32', [1, 1]);
    cpuBackend.matmul(out, view('int32', [65536, 123456789], [1, 2]), view('int32', [65536, 987654321], [2, 1]));
    expect(values(out)).toEqual([Math.imul(123456789, 987654321)]);
  });

  it('wraps uint8 results modulo 256', () => {
    const out = output('uint8', [1, 1]);
    cpuBackend.matmul(out, view('uint8', [200, 100], [1, 2]), view('uint8', [2, 3], [2, 1]));
    expect(values(out)).toEqual([(400 + 300) % 256]);
  });

  it('gives bool products as "any pair true", even for 256 true pairs', () => {
    const out = output('bool', [1, 2]);
    const ones = new Array<boolean>(256).fill(true);
    cpuBackend.matmul(out, view('bool', ones, [1, 256]), view('bool', [...ones, ...ones].map((v, i) => v && i % 2 === 0), [256, 2]));
    expect(values(out)).toEqual([1, 0]);
  });

  it('keeps int64 products exact above 2^53 on transposed operands', () => {
    const out = output('int64', [2, 2]);
    const a = view('int64', [2n ** 31n, 3n, 1n, 2n ** 40n], [2, 2], [1, 2]); // [[2^31, 1], [3, 2^40]]
    const b = view('int64', [2n ** 31n, 5n, 7n, 2n ** 20n], [2, 2]);
    cpuBackend.matmul(out, a, b);
    expect(values(out)).toEqual([2n ** 62n + 7n, 5n * 2n ** 31n + 2n ** 20n, 3n * 2n ** 31n + 7n * 2n ** 40n, 15n + 2n ** 60n]);
  });
});
