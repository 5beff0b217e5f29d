/**
 * The built-in SYNTHETIC stand-in for CIFAR-10, used when the real data is neither on disk nor
 * downloadable: 10 classes of 32×32 RGB images, each class a distinct coloured shape (square, disc,
 * stripes, ring, ...) drawn at a random offset and size over a random noisy background. It is
 * generated deterministically from a seed, is learnable (not noise), and is never passed off as
 * CIFAR-10: everything the app writes from it says "synthetic".
 */
import * as torch from 'typetorch';

/** Class names of the synthetic set, in label order (each names the shape its images show). */
export const SYNTHETIC_CLASSES: readonly string[] = [
  'square', 'disc', 'hstripes', 'vstripes', 'diagonal', 'plus', 'ring', 'triangle', 'checker', 'cross',
];

/** One foreground colour per class (RGB in [0, 1]), far apart so colour and shape both carry the label. */
const PALETTE: readonly (readonly [number, number, number])[] = [
  [0.95, 0.2, 0.2], [0.2, 0.9, 0.25], [0.25, 0.35, 0.95], [0.95, 0.9, 0.2], [0.9, 0.25, 0.9],
  [0.2, 0.9, 0.9], [0.98, 0.6, 0.15], [0.6, 0.3, 0.95], [0.95, 0.95, 0.95], [0.55, 0.8, 0.3],
];

const SIDE = 32;

/** Small, fast, seedable PRNG (mulberry32): the same seed gives the same images everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether pixel (dx, dy), relative to the shape's centre, belongs to class `label`'s shape of radius r. */
function inShape(label: number, dx: number, dy: number, r: number): boolean {
  const ax = Math.abs(dx), ay = Math.abs(dy), d = Math.hypot(dx, dy);
  const inBox = ax <= r && ay <= r;
  switch (label) {
    case 0: return inBox;                                             // square
    case 1: return d <= r;                                            // disc
    case 2: return inBox && Math.floor((dy + 64) / 2) % 2 === 0;      // horizontal stripes
    case 3: return inBox && Math.floor((dx + 64) / 2) % 2 === 0;      // vertical stripes
    case 4: return inBox && Math.floor((dx + dy + 128) / 3) % 2 === 0; // diagonal stripes
    case 5: return inBox && (ax <= r / 4 || ay <= r / 4);             // plus
    case 6: return d <= r && d >= r * 0.6;                            // ring
    case 7: return dy <= r && dy >= -r && ax <= (dy + r) / 2;         // triangle, point up
    case 8: return inBox && (Math.floor((dx + 64) / 3) + Math.floor((dy + 64) / 3)) % 2 === 0; // checker
    default: return inBox && Math.abs(ax - ay) <= r / 5;              // cross (X)
  }
}

/** A synthetic split: images `[N, 3, 32, 32]` float32 in [0, 1] and labels `[N]` int64. */
export interface SyntheticSplit {
  images: torch.Tensor;
  labels: torch.Tensor;
}

/**
 * Generates `n` images (labels cycle through the 10 classes, so the classes are balanced) from `seed`.
 * Pixel values are in [0, 1], the range of ToTensor's output; apply Normalize afterwards.
 */
export function makeSyntheticSplit(n: number, seed: number): SyntheticSplit {
  const random = mulberry32(seed);
  const plane = SIDE * SIDE;
  const pixels = new Float32Array(n * 3 * plane);
  const labels = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    labels[i] = BigInt(label);
    const background = [0, 1, 2].map(() => 0.05 + 0.35 * random());
    const colour = PALETTE[label].map((c) => Math.min(1, Math.max(0, c + 0.16 * (random() - 0.5))));
    const r = 6 + 5 * random();
    const cx = 15.5 + 8 * (random() - 0.5), cy = 15.5 + 8 * (random() - 0.5);
    const base = i * 3 * plane;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const fg = inShape(label, Math.round(x - cx), Math.round(y - cy), r);
        for (let c = 0; c < 3; c++) {
          const value = (fg ? colour[c] : background[c]) + 0.2 * (random() - 0.5);
          pixels[base + c * plane + y * SIDE + x] = Math.min(1, Math.max(0, value));
        }
      }
    }
  }
  return {
    images: torch.fromTypedArray(pixels, [n, 3, SIDE, SIDE]),
    labels: torch.fromTypedArray(labels, [n]),
  };
}
