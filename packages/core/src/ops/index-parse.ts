/**
 * Parsing PyTorch's `x[...]` index items: integers, `'start:stop:step'` slices, `'...'`, `null`
 * (a new axis), integer index tensors and arrays, and boolean masks (tensors or arrays). The items
 * are resolved against the indexed tensor: the ellipsis is expanded, host arrays become tensors,
 * and masks become integer index tensors through `nonzero` (their size depends on the data).
 *
 * @module
 */
import { showShape } from '../shape.js';
import { emptyTensor, backendOf } from '../dispatch.js';
import { Tensor, type IndexItem } from '../tensor.js';
import { int64FromHost } from './index-util.js';
import { nonzeroSync } from './nonzero.js';

/** One index item resolved against the indexed tensor; `dim` is the tensor's dim it consumes. */
export type ResolvedItem =
  | { readonly kind: 'int'; readonly value: number; readonly dim: number }
  | { readonly kind: 'slice'; readonly start: number | null; readonly stop: number | null; readonly step: number; readonly dim: number }
  | { readonly kind: 'newaxis' }
  | { readonly kind: 'tensor'; readonly index: Tensor; readonly trusted: boolean; readonly dim: number }
  | { readonly kind: 'mask0'; readonly mask: Tensor };

type ParsedItem =
  | Exclude<ResolvedItem, { dim: number }>
  | { readonly kind: 'ellipsis' }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'slice'; readonly start: number | null; readonly stop: number | null; readonly step: number }
  | { readonly kind: 'tensor'; readonly index: Tensor }
  | { readonly kind: 'numbers'; readonly values: readonly number[] }
  | { readonly kind: 'mask'; readonly mask: Tensor };

const INTEGER = /^[+-]?\d+$/;

function parseSlice(op: string, text: string): ParsedItem {
  const parts = text.split(':').map((p) => p.trim());
  if (parts.length > 3 || parts.some((p) => p !== '' && !INTEGER.test(p))) {
    throw new Error(`[${op}] invalid slice '${text}': expected 'start:stop:step' with optional integer parts`);
  }
  const [start, stop, step] = parts.map((p) => (p === undefined || p === '' ? null : Number.parseInt(p, 10)));
  if (step === 0) throw new Error(`[${op}] slice step cannot be zero, got '${text}'`);
  if (step !== null && step !== undefined && step < 0) {
    throw new Error(`[${op}] step must be greater than zero (negative steps are not supported, as in PyTorch), got '${text}'`);
  }
  return { kind: 'slice', start: start ?? null, stop: stop ?? null, step: step ?? 1 };
}

function describe(item: unknown): string {
  if (item === undefined) return 'undefined';
  if (Array.isArray(item)) return 'an array of mixed or nested values';
  return typeof item === 'object' ? 'an object' : `${typeof item} ${String(item)}`;
}

function boolTensorFromHost(values: readonly boolean[], device: string): Tensor {
  const out = emptyTensor([values.length], 'bool', device);
  backendOf(out).write(out._storage.handle, 'bool', Uint8Array.from(values, (v) => (v ? 1 : 0)), 0);
  return out;
}

function parseItem(op: string, item: unknown, device: string): ParsedItem {
  if (item === null) return { kind: 'newaxis' };
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw new Error(`[${op}] expected integer indices, got ${item}`);
    return { kind: 'int', value: item };
  }
  if (typeof item === 'string') {
    if (item.trim() === '...') return { kind: 'ellipsis' };
    if (item.includes(':')) return parseSlice(op, item);
    throw new Error(`[${op}] invalid index string '${item}': expected a slice 'start:stop:step' or '...'`);
  }
  if (item instanceof Tensor) {
    if (item.dtype === 'bool' || item.dtype === 'uint8') {
      return item.shape.length === 0 ? { kind: 'mask0', mask: item } : { kind: 'mask', mask: item };
    }
    if (item.dtype === 'int64' || item.dtype === 'int32') return { kind: 'tensor', index: item };
    throw new Error(`[${op}] tensors used as indices must be long, int, byte or bool tensors, got ${item.dtype}`);
  }
  if (Array.isArray(item)) {
    if (item.length > 0 && item.every((v) => typeof v === 'boolean')) {
      return { kind: 'mask', mask: boolTensorFromHost(item as boolean[], device) };
    }
    if (item.every((v) => typeof v === 'number' && Number.isInteger(v))) return { kind: 'numbers', values: item as number[] };
  }
  throw new Error(`[${op}] unsupported index item: ${describe(item)}`);
}

