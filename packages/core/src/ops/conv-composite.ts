/**
 * The three products of a 2-D convolution written with the backend contract's primitive kernels,
 * for devices without fused convolution kernels (and for integer dtypes everywhere):
 * - im2col is one `copy` from a strided window view of the (zero-padded) input;
 * - the product is one batched `matmul` with the weight broadcast over the batch by strides;
 * - col2im (the input gradient) is one `scatterAdd` through a table of window positions.
 * No data is read on the host, so asynchronous devices run it unchanged.
 *
 * @module
 */
import type { TypedArray, View } from '../backend/contract.js';
import { arrayConstructor, type DType } from '../dtype.js';
import { backendOf, emptyTensor, toKernelScalar, viewOf } from '../dispatch.js';
import { Tensor } from '../tensor.js';
import type { Conv2dGeometry } from './conv-geometry.js';

/** A view of `t`'s storage with the given shape, strides and offset (no graph, no checks). */
export function rawView(t: Tensor, shape: readonly number[], strides: readonly number[], offset = t._offset): Tensor {
  return new Tensor(t._storage, shape, strides, offset, t._base ?? t);
}

/** A contiguous tensor filled with `value`. */
export function filled(shape: readonly number[], value: number, dtype: DType, device: string): Tensor {
  const t = emptyTensor(shape, dtype, device);
  if (t.numel() > 0) backendOf(t).fill(viewOf(t), toKernelScalar(value, dtype));
  return t;
}

/**
 * A tensor holding host data (written once, e.g. an index table). A Float64Array is converted to
 * `dtype` on the host first, so no float64 storage is made on devices that have none.
 */
export function fromHost(data: Int32Array | BigInt64Array | Float64Array, shape: readonly number[], dtype: DType, device: string): Tensor {
  const t = emptyTensor(shape, dtype, device);
  if (data.length > 0) backendOf(t).write(t._storage.handle, dtype, data instanceof Float64Array ? castHostNumbers(data, dtype) : data, 0);
  return t;
}

/** Host numbers as the typed array of `dtype` (integers truncate, as a cast does). */
function castHostNumbers(data: Float64Array, dtype: DType): TypedArray {
  if (dtype === 'float64') return data;
  if (dtype === 'int64') return BigInt64Array.from(data, (v) => BigInt(Math.trunc(v)));
  if (dtype === 'bool') return Uint8Array.from(data, (v) => (v !== 0 ? 1 : 0));
  return (arrayConstructor(dtype) as Float32ArrayConstructor).from(data);
}

/** Rows (or columns) of the padded input that the windows reach: the padded extent the composite allocates. */
function paddedExtent(g: Conv2dGeometry, axis: 0 | 1): number {
  const reach = (g.outSize[axis] - 1) * g.stride[axis] + (g.kernelSize[axis] - 1) * g.dilation[axis] + 1;
  return Math.max(g.padding[axis] + g.inSize[axis], reach);
}

/**
 * The input with `fill` around it so that every window lies inside: `[N, C, Hp, Wp]`. Without
 * padding the input itself is returned (windows are read through its strides).
 */
export function padInput(x: Tensor, g: Conv2dGeometry, fill: number): Tensor {
  const hp = paddedExtent(g, 0);
  const wp = paddedExtent(g, 1);
  const [pt, pl] = g.padding;
  if (pt === 0 && pl === 0 && hp === g.inSize[0] && wp === g.inSize[1]) return x;
  const out = filled([x.shape[0], x.shape[1], hp, wp], fill, x.dtype, x.device);
  const inner = rawView(out, x.shape, out._strides, pt * wp + pl);
  backendOf(out).copy(viewOf(inner), viewOf(x));
  return out;
}

/** im2col: `[N, G, C/G · KH · KW, OH · OW]`, contiguous. */
function columns(x: Tensor, g: Conv2dGeometry): Tensor {
  const p = padInput(x, g, 0);
  const [sn, sc, sh, sw] = p._strides;
  const cg = g.inChannels / g.groups;
  const [kh, kw] = g.kernelSize;
  const [oh, ow] = g.outSize;
  const windows = rawView(
    p,
    [g.batch, g.groups, cg, kh, kw, oh, ow],
    [sn, cg * sc, sc, g.dilation[0] * sh, g.dilation[1] * sw, g.stride[0] * sh, g.stride[1] * sw],
  );
  const cols = emptyTensor(windows.shape, x.dtype, x.device);
  backendOf(x).copy(viewOf(cols), viewOf(windows));
  return rawView(cols, [g.batch, g.groups, cg * kh * kw, oh * ow], [g.groups * cg * kh * kw * oh * ow, cg * kh * kw * oh * ow, oh * ow, 1], 0);
}

