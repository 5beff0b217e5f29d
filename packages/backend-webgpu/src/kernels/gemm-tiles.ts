/**
 * The tiled GEMM skeleton shared by matmul and the convolutions (implicit GEMM).
 *
 * One workgroup of 16×16 invocations computes a 64×64 tile of `C = A·B` (`M×K` times `K×N`),
 * each invocation a 4×4 register block (rows `ty + 16·i`, columns `tx + 16·j`, so neighbouring
 * invocations read neighbouring words of the shared tiles). K advances in steps of 16: the
 * workgroup stages a 64×16 tile of A and a 16×64 tile of B in workgroup memory (8 KiB for 32-bit
 * scalars), every element loaded once per workgroup instead of once per output.
 *
 * The operator supplies the addressing as WGSL functions, which is what makes the convolutions
 * implicit GEMMs (the patch matrix is gathered into the tile on the fly, never materialised):
 * - `fn setBatch(z: u32)`: called first with the batch (or group) index; may set private vars.
 * - `fn loadA(m: u32, k: u32) -> T` and `fn loadB(k: u32, n: u32) -> T`, only called in bounds
 *   (`m < M`, `k < K`, `n < N`); out-of-range tile slots are zeros.
 * - `fn storeC(m: u32, n: u32, v: T)`, only called in bounds.
 * Parameter words 0..5 are the skeleton's (`M, N, K, zBase, yTileBase, xTileBase`); the
 * operator's own words start at {@link GEMM_PARAM_WORDS}. The grid is x = column tiles,
 * y = row tiles, z = batch; {@link dispatchGemm} splits any dimension over 65535 into several
 * dispatches with the base words.
 *
 * @module
 */
import type { WgslScalar } from '../dtypes.js';
import type { Binding, GpuRuntime } from '../runtime.js';

/** Columns of C per workgroup (rows: 16 per row of each invocation's register block). */
export const TILE = 64;
/** Depth of one staged K step. */
export const TILE_K = 16;
/** Words of params the skeleton uses before the operator's own. */
export const GEMM_PARAM_WORDS = 6;

const MAX_GRID = 65535;

/** How the staged tiles are filled: which index varies fastest between neighbouring invocations. */
export interface GemmLayout {
  /**
   * `'k'`: neighbouring invocations load neighbouring k of A (A row-major); `'m'`: neighbouring m;
   * any other string is a WGSL u32 expression chosen at run time (nonzero: m), which keeps one
   * pipeline for every layout (shader compilation is the slow part on some implementations).
   */
  readonly aFast: string;
  /** `'n'`: neighbouring invocations load neighbouring n of B (B row-major); `'k'`: neighbouring k; or a WGSL expression (nonzero: k). */
  readonly bFast: string;
  /**
   * Stage A four k at a time through `fn loadA4(m, k) -> vec4<T>` (k a multiple of 4) instead of
   * `loadA`: 16-byte loads from memory. The operator promises K % 4 == 0 and aligned rows.
   */
  readonly aVec4?: boolean;
  /** Stage B four n at a time through `fn loadB4(k, n) -> vec4<T>` (n a multiple of 4); N % 4 == 0. */
  readonly bVec4?: boolean;
}

const BLOCK = [0, 1, 2, 3];

/**
 * Which shader runs a GEMM:
 * - `'r4'`: 64×64 tiles staged in workgroup memory, a 4×4 register block per invocation;
 * - `'r1'`: 16×64 tiles, a 1×4 block, when C has at most 16 rows (the first convolutions, small
 *   batches): a 64-row tile would spend three quarters or more of its work on missing rows;
 * - `'direct'`: no staging and no barriers, each invocation a 4×4 block read straight from memory,
 *   for products too small to fill a GPU, where the tiles' barriers cost more than the loads
 *   they save (and CPU implementations of WebGPU, which run barriers slowly, gain several-fold).
 */
export type GemmVariant = 'r4' | 'r1' | 'direct';

/** Multiply-adds below which a product takes the `'direct'` shader. */
const DIRECT_MAX_WORK = 1 << 21;

/** The variant for an `M×K` by `K×N` product repeated `batches` times. */
export function gemmVariantFor(M: number, N: number, K: number, batches: number): GemmVariant {
  if (M * N * K * batches <= DIRECT_MAX_WORK) return 'direct';
  return M <= 16 ? 'r1' : 'r4';
}

/**
 * The accumulators as vec4 rows (`acc_i`, columns `4·tx + j`): private arrays indexed in loops
 * may be spilled, and vec4 rows let B's tile be read 16 bytes at a time.
 */
function accDecl(t: WgslScalar, rows: number): string {
  return BLOCK.slice(0, rows).map((i) => `  var acc${i} = vec4<${t}>(${zero(t)});`).join('\n');
}

