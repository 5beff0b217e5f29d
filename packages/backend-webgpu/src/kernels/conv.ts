/**
 * Fused kernels: conv2d and its two gradients as implicit GEMMs on the tiled skeleton
 * (gemm-tiles.ts). The patch matrix is never materialised: each GEMM's loader gathers the input
 * (or output gradient) element of a (k, n) slot on the fly, with zeros for taps in the padding.
 * The grid's z is the group, so each group is an independent GEMM.
 *
 * With `Cg = C / groups`, `OCg = OC / groups`, `P = N·OH·OW`, `Q = N·H·W`, `T = KH·KW`:
 * - forward: `out[g] (OCg × P) = weight[g] (OCg × Cg·T) · patches (Cg·T × P)`, plus bias;
 * - input gradient (the transposed convolution): `gx[g] (Cg × Q) = weightᵀ[g] (Cg × OCg·T) ·
 *   gy-patches (OCg·T × Q)`, where a tap whose `h + padding − kh·dilation` is off the stride grid
 *   (or outside the output) contributes zero;
 * - weight gradient: `gw[g] (OCg × Cg·T) = gy[g] (OCg × P) · patchesᵀ (P × Cg·T)`, summed over the batch.
 * All views are contiguous float32 (core sends nothing else here; float64 cannot live on WebGPU).
 *
 * @module
 */
import type { Conv2dGeometry, View } from '@typetorch/core';
import type { GpuRuntime } from '../runtime.js';
import type { GpuStorage } from '../storage.js';
import { bufferOf } from '../strided.js';
import { reduceKernel } from './reduce.js';
import { dispatchGemm, gemmShader, GEMM_PARAM_WORDS, type GemmVariant } from './gemm-tiles.js';

/** Names of the geometry words, in order, after the skeleton's words. */
const GEOMETRY = ['NB', 'C', 'H', 'W', 'OC', 'OH', 'OW', 'KH', 'KW', 'SH', 'SW', 'PH', 'PW', 'DH', 'DW', 'CG', 'OCG', 'O0', 'O1', 'O2', 'O3', 'BIAS', 'SPLITS', 'KCHUNK', 'KTOTAL'] as const;

/** WGSL accessors `gNAME()` of the geometry words (O0..O3: the element offsets of the bound views). */
function geometryLets(): string {
  return GEOMETRY.map((name, i) => `fn g${name}() -> u32 { return params[${GEMM_PARAM_WORDS + i}u]; }`).join('\n');
}

/** `split`: the weight gradient's split of its long K (see {@link splitK}); 1 chunk elsewhere. */
function geometryWords(g: Conv2dGeometry, offsets: readonly number[], withBias = false, split = { splits: 1, chunk: 0, total: 0 }): number[] {
  const o = [...offsets, 0, 0, 0, 0].slice(0, 4);
  return [
    g.batch, g.inChannels, g.inSize[0], g.inSize[1], g.outChannels, g.outSize[0], g.outSize[1],
    g.kernelSize[0], g.kernelSize[1], g.stride[0], g.stride[1], g.padding[0], g.padding[1],
    g.dilation[0], g.dilation[1], g.inChannels / g.groups, g.outChannels / g.groups, ...o, withBias ? 1 : 0,
    split.splits, split.chunk, split.total,
  ];
}

/**
 * How the weight gradient splits its reduction: K = N·OH·OW runs into the tens of thousands while
 * the output (OC × C·KH·KW) is small, so one GEMM would leave most of the GPU idle behind a few
 * long loops. Chunks of at least 512 (a multiple of the 16-deep tile step), at most 64 of them,
 * each write a partial product that a reduction then sums.
 */
function splitK(K: number): { splits: number; chunk: number; total: number } {
  if (K <= 1024) return { splits: 1, chunk: K, total: K };
  const splits = Math.min(64, Math.ceil(K / 512));
  const chunk = Math.ceil(K / splits / 16) * 16;
  return { splits: Math.ceil(K / chunk), chunk, total: K };
}

function checkFloat(op: string, views: readonly View[]): void {
  for (const v of views) {
    if (v.dtype !== 'float32') throw new Error(`[${op}] expected float32 operands on WebGPU, got ${v.dtype}`);
  }
}

/**
 * WGSL of the input element at channel `c` (within the group), batch `nb`, row `ih`, column `iw`
 * (signed), or zero in the padding; `xBuf` at offset `gO<slot>()`.
 */
const INPUT_AT = /* wgsl */ `
fn inputAt(nb: u32, c: u32, ih: i32, iw: i32, base: u32) -> f32 {
  if (ih < 0 || iw < 0 || ih >= i32(gH()) || iw >= i32(gW())) { return 0.0; }
  return xBuf[base + ((nb * gC() + group * gCG() + c) * gH() + u32(ih)) * gW() + u32(iw)];
}`;

