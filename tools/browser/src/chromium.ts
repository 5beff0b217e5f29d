/**
 * Headless Chromium for tests: Debian's /usr/bin/chromium, driven by playwright-core (which never
 * downloads a browser of its own), with the flags that give a page WebGPU through SwiftShader (a
 * CPU Vulkan, so no GPU is needed) and keep Chromium off the network.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Chromium is, unless `TYPETORCH_CHROMIUM` names another executable. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * The flags every run gets. WebGPU: `--enable-unsafe-webgpu` (no GPU allow-list) with the
 * SwiftShader adapter. Quiet: without the background-networking flags Chromium keeps trying to
 * reach Google's services, and on a machine with no network floods the log with refused
 * connections. `--no-sandbox`: CI runs as root, where Chromium's sandbox cannot start.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium executable to use: `TYPETORCH_CHROMIUM` if set, else {@link DEFAULT_CHROMIUM}. */
export function chromiumPath(): string {
  return process.env.TYPETORCH_CHROMIUM || DEFAULT_CHROMIUM;
}

/** A launched browser and how to put everything away. */
export interface LaunchedChromium {
  /** The browser's (only) context. */
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>;
}

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /** The executable (default {@link chromiumPath}). */
  executablePath?: string;
  /** Flags added after {@link CHROMIUM_FLAGS}. */
  args?: readonly string[];
  /** How long the launch may take, in ms (default 60 000: a busy CI machine can be slow). */
  timeoutMs?: number;
}

/**
 * Launches headless Chromium with a fresh profile in a temporary folder (so no state leaks
 * between runs), removed again by `close()`.
 */
export async function launchChromium(options: LaunchOptions): Promise<LaunchedChromium> {
  const executablePath = options.executablePath ?? chromiumPath();
  if (!existsSync(executablePath)) throw new Error(`[browser] ${executablePath} not found: apt-get install chromium`);
  const profile = await mkdtemp(join(tmpdir(), 'typetorch-chromium-'));
  try {
    // A persistent context because Playwright keeps `--user-data-dir` to itself: it is how a
    // profile folder of our choosing (and cleaning) is passed.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
      timeout: options.timeoutMs ?? 60_000,
    });
    return {
      context,
      close: async () => {
        try {
          await context.close();
        } finally {
          await removeProfile(profile);
        }
      },
    };
  } catch (error) {
    await removeProfile(profile);
    throw error;
  }
}

/**
 * Removes a profile folder. Chromium's helper processes may still be writing into it for a
 * moment after the browser closed (ENOTEMPTY), hence the retries; a folder that stays is only
 * reported, so that it never hides the error of the run itself.
 */
async function removeProfile(profile: string): Promise<void> {
  try {
    await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch (error) {
    console.warn(`[browser] could not remove the profile folder ${profile}: ${(error as Error).message}`);
  }
}
