/**
 * Scalar functions with PyTorch's semantics where JavaScript's `Math` differs or has no match.
 * Kernels call them per element; they are small so that V8 inlines them into the loops.
 *
 * @module
 */

// ---- erf ----

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * Maclaurin coefficients of erf(x) / x as a polynomial in x²:
 * `2/√π · (-1)^n / (n! (2n + 1))`. Eighteen terms reach double precision for |x| ≤ 1.
 */
const ERF_SERIES = Array.from({ length: 18 }, (_, n) => {
  let factorial = 1;
  for (let i = 2; i <= n; i++) factorial *= i;
  return (TWO_OVER_SQRT_PI * (n % 2 === 0 ? 1 : -1)) / (factorial * (2 * n + 1));
});

/**
 * Chebyshev coefficients of exp(x²)·erfc(x) on [1, 6]: interpolation at 23 Chebyshev points of
 * mpmath values (50 digits). erfc is then accurate to 4e-13 relative on [1, 6], and erf to better.
 * Reproduce with mpmath: `c_j = 2/N Σ_k g(x_k) cos(π j (k + ½) / N)`, `c_0` halved,
 * `g(x) = exp(x²) erfc(x)`, `x_k` the Chebyshev points mapped to [1, 6], `N = 23`.
 */
const ERFC_CHEBYSHEV = [
  0.20196598791223083, -0.147884835533987, 0.05188222158351389, -0.017525709964867527,
  0.005721802417478219, -0.0018109803028142997, 0.0005570714353927344, -0.00016689473052528832,
  4.878565911493746e-5, -1.3935932859822488e-5, 3.895514595190115e-6, -1.0668392337070021e-6,
  2.865502572057295e-7, -7.555861081755581e-8, 1.957586342963259e-8, -4.987110132745482e-9,
  1.2501871227565825e-9, -3.085885174876208e-10, 7.504482093106784e-11, -1.79900694643425e-11,
  4.252908986745628e-12, -9.89722306998005e-13, 2.1685106625552048e-13,
];

/** erfc(x) for x in [1, 6] by Clenshaw's recurrence on {@link ERFC_CHEBYSHEV}. */
function erfcMid(x: number): number {
  const t = (2 * x - 7) / 5; // [1, 6] -> [-1, 1]
  let b1 = 0;
  let b2 = 0;
  for (let j = ERFC_CHEBYSHEV.length - 1; j > 0; j--) {
    const b0 = 2 * t * b1 - b2 + ERFC_CHEBYSHEV[j];
    b2 = b1;
    b1 = b0;
  }
  return Math.exp(-x * x) * (t * b1 - b2 + ERFC_CHEBYSHEV[0]);
}

