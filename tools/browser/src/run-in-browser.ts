/**
 * `runInBrowser`: bundle a TypeScript test page, serve it on 127.0.0.1, open it in headless
 * Chromium and return what the page publishes (see page.ts). Everything it starts is stopped
 * again, whatever happens.
 *
 * @module
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleMessage, Page } from 'playwright-core';
import { PAGE_BUNDLE, bundleForBrowser } from './bundle.js';
import { launchChromium } from './chromium.js';
import { HARNESS_GLOBAL, RESULT_GLOBAL, type HarnessInfo, type PageOutcome } from './protocol.js';
import { serveFiles, type FileServer } from './server.js';
import { REPO_ROOT } from './workspace.js';

/** A source file: a path (absolute, or relative to the working directory) or a `file:` URL. */
export type SourceFile = string | URL;

/** A console message of the page or one of its workers. */
export interface BrowserConsoleMessage {
  /** `'log'`, `'warning'`, `'error'`, ... (Playwright's `ConsoleMessage.type()`). */
  readonly type: string;
  /** The message's text. */
  readonly text: string;
}

/** Options of {@link runInBrowser}. */
export interface RunInBrowserOptions {
  /** The test page: a TypeScript module that calls `runPage(...)` from `@typetorch/browser-harness/page`. */
  entry: SourceFile;
  /**
   * Extra modules, bundled as separate ES modules and served as `/<name>.js`: what the page
   * imports by URL (`importModule(name)`) or hands to a Web Worker (`moduleUrl(name)`).
   */
  modules?: Readonly<Record<string, SourceFile>>;
  /** How long the page may take, from its navigation to its published result, in ms (default 30 000). */
  timeoutMs?: number;
  /** Serve the page cross-origin isolated (COOP/COEP), so it has `SharedArrayBuffer` (default false). */
  crossOriginIsolated?: boolean;
  /** Extra Chromium flags, after the harness's own (`CHROMIUM_FLAGS`). */
  chromiumArgs?: readonly string[];
  /** The Chromium executable (default: `TYPETORCH_CHROMIUM`, else /usr/bin/chromium). */
  executablePath?: string;
  /**
   * Every console message of the page and its workers. Default: errors and warnings are
   * written to stderr, prefixed with `[browser]`.
   */
  onConsole?: (message: BrowserConsoleMessage) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function toPath(file: SourceFile): string {
  return file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : resolve(file);
}

/** The file's path relative to the repository, for messages. */
function shown(path: string): string {
  const rel = relative(REPO_ROOT, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function forwardConsole(message: BrowserConsoleMessage): void {
  if (message.type === 'error' || message.type === 'warning') console.error(`[browser] console.${message.type}: ${message.text}`);
}

/** The HTML page: tells the page where its modules are, then runs its bundle. */
function html(title: string, info: HarnessInfo): string {
  const escape = (s: string) => s.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
  // `<` escaped inside the script so no module name can close the script element.
  const json = JSON.stringify(info).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escape(title)}</title><link rel="icon" href="data:,">
<script>globalThis.${HARNESS_GLOBAL} = ${json};</script>
<script type="module" src="/${PAGE_BUNDLE}.js"></script>
</head><body></body></html>
`;
}

/** How many recent console messages a timeout error quotes. */
const RECENT_MESSAGES = 10;

/**
 * Watches a page from before it loads: uncaught errors (one while the page's modules load may
 * come before `goto` returns) and the most recent console messages, for error messages.
 */
function watchPage(page: Page, onConsole: (message: BrowserConsoleMessage) => void) {
  const recent: string[] = [];
  let failed: ((error: Error) => void) | undefined;
  let firstError: Error | undefined;
  page.on('console', (message: ConsoleMessage) => {
    const m = { type: message.type(), text: message.text() };
    recent.push(`console.${m.type}: ${m.text}`);
    if (recent.length > RECENT_MESSAGES) recent.shift();
    onConsole(m);
  });
  page.on('pageerror', (error) => {
    firstError ??= error;
    failed?.(error);
  });
  return {
    recent,
    /** Rejects with the first uncaught error of the page, past or future. */
    uncaught: new Promise<never>((_, reject) => {
      failed = reject;
      if (firstError !== undefined) reject(firstError);
    }),
  };
}

/** Waits for the page's outcome; rejects at once on an uncaught error, or at the deadline. */
async function waitForOutcome(page: Page, entry: string, timeoutMs: number, watch: ReturnType<typeof watchPage>, server: FileServer): Promise<PageOutcome> {
  const uncaught = watch.uncaught.catch((error: Error) => {
    throw new Error(`[browser] ${entry}: uncaught error in the page: ${error.message}`, { cause: error });
  });
  try {
    const published = page.waitForFunction((name) => (globalThis as Record<string, unknown>)[name] !== undefined, RESULT_GLOBAL, {
      timeout: timeoutMs,
      polling: 50,
    });
    // When `uncaught` wins, `published` rejects later, as the browser closes: not an unhandled rejection.
    published.catch(() => undefined);
    await Promise.race([published, uncaught]);
  } catch (error) {
    if ((error as Error).name !== 'TimeoutError') throw error;
    const missing = server.missing.length === 0 ? '' : `; the server had no ${server.missing.join(', ')}`;
    const recent = watch.recent.length === 0 ? '; the page logged nothing' : `; its last console messages:\n  ${watch.recent.join('\n  ')}`;
    throw new Error(`[browser] ${entry} published no result within ${timeoutMs} ms${missing}${recent}`, { cause: error });
  }
  return (await page.evaluate((name) => (globalThis as Record<string, unknown>)[name], RESULT_GLOBAL)) as PageOutcome;
}

/**
 * Runs a test page in headless Chromium and returns the value its `runPage` body returned:
 *
 * 1. bundles `entry` and `modules` with esbuild (ES modules for the browser, `@typetorch/*` and
 *    `typetorch` made from the packages' sources, one module per package);
 * 2. serves them with an HTML page on a free port of 127.0.0.1;
 * 3. opens the page in /usr/bin/chromium (WebGPU on SwiftShader, fresh profile);
 * 4. waits for the published result; console errors are forwarded meanwhile.
 *
 * Throws when the body threw (its message and stack), on an uncaught error in the page, and when
 * nothing is published within `timeoutMs`; each message names the entry.
 */
export async function runInBrowser<T = unknown>(options: RunInBrowserOptions): Promise<T> {
  const entryPath = toPath(options.entry);
  const entry = shown(entryPath);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const modules = Object.fromEntries(Object.entries(options.modules ?? {}).map(([name, file]) => {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name === PAGE_BUNDLE) {
      throw new Error(`[browser] ${JSON.stringify(name)} cannot name a module (letters, digits, '_', '.', '-'; not '${PAGE_BUNDLE}')`);
    }
    return [name, toPath(file)];
  }));

  let files;
  try {
    files = await bundleForBrowser({ [PAGE_BUNDLE]: entryPath, ...modules });
  } catch (error) {
    throw new Error(`[browser] could not bundle ${entry}: ${(error as Error).message}`, { cause: error });
  }
  const info: HarnessInfo = { modules: Object.fromEntries(Object.keys(modules).map((name) => [name, `/${name}.js`])) };
  const served = new Map<string, Uint8Array | string>(files);
  served.set('/index.html', html(entry, info));

  const server = await serveFiles(served, { crossOriginIsolated: options.crossOriginIsolated });
  try {
    // The page's time starts once Chromium is up: launching is the machine's business, not the page's.
    const browser = await launchChromium({ executablePath: options.executablePath, args: options.chromiumArgs });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const watch = watchPage(page, options.onConsole ?? forwardConsole);
      watch.uncaught.catch(() => undefined); // handled in waitForOutcome
      // Only until the navigation commits: loading the page's modules counts as the page's time
      // below, where an error while they load ends the wait at once.
      await page.goto(`${server.origin}/`, { waitUntil: 'commit', timeout: timeoutMs });
      const outcome = await waitForOutcome(page, entry, timeoutMs, watch, server);
      if (!outcome.ok) {
        const error = new Error(`[browser] ${entry} failed: ${outcome.message}`);
        if (outcome.stack !== undefined) error.stack = `${error.message}\n(in the browser) ${outcome.stack}`;
        throw error;
      }
      return outcome.value as T;
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}
