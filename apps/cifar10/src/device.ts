/**
 * `--device`: makes the requested device available. `webgpu` loads @typetorch/backend-webgpu (its
 * Node GPU comes from the `webgpu` package, Dawn). On a machine whose Vulkan has no GPU driver, Dawn
 * finds no adapter; if Debian's chromium package is installed, its SwiftShader (a CPU
 * implementation of Vulkan) is used instead, and the run says so: it is slow, a correctness check.
 */
import { existsSync } from 'node:fs';
import * as torch from 'typetorch';
import { UsageError } from './args.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Registers `device` if needed; returns a line to print about the adapter, or undefined. */
export async function prepareDevice(device: string): Promise<string | undefined> {
  if (device === 'cpu' || torch.hasBackend(device)) return undefined;
  if (device !== 'webgpu') throw new UsageError(`--device ${device}: expected cpu or webgpu`);
  const { initWebGPU } = await import('@typetorch/backend-webgpu');
  process.env.XDG_RUNTIME_DIR ??= '/tmp'; // Vulkan's loader complains without one
  try {
    await initWebGPU();
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    const noAdapter = message.includes('no WebGPU adapter');
    if (!noAdapter || process.env.VK_ICD_FILENAMES !== undefined || !existsSync(SWIFTSHADER)) {
      throw new UsageError(`--device webgpu: ${message}`);
    }
    // The Vulkan loader reads these when Dawn creates its next instance.
    process.env.VK_ICD_FILENAMES = SWIFTSHADER;
    await initWebGPU();
    return 'webgpu: no GPU driver found, using SwiftShader (a CPU implementation of WebGPU from Debian\'s chromium): correct but slow';
  }
}
