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

/** The integer a little-endian two's-complement byte string encodes (LONG1, LONG4). */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return normalizeInt(value);
}

/** An INT or LONG line: a decimal integer (LONG's has a trailing `L`); `00`/`01` are protocol 0's bools. */
export function parseTextInt(text: string): number | bigint | boolean | undefined {
  if (text === '00') return false;
  if (text === '01') return true;
  const digits = text.endsWith('L') ? text.slice(0, -1) : text;
  return /^[+-]?\d+$/.test(digits) ? normalizeInt(BigInt(digits)) : undefined;
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
