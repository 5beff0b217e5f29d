/**
 * Philox4x32-10, the counter-based generator every backend uses, so that a seed gives the same
 * stream on every device: element `i` of a draw depends only on the key and the counter `i`, not on
 * the order in which elements are computed. WGSL backends implement the same rounds with `u32`.
 *
 * @module
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High and low 32 bits of the 64-bit product of two unsigned 32-bit integers. */
function mulHiLo(a: number, b: number): [number, number] {
  const lo = Math.imul(a, b) >>> 0;
  // Split a into 16-bit halves so every partial product stays exact in a double.
  const aHi = a >>> 16, aLo = a & 0xffff;
  const t = aLo * b;
  const hi = Math.floor((aHi * b + Math.floor(t / 0x10000)) / 0x10000);
  return [hi >>> 0, lo];
}

/**
 * Runs Philox4x32-10 on the counter `(c0, c1, 0, 0)` with key `(k0, k1)` and returns the four words
 * of the result. Callers use the first word for float32 and the first two for float64.
 */
export function philox(k0: number, k1: number, c0: number, c1: number): [number, number, number, number] {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = 0, x3 = 0;
  let key0 = k0 >>> 0, key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const [hi0, lo0] = mulHiLo(M0, x0);
    const [hi1, lo1] = mulHiLo(M1, x2);
    const n0 = (hi1 ^ x1 ^ key0) >>> 0;
    const n2 = (hi0 ^ x3 ^ key1) >>> 0;
    x0 = n0; x1 = lo1; x2 = n2; x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  return [x0, x1, x2, x3];
}

/** A float32-representable uniform number in [0, 1) from 24 random bits. */
export function uniform32(word: number): number {
  return (word >>> 8) * 5.9604644775390625e-8; // 2 ** -24
}

/** A float64 uniform number in [0, 1) from 53 random bits of two words. */
export function uniform64(word0: number, word1: number): number {
  return ((word0 >>> 5) * 67108864 + (word1 >>> 6)) * 1.1102230246251565e-16; // 2 ** -53
}

/**
 * The uniform number for element `index` of a draw with `key` starting at `counter`: the formula
 * that every backend's `uniform` kernel implements. Counters are split into two 32-bit words so
 * streams longer than 2^32 elements stay distinct.
 */
export function uniformAt(key: readonly [number, number], counter: number, index: number, float64: boolean): number {
  const c = counter + index;
  const c0 = c % 4294967296;
  const c1 = Math.floor(c / 4294967296);
  const [w0, w1] = philox(key[0], key[1], c0, c1);
  return float64 ? uniform64(w0, w1) : uniform32(w0);
}
