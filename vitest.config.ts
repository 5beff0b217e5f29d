import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, file = 'index.ts') =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url));

// WebGPU tests run on SwiftShader (Debian's chromium package) when the machine has no Vulkan GPU
// driver of its own. The variables must be in the environment before the test processes start:
// Vulkan reads them natively, not through process.env.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
process.env.XDG_RUNTIME_DIR ??= '/tmp';

// Tests run against the TypeScript sources, so `pnpm test:unit` needs no build first.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@typetorch\/core\/testing$/, replacement: src('core', 'testing/index.ts') },
      { find: /^@typetorch\/core$/, replacement: src('core') },
      { find: /^@typetorch\/autograd$/, replacement: src('autograd') },
      { find: /^@typetorch\/backend-cpu$/, replacement: src('backend-cpu') },
      { find: /^@typetorch\/backend-webgpu$/, replacement: src('backend-webgpu') },
      { find: /^@typetorch\/nn$/, replacement: src('nn') },
      { find: /^@typetorch\/optim$/, replacement: src('optim') },
      { find: /^@typetorch\/data$/, replacement: src('data') },
      { find: /^@typetorch\/vision$/, replacement: src('vision') },
      { find: /^typetorch$/, replacement: src('typetorch') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'tools/*/test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
