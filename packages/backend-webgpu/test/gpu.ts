/**
 * Test set-up: the WebGPU backend on whatever adapter Node finds. On a machine without a GPU that
 * is SwiftShader from Debian's chromium package (installed by .ci/run): the root vitest.config.ts
 * points VK_ICD_FILENAMES at it before the test processes start.
 */
import { initWebGPU, type WebGPUBackend } from '@typetorch/backend-webgpu';

/** The dtypes a WebGPU device holds (float64 is refused; int64 lives in 32 bits). */
export const GPU_DTYPES = ['float32', 'int32', 'int64', 'uint8', 'bool'] as const;

let backend: Promise<WebGPUBackend> | undefined;

/** The registered `'webgpu'` backend (initialised once per test file). */
export function gpu(): Promise<WebGPUBackend> {
  backend ??= initWebGPU();
  return backend;
}
