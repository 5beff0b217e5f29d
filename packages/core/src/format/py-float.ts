/**
 * Python's float formatting (`'{:.Nf}'` and `'{:.Ne}'`) reproduced in JavaScript.
 *
 * Python rounds the exact binary value of the double to the nearest decimal and breaks exact ties
 * to even (`'{:.2f}'.format(0.125) == '0.12'`). JavaScript's `toFixed` / `toExponential` are also
 * correctly rounded on the exact value, but break ties away from zero (`(0.125).toFixed(2) ===
 * '0.13'`), print the exponent with as few digits as possible (`1.0000e+5` where Python
 * writes `1.0000e+05`), drop the sign of negative zero and switch to exponent notation at 1e21. So we use the fast built-ins only where no tie is possible and fall back to exact BigInt
 * arithmetic otherwise.
 *
 * @module
 */

const scratch = new DataView(new ArrayBuffer(8));

/** Trailing zero bits of a nonzero 32-bit integer. */
function ctz32(v: number): number {
  return 31 - Math.clz32(v & -v);
}

/** `|x| = mant * 2**exp` exactly, with `mant` odd (or zero). `x` must be finite. */
function decompose(x: number): { mant: number; exp: number } {
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  // The upper 21 bits of the 53-bit significand, with the implicit leading 1 unless subnormal.
  const top = (hi & 0xfffff) | (biased === 0 ? 0 : 0x100000);
  if (top === 0 && lo === 0) return { mant: 0, exp: 0 };
  // Shift out the trailing zero bits in O(1) (this runs for every printed element).
  const zeros = lo !== 0 ? ctz32(lo) : 32 + ctz32(top);
  const mant = (top * 2 ** 32 + lo) / 2 ** zeros; // exact: < 2**53 and a power-of-two division
  return { mant, exp: (biased === 0 ? 1 : biased) - 1075 + zeros };
}

/** The exact value of a finite non-negative double as the fraction `num / den`. */
function toFraction(x: number): { num: bigint; den: bigint } {
  const { mant, exp } = decompose(x);
  return exp >= 0
    ? { num: BigInt(mant) << BigInt(exp), den: 1n }
    : { num: BigInt(mant), den: 1n << BigInt(-exp) };
}

/** `round(num / den)` with ties to even, as Python rounds. */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twiceRem = 2n * (num - q * den);
  if (twiceRem > den || (twiceRem === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

function nonFinite(x: number): string | undefined {
  // Python prints NaN as 'nan' whatever its sign bit.
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Exact `'{:.pf}'` of a finite non-negative double. */
function exactFixed(x: number, precision: number): string {
  const { num, den } = toFraction(x);
  const digits = roundHalfEven(num * 10n ** BigInt(precision), den).toString().padStart(precision + 1, '0');
  if (precision === 0) return digits;
  return `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
}

/**
 * Python's `'{:.{precision}f}'.format(x)`: e.g. `formatFixed(0.03125, 4) === '0.0312'`,
 * `formatFixed(-0, 4) === '-0.0000'`, `formatFixed(1e30, 0) === '1000000000000000019884624838656'`.
 */
export function formatFixed(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const a = Math.abs(x);
  // The digits past the rounding position are exactly '5' (a tie) only when the exact binary value
  // ends right there: a non-integer m * 2**e (m odd) has exactly -e fraction digits, the last a 5.
  const tieFree = decompose(a).exp !== -(precision + 1);
  if (tieFree && a < 1e21 && precision <= 100) return signOf(x) + a.toFixed(precision);
  return signOf(x) + exactFixed(a, precision);
}

function expSuffix(e: number): string {
  return `e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Exact `'{:.pe}'` of a finite positive double. */
function exactExp(x: number, precision: number): string {
  const { num, den } = toFraction(x);
  // Find e with 10**e <= x < 10**(e+1), starting from the floating-point estimate.
  const below = (e: number) => (e >= 0 ? num < den * 10n ** BigInt(e) : num * 10n ** BigInt(-e) < den);
  let e = Math.floor(Math.log10(x));
  while (below(e)) e -= 1;
  while (!below(e + 1)) e += 1;
  const shift = precision - e;
  let q = shift >= 0
    ? roundHalfEven(num * 10n ** BigInt(shift), den)
    : roundHalfEven(num, den * 10n ** BigInt(-shift));
  if (q === 10n ** BigInt(precision + 1)) {
    // Rounding carried into a new digit (9.99995 -> 10.0000): renormalise.
    q /= 10n;
    e += 1;
  }
  const digits = q.toString();
  const mantissa = precision === 0 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return mantissa + expSuffix(e);
}

/** True when rounding `x` (finite, positive) to `precision` digits after the leading digit could be a tie. */
function mayTieExp(x: number, precision: number, e: number): boolean {
  const { exp } = decompose(x);
  if (exp < 0) {
    // The expansion ends with a 5 at fraction digit -exp; the cut is after fraction digit
    // precision - e. Check e - 1 too in case the built-in's rounding carried into the exponent.
    return -exp === precision - e + 1 || -exp === precision - e + 2;
  }
  // An integer: a tie needs the discarded integer digits to be exactly 50...0.
  if (e <= precision) return false;
  if (x > Number.MAX_SAFE_INTEGER) return true;
  return [e, e - 1].some((k) => k > precision && x % 10 ** (k - precision) === 5 * 10 ** (k - precision - 1));
}

/**
 * Python's `'{:.{precision}e}'.format(x)`: e.g. `formatExp(1e10, 4) === '1.0000e+10'`,
 * `formatExp(100005, 4) === '1.0000e+05'` (tie to even), `formatExp(0, 4) === '0.0000e+00'`.
 */
export function formatExp(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const a = Math.abs(x);
  if (a === 0) return `${signOf(x)}${precision === 0 ? '0' : `0.${'0'.repeat(precision)}`}e+00`;
  if (precision <= 100) {
    const builtin = a.toExponential(precision);
    const at = builtin.indexOf('e');
    const e = Number(builtin.slice(at + 1));
    if (!mayTieExp(a, precision, e)) return signOf(x) + builtin.slice(0, at) + expSuffix(e);
  }
  return signOf(x) + exactExp(a, precision);
}
