import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed fixtures (written by scripts/fixtures/gen_cifar.py). */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const CIFAR_ROOT = join(FIXTURES, 'cifar');

interface Md5Table { archive: string; files: Record<string, string> }
export const MD5: Md5Table = JSON.parse(readFileSync(join(FIXTURES, 'md5.json'), 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const EXPECTED: any = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));

/** The fixture files' MD5s in the form of the `md5s` option. */
export const FIXTURE_MD5S = { archive: MD5.archive, files: MD5.files };

/** A fresh temporary folder. */
export function tempDir(prefix = 'vision-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A temporary copy of the CIFAR fixture root. */
export function copyOfCifarRoot(): string {
  const dir = tempDir();
  cpSync(CIFAR_ROOT, dir, { recursive: true });
  return dir;
}

/** The fixtures' pixel formula: pixel(g, c, y, x) of image g (its index in the split). */
export function fixturePixel(g: number, c: number, y: number, x: number): number {
  return (g * 29 + c * 71 + y * 7 + x * 3) % 256;
}

/**
 * Asserts two number arrays are equal within `tol`; reports the first difference. Expected values
 * are float32 values written as their shortest decimals, so they are read back through fround.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - Math.fround(expected[i])) <= tol)) {
      throw new Error(`element ${i}: ${actual[i]} != expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

/**
 * What DataLoader workers import before the dataset when tests run from the TypeScript sources:
 * a module that registers tsx's loader in the worker (a worker thread runs plain JavaScript), then
 * the CPU backend, so that the worker's core has a device.
 */
export const WORKER_IMPORTS: readonly string[] = [
  new URL('./fixtures/register-tsx.mjs', import.meta.url).href,
  new URL('../../backend-cpu/src/index.ts', import.meta.url).href,
];
