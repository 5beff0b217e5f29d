/**
 * File access for `save` and `load`. Node's `node:fs/promises` (also in Deno and Bun) is imported
 * dynamically through a specifier that is not a string literal, so bundlers never pull it into
 * browser bundles; in a browser, `save`/`load` explain that `saveToBytes`/`loadFromBytes` are the
 * way. The file system is an interface so that tests (and custom storage) can inject their own.
 *
 * Saving is atomic: the data goes to `<path>.tmp-<random>`, is flushed to disk (fsync), and is
 * renamed over the target only when complete; on any error the temporary file is removed, so a
 * crash or a failed write never leaves a half-written file under the target name.
 *
 * @module
 */
import type { ByteChunks } from './byte-io.js';

/** A file opened for writing. */
export interface WritableCheckpointFile {
  /** Writes all of `data` at the end of what was written so far. */
  write(data: Uint8Array): Promise<void>;
  /** Flushes the file's data to the disk (fsync). */
  sync(): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** The file operations `save` and `load` need. Pass your own as the `fs` option (tests, custom storage). */
export interface CheckpointFileSystem {
  /** The whole contents of a file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Creates a new file for writing; fails if it exists. */
  createFile(path: string): Promise<WritableCheckpointFile>;
  /** Renames a file, replacing the target if it exists. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file. */
  remove(path: string): Promise<void>;
  /** Flushes a directory entry change (the rename) to disk; optional, best effort. */
  syncDirectory?(path: string): Promise<void>;
}

/** The part of `node:fs/promises` used here (declared locally: core's build has no Node types). */
interface NodeFileHandle {
  write(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}
interface NodeFsPromises {
  open(path: string, flags: string): Promise<NodeFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

const READ_CHUNK = 1 << 30; // Node reads at most 2 GiB per call

function nodeFileSystem(fs: NodeFsPromises): CheckpointFileSystem {
  return {
    async readFile(path) {
      const handle = await fs.open(path, 'r');
      try {
        const { size } = await handle.stat();
        const out = new Uint8Array(size);
        let at = 0;
        while (at < size) {
          const { bytesRead } = await handle.read(out, at, Math.min(READ_CHUNK, size - at), at);
          if (bytesRead === 0) break;
          at += bytesRead;
        }
        return at === size ? out : out.subarray(0, at);
      } finally {
        await handle.close();
      }
    },
    async createFile(path) {
      const handle = await fs.open(path, 'wx');
      return {
        async write(data) {
          for (let at = 0; at < data.length;) {
            const { bytesWritten } = await handle.write(data, at, Math.min(READ_CHUNK, data.length - at), null);
            at += bytesWritten;
          }
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
    rename: (from, to) => fs.rename(from, to),
    remove: (path) => fs.unlink(path),
    async syncDirectory(path) {
      const handle = await fs.open(path, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
  };
}

let defaultFileSystem: Promise<CheckpointFileSystem> | undefined;

/** Node's file system (through `node:fs/promises`), or an error naming the in-memory alternative. */
export function getFileSystem(op: string): Promise<CheckpointFileSystem> {
  defaultFileSystem ??= (async () => {
    // Not a string literal, so that bundlers leave it out of browser bundles.
    const specifier = ['node', 'fs/promises'].join(':');
    const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as NodeFsPromises;
    return nodeFileSystem(fs);
  })();
  return defaultFileSystem.catch((error: unknown) => {
    defaultFileSystem = undefined;
    const alternative = op === 'save' ? 'saveToBytes' : 'loadFromBytes';
    throw new Error(
      `[${op}] file paths need Node's file system (node:fs/promises), which is not available here ` +
        `(${(error as Error).message}); use ${alternative} with a Uint8Array instead`,
    );
  });
}

function directoryOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? '.' : cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

function randomSuffix(): string {
  const bytes = new Uint8Array(6);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Writes `data` to `path` atomically: a temporary file next to it, fsync, then a rename over the
 * target. On failure the temporary file is removed and the target is left as it was.
 */
export async function writeFileAtomic(fs: CheckpointFileSystem, path: string, data: ByteChunks): Promise<void> {
  const temporary = `${path}.tmp-${randomSuffix()}`;
  let file: WritableCheckpointFile | undefined;
  let created = false;
  try {
    file = await fs.createFile(temporary);
    created = true;
    for (const chunk of data.chunks) await file.write(chunk);
    await file.sync();
    const closing = file;
    file = undefined;
    await closing.close();
    await fs.rename(temporary, path);
    created = false;
  } catch (error) {
    if (file !== undefined) await file.close().catch(() => {});
    if (created) await fs.remove(temporary).catch(() => {});
    throw new Error(`[save] could not write '${path}': ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  // The rename is durable once the directory is flushed; not every platform can (Windows), so best effort.
  await fs.syncDirectory?.(directoryOf(path)).catch(() => {});
}
