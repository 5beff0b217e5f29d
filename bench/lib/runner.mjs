// Runs one column in its own process and collects its messages (see lib/child.mjs for why one
// process per column). Columns run one after another, never side by side: on a 2-core machine a
// concurrent column would steal the core (and memory bandwidth) the measured one is using.
//
// Both kinds of child speak the same messages: {type: 'info', info}, {type: 'figure', id,
// timing | error, warning?}, {type: 'fatal', error}, and last {type: 'cpu', seconds} (the child's
// own CPU time, which lib/machine.mjs subtracts to see what other processes took). Node children send them over IPC; the Python
// child prints them as JSON lines on stdout.

import { fork, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gpuChildEnv } from './gpu.mjs';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));
const TORCH_SCRIPT = fileURLToPath(new URL('../torch_bench.py', import.meta.url));
/** Debian's interpreter, the one with torch (the python3 first on PATH has none). */
export const PYTHON = process.env.TYPETORCH_BENCH_PYTHON ?? '/usr/bin/python3';

/**
 * @typedef {object} ColumnResult
 * @property {object} [info]       version, threads, ... as the suite reported them
 * @property {string} [error]      why the column has no figures at all (load failure, crash)
 * @property {string} [unavailable] why the column was not run (PyTorch missing)
 * @property {Record<string, {timing?: object, error?: string, tooSlow?: string, warning?: string}>} figures
 * @property {number} [cpuSeconds]  the column process's own CPU time (user + system)
 * @property {number | null} [otherLoad]  set by run.mjs: other processes' cores meanwhile
 */

/**
 * @param {'typetorch' | 'tfjs-cpu' | 'tfjs-wasm' | 'tfjs-webgpu'} column
 * @param {object} config  {device, threads, budgets}
 * @param {number} timeoutS
 * @returns {Promise<ColumnResult>}
 */
export function runNodeColumn(column, config, timeoutS) {
  // --expose-gc: timing.mjs collects garbage between figures (never inside a timed block).
  // WebGPU columns: Vulkan's loader reads its variables at process start (see lib/gpu.mjs).
  const child = fork(CHILD, [column, JSON.stringify(config)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    ...(config.device === 'webgpu' && { env: gpuChildEnv() }),
  });
  const result = newResult();
  child.on('message', (msg) => absorb(result, msg));
  return supervise(child, column, result, timeoutS);
}

/**
 * The PyTorch column exists only where this interpreter can import torch; ask it first, cheaply
 * and separately, so "no PyTorch here" reads as that and not as a crash. (Called before the load
 * meter starts: importing torch takes a few CPU seconds that are not the column's.)
 * @returns {string | null}  why there is no PyTorch column, or null when there is one
 */
export function probeTorch() {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
  if (!probe.error && probe.status === 0) return null;
  const why = probe.error?.message ?? lastLine(probe.stderr) ?? `exit ${probe.status}`;
  return `no PyTorch: ${PYTHON} -c 'import torch': ${why}`;
}

/**
 * @param {object} config  {threads, budgets, figures}
 * @param {number} timeoutS
 * @returns {Promise<ColumnResult>}
 */
export function runTorchColumn(config, timeoutS) {
  const child = spawn(PYTHON, [TORCH_SCRIPT, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const result = newResult();
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (!line) continue;
      try {
        absorb(result, JSON.parse(line));
      } catch {
        process.stderr.write(`[pytorch] ${line}\n`); // not ours: pass it on
      }
    }
  });
  return supervise(child, 'pytorch', result, timeoutS, /* stdoutIsData */ true);
}

function newResult() {
  return { info: undefined, error: undefined, figures: {}, cpuSeconds: undefined };
}

function absorb(result, msg) {
  if (msg.type === 'info') result.info = msg.info;
  else if (msg.type === 'fatal') result.error = msg.error;
  else if (msg.type === 'cpu') result.cpuSeconds = msg.seconds;
  else if (msg.type === 'figure') {
    const { type: _type, id, ...rest } = msg;
    result.figures[id] = rest;
  }
}

/** Forwards the child's output to our stderr, enforces the deadline, and settles the result. */
function supervise(child, name, result, timeoutS, stdoutIsData = false) {
  const tail = [];
  const forward = (stream) => {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      process.stderr.write(chunk);
      tail.push(chunk);
      if (tail.length > 20) tail.shift();
    });
  };
  if (!stdoutIsData) forward(child.stdout);
  forward(child.stderr);

  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1e3);
    child.on('error', (e) => {
      result.error ??= `could not start: ${e.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        result.error ??= `timed out after ${timeoutS} s`;
      } else if ((code !== 0 || signal) && !result.error) {
        const last = lastLine(tail.join(''));
        result.error = `${name} exited with ${signal ?? `code ${code}`}${last ? `: ${last}` : ''}`;
      }
      resolve(result);
    });
  });
}

function lastLine(text) {
  const lines = String(text ?? '').trim().split('\n').filter(Boolean);
  return lines.length ? lines[lines.length - 1].slice(0, 300) : undefined;
}

/** @param {string} why */
export function unavailableColumn(why) {
  return { ...newResult(), unavailable: why };
}
