import { describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, runInBrowser } from '../src/index.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

describe('runInBrowser', () => {
  it('returns what the page publishes; extra modules share the page\'s packages; WebGPU on SwiftShader', async () => {
    const messages: { type: string; text: string }[] = [];
    const value = await runInBrowser<Record<string, unknown>>({
      entry: fixture('basics.page.ts'),
      modules: { helper: fixture('helper.ts') },
      timeoutMs: 15_000,
      onConsole: (m) => messages.push(m),
    });
    expect(value.sum).toBe(6);
    expect(value.helperUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/helper\.js$/);
    expect(value.helperUrlFromInside).toBe(value.helperUrl);
    expect(value.helperSameTensorClass).toBe(true);
    expect(value.crossOriginIsolated).toBe(false);
    expect(value.webgpu).toEqual({ navigatorGpu: true, adapter: true });
    expect(value.special).toEqual([Number.NaN, -0, Number.POSITIVE_INFINITY]);
    expect(messages).toContainEqual({ type: 'error', text: 'a console error from the page' });
  });

  it('serves the page cross-origin isolated on request', async () => {
    const value = await runInBrowser<Record<string, unknown>>({
      entry: fixture('basics.page.ts'), modules: { helper: fixture('helper.ts') }, crossOriginIsolated: true, onConsole: () => undefined,
    });
    expect(value.crossOriginIsolated).toBe(true);
  });

  it('rejects with the page\'s error, naming the entry', async () => {
    await expect(runInBrowser({ entry: fixture('throws.page.ts') })).rejects.toThrow(
      '[browser] tools/browser/test/fixtures/throws.page.ts failed: the page body failed on purpose',
    );
  });

  it('rejects at once on an uncaught error while the page loads', async () => {
    const started = Date.now();
    await expect(runInBrowser({ entry: fixture('uncaught.page.ts'), timeoutMs: 20_000 })).rejects.toThrow(
      '[browser] tools/browser/test/fixtures/uncaught.page.ts: uncaught error in the page: thrown at the top level on purpose',
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('times out naming the entry and quoting the page\'s last console messages', async () => {
    await expect(runInBrowser({ entry: fixture('silent.page.ts'), timeoutMs: 1_000 })).rejects.toThrow(
      '[browser] tools/browser/test/fixtures/silent.page.ts published no result within 1000 ms; its last console messages:\n  console.log: waiting forever',
    );
  });

  it('says how to install Chromium when it is missing', async () => {
    await expect(runInBrowser({ entry: fixture('throws.page.ts'), executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      '[browser] /nonexistent/chromium not found: apt-get install chromium',
    );
  });

  it('says which file could not be bundled', async () => {
    await expect(runInBrowser({ entry: fixture('no-such.page.ts') })).rejects.toThrow(
      '[browser] could not bundle tools/browser/test/fixtures/no-such.page.ts: ',
    );
  });

  it('starts Chromium with WebGPU on SwiftShader and without background networking', () => {
    expect(CHROMIUM_FLAGS).toEqual(expect.arrayContaining([
      '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--disable-background-networking', '--disable-component-update',
    ]));
  });
});
