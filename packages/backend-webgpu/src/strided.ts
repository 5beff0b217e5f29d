/**
 * Strided views in kernels. A view's shape, strides and offset travel as parameter words, never in
 * the shader source, so one pipeline serves every shape of a given rank. The WGSL generated here
 * turns a row-major element index into each operand's element offset.
 *
 * Parameter layout written by {@link viewParams} for operands `v0..vK-1` of one shape, rank R:
 * `[numel, shape[0..R), then per operand: offset, strides[0..R)]` (strides as i32 bits; a zero
 * stride broadcasts, a negative one walks backwards).
 *
 * @module
 */
import { isContiguousLayout, numelOf, type View } from '@typetorch/core';
import type { GpuStorage } from './storage.js';

/** Whether a view covers a contiguous row-major block of its storage. */
export function isContiguous(view: View): boolean {
  return isContiguousLayout(view.shape, view.strides);
}

/** The GPU buffer behind a view. */
export function bufferOf(view: View): GPUBuffer {
  return (view.handle as GpuStorage).buffer;
}

/**
 * Parameter words for operands that share `shape` (the first is usually the output), starting at
 * word `base` of the kernel's params (see the module comment for the layout).
 */
export function viewParams(shape: readonly number[], views: readonly View[]): number[] {
  const words: number[] = [numelOf(shape), ...shape];
  for (const v of views) {
    words.push(v.offset);
    for (let d = 0; d < shape.length; d++) words.push((v.strides[d] ?? 0) | 0);
  }
  return words;
}

/** How many words {@link viewParams} writes for `operands` views of rank `rank`. */
export function viewParamWords(rank: number, operands: number): number {
  return 1 + rank + operands * (1 + rank);
}

/**
 * WGSL that declares `fn offsets(i: u32) -> array<u32, K>`: the element offset of row-major index
 * `i` in each of `operands` views, reading the layout of {@link viewParams} from `params` at word
 * `base`. Unrolled for `rank`.
 */
export function wgslOffsets(rank: number, operands: number, base = 0, name = 'offsets'): string {
  const lines: string[] = [];
  lines.push(`fn ${name}(index: u32) -> array<u32, ${operands}> {`);
  lines.push(`  var out: array<u32, ${operands}>;`);
  lines.push(`  var acc: array<i32, ${operands}>;`);
  for (let k = 0; k < operands; k++) lines.push(`  acc[${k}] = i32(params[${base + 1 + rank + k * (1 + rank)}u]);`);
  if (rank > 0) lines.push('  var rest = index;');
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`  {`);
    lines.push(`    let size = params[${base + 1 + d}u];`);
    lines.push(`    let c = i32(rest % size);`);
    lines.push(`    rest = rest / size;`);
    for (let k = 0; k < operands; k++) {
      lines.push(`    acc[${k}] += c * bitcast<i32>(params[${base + 1 + rank + k * (1 + rank) + 1 + d}u]);`);
    }
    lines.push(`  }`);
  }
  for (let k = 0; k < operands; k++) lines.push(`  out[${k}] = u32(acc[${k}]);`);
  lines.push('  return out;');
  lines.push('}');
  return lines.join('\n');
}
