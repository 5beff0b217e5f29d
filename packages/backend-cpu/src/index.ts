/**
 * `@typetorch/backend-cpu`: the CPU device for typetorch. Importing this package registers it as
 * the device `'cpu'`; tensors created without a `device` then live here.
 *
 * Storage is one typed array per tensor storage (int64 as `BigInt64Array`, exact); kernels are plain
 * TypeScript with no native or WebAssembly parts, so the package runs unchanged in Node, browsers,
 * Deno and Bun.
 *
 * @packageDocumentation
 */
import { registerBackend } from '@typetorch/core';
import { cpuBackend } from './backend.js';

registerBackend('cpu', cpuBackend, { priority: 0 });

export { cpuBackend };
