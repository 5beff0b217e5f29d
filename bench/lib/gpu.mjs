// The WebGPU side of the harness: the environment the GPU columns' processes need, the GPU object
// both columns request their adapter from, and how the report names that adapter.
//
// In Node the GPU comes from the `webgpu` npm package (Dawn). On a machine without a GPU driver,
// Dawn finds SwiftShader (a Vulkan implementation on the CPU, shipped in Debian's chromium) only if
// Vulkan's loader is pointed at it. Vulkan reads these variables natively from the process
// environment at start-up, so the parent sets them on the children it spawns (setting them in
// process.env of an already running process would be too late).

import { existsSync } from 'node:fs';

/** Debian's chromium ships SwiftShader's Vulkan ICD here. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * The environment of a WebGPU column's process: the parent's, plus SwiftShader's ICD when no
 * Vulkan driver was chosen (VK_ICD_FILENAMES unset) and the file exists, plus XDG_RUNTIME_DIR
 * (Dawn warns without it). A machine with a real GPU driver and VK_ICD_FILENAMES unset still gets
 * SwiftShader if chromium is installed: set VK_ICD_FILENAMES to the GPU's ICD (or to '') there.
 * @returns {NodeJS.ProcessEnv}
 */
export function gpuChildEnv(env = process.env) {
  const out = { ...env };
  if (out.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) out.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  out.XDG_RUNTIME_DIR ??= '/tmp';
  return out;
}

/**
 * Makes `navigator.gpu` exist in this Node process (Dawn through the `webgpu` package) and asks it
 * for the adapter both libraries will get (each requests its own; with one GPU, or SwiftShader,
 * that is the same adapter: the report compares the two columns' descriptions).
 * The GPU object is kept in a module variable for the life of the process: Dawn tears its
 * instance down when the object returned by create() is garbage collected.
 * @returns {Promise<{ vendor: string, architecture: string, device: string, description: string, swiftshader: boolean }>}
 */
export async function openGpu() {
  if (globalThis.navigator?.gpu === undefined) {
    let mod;
    try {
      mod = await import('webgpu');
    } catch (e) {
      throw new Error(`the 'webgpu' package (Dawn for Node) failed to load: ${String(e?.message ?? e).split('\n')[0]}`);
    }
    Object.assign(globalThis, mod.globals);
    keptGpu = mod.create([]);
    // Node ≥ 21 has a read-only navigator getter: define the property rather than assign it.
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: keptGpu }, configurable: true, writable: true });
  }
  const adapter = await globalThis.navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      `no WebGPU adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}; without a GPU, ` +
        `install Debian's chromium for SwiftShader at ${SWIFTSHADER_ICD})`,
    );
  }
  return describeAdapter(adapter.info ?? {});
}

let keptGpu = null;

/** @param {{ vendor?: string, architecture?: string, device?: string, description?: string }} info */
export function describeAdapter(info) {
  const d = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  return { ...d, swiftshader: isSwiftShader(d) };
}

/** SwiftShader reports vendor 'google', architecture 'swiftshader' (Dawn) or says so in its description. */
export function isSwiftShader(info) {
  return /swiftshader/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** One line for the report: "google swiftshader (SwiftShader Device (Subzero))". */
export function adapterLine(info) {
  const main = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const extra = [info.device, info.description].filter((s) => s && !main.includes(s));
  return extra.length ? `${main} (${[...new Set(extra)].join(', ')})` : main;
}
