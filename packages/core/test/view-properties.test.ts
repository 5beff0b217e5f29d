import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as torch from '@typetorch/core';
import '@typetorch/backend-cpu';
import type { IndexItem, Tensor } from '@typetorch/core';

// ---- a reference model: a shape and a function from coordinates to values, with no strides ----

interface Model {
  readonly shape: readonly number[];
  readonly at: (i: readonly number[]) => number;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function* coordinates(shape: readonly number[]): Generator<number[]> {
  if (shape.some((s) => s === 0)) return;
  const i = shape.map(() => 0);
  for (;;) {
    yield [...i];
    let d = shape.length - 1;
    for (; d >= 0; d--) {
      if (++i[d] < shape[d]) break;
      i[d] = 0;
    }
    if (d < 0) return;
  }
}

const rowMajor = (i: readonly number[], shape: readonly number[]) => i.reduce((acc, v, d) => acc * shape[d] + v, 0);
const unravel = (flat: number, shape: readonly number[]) => {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return out;
};

/** The nested arrays `tolistSync` gives for a model. */
function materialize(m: Model): unknown {
  const build = (prefix: number[]): unknown =>
    prefix.length === m.shape.length ? m.at(prefix) : Array.from({ length: m.shape[prefix.length] }, (_, k) => build([...prefix, k]));
  return build([]);
}

/** Python's `range(size)[start:stop:step]` written out independently of the library. */
function pythonSlice(size: number, start: number, stop: number, step: number): number[] {
  const fix = (v: number) => (v < 0 ? Math.max(v + size, 0) : Math.min(v, size));
  const out: number[] = [];
  for (let k = fix(start); k < fix(stop); k += step) out.push(k);
  return out;
}

// ---- random chains of view ops, applied to a tensor and to the model side by side ----

interface Step { kind: number; a: number; b: number; c: number }
const stepArb = fc.record({ kind: fc.nat(11), a: fc.nat(1000), b: fc.nat(1000), c: fc.nat(1000) });
// Sizes 0..4, with empty dims rarer so that most cases have values to compare.
const sizeArb = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 4 }), weight: 8 }, { arbitrary: fc.constant(0), weight: 1 });
const shapeArb = fc.array(sizeArb, { minLength: 0, maxLength: 4 });

interface Options { copies: boolean; expand: boolean }

function permutation(rank: number, seed: number): number[] {
  return [...Array(rank).keys()].sort((p, q) => ((p * 7919 + seed) % 1009) - ((q * 7919 + seed) % 1009) || p - q);
}

/** A shape with the same numel: two neighbouring dims merged, or one dim split by a divisor. */
function reshapeTarget(shape: readonly number[], a: number, b: number): number[] {
  const out = [...shape];
  if (out.length >= 2 && b % 2 === 0) {
    const i = a % (out.length - 1);
    out.splice(i, 2, out[i] * out[i + 1]);
    return out;
  }
  if (out.length === 0) return [1];
  const i = a % out.length;
  const divisors = Array.from({ length: out[i] }, (_, k) => k + 1).filter((f) => out[i] % f === 0);
  const f = divisors.length ? divisors[b % divisors.length] : 0;
  out.splice(i, 1, f, f === 0 ? 0 : out[i] / f);
  return out;
}

