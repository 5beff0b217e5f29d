/**
 * The program of a DataLoader worker, as a string, generated for one host API:
 *
 * - `'node'`: CommonJS that Node runs with `new Worker(source, { eval: true })` from
 *   `node:worker_threads`; its start data comes as `workerData`.
 * - `'web'`: an ES module that a Web Worker runs from a Blob URL
 *   (`new Worker(url, { type: 'module' })`, browsers and Deno); its start data comes as the first
 *   message, `{ type: 'init', ... }`.
 *
 * Either way no separate file has to be found (or bundled) at run time, and everything but the
 * few host-specific lines (how messages come and go, how a path becomes a URL) is the same code.
 * The program needs no typetorch import of its own: the dataset's module (and the `imports` of the
 * start data, imported first) bring their own, and tensors are recognised by shape (`dtype`,
 * `shape`, `dataSync`) and sent back as typed arrays, their buffers transferred.
 *
 * Protocol: the worker builds its dataset from the start data's `spec`; each message
 * `{ id, indices }` is answered by `{ type: 'batch', id, samples }` or, when `get` throws,
 * `{ type: 'error', id, index, message, stack }` (index `null`: the dataset could not be built).
 *
 * @module
 */
import { TENSOR_TAG, WORKER_OBJECT_TAG } from './worker-protocol.js';

/** Which worker API a worker program is written for: Node's `worker_threads` or Web Workers. */
export type WorkerHostKind = 'node' | 'web';

/**
 * What a worker starts from: `workerData` in Node, the `{ type: 'init' }` message on the web.
 * Plain data only (structured clone).
 */
export interface WorkerStartData {
  /** This worker's number. */
  readonly id: number;
  /** How many workers the pool runs. */
  readonly numWorkers: number;
  /** This worker's seed. */
  readonly seed: number;
  /** How to build the dataset. */
  readonly spec: unknown;
  /** Module URLs (or paths) imported, in order, before the dataset is built. */
  readonly imports: readonly string[];
  /** The base URL for relative module specifiers (web only: the page's `location.href`). */
  readonly base?: string;
}

