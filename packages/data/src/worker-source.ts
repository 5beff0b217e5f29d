/**
 * The source of a DataLoader worker thread, as a string: Node runs it with `new Worker(source,
 * { eval: true })`, so no separate file has to be found (or bundled) at run time. It needs no
 * typetorch import of its own: the dataset's module brings its own, and tensors are recognised by
 * shape (`dtype`, `shape`, `dataSync`) and sent back as typed arrays.
 *
 * Protocol: the worker builds its dataset from `workerData.spec`; each message `{ id, indices }`
 * is answered by `{ type: 'batch', id, samples }` or, when `get` throws,
 * `{ type: 'error', id, index, message, stack }` (index `null`: the dataset could not be built).
 *
 * @module
 */
import { TENSOR_TAG } from './worker-protocol.js';

/** The worker thread's program (CommonJS, evaluated by `node:worker_threads`). */
export const NODE_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const TAG = ${JSON.stringify(TENSOR_TAG)};
const info = { id: workerData.id, numWorkers: workerData.numWorkers, seed: workerData.seed, dataset: null };
globalThis.__typetorchWorkerInfo = info;

function isTensorLike(v) {
  return typeof v.dataSync === 'function' && typeof v.dtype === 'string' && v.shape != null && typeof v.contiguous === 'function';
}

function encode(v, transfer) {
  if (v === null || typeof v !== 'object') return v;
  if (v[TAG] === true) {
    if (!transfer.includes(v.data.buffer) && !(v.data.buffer instanceof SharedArrayBuffer)) transfer.push(v.data.buffer);
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
  const url = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(spec.module) && !/^[a-zA-Z]:[\\/]/.test(spec.module)
    ? spec.module : pathToFileURL(spec.module).href;
  const mod = await import(url);
  const name = spec.export === undefined ? 'default' : spec.export;
  const Ctor = mod[name];
  if (typeof Ctor !== 'function') {
    throw new Error('module ' + spec.module + ' has no export ' + JSON.stringify(name) + ' that is a class (exports: ' + Object.keys(mod).join(', ') + ')');
  }
  return new Ctor(...(spec.args || []));
}

const ready = build(workerData.spec).then((d) => { info.dataset = d; return d; });
ready.catch(() => undefined);

function describe(e) {
  return { message: e && e.message !== undefined ? String(e.message) : String(e), stack: e && e.stack ? String(e.stack) : undefined };
}

parentPort.on('message', async (msg) => {
  let dataset;
  try {
    dataset = await ready;
  } catch (e) {
    parentPort.postMessage({ type: 'error', id: msg.id, index: null, ...describe(e) });
    return;
  }
  const samples = [];
  const transfer = [];
  for (const index of msg.indices) {
    try {
      samples.push(encode(await dataset.get(index), transfer));
    } catch (e) {
      parentPort.postMessage({ type: 'error', id: msg.id, index, ...describe(e) });
      return;
    }
  }
  try {
    parentPort.postMessage({ type: 'batch', id: msg.id, samples }, transfer);
  } catch (e) {
    const d = describe(e);
    parentPort.postMessage({ type: 'error', id: msg.id, index: msg.indices[0], message: 'could not send the samples to the main thread: ' + d.message, stack: d.stack });
  }
});
`;