/** One k step of the register block: `rows` values of A, one vec4 of B, `rows` vec4 multiply-adds. */
function innerProduct(rows: number): string {
  const lines: string[] = [`      let b = tileB4[kk * (TN / 4u) + tx];`];
  for (const i of BLOCK.slice(0, rows)) lines.push(`      acc${i} += tileA[kk * TM + ty + ${16 * i}u] * b;`);
  return lines.join('\n');
}

/** The bounds-checked stores of the register block. */
function stores(rows: number): string {
  const lines: string[] = [];
  for (const i of BLOCK.slice(0, rows)) {
    lines.push(`  if (row0 + ty + ${16 * i}u < M) {`);
    for (const j of BLOCK) lines.push(`    if (col0 + 4u * tx + ${j}u < N) { storeC(row0 + ty + ${16 * i}u, col0 + 4u * tx + ${j}u, acc${i}[${j}]); }`);
    lines.push('  }');
  }
  return lines.join('\n');
}

function zero(t: WgslScalar): string {
  return t === 'f32' ? '0.0' : t === 'i32' ? '0i' : '0u';
}

/**
 * The full WGSL of a tiled GEMM: `declarations` (bindings, private vars, the four functions)
 * followed by the skeleton's entry point.
 */
export function gemmShader(t: WgslScalar, layout: GemmLayout, declarations: string, variant: GemmVariant = 'r4'): string {
  if (variant === 'direct') return directShader(t, declarations);
  const rows = variant === 'r1' ? 1 : 4;
  // Tile slot e (0..1023) of A: [m][k] picked so that consecutive e walk the fast index.
  const aSlot = layout.aFast === 'k'
    ? 'let mm = e / TK; let kk = e % TK;'
    : layout.aFast === 'm'
      ? 'let mm = e % TM; let kk = e / TM;'
      : `let mFast = ${layout.aFast} != 0u; let mm = select(e / TK, e % TM, mFast); let kk = select(e % TK, e / TM, mFast);`;
  const bSlot = layout.bFast === 'n'
    ? 'let kk = e / TN; let nn = e % TN;'
    : layout.bFast === 'k'
      ? 'let kk = e % TK; let nn = e / TK;'
      : `let kFast = ${layout.bFast} != 0u; let kk = select(e / TN, e % TK, kFast); let nn = select(e % TN, e / TK, kFast);`;
  return /* wgsl */ `
const TM = ${16 * rows}u;
const TN = ${TILE}u;
const TK = ${TILE_K}u;
var<workgroup> tileA: array<${t}, ${16 * rows * TILE_K}>; // [k][m]
var<workgroup> tileB4: array<vec4<${t}>, ${(TILE * TILE_K) / 4}>; // [k][n / 4]
${declarations}
@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let M = params[0];
  let N = params[1];
  let K = params[2];
  setBatch(params[3] + wid.z);
  let row0 = (params[4] + wid.y) * TM;
  let col0 = (params[5] + wid.x) * TN;
  let tx = lid.x;
  let ty = lid.y;
  let flat = ty * 16u + tx;
${accDecl(t, rows)}
  for (var k0 = 0u; k0 < K; k0 += TK) {
${layout.aVec4 === true ? stageA4(t, rows) : stageA(t, rows, aSlot)}
${layout.bVec4 === true ? stageB4(t) : stageB(t, bSlot)}
    workgroupBarrier();
    let depth = min(TK, K - k0); // a runtime bound: also spares the zero slots of the last step
    for (var kk = 0u; kk < depth; kk++) {
${innerProduct(rows)}
    }
    workgroupBarrier();
  }
${stores(rows)}
}`;
}

/** Rows and columns of C per workgroup of the direct shader (8×8 invocations, 4×4 each). */
const DIRECT_TILE = 32;

/** The barrier-free shader: each invocation multiplies its 4×4 block straight from memory. */
function directShader(t: WgslScalar, declarations: string): string {
  const rows = BLOCK.map((i) => `  var acc${i} = vec4<${t}>(${zero(t)});`).join('\n');
  const loads = BLOCK.map((i) => `      let a${i} = select(${zero(t)}, loadA(min(r0 + ${i}u, M - 1u), k), r0 + ${i}u < M);`).join('\n');
  const bLoad = `      let b = vec4<${t}>(${BLOCK.map((j) => `select(${zero(t)}, loadB(k, min(c0 + ${j}u, N - 1u)), c0 + ${j}u < N)`).join(', ')});`;
  const fmas = BLOCK.map((i) => `      acc${i} += a${i} * b;`).join('\n');
  const store = BLOCK.map((i) => `  if (r0 + ${i}u < M) {\n${BLOCK.map((j) => `    if (c0 + ${j}u < N) { storeC(r0 + ${i}u, c0 + ${j}u, acc${i}[${j}]); }`).join('\n')}\n  }`).join('\n');
  return /* wgsl */ `
${declarations}
@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let M = params[0];
  let N = params[1];
  let K = params[2];
  setBatch(params[3] + wid.z);
  let r0 = (params[4] + wid.y) * ${DIRECT_TILE}u + 4u * lid.y;
  let c0 = (params[5] + wid.x) * ${DIRECT_TILE}u + 4u * lid.x;
  if (r0 >= M || c0 >= N) { return; }
${rows}
  for (var k = 0u; k < K; k++) {
${loads}
${bLoad}
${fmas}
  }
${store}
}`;
}