/** A 4-D view `[N, G, rows, cols]` of a matrix-per-group operand, with explicit strides. */
function matrices(t: Tensor, shape: readonly number[], strides: readonly number[]): View {
  return { ...viewOf(t), shape, strides };
}

/** `out = x ⊛ w (+ bias)`: `[N, OC, OH, OW]`. */
export function forwardComposite(x: Tensor, w: Tensor, bias: Tensor | null, g: Conv2dGeometry): Tensor {
  const cols = columns(x, g);
  const wc = w.contiguous();
  const ocg = g.outChannels / g.groups;
  const k = cols.shape[2];
  const p = cols.shape[3];
  const out = emptyTensor([g.batch, g.outChannels, g.outSize[0], g.outSize[1]], x.dtype, x.device);
  backendOf(x).matmul(
    matrices(out, [g.batch, g.groups, ocg, p], [g.outChannels * p, ocg * p, p, 1]),
    matrices(wc, [g.batch, g.groups, ocg, k], [0, ocg * k, k, 1]),
    viewOf(cols),
  );
  return bias === null ? out : out.add(bias.view(-1, 1, 1));
}

/**
 * Positions in the padded plane `[Hp · Wp]` read by each (kh, kw, oh, ow) of the windows, in that
 * order: the scatter table of col2im.
 */
function windowTable(g: Conv2dGeometry, wp: number): Int32Array {
  const [kh, kw] = g.kernelSize;
  const [oh, ow] = g.outSize;
  const table = new Int32Array(kh * kw * oh * ow);
  let i = 0;
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      for (let r = 0; r < oh; r++) {
        const row = (r * g.stride[0] + a * g.dilation[0]) * wp + b * g.dilation[1];
        for (let c = 0; c < ow; c++) table[i++] = row + c * g.stride[1];
      }
    }
  }
  return table;
}

/** The input gradient `[N, C, H, W]` of `out = x ⊛ w`, given `gradOut` `[N, OC, OH, OW]`. */
export function inputGradComposite(gradOut: Tensor, w: Tensor, g: Conv2dGeometry): Tensor {
  const gy = gradOut.contiguous();
  const wc = w.contiguous();
  const ocg = g.outChannels / g.groups;
  const cg = g.inChannels / g.groups;
  const [kh, kw] = g.kernelSize;
  const k = cg * kh * kw;
  const p = g.outSize[0] * g.outSize[1];
  const backend = backendOf(gy);
  const colGrad = emptyTensor([g.batch, g.groups, k, p], gy.dtype, gy.device);
  backend.matmul(
    viewOf(colGrad),
    matrices(wc, [g.batch, g.groups, k, ocg], [0, ocg * k, 1, k]),
    matrices(gy, [g.batch, g.groups, ocg, p], [g.outChannels * p, ocg * p, p, 1]),
  );
  const hp = paddedExtent(g, 0);
  const wp = paddedExtent(g, 1);
  const plane = hp * wp;
  const padded = filled([g.batch, g.inChannels, hp, wp], 0, gy.dtype, gy.device);
  const table = fromHost(windowTable(g, wp), [kh * kw * p], 'int32', gy.device);
  const perChannel = kh * kw * p;
  backend.scatterAdd(
    matrices(padded, [g.batch, g.inChannels, plane], [g.inChannels * plane, plane, 1]),
    2,
    matrices(table, [g.batch, g.inChannels, perChannel], [0, 0, 1]),
    matrices(colGrad, [g.batch, g.inChannels, perChannel], [g.inChannels * perChannel, perChannel, 1]),
  );
  const [h, wd] = g.inSize;
  const inner = rawView(padded, [g.batch, g.inChannels, h, wd], padded._strides, g.padding[0] * wp + g.padding[1]);
  return inner.contiguous();
}

/** The weight gradient `[OC, C / G, KH, KW]` of `out = x ⊛ w`, given `gradOut`. */
export function weightGradComposite(x: Tensor, gradOut: Tensor, g: Conv2dGeometry): Tensor {
  const cols = columns(x, g);
  const gy = gradOut.contiguous();
  const ocg = g.outChannels / g.groups;
  const k = cols.shape[2];
  const p = cols.shape[3];
  const backend = backendOf(gy);
  const perImage = emptyTensor([g.batch, g.groups, ocg, k], gy.dtype, gy.device);
  backend.matmul(
    viewOf(perImage),
    matrices(gy, [g.batch, g.groups, ocg, p], [g.outChannels * p, ocg * p, p, 1]),
    matrices(cols, [g.batch, g.groups, p, k], [g.groups * k * p, k * p, 1, p]),
  );
  const [kh, kw] = g.kernelSize;
  const out = emptyTensor([g.outChannels, k / (kh * kw), kh, kw], gy.dtype, gy.device);
  backend.reduce('sum', matrices(out, [1, g.groups, ocg, k], [0, ocg * k, k, 1]), viewOf(perImage), [0]);
  return out;
}
