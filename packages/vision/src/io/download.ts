/**
 * Downloading and extracting dataset archives (torchvision's `download_url`,
 * `download_and_extract_archive`): streamed with `fetch`, progress on stderr, MD5-checked, written
 * atomically (a temporary file renamed into place only when complete and verified), extracted with
 * tar-stream. Any failure leaves no partial file behind.
 *
 * @module
 */
import { md5File } from './md5.js';
import { exists, node, tempPathFor, writeFileAtomic, type NodeModules } from './node.js';
import { createProgress, type ProgressMode } from './progress.js';

/** Options of {@link downloadUrl}. */
export interface DownloadOptions {
  /** The file name under `root` (default: the URL's last path segment). */
  readonly filename?: string;
  /** The expected MD5; a mismatch is an error and nothing is kept. */
  readonly md5?: string;
  /** Progress reporting (default `'auto'`: a bar on a terminal, plain lines otherwise). */
  readonly progress?: ProgressMode;
  /** The operation named in errors (default `'download'`). */
  readonly op?: string;
}

/** Options of {@link downloadAndExtractArchive}. */
export interface DownloadAndExtractOptions extends DownloadOptions {
  /** Where to extract (default: the download root). */
  readonly extractRoot?: string;
  /** Remove the archive after extracting it (default false). */
  readonly removeFinished?: boolean;
}

function filenameOf(url: string): string {
  const name = new URL(url).pathname.split('/').filter((s) => s.length > 0).pop();
  return name === undefined ? 'download' : decodeURIComponent(name);
}

function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const inner = cause instanceof Error ? `: ${cause.message}` : '';
    return `${error.message}${inner}`;
  }
  return String(error);
}

/**
 * Downloads `url` to `<root>/<filename>` and returns the path. A file already there with the right
 * MD5 is used as is. Errors (one line each):
 * - unreachable (offline): `[download] cannot download <url> (<cause>): if this machine is offline, download it
 *   elsewhere and place <filename> (or its extracted files) under <root> (the app's --data-dir)`;
 * - cut off: `[download] the transfer of <url> was cut off after <n> of <total> bytes (...): nothing was kept, run it again`;
 * - corrupt: `[download] <url>: MD5 mismatch (expected ..., got ...): the download is corrupt or truncated; nothing was kept`.
 */
export async function downloadUrl(url: string, root: string, options: DownloadOptions = {}): Promise<string> {
  const op = options.op ?? 'download';
  const n = await node(op);
  const filename = options.filename ?? filenameOf(url);
  const target = n.path.join(root, filename);
  if (await exists(n, target)) {
    if (options.md5 === undefined || (await md5File(target)) === options.md5.toLowerCase()) return target;
  }
  await n.fsp.mkdir(root, { recursive: true });
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`[${op}] cannot download ${url} (${describeCause(error)}): if this machine is offline, download it elsewhere `
      + `and place ${filename} (or its extracted files) under ${root} (the app's --data-dir)`);
  }
  if (!response.ok || response.body === null) {
    throw new Error(`[${op}] cannot download ${url}: the server answered HTTP ${response.status} ${response.statusText}`);
  }
  const lengthHeader = response.headers.get('content-length');
  const total = lengthHeader === null ? undefined : Number(lengthHeader);
  await streamToFile(n, op, url, response.body, target, total, options);
  return target;
}

async function streamToFile(
  n: NodeModules, op: string, url: string, body: ReadableStream<Uint8Array>, target: string,
  total: number | undefined, options: DownloadOptions,
): Promise<void> {
  const temp = tempPathFor(target);
  const hash = n.crypto.createHash('md5');
  const progress = await createProgress(`Downloading ${url}`, total, options.progress);
  let received = 0;
  let handle: Awaited<ReturnType<typeof n.fsp.open>> | undefined;
  try {
    handle = await n.fsp.open(temp, 'wx');
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        await handle.write(chunk);
        received += chunk.byteLength;
        progress.update(received);
      }
    } catch (error) {
      throw new Error(`[${op}] the transfer of ${url} was cut off after ${received}${total === undefined ? '' : ` of ${total}`} bytes `
        + `(${describeCause(error)}): nothing was kept, run it again`);
    }
    if (total !== undefined && Number.isFinite(total) && received !== total) {
      throw new Error(`[${op}] the transfer of ${url} was cut off after ${received} of ${total} bytes: nothing was kept, run it again`);
    }
    const actual = hash.digest('hex');
    if (options.md5 !== undefined && actual !== options.md5.toLowerCase()) {
      throw new Error(`[${op}] ${url}: MD5 mismatch (expected ${options.md5}, got ${actual}): the download is corrupt or truncated; `
        + 'nothing was kept, run it again');
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await n.fsp.rename(temp, target);
  } finally {
    progress.stop();
    if (handle !== undefined) await handle.close().catch(() => undefined);
    await n.fsp.rm(temp, { force: true });
  }
}

/** Splits a tar entry's name into safe path segments; refuses absolute paths and `..`. */
function safeSegments(op: string, name: string): string[] {
  const segments = name.split(/[\\/]+/).filter((s) => s.length > 0 && s !== '.');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || segments.includes('..')) {
    throw new Error(`[${op}] refusing to extract ${JSON.stringify(name)}: it points outside the target folder`);
  }
  return segments;
}

/**
 * Extracts a `.tar.gz` (or plain `.tar`) archive into `to`. Regular files and folders only; each
 * file is written atomically. Entries that would land outside `to` are refused.
 */
export async function extractArchive(archive: string, to: string, op = 'extractArchive'): Promise<void> {
  const n = await node(op);
  const tarModule = await import('tar-stream');
  // A CommonJS module: its exports are the namespace's `default` at run time.
  const tarStream = (tarModule as unknown as { default?: typeof tarModule }).default ?? tarModule;
  const extract = tarStream.extract();
  const source = n.fs.createReadStream(archive);
  const gzipped = archive.endsWith('.gz') || archive.endsWith('.tgz');
  const fail = (error: Error) => extract.destroy(new Error(`[${op}] cannot read ${archive}: ${error.message}`));
  source.on('error', fail);
  if (gzipped) {
    const gunzip = n.zlib.createGunzip();
    gunzip.on('error', fail);
    source.pipe(gunzip).pipe(extract as unknown as NodeJS.WritableStream);
  } else {
    source.pipe(extract as unknown as NodeJS.WritableStream);
  }
  await n.fsp.mkdir(to, { recursive: true });
  for await (const entry of extract) {
    const segments = safeSegments(op, entry.header.name);
    const path = n.path.join(to, ...segments);
    if (entry.header.type === 'directory') {
      await n.fsp.mkdir(path, { recursive: true });
      entry.resume();
    } else if (entry.header.type === 'file') {
      const chunks: Uint8Array[] = [];
      for await (const chunk of entry) chunks.push(chunk as Uint8Array);
      await writeFileAtomic(n, path, Buffer.concat(chunks));
    } else {
      entry.resume(); // links and devices are skipped: datasets do not need them
    }
  }
}

/** Downloads an archive (see {@link downloadUrl}), checks it, and extracts it; returns the archive's path. */
export async function downloadAndExtractArchive(url: string, downloadRoot: string, options: DownloadAndExtractOptions = {}): Promise<string> {
  const op = options.op ?? 'download';
  const archive = await downloadUrl(url, downloadRoot, options);
  await extractArchive(archive, options.extractRoot ?? downloadRoot, op);
  if (options.removeFinished === true) {
    const n = await node(op);
    await n.fsp.rm(archive, { force: true });
  }
  return archive;
}