/** Stages the `TM × TK` tile of A one element per load. */
function stageA(t: WgslScalar, rows: number, aSlot: string): string {
  return `    for (var r = 0u; r < ${rows}u; r++) {
      let e = flat + r * 256u;
      ${aSlot}
      let m = row0 + mm;
      let k = k0 + kk;
      var v = ${zero(t)};
      if (m < M && k < K) { v = loadA(m, k); }
      tileA[kk * TM + mm] = v;
    }`;
}

/** Stages A four k per load: `TM · TK / 4` loads, one per invocation at most. */
function stageA4(t: WgslScalar, rows: number): string {
  return `    if (flat < ${(16 * rows * TILE_K) / 4}u) {
      let mm = flat / (TK / 4u);
      let kk = (flat % (TK / 4u)) * 4u;
      let m = row0 + mm;
      let k = k0 + kk;
      var v = vec4<${t}>(${zero(t)});
      if (m < M && k < K) { v = loadA4(m, k); }
      tileA[kk * TM + mm] = v.x;
      tileA[(kk + 1u) * TM + mm] = v.y;
      tileA[(kk + 2u) * TM + mm] = v.z;
      tileA[(kk + 3u) * TM + mm] = v.w;
    }`;
}

/** Stages the `TK × TN` tile of B one element per load. */
function stageB(t: WgslScalar, bSlot: string): string {
  return `    for (var r = 0u; r < 4u; r++) {
      let e = flat + r * 256u;
      ${bSlot}
      let n = col0 + nn;
      let k = k0 + kk;
      var v = ${zero(t)};
      if (n < N && k < K) { v = loadB(k, n); }
      tileB4[kk * (TN / 4u) + nn / 4u][nn % 4u] = v;
    }`;
}

/** Stages B four n per load: `TK · TN / 4` = 256 loads, one per invocation. */
function stageB4(t: WgslScalar): string {
  return `    {
      let kk = flat / (TN / 4u);
      let nn4 = flat % (TN / 4u);
      let n = col0 + nn4 * 4u;
      let k = k0 + kk;
      var v = vec4<${t}>(${zero(t)});
      if (n < N && k < K) { v = loadB4(k, n); }
      tileB4[kk * (TN / 4u) + nn4] = v;
    }`;
}

/** One GEMM launch: `batches` independent products of `M×K` by `K×N`. */
export interface GemmDispatch {
  /** The shader's key; the rows per invocation are appended. */
  readonly key: string;
  /** The shader for a variant (see {@link gemmVariantFor}). */
  readonly code: (variant: GemmVariant) => string;
  readonly bindings: readonly Binding[];
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly batches: number;
  /** The operator's parameter words (after the skeleton's). */
  readonly params: readonly number[];
}

/** Records the launch(es) of a {@link gemmShader}, splitting grids larger than 65535 per dimension. */
export function dispatchGemm(rt: GpuRuntime, d: GemmDispatch): void {
  const { M, N, K, batches } = d;
  if (M === 0 || N === 0 || batches === 0) return;
  const variant = gemmVariantFor(M, N, K, batches);
  const rowTiles = Math.ceil(M / (variant === 'r4' ? 64 : variant === 'r1' ? 16 : DIRECT_TILE));
  const colTiles = Math.ceil(N / (variant === 'direct' ? DIRECT_TILE : TILE));
  for (let z = 0; z < batches; z += MAX_GRID) {
    for (let y = 0; y < rowTiles; y += MAX_GRID) {
      for (let x = 0; x < colTiles; x += MAX_GRID) {
        rt.dispatch({
          key: `${d.key}:${variant}`,
          code: () => d.code(variant),
          bindings: d.bindings,
          params: [M, N, K, z, y, x, ...d.params],
          workgroups: [Math.min(MAX_GRID, colTiles - x), Math.min(MAX_GRID, rowTiles - y), Math.min(MAX_GRID, batches - z)],
        });
      }
    }
  }
}
