/**
 * Global print options, PyTorch's `torch.set_printoptions` (`torch/_tensor_str.py`, 1.13).
 *
 * @module
 */

/** The options that control how tensors print. */
export interface PrintOptions {
  /** Digits after the decimal point for floating-point values (default 4). */
  precision: number;
  /** Tensors with more elements than this are summarised with `...` (default 1000). */
  threshold: number;
  /** Items kept at each end of a summarised dimension (default 3). */
  edgeitems: number;
  /** Characters per line before 1-D rows wrap (default 80). */
  linewidth: number;
  /** Forces (true) or forbids (false) scientific notation; `undefined` lets each tensor decide. */
  sciMode: boolean | undefined;
}

/** The named presets of `torch.set_printoptions(profile=...)`. */
export type PrintProfile = 'default' | 'short' | 'full';

const PROFILES: Record<PrintProfile, Omit<PrintOptions, 'sciMode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const current: PrintOptions = { ...PROFILES.default, sciMode: undefined };

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`[setPrintOptions] ${name} must be an integer >= ${min}, got ${value}`);
  }
}

/**
 * Sets how tensors print, like `torch.set_printoptions`. A `profile` is applied first and the other
 * given fields override it.
 *
 * As in PyTorch, `sciMode` is reset to `undefined` (automatic) by every call that does not pass it:
 * `setPrintOptions({ precision: 2 })` after `setPrintOptions({ sciMode: true })` turns the forced
 * scientific notation off again.
 *
 * @example
 * ```ts
 * setPrintOptions({ precision: 2 });     // tensor([1.12])
 * setPrintOptions({ profile: 'default' }); // back to the defaults
 * ```
 */
export function setPrintOptions(options: Partial<PrintOptions> & { profile?: PrintProfile }): void {
  const { profile, precision, threshold, edgeitems, linewidth, sciMode } = options;
  // Validate everything before changing anything, so a bad call leaves the options untouched.
  if (profile !== undefined && !Object.hasOwn(PROFILES, profile)) {
    throw new Error(`[setPrintOptions] unknown profile ${JSON.stringify(profile)}: expected default, short or full`);
  }
  if (precision !== undefined) checkCount('precision', precision, 0);
  if (edgeitems !== undefined) checkCount('edgeitems', edgeitems, 0);
  if (linewidth !== undefined) checkCount('linewidth', linewidth, 1);
  if (threshold !== undefined && (Number.isNaN(threshold) || threshold < 0)) {
    throw new Error(`[setPrintOptions] threshold must be a number >= 0 (or Infinity), got ${threshold}`);
  }
  if (sciMode !== undefined && typeof sciMode !== 'boolean') {
    throw new Error(`[setPrintOptions] sciMode must be a boolean or undefined, got ${String(sciMode)}`);
  }

  if (profile !== undefined) Object.assign(current, PROFILES[profile]);
  if (precision !== undefined) current.precision = precision;
  if (threshold !== undefined) current.threshold = threshold;
  if (edgeitems !== undefined) current.edgeitems = edgeitems;
  if (linewidth !== undefined) current.linewidth = linewidth;
  current.sciMode = sciMode;
}

/** A copy of the current print options. */
export function getPrintOptions(): PrintOptions {
  return { ...current };
}
