/**
 * `nonzero`: the indices of nonzero elements. Its output size depends on the data, so the count
 * must come to the host: `nonzero` reads it synchronously (devices with `readSync`, e.g. CPU), and
 * `nonzeroAsync` awaits it (every device). Everything else runs as kernels: a cumulative sum gives
 * each selected element its output row, a scatter writes the flat positions there, and integer
 * division turns flat positions into coordinates.
 *
 * @module
 */
import { backendOf, checkTensor, emptyTensor, viewOf } from '../dispatch.js';
import { contiguousStrides, numelOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { compare, floorDivide, remainder, sub, where } from './elementwise.js';
import { tryReadSync } from './index-util.js';

/** The first, data-independent half of nonzero: 0/1 flags and their count, still on the device. */
interface NonzeroPlan {
  readonly source: Tensor;
  /** int64 `[numel]`: 1 where the element is nonzero. */
  readonly flags: Tensor;
  /** int64 `[1]`: how many flags are set. */
  readonly count: Tensor;
}

function planNonzero(x: Tensor): NonzeroPlan {
  const backend = backendOf(x);
  const n = x.numel();
  const mask = x.dtype === 'bool' ? x : compare('ne', x, 0);
  const flagsFull = emptyTensor(x.shape, 'int64', x.device);
  const count = emptyTensor([1], 'int64', x.device);
  const flags = new Tensor(flagsFull._storage, [n], [1], 0);
  if (n > 0) {
    backend.copy(viewOf(flagsFull), viewOf(mask));
    backend.reduce('sum', viewOf(count), viewOf(flags), [0]);
  } else {
    backend.fill(viewOf(count), 0n);
  }
  return { source: x, flags, count };
}

/** The `[count, rank]` int64 coordinates, once the count is known on the host. */
function finishNonzero(plan: NonzeroPlan, count: number): Tensor {
  const { source: x, flags } = plan;
  const rank = x.shape.length;
  const out = emptyTensor([count, rank], 'int64', x.device);
  if (count === 0 || rank === 0) return out;
  const backend = backendOf(x);
  const n = flags.shape[0];
  // Row of each selected element: its inclusive prefix count minus one; the others go to a spare slot.
  const prefix = emptyTensor([n], 'int64', x.device);
  backend.scan('cumsum', viewOf(prefix), viewOf(flags), 0);
  const rows = where(compare('ne', flags, 0), sub(prefix, 1), count);
  // Flat positions 0..n-1, as the cumulative sum of ones minus one.
  const ones = emptyTensor([n], 'int64', x.device);
  backend.fill(viewOf(ones), 1n);
  const counting = emptyTensor([n], 'int64', x.device);
  backend.scan('cumsum', viewOf(counting), viewOf(ones), 0);
  const positions = sub(counting, 1);
  const slots = emptyTensor([count + 1], 'int64', x.device);
  backend.scatter(viewOf(slots), 0, viewOf(rows), viewOf(positions));
  const flat = new Tensor(slots._storage, [count], [1], 0);
  const strides = contiguousStrides(x.shape);
  const target = viewOf(out);
  for (let d = 0; d < rank; d++) {
    let coord = strides[d] === 1 ? flat : floorDivide(flat, strides[d]);
    if (d > 0) coord = remainder(coord, x.shape[d]);
    backend.copy({ ...target, shape: [count], strides: [rank], offset: d }, viewOf(coord));
  }
  return out;
}

/**
 * The nonzero elements' coordinates of a tensor of any device that can read synchronously, or an
 * error naming `hint` (the async alternative) on devices that cannot.
 */
export function nonzeroSync(op: string, x: Tensor, hint: string): Tensor {
  const plan = planNonzero(x);
  if (numelOf(x.shape) === 0) return finishNonzero(plan, 0);
  const data = tryReadSync(plan.count);
  if (data === undefined) throw new Error(`[${op}] needs a synchronous read on device '${x.device}'; ${hint}`);
  return finishNonzero(plan, Number(data[0]));
}

/**
 * The indices of the nonzero (true) elements as an int64 tensor of shape `[n, x.dim()]`, in
 * row-major order. The size `n` depends on the data: this reads it synchronously, so it works on
 * devices that can (CPU); elsewhere it throws and names {@link nonzeroAsync}. Not differentiable.
 */
export function nonzero(x: Tensor): Tensor {
  checkTensor('nonzero', x);
  return nonzeroSync('nonzero', x, 'use await torch.nonzeroAsync(x)');
}

/** {@link nonzero} on every device: awaits the count from the device instead of reading it synchronously. */
export async function nonzeroAsync(x: Tensor): Promise<Tensor> {
  checkTensor('nonzeroAsync', x);
  const plan = planNonzero(x);
  if (numelOf(x.shape) === 0) return finishNonzero(plan, 0);
  const data = await backendOf(x).read(viewOf(plan.count));
  return finishNonzero(plan, Number(data[0]));
}
