/**
 * Uniform random numbers from the counter-based generator, bit-identical to the CPU backend.
 *
 * Element `i` (row-major over `out`'s shape) is `uniformAt(key, counter, i, false)` from core's
 * random/philox.ts: Philox4x32-10 on the counter `(c0, c1, 0, 0)` where `c1:c0` is the 64-bit value
 * `counter + i`, and the float is `(w0 >> 8) * 2^-24`. WGSL has no 64-bit integers, so:
 * - the counter travels as two 32-bit words and `+ i` carries into the high word;
 * - the high half of each 32×32-bit product is assembled from 16-bit partial products.
 * `(w0 >> 8)` has at most 24 bits and the scale is a power of two, so the float32 is exact and equal
 * to the CPU's.
 *
 * @module
 */
import { numelOf, type View } from '@typetorch/core';
import { WGSL_LINEAR_INDEX, type GpuRuntime } from '../runtime.js';
import { bufferOf, viewParams, wgslOffsets } from '../strided.js';

const TWO_32 = 4294967296;

/** WGSL for Philox4x32-10 (same constants and round structure as core's `philox`). */
const WGSL_PHILOX = /* wgsl */ `
// The high 32 bits of the 64-bit product a * b.
fn mulhi(a: u32, b: u32) -> u32 {
  let aL = a & 0xffffu;
  let aH = a >> 16u;
  let bL = b & 0xffffu;
  let bH = b >> 16u;
  let ll = aL * bL;
  let lh = aL * bH;
  let hl = aH * bL;
  let hh = aH * bH;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

fn philox(k0: u32, k1: u32, c0: u32, c1: u32) -> vec4<u32> {
  var x0 = c0;
  var x1 = c1;
  var x2 = 0u;
  var x3 = 0u;
  var key0 = k0;
  var key1 = k1;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = mulhi(0xd2511f53u, x0);
    let lo0 = 0xd2511f53u * x0;
    let hi1 = mulhi(0xcd9e8d57u, x2);
    let lo1 = 0xcd9e8d57u * x2;
    let n0 = hi1 ^ x1 ^ key0;
    let n2 = hi0 ^ x3 ^ key1;
    x0 = n0;
    x1 = lo1;
    x2 = n2;
    x3 = lo0;
    key0 += 0x9e3779b9u;
    key1 += 0xbb67ae85u;
  }
  return vec4<u32>(x0, x1, x2, x3);
}
`;

/** Fills `out` with `uniformAt(key, counter, i)` for each row-major element `i`. */
export function uniformKernel(rt: GpuRuntime, out: View, key: readonly [number, number], counter: number): void {
  if (out.dtype !== 'float32') throw new Error(`[uniform] expected a float32 output on WebGPU, got ${out.dtype}`);
  if (!(Number.isSafeInteger(counter) && counter >= 0)) throw new Error(`[uniform] expected a non-negative integer counter, got ${counter}`);
  const numel = numelOf(out.shape);
  if (numel === 0) return;
  if (numel >= TWO_32) throw new Error(`[uniform] expected fewer than 2^32 elements per draw, got ${numel}`);
  const rank = out.shape.length;
  const words = viewParams(out.shape, [out]);
  const base = words.length;
  words.push(key[0] >>> 0, key[1] >>> 0, counter % TWO_32, Math.floor(counter / TWO_32));
  rt.dispatch({
    key: `uniform:float32:${rank}`,
    code: () => /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outBuf: array<f32>;
@group(0) @binding(1) var<storage, read> params: array<u32>;
${WGSL_LINEAR_INDEX}
${wgslOffsets(rank, 1)}
${WGSL_PHILOX}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= params[0]) { return; }
  let lo = params[${base + 2}u];
  let c0 = lo + i;
  let c1 = params[${base + 3}u] + select(0u, 1u, c0 < lo);
  let w = philox(params[${base}u], params[${base + 1}u], c0, c1);
  outBuf[offsets(i)[0]] = f32(w.x >> 8u) * 5.9604644775390625e-8;
}`,
    bindings: [{ buffer: bufferOf(out), write: true }],
    params: words,
    threads: numel,
  });
}
