/**
 * Matrix products with PyTorch's rules: `matmul` (1-D, 2-D and batched operands with broadcast
 * batch dims), and the strict forms `mm`, `bmm`, `mv`, `dot`, plus `outer`. All of them run the
 * backend's one batched `matmul` kernel on strided views: operands are never copied to make them
 * contiguous, so transposed and broadcast operands are read in place.
 *
 * @module
 */
import type { View } from '../backend/contract.js';
import { backendOf, checkTensor, commonDevice, differentiable, emptyTensor, toKernelScalar, viewOf } from '../dispatch.js';
import { broadcastStrides, contiguousStrides, showShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** The shapes of one product, worked out and validated before anything runs. */
interface MatmulPlan {
  /** Broadcast batch dims. */
  batch: number[];
  m: number;
  k: number;
  n: number;
  /** The shape handed to the user: the batch, then M unless `a` is 1-D, then N unless `b` is 1-D. */
  resultShape: number[];
}

function checkOperands(op: string, a: unknown, b: unknown): void {
  checkTensor(op, a);
  checkTensor(op, b, 'other');
}

function checkSameDtype(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new Error(
      `[${op}] expected both operands to have the same dtype, but found ${a.dtype} and ${b.dtype}; convert one with .to()`,
    );
  }
  if (a.dtype === 'bool') throw new Error(`[${op}] not implemented for bool tensors; convert with .int() or .float() first`);
}

function broadcastBatch(op: string, a: Tensor, b: Tensor, batchA: readonly number[], batchB: readonly number[]): number[] {
  const rank = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = batchA[batchA.length - rank + i] ?? 1;
    const db = batchB[batchB.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `[${op}] shapes ${showShape(a.shape)} and ${showShape(b.shape)}: batch dimensions ${showShape(batchA)} and ` +
          `${showShape(batchB)} cannot be broadcast (sizes ${da} and ${db} differ)`,
      );
    }
    batch.push(da === 1 ? db : da);
  }
  return batch;
}

function plan(op: string, a: Tensor, b: Tensor): MatmulPlan {
  const aVector = a.ndim === 1;
  const bVector = b.ndim === 1;
  const k = a.shape[a.ndim - 1];
  const kb = bVector ? b.shape[0] : b.shape[b.ndim - 2];
  if (k !== kb) {
    throw new Error(`[${op}] shapes ${showShape(a.shape)} and ${showShape(b.shape)}: inner dimensions ${k} and ${kb} differ`);
  }
  const m = aVector ? 1 : a.shape[a.ndim - 2];
  const n = bVector ? 1 : b.shape[b.ndim - 1];
  const batch = broadcastBatch(op, a, b, aVector ? [] : a.shape.slice(0, -2), bVector ? [] : b.shape.slice(0, -2));
  const resultShape = [...batch, ...(aVector ? [] : [m]), ...(bVector ? [] : [n])];
  return { batch, m, k, n, resultShape };
}

/** `t` read as `[...batch, rows, cols]`; a 1-D `t` becomes one row (`asRow`) or one column, by strides. */
function matrixView(t: Tensor, batch: readonly number[], rows: number, cols: number, asRow: boolean): View {
  const view = viewOf(t);
  const shape = [...batch, rows, cols];
  if (t.ndim === 1) {
    const step = t._strides[0];
    const strides = [...batch.map(() => 0), ...(asRow ? [0, step] : [step, 0])];
    return { ...view, shape, strides };
  }
  return { ...view, shape, strides: broadcastStrides(t.shape, t._strides, shape) };
}

