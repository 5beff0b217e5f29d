/**
 * MD5 checksums of dataset files (torchvision's `check_integrity`), with Node's `crypto`.
 *
 * @module
 */
import { node } from './node.js';

/** MD5s already computed in this process, by path, size and modification time (a load checks files twice with `download`). */
const computed = new Map<string, string>();

/** The MD5 of a file's contents, as 32 lowercase hex digits (streamed, so large files are fine). */
export async function md5File(path: string): Promise<string> {
  const n = await node('md5File');
  const stat = await n.fsp.stat(path);
  const key = `${path}\0${stat.size}\0${stat.mtimeMs}`;
  const known = computed.get(key);
  if (known !== undefined) return known;
  const digest = await hashFile(n, path);
  computed.set(key, digest);
  return digest;
}

async function hashFile(n: Awaited<ReturnType<typeof node>>, path: string): Promise<string> {
  const hash = n.crypto.createHash('md5');
  const stream = n.fs.createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Checks that `path` exists and, when `md5` is given, that its MD5 matches. Throws the documented
 * error otherwise: `[op] <path>: MD5 mismatch (expected ..., got ...): the file is corrupt or
 * truncated; delete it and download it again (download: true), or pass checkIntegrity: false`.
 */
export async function checkFileIntegrity(op: string, path: string, md5: string | undefined): Promise<void> {
  const n = await node(op);
  try {
    await n.fsp.stat(path);
  } catch {
    throw new Error(`[${op}] ${path} is missing: pass download: true, or place the dataset's files under the root`);
  }
  if (md5 === undefined) return;
  const actual = await md5File(path);
  if (actual !== md5.toLowerCase()) {
    throw new Error(`[${op}] ${path}: MD5 mismatch (expected ${md5}, got ${actual}): the file is corrupt or truncated; `
      + 'delete it and download it again (download: true), or pass checkIntegrity: false');
  }
}
