/// <reference types="@webgpu/types" />
/**
 * `@typetorch/backend-webgpu`: the WebGPU device for typetorch.
 *
 * ```ts
 * import * as torch from 'typetorch';
 * import { initWebGPU } from '@typetorch/backend-webgpu';
 *
 * await initWebGPU();                        // navigator.gpu in browsers, the `webgpu` package in Node
 * const x = torch.randn(64, 64).to('webgpu');
 * const y = await x.matmul(x).sum().item();
 * ```
 *
 * Tensors hold float32, int32, uint8, bool and int64 (kept in 32 bits); float64 is refused. Reads
 * are asynchronous (`await t.data()`); free memory with `dispose()`, `using` or `torch.tidy`.
 *
 * @packageDocumentation
 */
export { initWebGPU, type InitWebGPUOptions } from './init.js';
export { createWebGPUBackend, type WebGPUBackend } from './backend.js';
export type { RuntimeStats } from './runtime.js';
export type { PoolStats } from './buffer-pool.js';
