/**
 * Where the workspace's packages live, so that the browser bundles are made from the packages'
 * TypeScript sources, as the root vitest.config.ts resolves them: a test page needs no build
 * first, and it runs the same code as the Node tests.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder (this file is tools/browser/src/workspace.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Each package under packages/ by its package.json name: name → the package's folder. */
export function workspacePackages(root = REPO_ROOT): Map<string, string> {
  const out = new Map<string, string>();
  const packagesDir = join(root, 'packages');
  for (const dir of readdirSync(packagesDir)) {
    const manifest = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
    if (typeof name === 'string') out.set(name, join(packagesDir, dir));
  }
  return out;
}

/**
 * The source file a workspace import specifier stands for, or `undefined` when it names no
 * workspace package: `@typetorch/core` → packages/core/src/index.ts, a subpath such as
 * `@typetorch/core/testing` → packages/core/src/testing/index.ts (or src/testing.ts).
 */
export function resolveWorkspaceSource(specifier: string, packages: Map<string, string>): string | undefined {
  const match = /^((?:@[^/]+\/)?[^/@]+)(?:\/(.+))?$/.exec(specifier);
  if (match === null) return undefined;
  const dir = packages.get(match[1]);
  if (dir === undefined) return undefined;
  const sub = match[2];
  const candidates = sub === undefined
    ? [join(dir, 'src', 'index.ts')]
    : [join(dir, 'src', sub, 'index.ts'), join(dir, 'src', `${sub}.ts`)];
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) throw new Error(`[browser] ${specifier}: none of ${candidates.join(', ')} exists`);
  return found;
}