/** Runs the batched kernel; the result is a new contiguous tensor of `p.resultShape`. */
function run(a: Tensor, b: Tensor, p: MatmulPlan, device: string): Tensor {
  const out = emptyTensor([...p.batch, p.m, p.n], a.dtype, device);
  if (out.numel() > 0) {
    const backend = backendOf(a);
    // An empty inner dimension sums nothing: zeros, without asking the kernel about K = 0.
    if (p.k === 0) backend.fill(viewOf(out), toKernelScalar(0, a.dtype));
    else backend.matmul(viewOf(out), matrixView(a, p.batch, p.m, p.k, true), matrixView(b, p.batch, p.k, p.n, false));
  }
  // Dropping the size-1 M or N of a vector operand keeps the layout contiguous.
  return new Tensor(out._storage, p.resultShape, contiguousStrides(p.resultShape), 0);
}

/** Records the product under `name` (so `gradFn` names follow PyTorch) and computes it. */
function product(name: string, op: string, a: Tensor, b: Tensor): Tensor {
  const device = commonDevice(op, [a, b]);
  checkSameDtype(op, a, b);
  const p = plan(op, a, b);
  // A vector times a matrix ends in PyTorch with a squeeze (SqueezeBackward3), not a reshape.
  const attrs = name === 'matmul' ? { vectorMatrix: a.ndim === 1 && b.ndim === 2 } : {};
  return differentiable(name, [a, b], attrs, () => run(a, b, p, device));
}

/**
 * The matrix product with PyTorch's rules: 1-D · 1-D is the dot product (0-d); 2-D · 1-D and
 * 1-D · 2-D treat the vector as a column / row and drop that dim again; otherwise the last two
 * dims multiply and the leading (batch) dims broadcast. Both operands need the same dtype.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkOperands('matmul', a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`[matmul] both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  }
  const name =
    a.ndim === 1 && b.ndim === 1 ? 'dot' : a.ndim === 2 && b.ndim === 1 ? 'mv' : a.ndim === 2 && b.ndim === 2 ? 'mm' : 'matmul';
  return product(name, 'matmul', a, b);
}

/** The product of two 2-D matrices (no broadcasting). */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkOperands('mm', a, b);
  if (a.ndim !== 2 || b.ndim !== 2) throw new Error(`[mm] expected 2-D tensors, got ${a.ndim}-D and ${b.ndim}-D`);
  return product('mm', 'mm', a, b);
}

/** The batched product of two 3-D tensors with equal batch sizes (no broadcasting). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkOperands('bmm', a, b);
  if (a.ndim !== 3 || b.ndim !== 3) throw new Error(`[bmm] expected 3-D tensors, got ${a.ndim}-D and ${b.ndim}-D`);
  if (a.shape[0] !== b.shape[0]) {
    throw new Error(`[bmm] shapes ${showShape(a.shape)} and ${showShape(b.shape)}: batch sizes ${a.shape[0]} and ${b.shape[0]} differ`);
  }
  return product('bmm', 'bmm', a, b);
}

/** The product of a 2-D matrix and a 1-D vector. */
export function mv(a: Tensor, b: Tensor): Tensor {
  checkOperands('mv', a, b);
  if (a.ndim !== 2 || b.ndim !== 1) {
    throw new Error(`[mv] expected a 2-D matrix and a 1-D vector, got ${a.ndim}-D and ${b.ndim}-D`);
  }
  return product('mv', 'mv', a, b);
}

/** The dot product of two 1-D tensors of the same length (a 0-d result). */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkOperands('dot', a, b);
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`[dot] expected 1-D tensors, got ${a.ndim}-D and ${b.ndim}-D`);
  if (a.shape[0] !== b.shape[0]) {
    throw new Error(`[dot] expected both vectors to have the same number of elements, got shapes ${showShape(a.shape)} and ${showShape(b.shape)}`);
  }
  return product('dot', 'dot', a, b);
}

/**
 * The outer product of two 1-D tensors: `a[i] * b[j]`, with PyTorch's type promotion (it is
 * `a.reshape(-1, 1).mul(b)`, so the graph records a view and a multiplication, as PyTorch does).
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkOperands('outer', a, b);
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`[outer] expected 1-D tensors, got ${a.ndim}-D and ${b.ndim}-D`);
  commonDevice('outer', [a, b]);
  return a.reshape(a.shape[0], 1).mul(b);
}
