/**
 * `@typetorch/browser-harness`: runs TypeScript test pages in headless Chromium from a Vitest
 * test in Node. The Node side is {@link runInBrowser}; the page side is
 * `@typetorch/browser-harness/page` (page.ts: `runPage`, `moduleUrl`, `importModule`).
 *
 * ```ts
 * const value = await runInBrowser<{ sum: number }>({ entry: new URL('./sum.page.ts', import.meta.url) });
 * ```
 *
 * @packageDocumentation
 */
export { runInBrowser, type RunInBrowserOptions, type BrowserConsoleMessage, type SourceFile } from './run-in-browser.js';
export { CHROMIUM_FLAGS, DEFAULT_CHROMIUM, chromiumPath } from './chromium.js';
export { HARNESS_GLOBAL, RESULT_GLOBAL, type HarnessInfo, type PageOutcome } from './protocol.js';
