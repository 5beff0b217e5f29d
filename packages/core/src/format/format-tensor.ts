/**
 * A tensor's `repr` exactly as PyTorch 1.13 prints it (`torch/_tensor_str.py`): nested brackets,
 * summarisation with `...`, wrapping of 1-D rows and the `dtype=` / `grad_fn=` suffixes.
 *
 * Pure: works on host data, so it depends on neither the Tensor class nor a device.
 *
 * @module
 */
import type { TypedArray } from '../backend/contract.js';
import { getDefaultDtype } from '../defaults.js';
import type { DType } from '../dtype.js';
import { Formatter, type ElementValue } from './formatter.js';
import { getPrintOptions, type PrintOptions } from './print-options.js';

/** What a tensor's repr shows beyond its data. */
export interface FormatExtras {
  /** The default floating-point dtype; its name is not printed. Defaults to the current default dtype. */
  defaultFloatDType?: DType;
  /** The tensor's device; printed as `device='...'` unless it is `'cpu'`. */
  device?: string;
  /** Prints `requires_grad=True` (unless `gradFn` is given). */
  requiresGrad?: boolean;
  /** The name of the node that made the tensor, printed as `grad_fn=<MulBackward0>`. */
  gradFn?: string;
}

/** Python's `str(tuple(shape))`: `(0, 3)`, `(0,)`. */
function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The element indices printed along a dimension of size `n` (`null` marks the `...`). */
function printedIndices(n: number, summarize: boolean, edgeitems: number, isRow: boolean): (number | null)[] {
  const all = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  if (!summarize || n <= 2 * edgeitems) return all(0, n);
  // PyTorch slices a row with self[-edgeitems:], which for edgeitems = 0 is the whole row.
  const tail = isRow && edgeitems === 0 ? all(0, n) : all(n - edgeitems, n);
  return [...all(0, edgeitems), null, ...tail];
}

/** Renders the bracketed data of a non-empty tensor (`_tensor_str`). */
class DataPrinter {
  private readonly strides: number[];
  private readonly summarize: boolean;
  private readonly formatter: Formatter;

  constructor(
    private readonly data: TypedArray,
    private readonly shape: readonly number[],
    dtype: DType,
    numel: number,
    private readonly options: PrintOptions,
  ) {
    this.strides = new Array<number>(shape.length);
    let stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      this.strides[d] = stride;
      stride *= shape[d];
    }
    this.summarize = numel > options.threshold;
    // The formatter sees only the printed elements (get_summarized_data), so the hidden middle of
    // a summarised tensor does not affect notation or width.
    const printed: ElementValue[] = [];
    this.collect(0, 0, printed);
    this.formatter = new Formatter(printed, dtype, options);
  }

  private value(offset: number): ElementValue {
    return this.data[offset];
  }

  private indices(dim: number): (number | null)[] {
    return printedIndices(this.shape[dim], this.summarize, this.options.edgeitems, dim === this.shape.length - 1);
  }

  private collect(offset: number, dim: number, out: ElementValue[]): void {
    if (dim === this.shape.length) {
      out.push(this.value(offset));
      return;
    }
    for (const i of this.indices(dim)) {
      if (i !== null) this.collect(offset + i * this.strides[dim], dim + 1, out);
    }
  }

  /** The text of the sub-tensor at `offset` starting at dimension `dim`. */
  render(offset: number, dim: number, indent: number): string {
    const rank = this.shape.length - dim;
    if (rank === 0) return this.formatter.format(this.value(offset));
    if (rank === 1) return this.renderRow(offset, dim, indent);
    const slices = this.indices(dim).map((i) =>
      i === null ? '...' : this.render(offset + i * this.strides[dim], dim + 1, indent + 1),
    );
    // Blocks of rank r are separated by r - 1 newlines: one blank line between matrices, etc.
    return `[${slices.join(`,${'\n'.repeat(rank - 1)}${' '.repeat(indent + 1)}`)}]`;
  }

  /** A 1-D row, wrapped so each line holds as many whole elements as fit in the line width (`_vector_str`). */
  private renderRow(offset: number, dim: number, indent: number): string {
    const elementLength = this.formatter.width + 2; // ', ' between elements
    const perLine = Math.max(1, Math.floor((this.options.linewidth - indent) / elementLength));
    // The ' ...' of a summarised row takes an element's slot when wrapping, as in PyTorch.
    const items = this.indices(dim).map((i) =>
      i === null ? ' ...' : this.formatter.format(this.value(offset + i * this.strides[dim])),
    );
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
}

/** Appends `, suffix` items, moving one to a new line when it would pass the line width (`_add_suffixes`). */
function addSuffixes(text: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  const parts = [text];
  // PyTorch's count is two more than the last line's length; kept for identical wrapping.
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLength = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLength += suffix.length + 2;
    }
  }
  return `${parts.join('')})`;
}

/**
 * Formats host data (contiguous, row-major) as PyTorch's repr:
 * `'tensor([...], dtype=..., requires_grad=True)'`, using the current {@link getPrintOptions}.
 *
 * `data` holds the tensor's dtype representation (`BigInt64Array` for int64, 0/1 bytes for bool);
 * float32 values are formatted as the doubles they convert to, as PyTorch does.
 *
 * @example
 * ```ts
 * formatTensor(new Float32Array([1, 2, 3, 4]), [2, 2], 'float32');
 * // 'tensor([[1., 2.],\n        [3., 4.]])'
 * ```
 */
export function formatTensor(
  data: TypedArray,
  shape: readonly number[],
  dtype: DType,
  extras: FormatExtras = {},
): string {
  const options = getPrintOptions();
  const numel = shape.reduce((n, size) => n * size, 1);
  if (data.length < numel) {
    throw new Error(`[formatTensor] shape [${shape.join(', ')}] needs ${numel} elements but data has ${data.length}`);
  }
  const prefix = 'tensor(';
  const indent = prefix.length;
  const defaultFloat = extras.defaultFloatDType ?? getDefaultDtype();
  const suffixes: string[] = [];
  if (extras.device !== undefined && extras.device !== 'cpu') suffixes.push(`device='${extras.device}'`);

  let body: string;
  if (numel === 0) {
    // NumPy-style: the shape of an empty tensor is only implied for 1-D, and with no elements to
    // show, every dtype but the default float one is named (int64 and bool included).
    if (shape.length !== 1) suffixes.push(`size=${pyTuple(shape)}`);
    if (dtype !== defaultFloat) suffixes.push(`dtype=torch.${dtype}`);
    body = '[]';
  } else {
    if (dtype !== defaultFloat && dtype !== 'int64' && dtype !== 'bool') suffixes.push(`dtype=torch.${dtype}`);
    body = new DataPrinter(data, shape, dtype, numel, options).render(0, 0, indent);
  }

  if (extras.gradFn !== undefined) suffixes.push(`grad_fn=<${extras.gradFn}>`);
  else if (extras.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent, options.linewidth);
}
