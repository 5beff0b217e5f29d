/**
 * Python-style text for the few places that print what PyTorch prints: an optimizer's repr and the
 * schedulers' verbose messages.
 *
 * @module
 */

/** Python's `repr` of a float (`1e-08`, `0.001`, `inf`); integral numbers print as Python ints. */
export function pyNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  // toExponential() gives the shortest round-trip digits, as Python's repr does.
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}

/** Python's `'{:.4e}'.format(x)`: `1.0000e-01`. */
export function pyExp4(x: number): string {
  if (!Number.isFinite(x)) return pyNumber(x);
  const [mantissa, expText] = x.toExponential(4).split('e');
  const exp = Number(expText);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Python's `str()` of an option value: `True`, `None`, `(0.9, 0.999)`, `'min'`. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const items = value.map(pyRepr);
    return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
  }
  return String(value);
}

/** The epoch as PyTorch's verbose messages print it: `%.5d` for integers, `%.2f` otherwise. */
export function pyEpoch(epoch: number): string {
  return Number.isInteger(epoch) ? (epoch < 0 ? '-' + String(-epoch).padStart(5, '0') : String(epoch).padStart(5, '0')) : epoch.toFixed(2);
}
