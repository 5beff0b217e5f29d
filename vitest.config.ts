import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, file = 'index.ts') =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url));

// Tests run against the TypeScript sources, so `pnpm test:unit` needs no build first.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@typetorch\/core\/testing$/, replacement: src('core', 'testing/index.ts') },
      { find: /^@typetorch\/core$/, replacement: src('core') },
      { find: /^@typetorch\/autograd$/, replacement: src('autograd') },
      { find: /^@typetorch\/backend-cpu$/, replacement: src('backend-cpu') },
      { find: /^@typetorch\/nn$/, replacement: src('nn') },
      { find: /^@typetorch\/optim$/, replacement: src('optim') },
      { find: /^@typetorch\/data$/, replacement: src('data') },
      { find: /^@typetorch\/vision$/, replacement: src('vision') },
      { find: /^typetorch$/, replacement: src('typetorch') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
