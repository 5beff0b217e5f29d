// In-memory checkpoints work in a browser bundle, which never includes Node's file system.
import { describe, it, expect } from 'vitest';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function browserBundle(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `export { cpuBackend } from '@typetorch/backend-cpu'; export * from '@typetorch/core';`,
      resolveDir: root,
      loader: 'ts',
    },
    // the sources, as the tests use them (not the built dist/)
    alias: { '@typetorch/core': `${root}packages/core/src/index.ts`, '@typetorch/backend-cpu': `${root}packages/backend-cpu/src/index.ts` },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'torch',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe('checkpoints in a browser bundle', () => {
  it('bundles without any node: import', async () => {
    const code = await browserBundle();
    expect(code).not.toMatch(/require\(["']node:|from ["']node:|import\(["']node:/);
    expect(code).toContain('saveToBytes');
  });

  it('round-trips through saveToBytes/loadFromBytes without Node globals, and explains that paths need Node', async () => {
    // A browser's globals that checkpoints use (a bare vm context has none of them).
    const sandbox: Record<string, unknown> = { TextEncoder, TextDecoder };
    runInNewContext(
      `${await browserBundle()};
      globalThis.run = (async () => {
        const base = torch.arange(6).float();
        const bytes = await torch.saveToBytes({ a: base.view(2, 3).t(), b: base.index('3:'), step: 7 });
        const back = torch.loadFromBytes(bytes);
        const st = torch.loadFromBytes(await torch.saveToBytes({ w: base }, { format: 'safetensors' }));
        let saveError = '';
        try { await torch.save({ step: 1 }, 'model.pt'); } catch (e) { saveError = e.message; }
        return {
          isUint8Array: bytes instanceof Uint8Array,
          a: String(back.a), shared: back.a._storage === back.b._storage, step: back.step,
          st: Array.from(st.w.dataSync()), saveError,
        };
      })();`,
      sandbox,
    );
    const out = (await sandbox.run) as Record<string, unknown>;
    expect(out).toMatchObject({
      isUint8Array: true,
      a: 'tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])',
      shared: true,
      step: 7,
      st: [0, 1, 2, 3, 4, 5],
    });
    expect(out.saveError).toMatch(/^\[save\] file paths need Node's file system \(node:fs\/promises\), which is not available here \(.*\); use saveToBytes with a Uint8Array instead$/);
  });
});
