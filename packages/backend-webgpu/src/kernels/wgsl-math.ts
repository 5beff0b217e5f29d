/**
 * WGSL helper functions with PyTorch's float32 semantics, for any kernel to include.
 *
 * WGSL's builtins are not enough: it has no `erf`, `expm1` or `log1p`; `exp` and `log` may be off by
 * many ULP (Vulkan allows `3 + 2|x|` ULP for exp and an absolute 2^-21 for log near 1); `tanh`,
 * `sinh`, `cosh` may overflow in intermediate steps; `pow` is undefined for negative bases; `%` on
 * floats is `a - b * trunc(a / b)`, not an exact fmod; and compilers may assume that no value is
 * NaN or infinite, so special values are tested on bits. Each function handles its own special
 * values; NaN inputs are also caught by the kernels (see unary.ts).
 *
 * Use {@link wgslMath}: it returns the functions that a piece of WGSL calls, with their dependencies.
 *
 * @module
 */

/** A WGSL float literal for `x` (always with a decimal point or an exponent). */
function lit(x: number): string {
  return x.toPrecision(10);
}

/** Maclaurin coefficients of erf(x)/x in x²: `2/√π · (-1)^n / (n! (2n + 1))`; 11 terms reach 1e-8 on |x| ≤ 1. */
const ERF_SERIES = Array.from({ length: 11 }, (_, n) => {
  let factorial = 1;
  for (let i = 2; i <= n; i++) factorial *= i;
  return ((2 / Math.sqrt(Math.PI)) * (n % 2 === 0 ? 1 : -1)) / (factorial * (2 * n + 1));
});

/**
 * Chebyshev coefficients of exp(x²)·erfc(x) on [1, 4], from interpolation at 30 Chebyshev points of
 * 40-digit mpmath values (`c_j = 2/N Σ_k g(x_k) cos(π j (k + ½) / N)`, `c_0` halved). The 15 kept
 * terms leave an error below 4e-11, far under float32's resolution.
 */
const ERFC_CHEBYSHEV = [
  0.24442575284923573, -0.13589862891594598, 0.03563511414853497, -0.00888409861822249, 0.002118423997553177,
  -0.00048539876408003704, 0.00010727375453771771, -2.2936634481904863e-05, 4.7568746915755546e-06, -9.58994483266277e-07,
  1.8829006882958966e-07, -3.606320662143091e-08, 6.7476020519374555e-09, -1.234907042333986e-09, 2.213150119337267e-10,
];

/** Horner evaluation of `coefficients` (lowest first) at `v`, as WGSL. */
function horner(coefficients: readonly number[], v: string): string {
  let expr = lit(coefficients[coefficients.length - 1]!);
  for (let i = coefficients.length - 2; i >= 0; i--) expr = `(${lit(coefficients[i]!)} + ${v} * ${expr})`;
  return expr;
}

/** The unrolled steps of Clenshaw's recurrence over {@link ERFC_CHEBYSHEV} (all but the last). */
function clenshaw(): string {
  const lines: string[] = [];
  for (let j = ERFC_CHEBYSHEV.length - 1; j > 0; j--) {
    lines.push(`  b0 = 2.0 * t * b1 - b2 + ${lit(ERFC_CHEBYSHEV[j]!)}; b2 = b1; b1 = b0;`);
  }
  return lines.join('\n');
}

const INV_FACTORIALS = Array.from({ length: 11 }, (_, n) => {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return 1 / f;
});

/** sin r = r + r³ Σ (-1)^(n+1) r^(2n) / (2n + 3)!, and cos r = 1 - r²/2 + r⁴ Σ (-1)^n r^(2n) / (2n + 4)!. */
const SIN_TAIL = Array.from({ length: 5 }, (_, n) => (n % 2 === 0 ? -1 : 1) / factorial(2 * n + 3));
const COS_TAIL = Array.from({ length: 5 }, (_, n) => (n % 2 === 0 ? 1 : -1) / factorial(2 * n + 4));
/** atan t = t Σ (-1)^n t^(2n) / (2n + 1): 11 terms reach 1e-9 on |t| <= tan(π/8). */
const ATAN_SERIES = Array.from({ length: 11 }, (_, n) => (n % 2 === 0 ? 1 : -1) / (2 * n + 1));

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

