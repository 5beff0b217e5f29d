/**
 * Shared geometry of the reduction-like kernels (reduce, scan, softmax): an input `x` split into
 * kept dims (one output or one line per kept index) and reduced dims (the sub-space each output
 * walks). Size-1 dims are dropped and neighbours that walk memory as one dim are merged, so the
 * shader's index arithmetic (and the number of pipelines, whose keys carry the ranks) stays small.
 *
 * Parameter words of {@link planWords}, matching `wgslOffsets(keptRank, 2)` then the reduced part:
 * `[outputs, keptSizes…, outOffset, outStrides…, xOffset, xStrides…, count, redSizes…, redStrides…]`.
 *
 * @module
 */
import type { View } from '@typetorch/core';

/** One reduction geometry: kept dims (strides in out and x) and reduced dims (strides in x). */
export interface AxisPlan {
  readonly keptSizes: number[];
  readonly keptOut: number[];
  readonly keptX: number[];
  readonly redSizes: number[];
  readonly redX: number[];
  readonly outOffset: number;
  readonly xOffset: number;
  /** Number of outputs (product of kept sizes). */
  readonly outputs: number;
  /** Elements per output (product of reduced sizes). */
  readonly count: number;
}

interface Dim {
  size: number;
  a: number;
  b: number;
}

/** Drops size-1 dims and merges neighbours whose strides (in both operands) chain row-major. */
function coalesce(dims: Dim[]): Dim[] {
  const out: Dim[] = [];
  for (const d of dims) {
    if (d.size === 1) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.a === d.a * d.size && last.b === d.b * d.size) {
      last.size *= d.size;
      last.a = d.a;
      last.b = d.b;
    } else out.push({ ...d });
  }
  return out;
}

/**
 * The plan of reducing `x` over `axes` into `out` (out has x's rank; its strides on reduced axes
 * are ignored). `outStrides`/`outOffset` may describe any view whose kept dims match x's.
 */
export function planAxes(x: View, axes: readonly number[], outStrides: readonly number[], outOffset: number): AxisPlan {
  const kept: Dim[] = [];
  const reduced: Dim[] = [];
  x.shape.forEach((size, d) => {
    if (axes.includes(d)) reduced.push({ size, a: x.strides[d]!, b: 0 });
    else kept.push({ size, a: outStrides[d]!, b: x.strides[d]! });
  });
  const k = coalesce(kept);
  const r = coalesce(reduced);
  const product = (ds: readonly { size: number }[]): number => ds.reduce((n, d) => n * d.size, 1);
  return {
    keptSizes: k.map((d) => d.size),
    keptOut: k.map((d) => d.a),
    keptX: k.map((d) => d.b),
    redSizes: r.map((d) => d.size),
    redX: r.map((d) => d.a),
    outOffset,
    xOffset: x.offset,
    outputs: product(k),
    count: product(r),
  };
}

/** The parameter words of a plan (layout in the module comment). */
export function planWords(p: AxisPlan): number[] {
  return [
    p.outputs, ...p.keptSizes,
    p.outOffset, ...p.keptOut.map((s) => s | 0),
    p.xOffset, ...p.keptX.map((s) => s | 0),
    p.count, ...p.redSizes, ...p.redX.map((s) => s | 0),
  ];
}

/** Word index of `count` in {@link planWords}; reduced sizes and strides follow it. */
export function countWord(keptRank: number): number {
  return 1 + keptRank + 2 * (1 + keptRank);
}

/**
 * WGSL statements that load the reduced sizes and strides of {@link planWords} into locals once
 * (a storage read per element is slow), for {@link wgslRedOffset}.
 */
export function wgslRedLocals(keptRank: number, redRank: number): string {
  const base = countWord(keptRank);
  const lines: string[] = [];
  for (let d = 0; d < redRank; d++) {
    lines.push(`let redSize${d} = params[${base + 1 + d}u];`);
    lines.push(`let redStride${d} = bitcast<i32>(params[${base + 1 + redRank + d}u]);`);
  }
  return lines.join('\n  ');
}

/**
 * WGSL expression: the x-offset (relative to the output's base) of the `j`-th element of the
 * reduced sub-space, row-major over the reduced dims (locals of {@link wgslRedLocals}).
 */
export function wgslRedOffset(redRank: number, j: string): string {
  if (redRank === 0) return '0i';
  const terms: string[] = [];
  let rest = j;
  for (let d = redRank - 1; d >= 0; d--) {
    terms.push(d === 0 ? `i32(${rest}) * redStride${d}` : `i32(${rest} % redSize${d}) * redStride${d}`);
    rest = `(${rest} / redSize${d})`;
  }
  return terms.join(' + ');
}

/** WGSL infinities and bit tests that shader compilers cannot fold away by assuming finite math. */
export const WGSL_FLOAT_TESTS = /* wgsl */ `
// Infinities come from a private variable: a constant bitcast to ±inf is a WGSL compile error.
var<private> infBits: u32 = 0x7f800000u;
fn posInf() -> f32 { return bitcast<f32>(infBits); }
fn negInf() -> f32 { return bitcast<f32>(infBits | 0x80000000u); }
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn isFinite(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) < 0x7f800000u; }
`;

/** A grid of `groups` workgroups, spilling into y past 65535; kernels use {@link WGSL_GROUP_INDEX}. */
export function groupGrid(groups: number): [number, number] {
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}

/** WGSL: the linear workgroup index of a {@link groupGrid} grid (may exceed the count: guard it). */
export const WGSL_GROUP_INDEX = /* wgsl */ `
fn groupIndex(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x; }
`;
