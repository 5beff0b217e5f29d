/**
 * Fused kernels: max and average pooling with their gradients, with the CPU backend's rules
 * (backend-cpu/src/pool.ts): NaN wins a max window (the last NaN), indices are the first maximum's
 * position in its `H·W` plane (int64 kept in an i32), average divisors as PyTorch computes them.
 *
 * - Forward kernels: one invocation per output, walking its (small) window.
 * - `avgPool2dBackward`: one invocation per input element, gathering the outputs whose windows
 *   contain it (in output order, so the sum is the CPU's, and deterministic).
 * - `maxPool2dBackward` has no geometry (only indices), so it zero-fills and then scatters each
 *   output gradient to its index with a compare-exchange float add; windows that overlap make
 *   several outputs land on one input, which the atomic handles.
 * Views are contiguous `[planes, H, W]` / `[planes, OH, OW]` with offsets; float32 only.
 *
 * @module
 */
import { numelOf, type AvgPool2dGeometry, type Pool2dGeometry, type View } from '@typetorch/core';
import { WGSL_LINEAR_INDEX, type GpuRuntime } from '../runtime.js';
import { bufferOf } from '../strided.js';
import { fillKernel } from './copy.js';

const NAMES = ['COUNT', 'H', 'W', 'OH', 'OW', 'KH', 'KW', 'SH', 'SW', 'PH', 'PW', 'DH', 'DW', 'O0', 'O1', 'O2', 'EXTRA'] as const;

/** WGSL accessors `pNAME()` of the parameter words written by {@link poolWords}. */
const ACCESSORS = NAMES.map((n, i) => `fn p${n}() -> u32 { return params[${i}u]; }`).join('\n');

/** Parameter words: element count of the grid, sizes, window, view offsets, one extra word. */
function poolWords(count: number, g: Pool2dGeometry, offsets: readonly number[], extra = 0): number[] {
  const o = [...offsets, 0, 0, 0].slice(0, 3);
  return [count, g.inSize[0], g.inSize[1], g.outSize[0], g.outSize[1], g.kernelSize[0], g.kernelSize[1],
    g.stride[0], g.stride[1], g.padding[0], g.padding[1], g.dilation[0], g.dilation[1], ...o, extra];
}

function checkFloat(op: string, views: readonly View[]): void {
  for (const v of views) {
    if (v.dtype !== 'float32') throw new Error(`[${op}] expected float32 operands on WebGPU, got ${v.dtype}`);
  }
}

const HEADER = /* wgsl */ `
${WGSL_LINEAR_INDEX}
${ACCESSORS}
// First tap ≥ 0 of a window starting at start with step dilation.
fn firstInside(start: i32, dilation: i32) -> i32 {
  if (start >= 0) { return start; }
  return start + ((-start + dilation - 1) / dilation) * dilation;
}`;

