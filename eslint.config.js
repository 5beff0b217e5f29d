// ESLint flat config for the whole monorepo. Each package's `lint` script (`eslint src test`) finds
// this file by walking up from its folder.
//
// typescript-eslint's `recommended` set, deliberately WITHOUT type information: type-aware linting
// would need every dependency built first and would be several times slower; `tsc` (the
// `typecheck` task) already catches what the type-aware rules would.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The globals plain .js/.mjs scripts (bench, scripts, configs) use under Node 20. Kept by hand to
// avoid a dependency on the `globals` package for a dozen names.
const nodeGlobals = Object.fromEntries(
  [
    'process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder',
    'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
    'queueMicrotask', 'structuredClone', 'performance', 'fetch', 'AbortController', 'globalThis',
    'WebAssembly', 'SharedArrayBuffer', 'Atomics',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/coverage/',
    '**/.turbo/',
    'apps/docs/site/',
    '**/.doc-examples/', // generated from Markdown by the documentation-examples test
    'data/',
    'tmp/',
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
  },

  {
    name: 'typetorch/rules',
    files: ['**/*.{ts,mts,cts,tsx,js,mjs,cjs}'],
    rules: {
      // Kernels index typed arrays and maps whose presence the code has just established
      // (`strides[d]!`, `map.get(k)!`); the assertion states that, and tsc checks the rest.
      '@typescript-eslint/no-non-null-assertion': 'off',

      // `while (true)` / `for (;;)` with a `break` is the clearest form of many numeric loops
      // (iterating multi-indices, rejection sampling). Constant `if` conditions are still errors.
      'no-constant-condition': ['error', { checkLoops: false }],

      // Unused names are errors, unless they start with `_`: unused parameters of a kernel or a
      // backward function whose signature is fixed by an interface, ignored tuple entries.
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],

      // `interface Foo extends Bar {}` is the documented way to give a public alias its own name in
      // the API reference.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
);
