import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TypedArray } from '../src/backend/contract.js';
import type { DType } from '../src/dtype.js';
import { formatTensor } from '../src/format/format-tensor.js';
import { getPrintOptions, setPrintOptions, type PrintOptions, type PrintProfile } from '../src/format/print-options.js';
import { formatExp, formatFixed } from '../src/format/py-float.js';

/** One repr printed by PyTorch 1.13 (see scripts/fixtures/gen_format.py for the format). */
interface FormatCase {
  name: string;
  dtype: DType;
  shape: number[];
  data: (number | string | boolean)[];
  requires_grad?: boolean;
  grad_fn?: string;
  options?: Partial<Omit<PrintOptions, 'threshold'>> & { threshold?: number | 'inf'; profile?: PrintProfile };
  default_dtype?: DType;
  expected: string;
}

const cases = JSON.parse(
  readFileSync(new URL('./fixtures/format.json', import.meta.url), 'utf8'),
) as FormatCase[];

function decodeFloat(v: number | string | boolean): number {
  if (typeof v === 'number') return v;
  const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };
  if (typeof v === 'string' && v in special) return special[v];
  throw new Error(`bad float in fixture: ${String(v)}`);
}

function toTypedArray(c: FormatCase): TypedArray {
  switch (c.dtype) {
    case 'int64': return BigInt64Array.from(c.data, (v) => BigInt(v as string));
    case 'float32': return Float32Array.from(c.data, decodeFloat);
    case 'float64': return Float64Array.from(c.data, decodeFloat);
    case 'int32': return Int32Array.from(c.data as number[]);
    case 'uint8': return Uint8Array.from(c.data as number[]);
    case 'bool': return Uint8Array.from(c.data, (v) => (v ? 1 : 0));
  }
}

afterEach(() => setPrintOptions({ profile: 'default' }));

describe('formatTensor matches PyTorch 1.13 repr', () => {
  it('has enough fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    if (c.options) {
      const { threshold, ...rest } = c.options;
      setPrintOptions({ ...rest, ...(threshold !== undefined ? { threshold: threshold === 'inf' ? Infinity : threshold } : {}) });
    }
    const text = formatTensor(toTypedArray(c), c.shape, c.dtype, {
      defaultFloatDType: c.default_dtype ?? 'float32',
      requiresGrad: c.requires_grad,
      gradFn: c.grad_fn,
    });
    expect(text).toBe(c.expected);
  });
});

describe('formatTensor (hand-written)', () => {
  it('prints a matrix as in the API docs', () => {
    expect(formatTensor(new Float32Array([1, 2, 3, 4]), [2, 2], 'float32')).toBe('tensor([[1., 2.],\n        [3., 4.]])');
  });

  it('prints the device before the dtype and omits cpu', () => {
    const data = new Float64Array([1.5, 2]);
    expect(formatTensor(data, [2], 'float64', { device: 'webgpu' })).toBe(
      "tensor([1.5000, 2.0000], device='webgpu', dtype=torch.float64)",
    );
    expect(formatTensor(data, [2], 'float64', { device: 'cpu' })).toBe('tensor([1.5000, 2.0000], dtype=torch.float64)');
  });

  it('lets grad_fn replace requires_grad', () => {
    expect(formatTensor(new Float32Array([-4]), [], 'float32', { requiresGrad: true, gradFn: 'MulBackward0' })).toBe(
      'tensor(-4., grad_fn=<MulBackward0>)',
    );
  });

  it('prints int64 values beyond 2**53 exactly', () => {
    const data = new BigInt64Array([9007199254740993n, -9223372036854775808n]);
    expect(formatTensor(data, [2], 'int64')).toBe('tensor([    9007199254740993, -9223372036854775808])');
  });

  it('moves each suffix that would pass the line width to its own line', () => {
    const data = new Float32Array([-0.5, 1.25, 2, -3, 4.5, 5, 6, 7]);
    expect(formatTensor(data, [8], 'float32', { device: 'webgpu:0', requiresGrad: true })).toBe(
      "tensor([-0.5000,  1.2500,  2.0000, -3.0000,  4.5000,  5.0000,  6.0000,  7.0000],\n" +
        "       device='webgpu:0', requires_grad=True)",
    );
    setPrintOptions({ linewidth: 30 });
    expect(formatTensor(new Float64Array([1.5]), [1], 'float64', { device: 'webgpu', gradFn: 'ExpBackward0' })).toBe(
      "tensor([1.5000],\n       device='webgpu',\n       dtype=torch.float64,\n       grad_fn=<ExpBackward0>)",
    );
  });

  it('names the dtype of empty int64 and bool tensors', () => {
    expect(formatTensor(new BigInt64Array(0), [0], 'int64')).toBe('tensor([], dtype=torch.int64)');
    expect(formatTensor(new Uint8Array(0), [3, 0], 'bool')).toBe('tensor([], size=(3, 0), dtype=torch.bool)');
  });

  it('rejects data shorter than the shape', () => {
    expect(() => formatTensor(new Float32Array(3), [2, 2], 'float32')).toThrow(/needs 4 elements/);
  });
});