// The bias is always bound (the weight stands in when there is none) and added when word BIAS is
// set: one pipeline instead of two.
function forwardShader(variant: GemmVariant): string {
  return gemmShader('f32', { aFast: 'k', bFast: 'n' }, /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outBuf: array<f32>;
@group(0) @binding(1) var<storage, read> xBuf: array<f32>;
@group(0) @binding(2) var<storage, read> wBuf: array<f32>;
@group(0) @binding(3) var<storage, read> biasBuf: array<f32>;
@group(0) @binding(4) var<storage, read> params: array<u32>;
${geometryLets()}
var<private> group: u32;
fn setBatch(z: u32) { group = z; }
${INPUT_AT}
// A: weight rows of the group, k = (c, kh, kw) is the weight's own row-major order.
fn loadA(m: u32, k: u32) -> f32 {
  let taps = gCG() * gKH() * gKW();
  return wBuf[gO2() + (group * gOCG() + m) * taps + k];
}
// B: the patch matrix, k = (c, kh, kw), n = (nb, oh, ow).
fn loadB(k: u32, n: u32) -> f32 {
  let kw = k % gKW();
  let kh = (k / gKW()) % gKH();
  let c = k / (gKW() * gKH());
  let ow = n % gOW();
  let oh = (n / gOW()) % gOH();
  let nb = n / (gOW() * gOH());
  let ih = i32(oh * gSH() + kh * gDH()) - i32(gPH());
  let iw = i32(ow * gSW() + kw * gDW()) - i32(gPW());
  return inputAt(nb, c, ih, iw, gO1());
}
fn storeC(m: u32, n: u32, v: f32) {
  let oc = group * gOCG() + m;
  let plane = gOH() * gOW();
  let nb = n / plane;
  let at = gO0() + (nb * gOC() + oc) * plane + n % plane;
  var bias = 0.0;
  if (gBIAS() != 0u) { bias = biasBuf[gO3() + oc]; }
  outBuf[at] = v + bias;
}`, variant);
}

function backwardInputShader(variant: GemmVariant): string {
  return gemmShader('f32', { aFast: 'k', bFast: 'n' }, /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> gxBuf: array<f32>;
@group(0) @binding(1) var<storage, read> gyBuf: array<f32>;
@group(0) @binding(2) var<storage, read> wBuf: array<f32>;
@group(0) @binding(3) var<storage, read> params: array<u32>;
${geometryLets()}
var<private> group: u32;
fn setBatch(z: u32) { group = z; }
// A: the group's weight transposed, m = c, k = (oc, kh, kw).
fn loadA(m: u32, k: u32) -> f32 {
  let taps = gKH() * gKW();
  let t = k % taps;
  let oc = group * gOCG() + k / taps;
  return wBuf[gO2() + (oc * gCG() + m) * taps + t];
}
// B: k = (oc, kh, kw), n = (nb, h, w): the output position whose window puts tap (kh, kw) on
// (h, w), if it lies on the stride grid and inside the output.
fn loadB(k: u32, n: u32) -> f32 {
  let kw = k % gKW();
  let kh = (k / gKW()) % gKH();
  let oc = k / (gKW() * gKH());
  let w = n % gW();
  let h = (n / gW()) % gH();
  let nb = n / (gW() * gH());
  let th = i32(h + gPH()) - i32(kh * gDH());
  let tw = i32(w + gPW()) - i32(kw * gDW());
  if (th < 0 || tw < 0) { return 0.0; }
  let uh = u32(th);
  let uw = u32(tw);
  if (uh % gSH() != 0u || uw % gSW() != 0u) { return 0.0; }
  let oh = uh / gSH();
  let ow = uw / gSW();
  if (oh >= gOH() || ow >= gOW()) { return 0.0; }
  return gyBuf[gO1() + ((nb * gOC() + group * gOCG() + oc) * gOH() + oh) * gOW() + ow];
}
fn storeC(m: u32, n: u32, v: f32) {
  let plane = gH() * gW();
  let nb = n / plane;
  gxBuf[gO0() + (nb * gC() + group * gCG() + m) * plane + n % plane] = v;
}`, variant);
}

