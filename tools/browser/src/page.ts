/**
 * The page side of the harness, imported by a test page (bundled for the browser):
 * {@link runPage} runs the page's body and publishes its outcome for {@link runInBrowser} to
 * collect; {@link moduleUrl} / {@link importModule} reach the extra modules the harness serves
 * (for instance a dataset module that Web Workers import by URL).
 *
 * @module
 */
import { HARNESS_GLOBAL, RESULT_GLOBAL, type HarnessInfo, type PageOutcome } from './protocol.js';

function harnessInfo(): HarnessInfo {
  const info = (globalThis as Record<string, unknown>)[HARNESS_GLOBAL] as HarnessInfo | undefined;
  if (info === undefined) throw new Error('[browser] this page was not started by runInBrowser (no globalThis.__harness)');
  return info;
}

/**
 * The absolute URL of the extra module `name` (a key of `runInBrowser`'s `modules` option): a
 * separate ES module on the page's origin, so a Web Worker started from a Blob URL can import it.
 */
export function moduleUrl(name: string): string {
  const path = harnessInfo().modules[name];
  if (path === undefined) {
    throw new Error(`[browser] no module named ${JSON.stringify(name)}; runInBrowser was given: ${Object.keys(harnessInfo().modules).join(', ') || 'none'}`);
  }
  return new URL(path, globalThis.location.href).href;
}

/**
 * Imports the extra module `name` by its URL (see {@link moduleUrl}). Typed by the caller:
 * `await importModule<typeof import('./my.dataset.js')>('dataset')`. The module and the page
 * share one copy of each workspace package (`typetorch`, `@typetorch/*`), so their tensors mix.
 */
export async function importModule<T>(name: string): Promise<T> {
  return (await import(/* @vite-ignore */ moduleUrl(name))) as T;
}

/**
 * Runs the page's body and publishes what it returns (plain data) or the error it throws. Call it
 * once, at the top level of the test page module.
 */
export function runPage(body: () => unknown): void {
  const publish = (outcome: PageOutcome): void => {
    (globalThis as Record<string, unknown>)[RESULT_GLOBAL] = outcome;
  };
  void (async () => body())().then(
    (value) => publish({ ok: true, value }),
    (error: unknown) => publish(error instanceof Error
      ? { ok: false, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) }
      : { ok: false, message: String(error) }),
  );
}