describe('setPrintOptions', () => {
  it('applies a profile, then the given fields, and resets sciMode like PyTorch', () => {
    setPrintOptions({ sciMode: true });
    setPrintOptions({ profile: 'short', precision: 3 });
    expect(getPrintOptions()).toEqual({ precision: 3, threshold: 1000, edgeitems: 2, linewidth: 80, sciMode: undefined });
    setPrintOptions({ profile: 'full' });
    expect(getPrintOptions().threshold).toBe(Infinity);
  });

  it('rejects invalid values without changing anything', () => {
    expect(() => setPrintOptions({ precision: -1 })).toThrow(/precision/);
    expect(() => setPrintOptions({ profile: 'long' as PrintProfile })).toThrow(/profile/);
    expect(getPrintOptions().precision).toBe(4);
  });
});

describe('Python float formatting', () => {
  it('rounds exact ties to even and pads exponents to two digits', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(-0, 4)).toBe('-0.0000');
    expect(formatFixed(1e21, 1)).toBe('1000000000000000000000.0');
    expect(formatExp(1e10, 4)).toBe('1.0000e+10');
    expect(formatExp(1e10, 0)).toBe('1e+10');
    expect(formatExp(125, 1)).toBe('1.2e+02');
    expect(formatExp(5e-324, 4)).toBe('4.9407e-324');
    expect(formatExp(Number.MAX_VALUE, 4)).toBe('1.7977e+308');
    expect(formatExp(-0, 2)).toBe('-0.00e+00');
    // Beyond the built-ins' 100-digit limit the exact path is used.
    expect(formatFixed(1 / 3, 120)).toBe(referenceFormat(1 / 3, 120, 'f'));
    expect(formatExp(1 / 3, 120)).toBe(referenceFormat(1 / 3, 120, 'e'));
  });

  // formatFixed/formatExp take the built-ins' fast path whenever no tie is possible; check them
  // against an independent reference built on the full decimal expansion of the double.
  it('agrees with exact decimal rounding on random doubles', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 8 }), (x, p) => {
        expect(formatExp(x, p)).toBe(referenceFormat(x, p, 'e'));
        if (Math.abs(x) < 1e30) expect(formatFixed(x, p)).toBe(referenceFormat(x, p, 'f'));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with exact decimal rounding on generated ties', () => {
    // k / 2**j with small j: exact binary values whose decimal expansions end in 5.
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 8 }), (k, j, p) => {
        const x = k / 2 ** j;
        expect(formatFixed(x, p)).toBe(referenceFormat(x, p, 'f'));
        expect(formatExp(x, p)).toBe(referenceFormat(x, p, 'e'));
      }),
      { numRuns: 5000 },
    );
  });
});

/** `x` (finite) as `n / 10**k` exactly: a double m * 2**e with e < 0 equals m * 5**-e / 10**-e. */
function decimalExpansion(x: number): { n: bigint; k: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const m = biased === 0 ? fraction : fraction | (1n << 52n);
  const e = (biased === 0 ? 1 : biased) - 1075;
  return e >= 0 ? { n: m << BigInt(e), k: 0 } : { n: m * 5n ** BigInt(-e), k: -e };
}

/** Rounds `n / 10**drop` to an integer, ties to even. */
function roundDecimal(n: bigint, drop: number): bigint {
  if (drop <= 0) return n * 10n ** BigInt(-drop);
  const unit = 10n ** BigInt(drop);
  const q = n / unit;
  const r = (n % unit) * 2n;
  return r > unit || (r === unit && q % 2n === 1n) ? q + 1n : q;
}

/** Python's '{:.pf}' / '{:.pe}' computed digit by digit from the exact decimal expansion. */
function referenceFormat(x: number, p: number, mode: 'f' | 'e'): string {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const { n, k } = decimalExpansion(x);
  if (mode === 'f') {
    const digits = roundDecimal(n, k - p).toString().padStart(p + 1, '0');
    return sign + (p === 0 ? digits : `${digits.slice(0, -p)}.${digits.slice(-p)}`);
  }
  let exponent = 0;
  let digits = '0'.repeat(p + 1);
  if (n !== 0n) {
    const length = n.toString().length;
    digits = roundDecimal(n, length - (p + 1)).toString();
    exponent = length - 1 - k;
    if (digits.length > p + 1) {
      digits = digits.slice(0, p + 1);
      exponent += 1;
    }
  }
  const mantissa = p === 0 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