function apply(step: Step, x: Tensor, m: Model, options: Options): [Tensor, Model] | null {
  const r = m.shape.length;
  const { a, b, c } = step;
  switch (step.kind) {
    case 0: { // permute
      const dims = permutation(r, a);
      return [x.permute(dims), { shape: dims.map((d) => m.shape[d]), at: (i) => m.at(dims.map((_, k) => i[dims.indexOf(k)])) }];
    }
    case 1: { // transpose
      if (r === 0) return null;
      const p = a % r, q = b % r;
      const swap = (i: readonly number[]) => { const j = [...i]; [j[p], j[q]] = [j[q], j[p]]; return j; };
      return [x.transpose(p, q - r), { shape: swap(m.shape), at: (i) => m.at(swap(i)) }];
    }
    case 2: { // unsqueeze
      if (r >= 6) return null;
      const d = a % (r + 1);
      const shape = [...m.shape];
      shape.splice(d, 0, 1);
      return [x.unsqueeze(d), { shape, at: (i) => m.at(i.filter((_, k) => k !== d)) }];
    }
    case 3: { // squeeze, all or one dim
      const dims = b % 2 === 0 || r === 0 ? [...Array(r).keys()] : [a % r];
      const removed = dims.filter((d) => m.shape[d] === 1);
      const shape = m.shape.filter((_, d) => !removed.includes(d));
      const y = b % 2 === 0 || r === 0 ? x.squeeze() : x.squeeze(dims[0]);
      return [y, { shape, at: (i) => { const j: number[] = []; let k = 0; for (let d = 0; d < r; d++) j.push(removed.includes(d) ? 0 : i[k++]); return m.at(j); } }];
    }
    case 4: { // a slice string through index()
      if (r === 0) return null;
      const d = a % r, size = m.shape[d];
      const start = (b % (2 * size + 3)) - size - 1, stop = (c % (2 * size + 3)) - size - 1, st = 1 + ((a + b) % 3);
      const picked = pythonSlice(size, start, stop, st);
      const items: IndexItem[] = [...new Array<string>(d).fill(':'), `${start}:${stop}:${st}`];
      const shape = [...m.shape];
      shape[d] = picked.length;
      return [x.index(...items), { shape, at: (i) => m.at(i.map((v, k) => (k === d ? picked[v] : v))) }];
    }
    case 5: { // select, with a negative index half the time
      if (r === 0 || m.shape[a % r] === 0) return null;
      const d = a % r, size = m.shape[d];
      const idx = (b % (2 * size)) - size;
      const y = c % 2 === 0 ? x.select(d, idx) : x.index(...new Array<string>(d).fill(':'), idx);
      const fixed = idx < 0 ? idx + size : idx;
      return [y, { shape: m.shape.filter((_, k) => k !== d), at: (i) => m.at([...i.slice(0, d), fixed, ...i.slice(d)]) }];
    }
    case 6: { // expand size-1 dims, maybe with a new leading dim
      if (!options.expand || r >= 6) return null;
      const lead = c % 2 === 0 ? [] : [1 + (a % 3)];
      const shape = [...lead, ...m.shape.map((s, k) => (s === 1 ? 1 + ((b + k) % 3) : s))];
      return [x.expand(shape), { shape, at: (i) => m.at(i.slice(lead.length).map((v, k) => (m.shape[k] === 1 ? 0 : v))) }];
    }
    case 7: { // view (views only) or reshape (copies allowed)
      const target = reshapeTarget(m.shape, a, b);
      let y: Tensor;
      if (options.copies && c % 2 === 0) y = x.reshape(target);
      else {
        try {
          y = x.view(target);
        } catch (error) {
          expect(String(error)).toContain('[view] view size is not compatible with input tensor');
          return null;
        }
      }
      return [y, { shape: target, at: (i) => m.at(unravel(rowMajor(i, target), m.shape)) }];
    }
    case 8: { // flip some dims (a copy)
      if (!options.copies) return null;
      const dims = [...Array(r).keys()].filter((d) => ((a >> d) & 1) === 1);
      return [x.flip(dims), { shape: m.shape, at: (i) => m.at(i.map((v, k) => (dims.includes(k) ? m.shape[k] - 1 - v : v))) }];
    }
    case 9: { // narrow
      if (r === 0) return null;
      const d = a % r, size = m.shape[d];
      const start = b % (size + 1), length = c % (size - start + 1);
      const shape = [...m.shape];
      shape[d] = length;
      return [x.narrow(d, start, length), { shape, at: (i) => m.at(i.map((v, k) => (k === d ? v + start : v))) }];
    }
    case 10: { // movedim
      if (r === 0) return null;
      const src = a % r, dst = b % r;
      const order = [...Array(r).keys()].filter((d) => d !== src);
      order.splice(dst, 0, src);
      return [x.movedim(src, dst), { shape: order.map((d) => m.shape[d]), at: (i) => m.at(order.map((_, k) => i[order.indexOf(k)])) }];
    }
    default: { // t() of at most 2 dims
      if (r > 2) return null;
      return [x.t(), { shape: [...m.shape].reverse(), at: (i) => m.at([...i].reverse()) }];
    }
  }
}