/** The error function, to about 1e-13 relative (JavaScript has no `Math.erf`). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax <= 1) {
    const u = x * x;
    let sum = 0;
    for (let n = ERF_SERIES.length - 1; n >= 0; n--) sum = sum * u + ERF_SERIES[n];
    return x * sum;
  }
  if (ax !== ax) return x;
  const value = ax >= 6 ? 1 : 1 - erfcMid(ax); // erfc(6) < 2.2e-17: erf rounds to 1
  return x < 0 ? -value : value;
}

// ---- floating point ----

/** The logistic function, written so that exp never overflows for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Rounds half to even, as `torch.round` does (`Math.round` rounds half up). Keeps -0. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `sign` as PyTorch computes it: `(0 < x) - (x < 0)`, so NaN and -0 give 0. */
export function signOf(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** `relu` as `x < 0 ? 0 : x`, which keeps NaN and -0 as PyTorch does. */
export function reluOf(x: number): number {
  return x < 0 ? 0 : x;
}

/** C's `pow`, which unlike `**` gives 1 for `pow(1, NaN)` and `pow(-1, ±Infinity)`. */
export function powFloat(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return x ** y;
}

/** Python's float `%`: the result has the divisor's sign (`fmod`, then shifted by the divisor). */
export function remainderFloat(a: number, b: number): number {
  const mod = a % b;
  return mod !== 0 && mod < 0 !== b < 0 ? mod + b : mod;
}

/**
 * Python's float `//`, with PyTorch's care for exactness: the quotient of `a - fmod(a, b)`, which
 * is a whole multiple of `b`, rounded to the nearest integer (plain `floor(a / b)` can be off by one
 * when `a / b` rounds up to an integer).
 */
export function floorDivideFloat(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) {
    const q = a / b; // a zero quotient takes the sign of the true quotient
    return q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1 : floor;
}

/** `minimum` propagating NaN from either side, otherwise `std::min` (so `minimum(0, -0)` is 0). */
export function minimumOf(a: number, b: number): number {
  return a !== a ? a : b !== b ? b : b < a ? b : a;
}

/** `maximum` propagating NaN from either side, otherwise `std::max` (so `maximum(-0, 0)` is -0). */
export function maximumOf(a: number, b: number): number {
  return a !== a ? a : b !== b ? b : a < b ? b : a;
}

// ---- 32-bit and 8-bit integers (values held as numbers; typed-array stores wrap) ----

/** Throws PyTorch's error for integer division by zero. */
export function zeroDivision(op: string): never {
  throw new Error(`[${op}] ZeroDivisionError: integer division by zero`);
}

/** Python's integer `//`. Exact for int32: |a / b| is never within 2^-31 relative of an integer. */
export function floorDivideInt(a: number, b: number): number {
  if (b === 0) zeroDivision('floorDivide');
  return Math.floor(a / b);
}

/** Python's integer `%` (the result has the divisor's sign). */
export function remainderInt(a: number, b: number): number {
  if (b === 0) zeroDivision('remainder');
  const mod = a % b;
  return mod !== 0 && mod < 0 !== b < 0 ? mod + b : mod;
}

/**
 * Integer power by repeated squaring, wrapping at 32 bits like C (`Math.imul`). Negative exponents
 * follow PyTorch: 1 and -1 keep their powers, anything else gives 0.
 */
export function powInt(base: number, exponent: number): number {
  if (exponent < 0) {
    if (base === 1) return 1;
    if (base === -1) return exponent % 2 === 0 ? 1 : -1;
    return 0;
  }
  let result = 1;
  while (exponent > 0) {
    if (exponent & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    exponent = Math.floor(exponent / 2);
  }
  return result;
}

// ---- int64 (bigint) ----

/** Python's integer `//` on bigints (bigint `/` truncates toward zero). */
export function floorDivideBig(a: bigint, b: bigint): bigint {
  if (b === 0n) zeroDivision('floorDivide');
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Python's integer `%` on bigints. */
export function remainderBig(a: bigint, b: bigint): bigint {
  if (b === 0n) zeroDivision('remainder');
  const mod = a % b;
  return mod !== 0n && mod < 0n !== b < 0n ? mod + b : mod;
}

/** {@link powInt} at 64 bits: repeated squaring, wrapped each step so numbers stay small. */
export function powBig(base: bigint, exponent: bigint): bigint {
  if (exponent < 0n) {
    if (base === 1n) return 1n;
    if (base === -1n) return exponent % 2n === 0n ? 1n : -1n;
    return 0n;
  }
  let result = 1n;
  while (exponent > 0n) {
    if (exponent & 1n) result = BigInt.asIntN(64, result * base);
    base = BigInt.asIntN(64, base * base);
    exponent >>= 1n;
  }
  return result;
}

/** `abs` of a bigint (the store wraps `abs(INT64_MIN)` back to INT64_MIN, as in C). */
export function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** `sign` of a bigint. */
export function signBig(x: bigint): bigint {
  return x > 0n ? 1n : x < 0n ? -1n : 0n;
}

/** `relu` of a bigint. */
export function reluBig(x: bigint): bigint {
  return x < 0n ? 0n : x;
}

/** `minimum` of bigints. */
export function minBig(a: bigint, b: bigint): bigint {
  return b < a ? b : a;
}

/** `maximum` of bigints. */
export function maxBig(a: bigint, b: bigint): bigint {
  return a < b ? b : a;
}
