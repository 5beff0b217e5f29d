/**
 * A tiny bitmap font for the labels drawn on the predictions PNG: 5×7 pixel glyphs for the letters
 * a–z (drawn as capitals, the clearest shapes at this size), the digits 0–9, space, ':', '/', '-' and
 * '?', which stands in for any other character. Text is drawn into an RGB image held in a Uint8Array
 * (row-major, 3 bytes a pixel), the layout of a uint8 tensor [H, W, 3].
 */

/** Glyph width and height in pixels (at scale 1). */
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** Blank columns between two glyphs (at scale 1). */
export const GLYPH_SPACING = 1;

/** Each glyph as 7 rows of 5 characters, top to bottom: '#' is ink, '.' is background. */
export const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  'a': ['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  'b': ['####.', '#...#', '#...#', '####.', '#...#', '#...#', '####.'],
  'c': ['.###.', '#...#', '#....', '#....', '#....', '#...#', '.###.'],
  'd': ['####.', '#...#', '#...#', '#...#', '#...#', '#...#', '####.'],
  'e': ['#####', '#....', '#....', '####.', '#....', '#....', '#####'],
  'f': ['#####', '#....', '#....', '####.', '#....', '#....', '#....'],
  'g': ['.###.', '#...#', '#....', '#.###', '#...#', '#...#', '.####'],
  'h': ['#...#', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  'i': ['.###.', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  'j': ['..###', '...#.', '...#.', '...#.', '...#.', '#..#.', '.##..'],
  'k': ['#...#', '#..#.', '#.#..', '##...', '#.#..', '#..#.', '#...#'],
  'l': ['#....', '#....', '#....', '#....', '#....', '#....', '#####'],
  'm': ['#...#', '##.##', '#.#.#', '#.#.#', '#...#', '#...#', '#...#'],
  'n': ['#...#', '#...#', '##..#', '#.#.#', '#..##', '#...#', '#...#'],
  'o': ['.###.', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'],
  'p': ['####.', '#...#', '#...#', '####.', '#....', '#....', '#....'],
  'q': ['.###.', '#...#', '#...#', '#...#', '#.#.#', '#..#.', '.##.#'],
  'r': ['####.', '#...#', '#...#', '####.', '#.#..', '#..#.', '#...#'],
  's': ['.####', '#....', '#....', '.###.', '....#', '....#', '####.'],
  't': ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..'],
  'u': ['#...#', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'],
  'v': ['#...#', '#...#', '#...#', '#...#', '#...#', '.#.#.', '..#..'],
  'w': ['#...#', '#...#', '#...#', '#.#.#', '#.#.#', '#.#.#', '.#.#.'],
  'x': ['#...#', '#...#', '.#.#.', '..#..', '.#.#.', '#...#', '#...#'],
  'y': ['#...#', '#...#', '.#.#.', '..#..', '..#..', '..#..', '..#..'],
  'z': ['#####', '....#', '...#.', '..#..', '.#...', '#....', '#####'],
  '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  ' ': ['.....', '.....', '.....', '.....', '.....', '.....', '.....'],
  ':': ['.....', '.##..', '.##..', '.....', '.##..', '.##..', '.....'],
  '/': ['.....', '....#', '...#.', '..#..', '.#...', '#....', '.....'],
  '-': ['.....', '.....', '.....', '#####', '.....', '.....', '.....'],
  '?': ['.###.', '#...#', '....#', '...#.', '..#..', '.....', '..#..'],
};

/** An RGB image: `data` holds height × width × 3 bytes, row by row. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type Rgb = readonly [number, number, number];

/** A blank `width` × `height` image filled with `background`. */
export function createImage(width: number, height: number, background: Rgb = [0, 0, 0]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(background, i);
  return { width, height, data };
}

/** The glyph drawn for `ch`: letters of either case share one glyph, unknown characters get '?'. */
export function glyphFor(ch: string): readonly string[] {
  return GLYPHS[ch.toLowerCase()] ?? GLYPHS['?'];
}

/** Width in pixels of `text` drawn at `scale` (no trailing spacing). */
export function textWidth(text: string, scale = 1): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * (GLYPH_WIDTH + GLYPH_SPACING) - GLYPH_SPACING) * scale;
}

/**
 * Draws `text` into `image` with its top-left corner at (x, y), each font pixel a `scale` × `scale`
 * block of `color`. Only ink pixels are written (the background shows through); pixels falling
 * outside the image are clipped.
 */
export function drawText(image: RgbImage, text: string, x: number, y: number, color: Rgb, scale = 1): void {
  let left = x;
  for (const ch of text) {
    const rows = glyphFor(ch);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (rows[gy][gx] !== '#') continue;
        for (let sy = 0; sy < scale; sy++) {
          const py = y + gy * scale + sy;
          if (py < 0 || py >= image.height) continue;
          for (let sx = 0; sx < scale; sx++) {
            const px = left + gx * scale + sx;
            if (px < 0 || px >= image.width) continue;
            image.data.set(color, (py * image.width + px) * 3);
          }
        }
      }
    }
    left += (GLYPH_WIDTH + GLYPH_SPACING) * scale;
  }
}
