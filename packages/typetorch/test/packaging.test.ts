// typetorch loads in plain Node from its build, and bundles for browsers without Node built-ins.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const built = `${root}packages/typetorch/dist/index.js`;

describe('packaging', () => {
  it('loads the built ESM package in Node 20 without a bundler', () => {
    expect(existsSync(built), `${built} is missing: run pnpm build first (pnpm test does)`).toBe(true);
    const script = `import * as torch from 'typetorch'; const x = torch.ones(2, 2, { requiresGrad: true });
      x.mul(3).sum().backward(); console.log(String(x.grad));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: `${root}packages/typetorch`, encoding: 'utf8' });
    expect(out.trim()).toBe('tensor([[3., 3.],\n        [3., 3.]])');
  });

  it('bundles for the browser and runs in a context without Node globals', async () => {
    const result = await build({
      entryPoints: [`${root}packages/typetorch/src/index.ts`],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'torch',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    // Node-only features load their modules through computed dynamic imports, which bundlers leave alone.
    const nodeImports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path)).filter((path) => path.startsWith('node:'));
    expect(nodeImports).toEqual([]);
    // A browser's globals beyond ECMAScript that typetorch may use; no Node ones (process, Buffer, require).
    const sandbox: Record<string, unknown> = { TextEncoder, TextDecoder };
    runInNewContext(`${code}; globalThis.out = String(torch.arange(4).float().pow(2).sum());`, sandbox);
    expect(sandbox.out).toBe('tensor(14.)');
  });
});
