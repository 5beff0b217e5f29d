/**
 * Python-style formatting for layers' `extraRepr()`, which mirrors PyTorch's printed text:
 * floats as Python's `repr(float)` (`1e-05`, `0.1`, `1.0`), tuples as `(5, 5)` / `(5,)`,
 * booleans as `True`/`False`, null as `None`, strings quoted as Python quotes them.
 *
 * @module
 */

/**
 * Python's `repr(float)`: the shortest round-trip digits, in fixed notation for exponents from -4
 * to 15 (with `.0` when integral), otherwise in scientific notation with a two-digit exponent.
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    // JavaScript prints fixed notation for this whole range, with the same shortest digits.
    const fixed = String(x);
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  const sign = exp < 0 ? '-' : '+';
  const digits = String(Math.abs(exp)).padStart(2, '0');
  return `${mantissa}e${sign}${digits}`;
}

/**
 * A constructor argument as PyTorch prints it. JavaScript has one number type, so (as in the
 * project's PyTorch fixtures) an integral argument stands for a Python int and prints as one
 * (`Dropout(0)` gives `p=0`), any other as a float (`1e-05`); layers print PyTorch's float
 * defaults (`ELU()`'s `alpha=1.0`) as PyTorch does.
 */
export function pyNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : pyFloat(x);
}

/** Python's `repr` of a tuple of ints: `(5, 5)`, `(5,)`, `()`. */
export function pyTuple(values: readonly (number | null)[]): string {
  const items = values.map((v) => (v === null ? 'None' : String(v)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** `True` / `False`. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** An int, or a tuple of ints when given an array (PyTorch prints constructor arguments as given). */
export function pyIntOrTuple(value: number | readonly (number | null)[] | null): string {
  if (value === null) return 'None';
  return typeof value === 'number' ? String(value) : pyTuple(value);
}

/** Python's `repr(str)` for simple strings: single quotes. */
export function pyString(s: string): string {
  return `'${s}'`;
}