function consumed(item: ParsedItem): number {
  switch (item.kind) {
    case 'ellipsis': case 'newaxis': case 'mask0': return 0;
    case 'mask': return item.mask.shape.length;
    default: return 1;
  }
}

/**
 * Resolves `items` against `x`: expands the ellipsis, checks the item count, makes host arrays
 * tensors (bounds-checked on the host) and turns masks into integer indices with `nonzero`
 * (`maskHint` names the async alternative for devices that cannot read synchronously).
 */
export function resolveIndexItems(op: string, x: Tensor, items: readonly IndexItem[], maskHint: string): ResolvedItem[] {
  const parsed = items.map((item) => parseItem(op, item, x.device));
  const rank = x.shape.length;
  if (parsed.filter((p) => p.kind === 'ellipsis').length > 1) {
    throw new Error(`[${op}] an index can only have a single ellipsis ('...')`);
  }
  const used = parsed.reduce((n, p) => n + consumed(p), 0);
  if (used > rank) throw new Error(`[${op}] too many indices for tensor of dimension ${rank}`);
  const out: ResolvedItem[] = [];
  let dim = 0;
  for (const item of parsed) {
    switch (item.kind) {
      case 'ellipsis':
        for (let k = 0; k < rank - used; k++) out.push({ kind: 'slice', start: null, stop: null, step: 1, dim: dim++ });
        break;
      case 'newaxis': case 'mask0':
        out.push(item);
        break;
      case 'int': case 'slice':
        out.push({ ...item, dim: dim++ });
        break;
      case 'tensor':
        out.push({ kind: 'tensor', index: item.index, trusted: false, dim: dim++ });
        break;
      case 'numbers': {
        const size = x.shape[dim];
        const values = item.values.map((v) => {
          if (v < -size || v >= size) throw new Error(`[${op}] index ${v} is out of bounds for dimension ${dim} with size ${size}`);
          return v < 0 ? v + size : v;
        });
        out.push({ kind: 'tensor', index: int64FromHost(values, x.device), trusted: true, dim: dim++ });
        break;
      }
      case 'mask': {
        const mask = item.mask;
        const k = mask.shape.length;
        for (let j = 0; j < k; j++) {
          if (mask.shape[j] !== x.shape[dim + j]) {
            throw new Error(
              `[${op}] The shape of the mask ${showShape(mask.shape)} at index ${j} does not match the shape ` +
                `of the indexed tensor ${showShape(x.shape.slice(dim))} at index ${j}`,
            );
          }
        }
        const coords = nonzeroSync(op, mask, maskHint);
        const n = coords.shape[0];
        for (let j = 0; j < k; j++) {
          out.push({ kind: 'tensor', index: new Tensor(coords._storage, [n], [k], j), trusted: true, dim: dim++ });
        }
        break;
      }
    }
  }
  return out;
}

/**
 * Resolved items written back as index items that select the same elements without reading data
 * again (masks appear as their integer indices; a 0-d mask stays a mask).
 */
export function toIndexItems(items: readonly ResolvedItem[]): IndexItem[] {
  return items.map((item): IndexItem => {
    switch (item.kind) {
      case 'int': return item.value;
      case 'slice': return `${item.start ?? ''}:${item.stop ?? ''}:${item.step}`;
      case 'newaxis': return null;
      case 'tensor': return item.index;
      case 'mask0': return item.mask;
    }
  });
}
