/**
 * Decoding the literal encodings inside pickles: the little-endian two's-complement bytes of
 * LONG1/LONG4, and the text forms of protocol 0 (INT, LONG, FLOAT, STRING, UNICODE lines).
 * Each parser returns undefined for malformed input, so the unpickler can report where it was.
 *
 * @module
 */

/** Python ints become numbers when exactly representable, bigints otherwise. */
export function normalizeInt(value: bigint): number | bigint {
  return value >= -BigInt(Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * The integer a little-endian two's-complement byte string encodes (LONG1, LONG4). Goes through one
 * hexadecimal string, so the time is linear in the length: shifting a growing bigint byte by byte
 * would be quadratic, and a LONG4 of a few megabytes would never finish.
 */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  const digits: string[] = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) digits[i] = HEX_BYTE[bytes[bytes.length - 1 - i]];
  let value = BigInt(`0x${digits.join('')}`);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return normalizeInt(value);
}

/**
 * CPython's limit on the digits of a decimal integer literal (`sys.get_int_max_str_digits()`, 4300
 * by default since 3.11): longer INT/LONG lines are refused, as CPython refuses them, because
 * converting them takes time quadratic in their length.
 */
export const MAX_INT_DIGITS = 4300;

/**
 * An INT or LONG line: a decimal integer (LONG's has a trailing `L`); `00`/`01` are protocol 0's bools.
 * Undefined for malformed text and for more than {@link MAX_INT_DIGITS} digits.
 */
export function parseTextInt(text: string): number | bigint | boolean | undefined {
  if (text === '00') return false;
  if (text === '01') return true;
  const digits = text.endsWith('L') ? text.slice(0, -1) : text;
  if (!/^[+-]?\d+$/.test(digits) || digits.replace(/^[+-]/, '').length > MAX_INT_DIGITS) return undefined;
  return normalizeInt(BigInt(digits));
}

/** A FLOAT line: Python's repr of a float. */
export function parseTextFloat(text: string): number | undefined {
  const t = text.trim();
  if (t === 'nan') return NaN;
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  const value = Number(t);
  return t !== '' && !Number.isNaN(value) ? value : undefined;
}

/** The escapes of Python's repr of a Python 2 str. */
const ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11, '0': 0 };

/** A STRING line: the quoted repr of a Python 2 str, as its bytes. */
export function parseQuotedString(text: string): Uint8Array | undefined {
  const q = text[0];
  if (text.length < 2 || (q !== "'" && q !== '"') || text[text.length - 1] !== q) return undefined;
  const body = text.slice(1, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out.push(c.charCodeAt(0) & 0xff);
      continue;
    }
    const e = body[++i] ?? '';
    if (e === 'x') {
      out.push(parseInt(body.slice(i + 1, i + 3), 16) & 0xff);
      i += 2;
    } else if (Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
      out.push(ESCAPES[e]);
    } else {
      out.push(92, e.charCodeAt(0) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** A UNICODE line (raw-unicode-escape: Latin-1 text with \uXXXX and \UXXXXXXXX escapes). */
export function parseRawUnicode(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a: string | undefined, b: string | undefined) =>
    String.fromCodePoint(parseInt(a ?? b!, 16)),
  );
}

/** An opcode for error messages: its hex value and, when printable, its character. */
export function opcodeName(code: number): string {
  const char = code >= 0x20 && code < 0x7f ? ` '${String.fromCharCode(code)}'` : '';
  return `0x${code.toString(16).padStart(2, '0')}${char}`;
}
