// The examples in the READMEs and the getting-started guide run, and their `// value` comments hold.
import { describe, it, expect } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as torch from 'typetorch';
import { codeBlocks, instrument } from './doc-examples.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const generated = fileURLToPath(new URL('./.doc-examples/', import.meta.url));
const FILES = [
  'README.md',
  'packages/core/README.md',
  'packages/autograd/README.md',
  'packages/backend-cpu/README.md',
  'packages/backend-webgpu/README.md',
  'packages/typetorch/README.md',
  'packages/optim/README.md',
  'packages/nn/README.md',
  'packages/data/README.md',
  'apps/docs/guides/getting-started.md',
];

interface Check { line: number; expected: string; actual: string; ok: boolean }
const checks: Check[] = [];

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\[ /g, '[').replace(/ \]/g, ']');
}

async function show(value: unknown): Promise<unknown> {
  if (value instanceof torch.Tensor) return value.numel() === 1 && value.dim() === 0 ? value.item() : value.tolist();
  if (ArrayBuffer.isView(value)) return Array.from(value as Float32Array);
  if (Array.isArray(value)) return [...value];
  return value;
}

// Called by the instrumented examples.
(globalThis as Record<string, unknown>).__docCheck = async (compute: () => Promise<unknown>, expected: string, line: number) => {
  const value = await compute();
  let ok: boolean;
  if (expected.startsWith('tensor(')) ok = normalise(String(value)) === normalise(expected);
  else if (expected.startsWith('≈')) ok = Math.abs(Number(await show(value)) - Number(expected.slice(1))) < 0.05;
  else if (expected.startsWith('Float32Array ')) ok = JSON.stringify(await show(value)) === JSON.stringify(JSON.parse(expected.slice(13)));
  else if (expected.startsWith("'")) ok = String(value) === (new Function(`return ${expected}`)() as string);
  else ok = JSON.stringify(await show(value)) === JSON.stringify(new Function(`return ${expected}`)());
  checks.push({ line, expected, actual: String(await show(value)), ok });
};

describe('documentation examples', () => {
  mkdirSync(generated, { recursive: true });
  for (const file of FILES) {
    it(`${file} runs and shows the values it states`, async () => {
      const source = instrument(codeBlocks(readFileSync(`${root}${file}`, 'utf8')));
      const path = `${generated}${file.replace(/[/.]/g, '_')}.ts`;
      writeFileSync(path, source);
      checks.length = 0;
      await import(/* @vite-ignore */ pathToFileURL(path).href);
      expect(checks.length, `${file} has no checked values`).toBeGreaterThan(0);
      expect(checks.filter((c) => !c.ok).map((c) => `line ${c.line}: expected ${c.expected}, got ${c.actual}`)).toEqual([]);
    });
  }
});