function backwardWeightShader(variant: GemmVariant): string {
  return gemmShader('f32', { aFast: 'k', bFast: 'k' }, /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> gwBuf: array<f32>;
@group(0) @binding(1) var<storage, read> xBuf: array<f32>;
@group(0) @binding(2) var<storage, read> gyBuf: array<f32>;
@group(0) @binding(3) var<storage, read> params: array<u32>;
${geometryLets()}
var<private> group: u32;
var<private> split: u32;
// z = group · SPLITS + split: each split multiplies its chunk of K.
fn setBatch(z: u32) { group = z / gSPLITS(); split = z % gSPLITS(); }
${INPUT_AT}
// A: the output gradient of the group's channels, m = oc, k = (nb, oh, ow).
fn loadA(m: u32, kc: u32) -> f32 {
  let k = split * gKCHUNK() + kc;
  if (k >= gKTOTAL()) { return 0.0; }
  let plane = gOH() * gOW();
  let nb = k / plane;
  return gyBuf[gO2() + (nb * gOC() + group * gOCG() + m) * plane + k % plane];
}
// B: the patch matrix transposed, k = (nb, oh, ow), n = (c, kh, kw).
fn loadB(kc: u32, n: u32) -> f32 {
  let k = split * gKCHUNK() + kc;
  if (k >= gKTOTAL()) { return 0.0; }
  let kw = n % gKW();
  let kh = (n / gKW()) % gKH();
  let c = n / (gKW() * gKH());
  let ow = k % gOW();
  let oh = (k / gOW()) % gOH();
  let nb = k / (gOW() * gOH());
  let ih = i32(oh * gSH() + kh * gDH()) - i32(gPH());
  let iw = i32(ow * gSW() + kw * gDW()) - i32(gPW());
  return inputAt(nb, c, ih, iw, gO1());
}
// One split writes the gradient itself; several write partials [split][oc][taps] at offset 0 of a
// scratch buffer for the reduction.
fn storeC(m: u32, n: u32, v: f32) {
  let taps = gCG() * gKH() * gKW();
  gwBuf[gO0() + (split * gOC() + group * gOCG() + m) * taps + n] = v;
}`, variant);
}

/** The fused kernels of this file, by the names core looks up in `backend.fused`. */
export function convKernels(rt: GpuRuntime) {
  return {
    conv2d(out: View, input: View, weight: View, bias: View | null, g: Conv2dGeometry): void {
      checkFloat('conv2d', bias === null ? [out, input, weight] : [out, input, weight, bias]);
      const bindings = [
        { buffer: bufferOf(out), write: true }, { buffer: bufferOf(input) }, { buffer: bufferOf(weight) },
        { buffer: bufferOf(bias ?? weight) },
      ];
      const cg = g.inChannels / g.groups;
      dispatchGemm(rt, {
        key: 'conv2d:f32',
        code: forwardShader,
        bindings,
        M: g.outChannels / g.groups,
        N: g.batch * g.outSize[0] * g.outSize[1],
        K: cg * g.kernelSize[0] * g.kernelSize[1],
        batches: g.groups,
        params: geometryWords(g, [out.offset, input.offset, weight.offset, bias?.offset ?? 0], bias !== null),
      });
    },
    conv2dBackwardInput(gradInput: View, gradOutput: View, weight: View, g: Conv2dGeometry): void {
      checkFloat('conv2dBackwardInput', [gradInput, gradOutput, weight]);
      dispatchGemm(rt, {
        key: 'conv2dBackwardInput:f32',
        code: backwardInputShader,
        bindings: [{ buffer: bufferOf(gradInput), write: true }, { buffer: bufferOf(gradOutput) }, { buffer: bufferOf(weight) }],
        M: g.inChannels / g.groups,
        N: g.batch * g.inSize[0] * g.inSize[1],
        K: (g.outChannels / g.groups) * g.kernelSize[0] * g.kernelSize[1],
        batches: g.groups,
        params: geometryWords(g, [gradInput.offset, gradOutput.offset, weight.offset]),
      });
    },
    conv2dBackwardWeight(gradWeight: View, input: View, gradOutput: View, g: Conv2dGeometry): void {
      checkFloat('conv2dBackwardWeight', [gradWeight, input, gradOutput]);
      const split = splitK(g.batch * g.outSize[0] * g.outSize[1]);
      const size = g.outChannels * (g.inChannels / g.groups) * g.kernelSize[0] * g.kernelSize[1];
      const partials = split.splits > 1 ? rt.allocate(split.splits * size * 4) : null;
      dispatchGemm(rt, {
        key: 'conv2dBackwardWeight:f32',
        code: backwardWeightShader,
        bindings: [{ buffer: partials ?? bufferOf(gradWeight), write: true }, { buffer: bufferOf(input) }, { buffer: bufferOf(gradOutput) }],
        M: g.outChannels / g.groups,
        N: (g.inChannels / g.groups) * g.kernelSize[0] * g.kernelSize[1],
        K: split.chunk,
        batches: g.groups * split.splits,
        params: geometryWords(g, [partials === null ? gradWeight.offset : 0, input.offset, gradOutput.offset], false, split),
      });
      if (partials !== null) {
        const handle: GpuStorage = { buffer: partials, dtype: 'float32', numel: split.splits * size };
        reduceKernel(rt, 'sum', { ...gradWeight, shape: [1, size], strides: [size, 1] },
          { handle, dtype: 'float32', shape: [split.splits, size], strides: [size, 1], offset: 0 }, [0]);
        rt.release(partials);
      }
    },
  };
}
