/**
 * What each DataLoader worker imports before it loads CIFAR-10 (the DataLoader's `workerImports`).
 * Running from the TypeScript sources (tsx, or Vitest), `@typetorch/vision`'s modules are .ts files
 * that a plain Node worker cannot load, so the worker first registers tsx's loader
 * (worker-typescript.mjs); then worker-setup registers the CPU device. The library knows nothing of
 * tsx: the app decides, here.
 */

/** Whether this module runs from its TypeScript source rather than compiled JavaScript. */
export function runningFromSources(url: string = import.meta.url): boolean {
  return /\.[cm]?ts$/.test(new URL(url).pathname);
}

/** The module URLs for the DataLoader's `workerImports` option, in import order. */
export function workerImports(fromSources: boolean = runningFromSources()): string[] {
  const setup = new URL(fromSources ? './worker-setup.ts' : './worker-setup.js', import.meta.url).href;
  return fromSources ? [new URL('./worker-typescript.mjs', import.meta.url).href, setup] : [setup];
}
