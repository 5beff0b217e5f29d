import 'typetorch'; // registers the CPU backend
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vision from '@typetorch/vision';
import { FIXTURES, FIXTURE_MD5S, tempDir } from './helpers.js';

const ARCHIVE = readFileSync(join(FIXTURES, 'download', 'cifar-10-python.tar.gz'));
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/cifar-10-python.tar.gz') {
      res.writeHead(200, { 'content-length': String(ARCHIVE.length), 'content-type': 'application/gzip' });
      res.end(ARCHIVE);
    } else if (req.url === '/cut-off.tar.gz') {
      // Announces the whole archive, sends half of it, then drops the connection.
      res.writeHead(200, { 'content-length': String(ARCHIVE.length) });
      res.write(ARCHIVE.subarray(0, ARCHIVE.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
    } else if (req.url === '/corrupt.tar.gz') {
      const bad = Buffer.from(ARCHIVE);
      bad[100] ^= 0xff;
      res.writeHead(200, { 'content-length': String(bad.length) });
      res.end(bad);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('download (local HTTP server on 127.0.0.1)', () => {
  it('downloads, MD5-checks and extracts CIFAR-10, then loads it', async () => {
    const root = tempDir();
    const url = `${base}/cifar-10-python.tar.gz`;
    const test = await vision.datasets.CIFAR10.load({ root, train: false, download: true, url, md5s: FIXTURE_MD5S, progress: 'none' });
    expect(test.targets).toEqual([3, 8, 8, 0]);
    expect(readdirSync(root).sort()).toEqual(['cifar-10-batches-py', 'cifar-10-python.tar.gz']);
    expect(readdirSync(join(root, 'cifar-10-batches-py')).sort()).toEqual(
      ['batches.meta', 'data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'],
    );
    // A second load finds the verified files and does not download again (the server is not asked).
    const again = await vision.datasets.CIFAR10.load({ root, download: true, url: `${base}/missing.tar.gz`, md5s: FIXTURE_MD5S, progress: 'none' });
    expect(again.length).toBe(10);
  });

  it('writes plain progress lines when asked', async () => {
    const root = tempDir();
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => { lines.push(String(chunk)); return true; }) as typeof process.stderr.write;
    try {
      await vision.io.downloadUrl(`${base}/cifar-10-python.tar.gz`, root, { md5: FIXTURE_MD5S.archive, progress: 'lines' });
    } finally {
      process.stderr.write = write;
    }
    expect(lines[0]).toMatch(/^Downloading http:\/\/127\.0\.0\.1:\d+\/cifar-10-python\.tar\.gz: starting/);
    expect(lines.at(-1)).toMatch(/: 100% \(/);
  });

  it('reports a transfer cut off midway and leaves no partial file', async () => {
    const root = tempDir();
    await expect(vision.io.downloadUrl(`${base}/cut-off.tar.gz`, root, { md5: FIXTURE_MD5S.archive, progress: 'none' }))
      .rejects.toThrow(/^\[download\] the transfer of http:\/\/127\.0\.0\.1:\d+\/cut-off\.tar\.gz was cut off after \d+ of \d+ bytes .*nothing was kept, run it again/);
    expect(readdirSync(root)).toEqual([]);
  });

  it('reports a corrupt download by its MD5 and keeps nothing', async () => {
    const root = tempDir();
    await expect(vision.datasets.CIFAR10.load({ root, download: true, url: `${base}/corrupt.tar.gz`, md5s: FIXTURE_MD5S, progress: 'none' }))
      .rejects.toThrow(`corrupt.tar.gz: MD5 mismatch (expected ${FIXTURE_MD5S.archive}`);
    expect(readdirSync(root)).toEqual([]);
  });

  it('says in one line what to do when offline', async () => {
    const root = tempDir();
    // Port 9 on 127.0.0.1 (discard) is closed here: the connection is refused like an offline machine's.
    const error = await vision.datasets.CIFAR10.load({ root, download: true, url: 'http://127.0.0.1:9/cifar-10-python.tar.gz', progress: 'none' })
      .then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/^\[CIFAR10\.load\] cannot download http:\/\/127\.0\.0\.1:9\/cifar-10-python\.tar\.gz \(.*\): if this machine is offline, download it elsewhere and place cifar-10-python\.tar\.gz \(or its extracted files\) under .* \(the app's --data-dir\)$/);
    expect(error?.message.includes('\n')).toBe(false);
    expect(existsSync(join(root, 'cifar-10-python.tar.gz'))).toBe(false);
  });

  it('refuses archive entries that point outside the target folder', async () => {
    const { default: tarStream } = await import('tar-stream') as unknown as { default: typeof import('tar-stream') };
    const pack = tarStream.pack();
    pack.entry({ name: '../escape.txt' }, 'x');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'evil.tar'), Buffer.concat(chunks));
    await expect(vision.io.extractArchive(join(dir, 'evil.tar'), join(dir, 'out'))).rejects.toThrow('refusing to extract "../escape.txt"');
    expect(existsSync(join(dir, 'escape.txt'))).toBe(false);
  });
});
