/**
 * What the Node side of the harness and the test page agree on: the global through which the
 * harness tells the page where its extra modules are, and the global where the page leaves its
 * outcome. Plain types and names only, so it bundles into the page as well.
 *
 * @module
 */

/** The global the harness sets (an inline script) before the page's module runs. */
export const HARNESS_GLOBAL = '__harness';

/** The global the page sets, once, when it is done: a {@link PageOutcome}. */
export const RESULT_GLOBAL = '__result';

/** What the harness tells the page. */
export interface HarnessInfo {
  /** The extra modules' URLs by name, relative to the page (`{ dataset: '/dataset.js' }`). */
  readonly modules: Readonly<Record<string, string>>;
}

/** How a page ended: the value its body returned, or the error it threw. */
export type PageOutcome =
  | {
      /** The body returned. */
      readonly ok: true;
      /** What it returned (plain data). */
      readonly value: unknown;
    }
  | {
      /** The body threw. */
      readonly ok: false;
      /** The error's message. */
      readonly message: string;
      /** The error's stack, where it had one. */
      readonly stack?: string;
    };