function maxShader(withIndices: boolean): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outBuf: array<f32>;
${withIndices ? '@group(0) @binding(1) var<storage, read_write> idxBuf: array<i32>;' : ''}
@group(0) @binding(${withIndices ? 2 : 1}) var<storage, read> xBuf: array<f32>;
@group(0) @binding(${withIndices ? 3 : 2}) var<storage, read> params: array<u32>;
${HEADER}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= pCOUNT()) { return; }
  let h = i32(pH());
  let w = i32(pW());
  let c = i32(i % pOW());
  let r = i32((i / pOW()) % pOH());
  let plane = i / (pOW() * pOH());
  let dh = i32(pDH());
  let dw = i32(pDW());
  let rs = r * i32(pSH()) - i32(pPH());
  let cs = c * i32(pSW()) - i32(pPW());
  let rowEnd = min(rs + (i32(pKH()) - 1) * dh + 1, h);
  let colEnd = min(cs + (i32(pKW()) - 1) * dw + 1, w);
  let rowStart = firstInside(rs, dh);
  let colStart = firstInside(cs, dw);
  let base = pO2() + plane * u32(h * w);
  var best = rowStart * w + colStart;
  // -inf comes in word EXTRA: a constant -inf is a WGSL error (not representable).
  var maxv = bitcast<f32>(pEXTRA());
  for (var y = rowStart; y < rowEnd; y += dh) {
    for (var z = colStart; z < colEnd; z += dw) {
      let v = xBuf[base + u32(y * w + z)];
      // NaN wins, a later NaN replacing an earlier one; tested by bits (compilers may fold v != v).
      let isNan = (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
      if (v > maxv || isNan) {
        maxv = v;
        best = y * w + z;
      }
    }
  }
  outBuf[pO0() + i] = maxv;
  ${withIndices ? 'idxBuf[pO1() + i] = best;' : ''}
}`;
}

/** WGSL of an average window along one dim: start, end (clipped to the input) and divisor size. */
const AVG_AXIS = /* wgsl */ `
struct Axis { start: i32, end: i32, size: i32 }
fn avgAxis(o: i32, inSize: i32, k: i32, stride: i32, pad: i32) -> Axis {
  let s = o * stride - pad;
  let e = min(s + k, inSize + pad);
  let start = max(s, 0);
  let end = min(e, inSize);
  var size = end - start;
  if (pEXTRA() & 1u) != 0u { size = e - s; } // countIncludePad
  return Axis(start, end, size);
}
// The divisor of window (r, c): divisorOverride (bit 1 of EXTRA says it is set), or the sizes.
fn divisor(rows: Axis, cols: Axis) -> f32 {
  if (pEXTRA() & 2u) != 0u { return f32(bitcast<i32>(params[${NAMES.length}u])); }
  return f32(rows.size * cols.size);
}`;

function avgShader(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outBuf: array<f32>;
@group(0) @binding(1) var<storage, read> xBuf: array<f32>;
@group(0) @binding(2) var<storage, read> params: array<u32>;
${HEADER}
${AVG_AXIS}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= pCOUNT()) { return; }
  let h = i32(pH());
  let w = i32(pW());
  let c = i32(i % pOW());
  let r = i32((i / pOW()) % pOH());
  let plane = i / (pOW() * pOH());
  let rows = avgAxis(r, h, i32(pKH()), i32(pSH()), i32(pPH()));
  let cols = avgAxis(c, w, i32(pKW()), i32(pSW()), i32(pPW()));
  let base = pO1() + plane * u32(h * w);
  var sum = 0.0;
  for (var y = rows.start; y < rows.end; y++) {
    for (var z = cols.start; z < cols.end; z++) { sum += xBuf[base + u32(y * w + z)]; }
  }
  var v = 0.0;
  if (rows.start < rows.end && cols.start < cols.end) { v = sum / divisor(rows, cols); }
  outBuf[pO0() + i] = v;
}`;
}

function avgBackwardShader(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> gxBuf: array<f32>;
@group(0) @binding(1) var<storage, read> gyBuf: array<f32>;
@group(0) @binding(2) var<storage, read> params: array<u32>;
${HEADER}
${AVG_AXIS}
// Outputs o whose window [o·stride − pad, o·stride − pad + k) holds position x, clipped to [0, outSize).
fn firstOut(x: i32, k: i32, stride: i32, pad: i32) -> i32 {
  let t = x + pad - k; // o·stride > t
  if (t < 0) { return 0; }
  return t / stride + 1;
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= pCOUNT()) { return; }
  let h = i32(pH());
  let w = i32(pW());
  let oh = i32(pOH());
  let ow = i32(pOW());
  let x = i32(i % pW());
  let y = i32((i / pW()) % pH());
  let plane = i / (pW() * pH());
  let kh = i32(pKH());
  let kw = i32(pKW());
  let sh = i32(pSH());
  let sw = i32(pSW());
  let ph = i32(pPH());
  let pw = i32(pPW());
  let r0 = firstOut(y, kh, sh, ph);
  let r1 = min((y + ph) / sh, oh - 1);
  let c0 = firstOut(x, kw, sw, pw);
  let c1 = min((x + pw) / sw, ow - 1);
  let base = pO1() + plane * u32(oh * ow);
  var sum = 0.0;
  for (var r = r0; r <= r1; r++) {
    let rows = avgAxis(r, h, kh, sh, ph);
    if (y < rows.start || y >= rows.end) { continue; }
    for (var c = c0; c <= c1; c++) {
      let cols = avgAxis(c, w, kw, sw, pw);
      if (x < cols.start || x >= cols.end) { continue; }
      sum += gyBuf[base + u32(r * ow + c)] / divisor(rows, cols);
    }
  }
  gxBuf[pO0() + i] = sum;
}`;
}

const MAX_BACKWARD = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> gxBuf: array<atomic<u32>>;
@group(0) @binding(1) var<storage, read> gyBuf: array<f32>;
@group(0) @binding(2) var<storage, read> idxBuf: array<i32>;
@group(0) @binding(3) var<storage, read> params: array<u32>;
${WGSL_LINEAR_INDEX}
// Words: count (planes·OH·OW), H·W, OH·OW, gx offset, gy offset, indices offset.
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearIndex(gid, nwg);
  if (i >= params[0]) { return; }
  let k = idxBuf[params[5] + i];
  let planeSize = params[1];
  // An index outside the plane (a window entirely in the padding) has no input to send to.
  if (k < 0 || u32(k) >= planeSize) { return; }
  let v = gyBuf[params[4] + i];
  let at = params[3] + (i / params[2]) * planeSize + u32(k);
  var old = atomicLoad(&gxBuf[at]);
  loop {
    let result = atomicCompareExchangeWeak(&gxBuf[at], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (result.exchanged) { break; }
    old = result.old_value;
  }
}`;

