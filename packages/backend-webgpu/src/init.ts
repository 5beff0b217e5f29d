/**
 * `initWebGPU()`: finds a GPU, creates the backend and registers it as the device `'webgpu'`.
 *
 * In browsers the GPU comes from `navigator.gpu`; in Node from the optional `webgpu` package (Dawn's
 * Node binding), imported only when there is no `navigator.gpu`. Each failure says what is missing.
 *
 * @module
 */
import { registerBackend } from '@typetorch/core';
import { createWebGPUBackend, type WebGPUBackend } from './backend.js';

/** Options of {@link initWebGPU}. */
export interface InitWebGPUOptions {
  /** Use this device instead of requesting one (its limits must allow storage buffers). */
  device?: GPUDevice;
  /** The `GPU` object to request an adapter from, instead of `navigator.gpu` or the `webgpu` package. */
  gpu?: GPU;
  /** Passed to `requestAdapter`. */
  powerPreference?: GPUPowerPreference;
  /** Device name to register (default `'webgpu'`). */
  name?: string;
}

let current: { name: string; backend: WebGPUBackend; device: GPUDevice } | undefined;

/**
 * The `GPU` objects in use. Dawn's Node binding tears its instance down when the object returned by
 * `create()` is garbage collected, even while devices from it still run, so it must stay reachable.
 */
const gpusInUse = new Set<GPU>();

const isNode = (): boolean =>
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/** The `GPU` object of this platform, or an error that says how to get one. */
async function findGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu !== undefined) return nav.gpu;
  if (!isNode()) {
    throw new Error('[initWebGPU] this environment has no navigator.gpu: use a browser with WebGPU enabled (Chrome 113+, Edge, Safari 26+, Firefox 141+)');
  }
  const packageName = 'webgpu'; // a variable, so that bundlers for the web leave this import alone
  let mod: { create: (flags: string[]) => GPU };
  try {
    mod = (await import(/* @vite-ignore */ packageName)) as typeof mod;
  } catch (error) {
    throw new Error(
      `[initWebGPU] Node has no WebGPU of its own: install the 'webgpu' package (npm install webgpu, Dawn's Node binding) (import failed: ${(error as Error).message})`,
    );
  }
  return mod.create([]);
}

/**
 * Finds a GPU, creates the WebGPU backend and registers it (as `'webgpu'` unless `options.name`
 * says otherwise). Calling it again returns the same backend while its device is alive.
 */
export async function initWebGPU(options: InitWebGPUOptions = {}): Promise<WebGPUBackend> {
  const name = options.name ?? 'webgpu';
  if (current !== undefined && current.name === name && options.device === undefined && !current.backend.runtime.isLost()) {
    return current.backend;
  }
  let device = options.device;
  if (device === undefined) {
    const gpu = options.gpu ?? (await findGpu());
    gpusInUse.add(gpu);
    const adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
    if (adapter === null) {
      throw new Error(
        '[initWebGPU] no WebGPU adapter was found' +
          (isNode()
            ? ': without a GPU, point Vulkan at SwiftShader (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json from Debian\'s chromium)'
            : ': the browser has WebGPU but no usable GPU (check chrome://gpu, or --enable-unsafe-webgpu)'),
      );
    }
    const limits = adapter.limits;
    device = await adapter.requestDevice({
      // Ask for the adapter's largest buffers: the defaults (128 MiB bindings) are smaller than many models.
      requiredLimits: {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeWorkgroupSizeY: limits.maxComputeWorkgroupSizeY,
      },
    });
  }
  const backend = createWebGPUBackend(device);
  registerBackend(name, backend, { priority: 1 });
  current = { name, backend, device };
  return backend;
}