interface Helper {
  readonly deps: readonly string[];
  readonly code: string;
}

const HELPERS: Record<string, Helper> = {
  tt_isNan: { deps: [], code: `fn tt_isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }` },
  tt_isInf: { deps: [], code: `fn tt_isInf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }` },
  tt_isZero: { deps: [], code: `fn tt_isZero(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0u; }` },
  tt_isNeg: { deps: [], code: `fn tt_isNeg(x: f32) -> bool { return (bitcast<u32>(x) >> 31u) == 1u; }` },
  // Read from private variables: a constant expression may not evaluate to infinity or NaN.
  tt_inf: {
    deps: [],
    code: `var<private> tt_infBits: u32 = 0x7f800000u;\nfn tt_inf() -> f32 { return bitcast<f32>(tt_infBits); }`,
  },
  tt_nan: {
    deps: [],
    code: `var<private> tt_nanBits: u32 = 0x7fc00000u;\nfn tt_nan() -> f32 { return bitcast<f32>(tt_nanBits); }`,
  },
  // e^r for |r| <= ln2/2 (degree 10 Taylor: error < 1e-10 relative).
  tt_expPoly: { deps: [], code: `fn tt_expPoly(r: f32) -> f32 { return ${horner(INV_FACTORIALS, 'r')}; }` },
  // exp(x) = 2^k e^r with r = x - k ln2 (ln2 split in two so that k * LN2_HI is exact): ~1 ULP.
  tt_exp: {
    deps: ['tt_expPoly', 'tt_inf'],
    code: /* wgsl */ `
fn tt_exp(x: f32) -> f32 {
  if (x > 88.72284) { return tt_inf(); }
  if (x < -103.97208) { return 0.0; }
  let k = round(x * 1.442695041);
  let r = (x - k * 0.693145751953125) - k * 1.428606765330187e-6;
  let p = tt_expPoly(r);
  let ki = i32(k);
  // Two steps keep each exponent inside ldexp's defined range near overflow and underflow.
  return ldexp(ldexp(p, ki / 2), ki - ki / 2);
}`,
  },
  tt_exp2: {
    deps: ['tt_expPoly', 'tt_inf'],
    code: /* wgsl */ `
fn tt_exp2(x: f32) -> f32 {
  if (x >= 128.0) { return tt_inf(); }
  if (x < -150.0) { return 0.0; }
  let k = round(x);
  let p = tt_expPoly((x - k) * 0.6931471806);
  let ki = i32(k);
  return ldexp(ldexp(p, ki / 2), ki - ki / 2);
}`,
  },
  // expm1 without cancellation near 0 (Taylor series for |x| < 0.5).
  tt_expm1: {
    deps: ['tt_exp'],
    code: /* wgsl */ `
fn tt_expm1(x: f32) -> f32 {
  if (abs(x) < 0.5) { return x * ${horner(INV_FACTORIALS.slice(1), 'x')}; }
  return tt_exp(x) - 1.0;
}`,
  },
  // 2 atanh(s) = log((1 + s)/(1 - s)) for |s| <= 0.172 (error < 1e-9).
  tt_atanh2: {
    deps: [],
    code: /* wgsl */ `
fn tt_atanh2(s: f32) -> f32 {
  let z = s * s;
  return 2.0 * s * ${horner([1, 1 / 3, 1 / 5, 1 / 7, 1 / 9, 1 / 11], 'z')};
}`,
  },
  // log(m) for m in [√½, √2], with s = (m - 1)/(m + 1) (m - 1 is exact there).
  tt_logCore: { deps: ['tt_atanh2'], code: `fn tt_logCore(m: f32) -> f32 { return tt_atanh2((m - 1.0) / (m + 1.0)); }` },
  // x = m 2^e with m in [√½, √2); returns (e, log m). Special values are the callers' concern.
  tt_logParts: {
    deps: ['tt_logCore'],
    code: /* wgsl */ `
fn tt_logParts(x: f32) -> vec2<f32> {
  let parts = frexp(x);
  var m = parts.fract;
  var e = f32(parts.exp);
  if (m < 0.7071067812) { m = m * 2.0; e = e - 1.0; }
  return vec2<f32>(e, tt_logCore(m));
}`,
  },
  // Shared special values of the logarithms: NaN below 0, -inf at ±0, +inf at +inf.
  tt_logSpecial: {
    deps: ['tt_isZero', 'tt_inf', 'tt_nan'],
    code: /* wgsl */ `
fn tt_logSpecial(x: f32) -> vec2<f32> {
  if (tt_isZero(x)) { return vec2<f32>(1.0, -tt_inf()); }
  if (x < 0.0) { return vec2<f32>(1.0, tt_nan()); }
  if (bitcast<u32>(x) == 0x7f800000u) { return vec2<f32>(1.0, x); }
  return vec2<f32>(0.0, 0.0);
}`,
  },
  tt_log: {
    deps: ['tt_logParts', 'tt_logSpecial'],
    code: /* wgsl */ `
fn tt_log(x: f32) -> f32 {
  let special = tt_logSpecial(x);
  if (special.x != 0.0) { return special.y; }
  let p = tt_logParts(x);
  return p.x * 0.693145751953125 + (p.y + p.x * 1.428606765330187e-6);
}`,
  },
  tt_log2: {
    deps: ['tt_logParts', 'tt_logSpecial'],
    code: /* wgsl */ `
fn tt_log2(x: f32) -> f32 {
  let special = tt_logSpecial(x);
  if (special.x != 0.0) { return special.y; }
  let p = tt_logParts(x);
  return p.x + p.y * 1.442695041;
}`,
  },
  tt_log10: {
    deps: ['tt_logParts', 'tt_logSpecial'],
    code: /* wgsl */ `
fn tt_log10(x: f32) -> f32 {
  let special = tt_logSpecial(x);
  if (special.x != 0.0) { return special.y; }
  let p = tt_logParts(x);
  return p.x * 0.3010299957 + p.y * 0.4342944819;
}`,
  },
  // log(1 + x) = 2 atanh(x / (2 + x)) near 0, where log(1 + x) would lose x's low bits.
  tt_log1p: {
    deps: ['tt_log', 'tt_atanh2'],
    code: /* wgsl */ `
fn tt_log1p(x: f32) -> f32 {
  if (x > -0.2928932 && x < 0.4142135) { return tt_atanh2(x / (2.0 + x)); }
  return tt_log(1.0 + x);
}`,
  },
  // Sigmoid with exp of a non-positive argument only, so it never overflows.
  tt_sigmoid: {
    deps: ['tt_exp'],
    code: /* wgsl */ `
fn tt_sigmoid(x: f32) -> f32 {
  let e = tt_exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}`,
  },
  tt_tanh: {
    deps: ['tt_expm1'],
    code: /* wgsl */ `
fn tt_tanh(x: f32) -> f32 {
  if (abs(x) >= 10.0) { return sign(x); } // tanh(10) rounds to 1 in float32
  let t = tt_expm1(-2.0 * abs(x));
  let r = -t / (2.0 + t);
  return select(r, -r, x < 0.0);
}`,
  },
  // For |x| > 20, e^|x| / 2 as (e^(|x|/2) / 2) e^(|x|/2): finite up to float32's largest value.
  tt_sinh: {
    deps: ['tt_expm1', 'tt_exp'],
    code: /* wgsl */ `
fn tt_sinh(x: f32) -> f32 {
  let a = abs(x);
  var r: f32;
  if (a > 20.0) {
    let h = tt_exp(0.5 * a);
    r = (0.5 * h) * h;
  } else {
    let t = tt_expm1(a);
    r = 0.5 * (t + t / (t + 1.0));
  }
  return select(r, -r, x < 0.0);
}`,
  },
  tt_cosh: {
    deps: ['tt_exp'],
    code: /* wgsl */ `
fn tt_cosh(x: f32) -> f32 {
  let a = abs(x);
  if (a > 20.0) {
    let h = tt_exp(0.5 * a);
    return (0.5 * h) * h;
  }
  let e = tt_exp(a);
  return 0.5 * (e + 1.0 / e);
}`,
  },
  tt_erf: {
    deps: ['tt_exp'],
    code: /* wgsl */ `
fn tt_erf(x: f32) -> f32 {
  let a = abs(x);
  if (a <= 1.0) {
    let z = x * x;
    return x * ${horner(ERF_SERIES, 'z')};
  }
  if (a >= 3.92) { return sign(x); } // erfc(3.92) < 2^-25: erf rounds to ±1
  // Clenshaw's recurrence for exp(a²) erfc(a) with a mapped from [1, 4] to [-1, 1].
  let t = (2.0 * a - 5.0) / 3.0;
  var b1 = 0.0;
  var b2 = 0.0;
  var b0 = 0.0;
${clenshaw()}
  let r = 1.0 - tt_exp(-a * a) * (t * b1 - b2 + ${lit(ERFC_CHEBYSHEV[0]!)});
  return select(r, -r, x < 0.0);
}`,
  },
  // sin and cos together: x = k π/2 + r with π/2 split in three (Cody-Waite; k·P1 is exact for
  // |k| < 2^16, so accuracy holds to |x| ~ 1e5; beyond, the builtins), then Taylor polynomials on |r| <= π/4.
  tt_sincos: {
    deps: ['tt_isInf', 'tt_nan'],
    code: /* wgsl */ `
fn tt_sincos(x: f32) -> vec2<f32> {
  if (tt_isInf(x)) { return vec2<f32>(tt_nan(), tt_nan()); }
  // Beyond 2^16 quarter turns k·P1 is no longer exact; the builtins reduce such arguments themselves.
  if (abs(x) > 65536.0) { return vec2<f32>(sin(x), cos(x)); }
  let k = round(x * 0.6366197724);
  let r = ((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.549789954891882e-8;
  let z = r * r;
  let s = r + r * z * ${horner(SIN_TAIL, 'z')};
  let c = 1.0 - 0.5 * z + z * z * ${horner(COS_TAIL, 'z')};
  switch (i32(k) & 3) {
    case 0: { return vec2<f32>(s, c); }
    case 1: { return vec2<f32>(c, -s); }
    case 2: { return vec2<f32>(-s, -c); }
    default: { return vec2<f32>(-c, s); }
  }
}`,
  },
  // atan on [0, ∞]: 1/t above 1, then a shift by π/4 above tan(π/8), then the Taylor series.
  tt_atanPos: {
    deps: [],
    code: /* wgsl */ `
fn tt_atanPos(a: f32) -> f32 {
  let inverted = a > 1.0;
  var t = select(a, 1.0 / a, inverted);
  var base = 0.0;
  if (t > 0.4142135624) { t = (t - 1.0) / (t + 1.0); base = 0.7853981634; }
  let z = t * t;
  let r = base + t * ${horner(ATAN_SERIES, 'z')};
  return select(r, 1.570796327 - r, inverted);
}`,
  },
  tt_tan: { deps: ['tt_sincos'], code: `fn tt_tan(x: f32) -> f32 { let sc = tt_sincos(x); return sc.x / sc.y; }` },
  tt_atan: { deps: ['tt_atanPos'], code: `fn tt_atan(x: f32) -> f32 { let r = tt_atanPos(abs(x)); return select(r, -r, x < 0.0); }` },
  // asin(x) = atan(x / √((1 - x)(1 + x))): no cancellation near ±1, NaN beyond.
  tt_asin: { deps: ['tt_atan'], code: `fn tt_asin(x: f32) -> f32 { return tt_atan(x / sqrt((1.0 - x) * (1.0 + x))); }` },
  // acos(x) = 2 atan(√((1 - x)/(1 + x))), exact in the endpoints.
  tt_acos: { deps: ['tt_atanPos'], code: `fn tt_acos(x: f32) -> f32 { return 2.0 * tt_atanPos(sqrt((1.0 - x) / (1.0 + x))); }` },
  tt_atan2: {
    deps: ['tt_isNan', 'tt_isInf', 'tt_isZero', 'tt_isNeg', 'tt_nan', 'tt_atanPos'],
    code: /* wgsl */ `
fn tt_atan2(y: f32, x: f32) -> f32 {
  if (tt_isNan(x) || tt_isNan(y)) { return tt_nan(); }
  var r: f32;
  if (tt_isZero(y)) {
    r = select(0.0, 3.141592654, tt_isNeg(x));
  } else if (tt_isZero(x)) {
    r = 1.570796327;
  } else if (tt_isInf(x) && tt_isInf(y)) {
    r = select(0.7853981634, 2.356194490, x < 0.0);
  } else if (tt_isInf(x)) {
    r = select(0.0, 3.141592654, x < 0.0);
  } else if (tt_isInf(y)) {
    r = 1.570796327;
  } else {
    r = tt_atanPos(abs(y) / abs(x));
    if (x < 0.0) { r = 3.141592654 - r; }
  }
  return select(r, -r, tt_isNeg(y));
}`,
  },
  // C's fmod, exact: subtracts the largest b·2^k <= r each step (exact by Sterbenz's lemma).
  tt_fmod: {
    deps: ['tt_isNan', 'tt_isInf', 'tt_isZero', 'tt_isNeg', 'tt_nan'],
    code: /* wgsl */ `
fn tt_fmod(a: f32, b: f32) -> f32 {
  if (tt_isNan(a) || tt_isNan(b) || tt_isInf(a) || tt_isZero(b)) { return tt_nan(); }
  if (tt_isInf(b)) { return a; }
  var r = abs(a);
  let d = abs(b);
  let de = frexp(d).exp;
  for (var k = 0; k < 300 && r >= d; k++) {
    let e = frexp(r).exp - de;
    var s = ldexp(d, e);
    if (s > r) { s = ldexp(d, e - 1); }
    r = r - s;
  }
  return select(r, -r, tt_isNeg(a));
}`,
  },
  // Python's float %: the result takes the divisor's sign.
  tt_remainder: {
    deps: ['tt_fmod'],
    code: /* wgsl */ `
fn tt_remainder(a: f32, b: f32) -> f32 {
  let m = tt_fmod(a, b);
  if (m != 0.0 && ((m < 0.0) != (b < 0.0))) { return m + b; }
  return m;
}`,
  },
  // Python's float //, computed like PyTorch: (a - fmod(a, b)) / b, rounded to the nearest integer.
  tt_floorDivide: {
    deps: ['tt_fmod', 'tt_isZero'],
    code: /* wgsl */ `
fn tt_floorDivide(a: f32, b: f32) -> f32 {
  if (tt_isZero(b)) { return a / b; }
  let m = tt_fmod(a, b);
  var q = (a - m) / b;
  if (m != 0.0 && ((b < 0.0) != (m < 0.0))) { q = q - 1.0; }
  if (tt_isZero(q)) {
    return bitcast<f32>(bitcast<u32>(a / b) & 0x80000000u); // zero with the true quotient's sign
  }
  let f = floor(q);
  return select(f, f + 1.0, q - f > 0.5);
}`,
  },
  // C's pow (1^y = x^0 = 1, even for NaN; (-1)^±inf = 1); small integer powers by exact squaring.
  tt_pow: {
    deps: ['tt_isNan', 'tt_isInf', 'tt_isZero', 'tt_isNeg', 'tt_inf', 'tt_nan', 'tt_exp', 'tt_log'],
    code: /* wgsl */ `
fn tt_pow(x: f32, y: f32) -> f32 {
  if (tt_isZero(y) || bitcast<u32>(x) == 0x3f800000u) { return 1.0; }
  if (tt_isNan(x) || tt_isNan(y)) { return tt_nan(); }
  let ax = abs(x);
  if (tt_isInf(y)) {
    if (ax == 1.0) { return 1.0; }
    return select(0.0, tt_inf(), (ax > 1.0) == (y > 0.0));
  }
  let yInt = floor(y) == y;
  let yOdd = yInt && abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1;
  let negate = yOdd && tt_isNeg(x);
  var r: f32;
  if (tt_isZero(x) || tt_isInf(x)) {
    r = select(0.0, tt_inf(), tt_isZero(x) == (y < 0.0));
  } else if (x < 0.0 && !yInt) {
    return tt_nan();
  } else if (yInt && abs(y) <= 64.0) {
    var n = u32(abs(y));
    var base = ax;
    r = 1.0;
    while (n > 0u) {
      if ((n & 1u) == 1u) { r = r * base; }
      base = base * base;
      n = n >> 1u;
    }
    if (y < 0.0) { r = 1.0 / r; }
  } else {
    r = tt_exp(y * tt_log(ax));
  }
  return select(r, -r, negate);
}`,
  },
  // Python's integer // and % (WGSL's truncate toward zero).
  tt_floorDivideI: {
    deps: [],
    code: /* wgsl */ `
fn tt_floorDivideI(a: i32, b: i32) -> i32 {
  let q = a / b;
  let r = a % b;
  return select(q, q - 1, r != 0 && ((r < 0) != (b < 0)));
}`,
  },
  tt_remainderI: {
    deps: [],
    code: /* wgsl */ `
fn tt_remainderI(a: i32, b: i32) -> i32 {
  let r = a % b;
  return select(r, r + b, r != 0 && ((r < 0) != (b < 0)));
}`,
  },
  // Integer power by squaring, wrapping at 32 bits; negative exponents as PyTorch (0 unless |base| is 1).
  tt_powI: {
    deps: [],
    code: /* wgsl */ `
fn tt_powI(x: i32, y: i32) -> i32 {
  if (y < 0) {
    if (x == 1) { return 1; }
    if (x == -1) { return select(-1, 1, (y & 1) == 0); }
    return 0;
  }
  var r = 1;
  var base = x;
  var n = y;
  while (n > 0) {
    if ((n & 1) == 1) { r = r * base; }
    base = base * base;
    n = n >> 1u;
  }
  return r;
}`,
  },
  tt_powU: {
    deps: [],
    code: /* wgsl */ `
fn tt_powU(x: u32, y: u32) -> u32 {
  var r = 1u;
  var base = x;
  var n = y;
  while (n > 0u) {
    if ((n & 1u) == 1u) { r = r * base; }
    base = base * base;
    n = n >> 1u;
  }
  return r;
}`,
  },
};

/** The WGSL of every helper that `code` calls (directly or through another helper), in dependency order. */
export function wgslMath(code: string): string {
  const included = new Set<string>();
  const out: string[] = [];
  const visit = (name: string): void => {
    if (included.has(name)) return;
    included.add(name);
    const helper = HELPERS[name]!;
    for (const dep of helper.deps) visit(dep);
    out.push(helper.code.trim());
  };
  for (const name of Object.keys(HELPERS)) {
    if (new RegExp(`\\b${name}\\(`).test(code)) visit(name);
  }
  return out.join('\n');
}
