/**
 * A static HTTP server on 127.0.0.1 for the page's files, held in memory. A real http origin,
 * not file://, because browsers give module Web Workers from Blob URLs, `import()` by URL and
 * WebGPU only to pages on a (potentially trustworthy) http(s) origin.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Options of {@link serveFiles}. */
export interface ServeOptions {
  /**
   * Send the COOP/COEP headers that make the page cross-origin isolated (`SharedArrayBuffer`,
   * precise timers). Default false: most pages are not.
   */
  crossOriginIsolated?: boolean;
}

/** A running server. */
export interface FileServer {
  /** Its origin, `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** Paths the browser asked for that the server does not have (for error messages). */
  readonly missing: readonly string[];
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Serves `files` (URL path → contents; `/dir/` serves `/dir/index.html`) on a free port of 127.0.0.1. */
export async function serveFiles(files: ReadonlyMap<string, Uint8Array | string>, options: ServeOptions = {}): Promise<FileServer> {
  const missing: string[] = [];
  const server = createServer((request, response) => {
    const requested = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const path = requested.endsWith('/') ? `${requested}index.html` : requested;
    const body = files.get(path);
    if (body === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) {
      if (path !== '/favicon.ico') missing.push(path);
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    const ext = /\.[a-z0-9]+$/.exec(path)?.[0] ?? '';
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      ...(options.crossOriginIsolated
        ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
        : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    missing,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