const HOSTS: Record<WorkerHostKind, { prelude: string; start: string }> = {
  node: {
    prelude: String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const post = (reply, transfer) => parentPort.postMessage(reply, transfer);
const pathToUrl = (path) => pathToFileURL(path).href;
`,
    start: String.raw`
start(workerData);
parentPort.on('message', handle);
`,
  },
  web: {
    prelude: String.raw`
let base;
const post = (reply, transfer) => (transfer === undefined ? globalThis.postMessage(reply) : globalThis.postMessage(reply, transfer));
const pathToUrl = (path) => new URL(path, base === undefined ? 'file:///' : base).href;
`,
    start: String.raw`
globalThis.onmessage = (event) => {
  const msg = event.data;
  if (msg !== null && typeof msg === 'object' && msg.type === 'init') {
    base = msg.base;
    start(msg);
    return;
  }
  handle(msg);
};
`,
  },
};

const COMMON_HEAD = String.raw`
const TAG = ${JSON.stringify(TENSOR_TAG)};
const OBJECT_TAG = ${JSON.stringify(WORKER_OBJECT_TAG)};
let info = null;
let ready = Promise.reject(new Error('the worker was sent a request before its start data'));
ready.catch(() => undefined);

function toUrl(module) {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(module) && !/^[a-zA-Z]:[\/]/.test(module) ? module : pathToUrl(module);
}

// A worker runs plain JavaScript: a TypeScript module (the sources, run through a loader on the
// main thread) needs that loader in the worker too, imported first.
function importError(module, role, e) {
  const d = describe(e);
  let message = 'could not import ' + module + ' (' + role + '): ' + d.message;
  if (/\.[cm]?tsx?$/.test(String(module).split(/[?#]/)[0]) && (e && e.code === 'ERR_UNKNOWN_FILE_EXTENSION' || /Unknown file extension/.test(d.message))) {
    message += '; worker threads cannot run TypeScript by themselves: build the packages (pnpm build), or make the first workerImports entry a JavaScript module that registers a TypeScript loader in the worker (with tsx: import { register } from \'tsx/esm/api\'; register();)';
  }
  const error = new Error(message);
  if (d.stack !== undefined) error.stack = d.stack;
  return error;
}

async function importModule(module, role) {
  try {
    return await import(toUrl(module));
  } catch (e) {
    throw importError(module, role, e);
  }
}

`;

const COMMON_TAIL = String.raw`
function start(data) {
  info = { id: data.id, numWorkers: data.numWorkers, seed: data.seed, dataset: null };
  globalThis.__typetorchWorkerInfo = info;
  ready = (async () => {
    for (const module of data.imports || []) await importModule(module, 'workerImports');
    const dataset = await build(data.spec);
    info.dataset = dataset;
    return dataset;
  })();
  ready.catch(() => undefined);
}

`;
const COMMON_BODY = String.raw`
function isTensorLike(v) {
  return typeof v.dataSync === 'function' && typeof v.dtype === 'string' && v.shape != null && typeof v.contiguous === 'function';
}

function encode(v, transfer) {
  if (v === null || typeof v !== 'object') return v;
  if (v[TAG] === true) {
    if (!transfer.includes(v.data.buffer) && !(typeof SharedArrayBuffer !== 'undefined' && v.data.buffer instanceof SharedArrayBuffer)) transfer.push(v.data.buffer);
    return v;
  }
  if (isTensorLike(v)) {
    const data = v.contiguous().dataSync().slice();
    transfer.push(data.buffer);
    return { [TAG]: true, dtype: v.dtype, shape: Array.from(v.shape), data };
  }
  if (Array.isArray(v)) return v.map((x) => encode(x, transfer));
  if (ArrayBuffer.isView(v)) return v;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out = {};
  for (const k of Object.keys(v)) out[k] = encode(v[k], transfer);
  return out;
}

function checkIndex(what, index, length) {
  const i = index < 0 ? index + length : index;
  if (!Number.isInteger(i) || i < 0 || i >= length) throw new Error('[' + what + '] index ' + index + ' is out of range for length ' + length);
  return i;
}

function tensorsDataset(spec) {
  const parts = spec.tensors.map((t) => {
    const rowShape = t.shape.slice(1);
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    return { t, rowShape, rowSize };
  });
  const length = parts.length === 0 ? 0 : spec.tensors[0].shape[0];
  return {
    length,
    get(index) {
      const i = checkIndex('TensorDataset', index, length);
      return parts.map(({ t, rowShape, rowSize }) => ({
        [TAG]: true, dtype: t.dtype, shape: rowShape, data: t.data.slice(i * rowSize, (i + 1) * rowSize),
      }));
    },
  };
}

async function build(spec) {
  if (spec.kind === 'tensors') return tensorsDataset(spec);
  if (spec.kind === 'subset') {
    const inner = await build(spec.dataset);
    const indices = spec.indices;
    return { length: indices.length, get: (index) => inner.get(indices[checkIndex('Subset', index, indices.length)]) };
  }
  if (spec.kind === 'concat') {
    const parts = [];
    for (const s of spec.datasets) parts.push(await build(s));
    const ends = [];
    let total = 0;
    for (const p of parts) { total += p.length; ends.push(total); }
    return {
      length: total,
      get(index) {
        const i = checkIndex('ConcatDataset', index, total);
        let which = 0;
        while (i >= ends[which]) which++;
        return parts[which].get(i - (which === 0 ? 0 : ends[which - 1]));
      },
    };
  }
  if (typeof spec.module !== 'string') throw new Error('the worker dataset spec has neither a module nor a known kind');
  return construct(spec, 'dataset');
}

// Builds { module, export, method, args }: nested object specs in args are built first.
async function construct(spec, role) {
  const mod = await importModule(spec.module, role);
  const name = spec.export === undefined ? 'default' : spec.export;
  const target = mod[name];
  const args = await revive(spec.args || []);
  if (spec.method !== undefined) {
    const fn = target != null ? target[spec.method] : undefined;
    if (typeof fn !== 'function') {
      throw new Error('module ' + spec.module + ': export ' + JSON.stringify(name) + ' has no method ' + JSON.stringify(spec.method) + ' (exports: ' + Object.keys(mod).join(', ') + ')');
    }
    return await fn.apply(target, args);
  }
  if (typeof target !== 'function') {
    throw new Error('module ' + spec.module + ' has no export ' + JSON.stringify(name) + ' that is a class (exports: ' + Object.keys(mod).join(', ') + ')');
  }
  return new target(...args);
}

async function revive(v) {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    const out = [];
    for (const x of v) out.push(await revive(x));
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  if (v[OBJECT_TAG] !== undefined) return construct(v[OBJECT_TAG], 'argument');
  const out = {};
  for (const k of Object.keys(v)) out[k] = await revive(v[k]);
  return out;
}

function describe(e) {
  return { message: e && e.message !== undefined ? String(e.message) : String(e), stack: e && e.stack ? String(e.stack) : undefined };
}

async function handle(msg) {
  let dataset;
  try {
    dataset = await ready;
  } catch (e) {
    post({ type: 'error', id: msg.id, index: null, ...describe(e) });
    return;
  }
  const samples = [];
  const transfer = [];
  for (const index of msg.indices) {
    try {
      samples.push(encode(await dataset.get(index), transfer));
    } catch (e) {
      post({ type: 'error', id: msg.id, index, ...describe(e) });
      return;
    }
  }
  try {
    post({ type: 'batch', id: msg.id, samples }, transfer);
  } catch (e) {
    const d = describe(e);
    post({ type: 'error', id: msg.id, index: msg.indices[0], message: 'could not send the samples to the main thread: ' + d.message, stack: d.stack });
  }
}
`;

/** The worker program for `host`: the host's prelude, the shared protocol code, the host's start. */
export function workerProgram(host: WorkerHostKind): string {
  const { prelude, start } = HOSTS[host];
  return prelude + COMMON_HEAD + COMMON_BODY + COMMON_TAIL + start;
}

/** The worker thread's program for Node (CommonJS, evaluated by `node:worker_threads`). */
export const NODE_WORKER_SOURCE = workerProgram('node');

/** The Web Worker's program (an ES module, run from a Blob URL with `{ type: 'module' }`). */
export const WEB_WORKER_SOURCE = workerProgram('web');
