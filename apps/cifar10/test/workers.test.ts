// `--workers 2` on CIFAR-10 in its real (binary) format: the workers load the dataset from
// --data-dir themselves, from the TypeScript sources without `pnpm build`, and give the same
// batches as the main thread; the CLI runs end to end with them.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { activeWorkerCount } from '@typetorch/data';
import { loadData, type LoadOptions } from '../src/data.js';
import { runningFromSources, workerImports } from '../src/worker-imports.js';

const APP = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE_BIN = fileURLToPath(new URL('../../../packages/vision/test/fixtures/cifar/cifar-10-batches-bin', import.meta.url));

/** The fixture's pixel formula (packages/vision/test/fixtures, written by scripts/fixtures/gen_cifar.py). */
const fixturePixel = (g: number, c: number, y: number, x: number) => (g * 29 + c * 71 + y * 7 + x * 3) % 256;

/** A --data-dir holding the fixture's cifar-10-batches-bin (10 training and 4 test images, no MD5 table for the binary files). */
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cifar10-bin-'));
  cpSync(FIXTURE_BIN, join(dir, 'cifar-10-batches-bin'), { recursive: true });
  return dir;
}

async function batches(loader: AsyncIterable<[torch.Tensor, torch.Tensor]>): Promise<{ images: number[][][][]; labels: number[] }[]> {
  const out = [];
  for await (const [x, y] of loader) out.push({ images: x.tolistSync() as number[][][][], labels: y.tolistSync() as number[] });
  return out;
}

describe('--workers on real-format CIFAR-10', () => {
  it('imports tsx\'s loader first in workers only when running from the TypeScript sources', () => {
    expect(runningFromSources('file:///app/src/data.ts')).toBe(true);
    expect(runningFromSources('file:///app/dist/data.js')).toBe(false);
    const [loader, setup] = workerImports(true);
    expect([loader.endsWith('/src/worker-typescript.mjs'), setup.endsWith('/src/worker-setup.ts')]).toEqual([true, true]);
    expect(workerImports(false).map((u) => u.slice(u.lastIndexOf('/') + 1))).toEqual(['worker-setup.js']);
  });

  it('gives the same batches with --workers 2 as with 0 (test split in order, seeded train shuffle)', async () => {
    const dir = dataDir();
    const options = (workers: number): LoadOptions => ({ dataDir: dir, download: false, synthetic: false, batchSize: 4, workers, seed: 0 });
    const main = await loadData(options(0));
    const workers = await loadData(options(2));
    expect([workers.synthetic, workers.notice, workers.trainset.length, workers.testset.length]).toEqual([false, undefined, 10, 4]);
    const testMain = await batches(main.testLoader as never);
    const testWorkers = await batches(workers.testLoader as never);
    expect(testWorkers).toEqual(testMain);
    expect(testMain[0].labels).toEqual([3, 8, 8, 0]);
    // ToTensor + Normalize(0.5, 0.5): test image g's pixel p becomes (p / 255 - 0.5) / 0.5.
    for (const [g, c, y, x] of [[0, 0, 0, 0], [1, 2, 31, 5], [3, 1, 10, 20]]) {
      expect(testMain[0].images[g][c][y][x]).toBeCloseTo((fixturePixel(g, c, y, x) / 255 - 0.5) / 0.5, 6);
    }
    torch.manualSeed(3);
    const trainMain = await batches(main.trainLoader as never);
    torch.manualSeed(3);
    const trainWorkers = await batches(workers.trainLoader as never);
    expect(trainWorkers).toEqual(trainMain);
    expect(trainMain.map((b) => b.labels.length)).toEqual([4, 4, 2]);
    expect(activeWorkerCount()).toBe(0);
  });

  it('runs `tsx src/main.ts --workers 2` end to end on the sources', () => {
    const dir = dataDir();
    const out = mkdtempSync(join(tmpdir(), 'cifar10-out-'));
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const stdout = execFileSync(tsx, ['src/main.ts', '--workers', '2', '--epochs', '1', '--data-dir', dir, '--out', out, '--seed', '0'], {
      cwd: APP, encoding: 'utf8', env: { ...process.env, INIT_CWD: APP }, timeout: 120_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('10 training images, 4 test images, classes: airplane automobile bird cat deer dog frog horse ship truck');
    expect(stdout).not.toContain('[synthetic]');
    expect(lines.some((l) => /^Finished Training \(/.test(l))).toBe(true);
    expect(lines.some((l) => /^Accuracy of the network on the 4 test images: \d+ %$/.test(l))).toBe(true);
    expect(existsSync(join(out, 'cifar_net.pt'))).toBe(true);
    expect(readFileSync(join(out, 'test-predictions.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '').length).toBeGreaterThanOrEqual(4);
  });
});
