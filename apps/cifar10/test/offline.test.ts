import { mkdtemp, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadData, SYNTHETIC_TEST_SIZE, SYNTHETIC_TRAIN_SIZE, type LoadOptions } from '../src/data.js';
import { SYNTHETIC_CLASSES } from '../src/synthetic.js';

/** A 127.0.0.1 port nothing listens on: a download from it is refused at once, as offline. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function options(overrides: Partial<LoadOptions>): Promise<LoadOptions> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cifar10-empty-'));
  return { dataDir, download: false, synthetic: false, batchSize: 4, workers: 0, seed: 0, ...overrides };
}

function expectSyntheticFallback(data: Awaited<ReturnType<typeof loadData>>, dataDir: string): void {
  expect(data.synthetic).toBe(true);
  expect(data.notice).toBeDefined();
  const notice = data.notice as string;
  expect(notice).not.toContain('\n');
  expect(notice.startsWith(`[synthetic] CIFAR-10 is not in ${dataDir} and could not be downloaded (`)).toBe(true);
  expect(notice).toContain('pass --data-dir <folder>');
  expect(data.classes).toEqual(SYNTHETIC_CLASSES);
  expect([data.trainset.length, data.testset.length]).toEqual([SYNTHETIC_TRAIN_SIZE, SYNTHETIC_TEST_SIZE]);
  expect(data.trainLoader.length).toBe(SYNTHETIC_TRAIN_SIZE / 4);
}

describe('offline detection', () => {
  it('falls back to the synthetic set with one line when --data-dir is empty and download is off', async () => {
    const opts = await options({});
    const data = await loadData(opts);
    expectSyntheticFallback(data, opts.dataDir);
    expect(data.notice).toContain('dataset not found');
  });

  it('falls back with one line when the download is unreachable', async () => {
    const opts = await options({ download: true, url: `http://127.0.0.1:${await closedPort()}/cifar-10-python.tar.gz` });
    const data = await loadData(opts);
    expectSyntheticFallback(data, opts.dataDir);
    expect(data.notice).toContain('cannot download');
    expect(await readdir(opts.dataDir)).toEqual([]); // nothing half-written is left behind
  });

  it('uses the synthetic set without a notice when --synthetic is given', async () => {
    const data = await loadData(await options({ synthetic: true }));
    expect(data.synthetic).toBe(true);
    expect(data.notice).toBeUndefined();
  });
});
