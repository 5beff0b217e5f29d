/**
 * The element formatter of PyTorch's printing (`_Formatter` in `torch/_tensor_str.py`, 1.13): one
 * pass over the printed elements chooses integer / fixed / scientific notation and a common width,
 * so every element of a tensor lines up.
 *
 * @module
 */
import { isFloatingPoint, type DType } from '../dtype.js';
import { formatExp, formatFixed } from './py-float.js';
import type { PrintOptions } from './print-options.js';

/** One element as read from host data: numbers for all dtypes but int64 (bigint); bool is 0/1. */
export type ElementValue = number | bigint;

/** Formats single elements of one tensor with the notation and width chosen for all of them. */
export class Formatter {
  /** Width every formatted element is left-padded to. */
  readonly width: number;
  private readonly floating: boolean;
  private readonly isBool: boolean;
  private readonly precision: number;
  private readonly intMode: boolean = true;
  private readonly sciMode: boolean = false;

  /**
   * Scans `values` (the elements that will be printed, i.e. only the edges of a summarised tensor)
   * to choose the notation and width.
   */
  constructor(values: readonly ElementValue[], dtype: DType, options: Pick<PrintOptions, 'precision' | 'sciMode'>) {
    this.floating = isFloatingPoint(dtype);
    this.isBool = dtype === 'bool';
    this.precision = options.precision;
    let width = 1;
    if (!this.floating) {
      for (const v of values) width = Math.max(width, this.plain(v).length);
      this.width = width;
      return;
    }

    const nonzeroFinite = (values as readonly number[]).filter((v) => Number.isFinite(v) && v !== 0);
    if (nonzeroFinite.length === 0) {
      // PyTorch returns before applying the sciMode option here, so all-zero/nan/inf tensors
      // always print in integer mode ('0.', 'nan'), even with sciMode forced on.
      this.width = width;
      return;
    }
    let min = Infinity;
    let max = 0;
    for (const v of nonzeroFinite) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    this.intMode = nonzeroFinite.every((v) => v === Math.ceil(v));
    const p = this.precision;
    // The thresholds compare doubles, as PyTorch does after converting to float64.
    if (this.intMode) {
      if (max / min > 1000 || max > 1e8) {
        this.sciMode = true;
        for (const v of nonzeroFinite) width = Math.max(width, formatExp(v, p).length);
      } else {
        // + 1 for the '.' appended to integer-valued floats.
        for (const v of nonzeroFinite) width = Math.max(width, formatFixed(v, 0).length + 1);
      }
    } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
      this.sciMode = true;
      for (const v of nonzeroFinite) width = Math.max(width, formatExp(v, p).length);
    } else {
      for (const v of nonzeroFinite) width = Math.max(width, formatFixed(v, p).length);
    }
    // A forced mode changes the notation but keeps the width measured above, as in PyTorch (so
    // sciMode=false on tiny values pads '0.0000' to the width of '1.0000e-05').
    if (options.sciMode !== undefined) this.sciMode = options.sciMode;
    this.width = width;
  }

  /** Python's `'{}'.format(value)` for integer and bool elements. */
  private plain(v: ElementValue): string {
    if (this.isBool) return v ? 'True' : 'False';
    return v.toString();
  }

  /** Formats one element, left-padded to {@link Formatter.width}. */
  format(value: ElementValue): string {
    let text: string;
    if (!this.floating) {
      text = this.plain(value);
    } else {
      const v = value as number;
      if (this.sciMode) text = formatExp(v, this.precision);
      else if (this.intMode) text = formatFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
      else text = formatFixed(v, this.precision);
    }
    return text.padStart(this.width, ' ');
  }
}