/** The fused kernels of this file, by the names core looks up in `backend.fused`. */
export function poolKernels(rt: GpuRuntime) {
  return {
    maxPool2d(out: View, indices: View | null, input: View, g: Pool2dGeometry): void {
      checkFloat('maxPool2d', [out, input]);
      const count = numelOf(out.shape);
      const withIndices = indices !== null;
      const bindings = [{ buffer: bufferOf(out), write: true }];
      if (indices !== null) bindings.push({ buffer: bufferOf(indices), write: true });
      bindings.push({ buffer: bufferOf(input), write: false });
      rt.dispatch({
        key: `maxPool2d:f32:${withIndices ? 'indices' : 'values'}`,
        code: () => maxShader(withIndices),
        bindings,
        params: poolWords(count, g, [out.offset, indices?.offset ?? 0, input.offset], 0xff800000),
        threads: count,
      });
    },
    maxPool2dBackward(gradInput: View, gradOutput: View, indices: View): void {
      checkFloat('maxPool2dBackward', [gradInput, gradOutput]);
      fillKernel(rt, gradInput, 0);
      const [, h, w] = gradInput.shape as [number, number, number];
      const [, oh, ow] = gradOutput.shape as [number, number, number];
      const count = numelOf(gradOutput.shape);
      rt.dispatch({
        key: 'maxPool2dBackward:f32',
        code: () => MAX_BACKWARD,
        bindings: [{ buffer: bufferOf(gradInput), write: true }, { buffer: bufferOf(gradOutput) }, { buffer: bufferOf(indices) }],
        params: [count, h * w, oh * ow, gradInput.offset, gradOutput.offset, indices.offset],
        threads: count,
      });
    },
    avgPool2d(out: View, input: View, g: AvgPool2dGeometry): void {
      checkFloat('avgPool2d', [out, input]);
      const count = numelOf(out.shape);
      rt.dispatch({
        key: 'avgPool2d:f32',
        code: avgShader,
        bindings: [{ buffer: bufferOf(out), write: true }, { buffer: bufferOf(input) }],
        params: avgWords(count, g, [out.offset, input.offset]),
        threads: count,
      });
    },
    avgPool2dBackward(gradInput: View, gradOutput: View, g: AvgPool2dGeometry): void {
      checkFloat('avgPool2dBackward', [gradInput, gradOutput]);
      const count = numelOf(gradInput.shape);
      rt.dispatch({
        key: 'avgPool2dBackward:f32',
        code: avgBackwardShader,
        bindings: [{ buffer: bufferOf(gradInput), write: true }, { buffer: bufferOf(gradOutput) }],
        params: avgWords(count, g, [gradInput.offset, gradOutput.offset]),
        threads: count,
      });
    },
  };
}

/** {@link poolWords} with the divisor flags (bit 0 countIncludePad, bit 1 override) and the override. */
function avgWords(count: number, g: AvgPool2dGeometry, offsets: readonly number[]): number[] {
  const flags = (g.countIncludePad ? 1 : 0) | (g.divisorOverride !== null ? 2 : 0);
  return [...poolWords(count, g, offsets, flags), (g.divisorOverride ?? 0) | 0];
}
