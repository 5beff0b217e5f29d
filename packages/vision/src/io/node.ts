/**
 * Node's built-in modules, loaded on first use through dynamic imports so that the package still
 * loads in a browser (where datasets come from memory and nothing is downloaded).
 *
 * @module
 */
import type * as FsPromises from 'node:fs/promises';
import type * as Fs from 'node:fs';
import type * as Path from 'node:path';
import type * as Crypto from 'node:crypto';
import type * as Zlib from 'node:zlib';

/** The Node modules the file-system side of the package uses. */
export interface NodeModules {
  /** `node:fs/promises`. */
  readonly fsp: typeof FsPromises;
  /** `node:fs` (synchronous reads for `ImageFolder.get`). */
  readonly fs: typeof Fs;
  /** `node:path`. */
  readonly path: typeof Path;
  /** `node:crypto` (MD5). */
  readonly crypto: typeof Crypto;
  /** `node:zlib` (gunzip). */
  readonly zlib: typeof Zlib;
}

let cached: Promise<NodeModules> | undefined;

/** Loads Node's modules once; fails with a clear message outside Node. */
export function node(op: string): Promise<NodeModules> {
  cached ??= (async () => {
    // Specifiers that are not string literals, so that browser bundlers leave Node's modules out.
    const load = (name: string): Promise<unknown> => import(/* @vite-ignore */ `node:${name}`);
    const [fsp, fs, path, crypto, zlib] = await Promise.all(['fs/promises', 'fs', 'path', 'crypto', 'zlib'].map(load));
    return { fsp, fs, path, crypto, zlib } as NodeModules;
  })();
  return cached.catch((cause: unknown) => {
    cached = undefined;
    throw new Error(`[${op}] reading datasets from a directory needs Node.js (node:fs could not be loaded: ${String(cause)})`);
  });
}

/** Whether `path` exists (file or directory). */
export async function exists(n: NodeModules, path: string): Promise<boolean> {
  try {
    await n.fsp.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A temporary name next to `path`, unique to this process and call, for atomic writes. */
export function tempPathFor(path: string): string {
  return `${path}.part-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** Writes `data` to `path` atomically: a temporary file in the same directory, then a rename. */
export async function writeFileAtomic(n: NodeModules, path: string, data: Uint8Array): Promise<void> {
  await n.fsp.mkdir(n.path.dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    await n.fsp.writeFile(temp, data);
    await n.fsp.rename(temp, path);
  } catch (error) {
    await n.fsp.rm(temp, { force: true });
    throw error;
  }
}
