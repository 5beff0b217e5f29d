/**
 * Bundles a test page and its extra modules for the browser with esbuild, in memory.
 *
 * Each workspace package (`typetorch`, `@typetorch/*`) becomes ONE ES module of its own, served
 * as `/packages/<folder>.js` (a subpath such as `@typetorch/core/testing` as
 * `/packages/core/testing.js`), and every bundle imports it by that absolute path. So the page and
 * a module it imports by URL share one copy of each package (one `Tensor` class, one backend
 * registry), while a Web Worker that imports the same module gets its own copy, as in an
 * application that loads the packages as separate modules. (esbuild's code splitting would share
 * code too, but it does not keep the evaluation order of modules with import cycles across
 * chunks, and core has such cycles.)
 *
 * @module
 */
import { build, type Plugin } from 'esbuild';
import { REPO_ROOT, resolveWorkspaceSource, workspacePackages } from './workspace.js';

/** Served files by URL path (`/page.js`, `/packages/core.js`) → contents. */
export type BundleFiles = Map<string, Uint8Array>;

/** The name the page's own bundle is served under: `/page.js`. */
export const PAGE_BUNDLE = 'page';

/** Where a workspace package's module is served: `/packages/<folder>[/<subpath>].js`. */
function packageUrl(specifier: string, packages: Map<string, string>): string | undefined {
  const match = /^((?:@[^/]+\/)?[^/@]+)(?:\/(.+))?$/.exec(specifier);
  const dir = match === null ? undefined : packages.get(match[1]);
  if (match === null || dir === undefined) return undefined;
  const folder = dir.split(/[\\/]/).pop()!;
  return `/packages/${folder}${match[2] === undefined ? '' : `/${match[2]}`}.js`;
}

/**
 * Leaves imports of workspace packages as imports of their served URL, and notes each package
 * seen in `found` (URL → source file) so that it gets bundled too.
 */
function workspaceExternals(packages: Map<string, string>, found: Map<string, string>): Plugin {
  return {
    name: 'typetorch-workspace-externals',
    setup(b) {
      b.onResolve({ filter: /^(@typetorch\/|typetorch($|\/))/ }, (args) => {
        const url = packageUrl(args.path, packages);
        if (url === undefined) return undefined;
        if (!found.has(url)) found.set(url, resolveWorkspaceSource(args.path, packages)!);
        return { path: url, external: true };
      });
    },
  };
}

/**
 * Bundles `entries` (output name → source file) into ES modules for the browser, each served as
 * `/<name>.js`, plus one module per workspace package they use, directly or through another.
 */
export async function bundleForBrowser(entries: Readonly<Record<string, string>>): Promise<BundleFiles> {
  const packages = workspacePackages();
  const found = new Map<string, string>();
  const files: BundleFiles = new Map();
  let todo = Object.entries(entries).map(([name, file]) => ({ url: `/${name}.js`, file }));
  // Rounds: the entries first, then the packages they import, then the packages those import...
  while (todo.length > 0) {
    const result = await build({
      entryPoints: todo.map(({ url, file }) => ({ in: file, out: url.slice(1, -'.js'.length) })),
      absWorkingDir: REPO_ROOT,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: '/',
      write: false,
      // Readable names in stack traces: a test may check that an error came from a given class.
      minify: false,
      keepNames: true,
      logLevel: 'silent',
      plugins: [workspaceExternals(packages, found)],
    });
    for (const file of result.outputFiles) files.set(file.path.replace(/\\/g, '/'), file.contents);
    todo = [...found].filter(([url]) => !files.has(url)).map(([url, file]) => ({ url, file }));
  }
  return files;
}