/** A float64 tensor whose element at row-major position j is j, with its model. */
function base(shape: readonly number[]): [Tensor, Model] {
  const n = numel(shape);
  const t = torch.tensor(Array.from({ length: n }, (_, j) => j), { dtype: 'float64' }).reshape([...shape]);
  return [t, { shape, at: (i) => rowMajor(i, shape) }];
}

function run(shape: readonly number[], steps: readonly Step[], options: Options): { x: Tensor; v: Tensor; m: Model } {
  const [x, m0] = base(shape);
  let v = x;
  let m = m0;
  for (const step of steps) {
    const next = apply(step, v, m, options);
    if (next) [v, m] = next;
  }
  return { x, v, m };
}

/** The value of nested lists at coordinates. */
const valueAt = (list: unknown, i: readonly number[]) => i.reduce((l: unknown, k) => (l as unknown[])[k], list) as number;

describe('view properties', () => {
  const chain = fc.array(stepArb, { maxLength: 6 });

  it('values read through any chain of views, slices and copies equal the reference model', () => {
    fc.assert(fc.property(shapeArb, chain, (shape, steps) => {
      const { v, m } = run(shape, steps, { copies: true, expand: true });
      expect([...v.shape]).toEqual([...m.shape]);
      expect(v.tolistSync()).toEqual(materialize(m));
    }), { numRuns: 300 });
  });

  it('a chain of views shares the storage, and each value is the base element at offset + sum(i * stride)', () => {
    fc.assert(fc.property(shapeArb, chain, (shape, steps) => {
      const { x, v, m } = run(shape, steps, { copies: false, expand: true });
      expect(v._storage).toBe(x._storage);
      const values = v.tolistSync();
      for (const i of coordinates(v.shape)) {
        const position = i.reduce((acc, k, d) => acc + k * v._strides[d], v._offset);
        expect(valueAt(values, i)).toBe(position);
        expect(valueAt(values, i)).toBe(m.at(i));
      }
    }), { numRuns: 300 });
  });

  it('permute followed by the inverse permutation is the identity', () => {
    fc.assert(fc.property(shapeArb, fc.nat(1000), (shape, seed) => {
      const [x] = base(shape);
      const dims = permutation(shape.length, seed);
      const inverse = dims.map((_, k) => dims.indexOf(k));
      const back = x.permute(dims).permute(inverse);
      expect([...back.shape]).toEqual([...x.shape]);
      expect(back.stride()).toEqual(x.stride());
      expect(back._offset).toBe(x._offset);
      expect(back.tolistSync()).toEqual(x.tolistSync());
    }));
  });

  it('reshape there and back returns the same values, and shares storage when the tensor is contiguous', () => {
    fc.assert(fc.property(shapeArb, fc.nat(1000), fc.nat(1000), fc.nat(1000), (shape, a, b, seed) => {
      const [x0] = base(shape);
      const x = seed % 2 === 0 ? x0 : x0.permute(permutation(shape.length, seed));
      const target = reshapeTarget(x.shape, a, b);
      const there = x.reshape(target);
      expect(there.reshape([...x.shape]).tolistSync()).toEqual(x.tolistSync());
      if (x.isContiguous()) {
        expect(there._storage).toBe(x._storage);
        expect(x.view(target).view([...x.shape]).tolistSync()).toEqual(x.tolistSync());
      }
    }));
  });

  it('writes through a chain of views land in the base at the view position, and bump the shared version', () => {
    fc.assert(fc.property(shapeArb, chain, fc.nat(1000), fc.boolean(), (shape, steps, pick, advanced) => {
      const { x, v } = run(shape, steps, { copies: false, expand: false });
      if (v.numel() === 0) return;
      const i = unravel(pick % v.numel(), [...v.shape]);
      const version = x._version;
      const items: IndexItem[] = advanced ? i.map((k) => [k]) : i;
      v.indexPut_(items, -1);
      const position = i.reduce((acc, k, d) => acc + k * v._strides[d], v._offset);
      const flat = x.reshape(-1).tolistSync() as number[];
      flat.forEach((value, j) => expect(value).toBe(j === position ? -1 : j));
      expect(x._version).toBe(version + 1);
      expect(v._version).toBe(x._version);
    }), { numRuns: 300 });
  });
});
