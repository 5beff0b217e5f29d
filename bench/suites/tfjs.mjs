// The tfjs columns: @tensorflow/tfjs-core with tfjs-backend-cpu (plain JavaScript kernels),
// tfjs-backend-wasm (XNNPACK compiled to WebAssembly with SIMD) or, for `--device webgpu`,
// tfjs-backend-webgpu (WGSL kernels on the adapter lib/gpu.mjs opens through Dawn). Each backend
// runs in its own child process (see lib/child.mjs), so only the one being measured is registered.
//
// Same case shape as suites/typetorch.mjs. tfjs tensors are reference-counted by hand: every step
// disposes the previous step's result (what a careful tfjs user writes; cheaper than a tf.tidy
// scope per op, and PyTorch/typetorch free results implicitly too), keeping the last one alive
// for sync/read.

import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { openGpu } from '../lib/gpu.mjs';

const require = createRequire(import.meta.url);

/**
 * @param {'cpu' | 'wasm' | 'webgpu'} backend
 * @returns {{ load(opts: { threads: number }): Promise<object> }}
 */
export function tfjsSuite(backend) {
  return {
    async load({ threads }) {
      // WebGPU: navigator.gpu must exist before tfjs-backend-webgpu is imported (it registers its
      // backend only if it sees one).
      const adapter = backend === 'webgpu' ? await openGpu() : undefined;
      // tfjs-core's Node entry is CommonJS: its namespace object is module.exports.
      const core = await import('@tensorflow/tfjs-core');
      const tf = core.default ?? core;
      // tf.grad needs gradient functions; tfjs-core's Node entry registers none. The @tensorflow/tfjs
      // union package registers all of them (in tfjs's global registry) when it is loaded.
      await import('@tensorflow/tfjs');
      let version;
      let usedThreads = 1; // tfjs-backend-cpu is single-threaded JavaScript.
      if (backend === 'cpu') {
        const cpu = await import('@tensorflow/tfjs-backend-cpu');
        version = (cpu.default ?? cpu).version_cpu;
      } else if (backend === 'webgpu') {
        await import('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu' (navigator.gpu exists now)
        // Its Node bundle exports no version constant: read the package's own package.json.
        version = require('@tensorflow/tfjs-backend-webgpu/package.json').version;
        if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") failed to initialise');
        usedThreads = '—'; // the adapter's, not a thread count this process chooses
      } else {
        const wasmMod = await import('@tensorflow/tfjs-backend-wasm');
        const wasm = wasmMod.default ?? wasmMod;
        version = wasm.version_wasm;
        // The .wasm binaries sit next to the package's Node entry (dist/tf-backend-wasm.node.js);
        // Emscripten reads them from disk with fs when given a path prefix (trailing separator
        // required: it is concatenated with the file name).
        wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep);
        // Ask XNNPACK for one thread per core. In Node, tfjs 4.22 hard-codes
        // WASM_HAS_MULTITHREAD_SUPPORT = false (tfjs issue #3830) and loads the single-threaded
        // SIMD binary, so this is a request the backend cannot honour: the table reports the
        // count it actually uses (getThreadsCount(), after init).
        wasm.setThreadsCount(threads);
        if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed to initialise');
        usedThreads = wasm.getThreadsCount();
      }
      if (backend === 'cpu' && !(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") failed');
      await tf.ready();
      if (tf.getBackend() !== backend) throw new Error(`active tfjs backend is ${tf.getBackend()}, not ${backend}`);

      const simd = backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : undefined;
      return {
        info: {
          version: `${version} (core ${tf.version_core})`,
          threads: usedThreads,
          ...(simd !== undefined && { simd }),
          ...(adapter && { adapter }),
        },
        makeCase: (fig) => (backend === 'webgpu' ? gpuCase(tf, fig) : makeCase(tf, fig)),
      };
    },
  };
}

function makeCase(tf, fig) {
  const owned = [];
  const keep = (t) => (owned.push(t), t);
  let a;
  let b;
  let op;
  if (fig.kind === 'matmul') {
    a = keep(tf.randomNormal([fig.n, fig.n]));
    b = keep(tf.randomNormal([fig.n, fig.n]));
    // transposeB: tfjs's way of saying a @ b.t() without materialising the transpose.
    op = () => tf.matMul(a, b, false, fig.transposed);
  } else if (fig.kind === 'add') {
    a = keep(tf.randomNormal([fig.n]));
    b = keep(tf.randomNormal([fig.n]));
    op = () => tf.add(a, b);
  } else if (fig.kind === 'backward') {
    // tfjs has no tape on tensors and no .backward(); tf.grad is its closest equivalent: it
    // records f, runs the backward pass and returns d(sum(a*b))/da. Built once, called per step;
    // it disposes its forward intermediates itself.
    a = keep(tf.randomNormal([fig.n]));
    b = keep(tf.randomNormal([fig.n]));
    const grad = tf.grad((x) => tf.sum(tf.mul(x, b)));
    op = () => grad(a);
  } else if (fig.kind === 'train') {
    return trainCase(tf, fig.n);
  } else if (fig.kind === 'conv') {
    return convCase(tf, fig, false);
  } else {
    throw new Error(`no tfjs case for ${fig.kind}`);
  }
  let prev = null;
  const startTensors = tf.memory().numTensors;
  return {
    inputs: { a: a.dataSync(), b: b.dataSync() },
    step() {
      const r = op();
      if (prev) prev.dispose();
      prev = r;
      return r;
    },
    // dataSync() forces the (synchronous) kernel's output to the host: the "make sure it was
    // computed" read at the end of each timed block.
    sync: (r) => r.dataSync()[0],
    read: (r) => r.dataSync(),
    dispose() {
      if (prev) prev.dispose();
      const leaked = tf.memory().numTensors - startTensors;
      for (const t of owned) t.dispose();
      // A leak per step would distort this figure (allocation) and the next ones (memory):
      // lib/child.mjs attaches the warning to the figure.
      return leaked > 0 ? `leaked ${leaked} tfjs tensors over the run` : null;
    },
  };
}

/**
 * The CIFAR10 tutorial Net trained as a tfjs user writes it without the layers API: variables for
 * the weights (PyTorch's default initialisation bounds), tf.conv2d/maxPool in NHWC, softmax
 * cross-entropy on one-hot labels, tf.train.momentum(0.001, 0.9) minimising it.
 */
function trainCase(tf, batch) {
  const net = trainStep(tf, batch);
  let prev = null;
  return {
    inputs: {},
    step() {
      const r = net.step();
      if (prev) prev.dispose();
      prev = r;
      return r;
    },
    sync: (r) => r.dataSync()[0],
    read: (r) => r.dataSync(),
    dispose() {
      if (prev) prev.dispose();
      net.dispose();
      return null;
    },
  };
}

/** The tutorial Net's variables, data and training step (shared by the CPU and GPU cases). */
function trainStep(tf, batch) {
  const uniform = (shape, fanIn) => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
  const w = {
    c1: uniform([5, 5, 3, 6], 75), b1: uniform([6], 75),
    c2: uniform([5, 5, 6, 16], 150), b2: uniform([16], 150),
    f1: uniform([400, 120], 400), g1: uniform([120], 400),
    f2: uniform([120, 84], 120), g2: uniform([84], 120),
    f3: uniform([84, 10], 84), g3: uniform([10], 84),
  };
  const x = tf.randomNormal([batch, 32, 32, 3]);
  const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  const optimizer = tf.train.momentum(0.001, 0.9);
  const loss = () => {
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, w.c1, 1, 'valid'), w.b1)), 2, 2, 'valid');
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w.c2, 1, 'valid'), w.b2)), 2, 2, 'valid');
    h = tf.reshape(h, [batch, 400]);
    h = tf.relu(tf.add(tf.matMul(h, w.f1), w.g1));
    h = tf.relu(tf.add(tf.matMul(h, w.f2), w.g2));
    return tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(h, w.f3), w.g3));
  };
  return {
    step: () => optimizer.minimize(loss, true),
    dispose() {
      for (const v of Object.values(w)) v.dispose();
      x.dispose();
      labels.dispose();
      optimizer.dispose();
    },
  };
}

/**
 * conv2d as a tfjs user writes it: NHWC input, HWIO filter, stride 1, explicit symmetric padding,
 * no bias; backward through tf.grads with the given dy (PyTorch's `y.backward(dy)`), giving
 * [dx, dw]. Operands are drawn in PyTorch's layouts and transposed once, outside the timing, so
 * lib/check.mjs sees the same arrays for every library; results are transposed back for the check.
 */
function convCase(tf, fig, gpu) {
  const N = fig.n;
  const { cin, cout, size, k, pad } = fig.conv;
  const out = size + 2 * pad - k + 1;
  const xNchw = tf.randomNormal([N, cin, size, size]);
  const wOihw = tf.randomNormal([cout, cin, k, k], 0, 1 / Math.sqrt(cin * k * k));
  const dyNchw = tf.randomNormal([N, cout, out, out]);
  const x = tf.transpose(xNchw, [0, 2, 3, 1]);
  const w = tf.transpose(wOihw, [2, 3, 1, 0]);
  const dy = tf.transpose(dyNchw, [0, 2, 3, 1]);
  const padding = pad === 0 ? 'valid' : pad;
  const grads = tf.grads((xi, wi) => tf.conv2d(xi, wi, 1, padding));
  const op = fig.backward ? () => grads([x, w], dy) : () => tf.conv2d(x, w, 1, padding);
  const toPyTorch = (r) =>
    fig.backward
      ? { dx: tf.transpose(r[0], [0, 3, 1, 2]), dw: tf.transpose(r[1], [3, 2, 0, 1]) }
      : tf.transpose(r, [0, 3, 1, 2]);
  const owned = [xNchw, wOihw, dyNchw, x, w, dy];
  let prev = null;
  const startTensors = tf.memory().numTensors;
  const base = {
    step() {
      const r = op();
      if (prev) tf.dispose(prev);
      prev = r;
      return r;
    },
    dispose() {
      if (prev) tf.dispose(prev);
      const leaked = tf.memory().numTensors - startTensors;
      tf.dispose(owned);
      return leaked > 0 ? `leaked ${leaked} tfjs tensors over the run` : null;
    },
  };
  const last = (r) => (fig.backward ? r[1] : r);
  const hostOf = async (t) => {
    const arr = await t.data();
    t.dispose();
    return arr;
  };
  if (!gpu) {
    return {
      ...base,
      inputs: { x: xNchw.dataSync(), w: wOihw.dataSync(), dy: dyNchw.dataSync() },
      sync: (r) => last(r).dataSync()[0],
      read: (r) => {
        const t = toPyTorch(r);
        const get = (u) => {
          const a = u.dataSync();
          u.dispose();
          return a;
        };
        return fig.backward ? { dx: get(t.dx), dw: get(t.dw) } : get(t);
      },
    };
  }
  return (async () => ({
    ...base,
    async: true,
    inputs: { x: await xNchw.data(), w: await wOihw.data(), dy: await dyNchw.data() },
    sync: (r) => readOne(tf, last(r)),
    read: async (r) => {
      const t = toPyTorch(r);
      return fig.backward ? { dx: await hostOf(t.dx), dw: await hostOf(t.dw) } : hostOf(t);
    },
  }))();
}

/**
 * A GPU case (tfjs-backend-webgpu): the same computations as makeCase, but reads are promises and
 * the end-of-batch read fetches one element, so a 4096² product is not copied to the host on the
 * clock (tfjs submits everything recorded before a read, and the queue runs in order: the read
 * resolves once all earlier work is done).
 */
async function gpuCase(tf, fig) {
  if (fig.kind === 'conv') return convCase(tf, fig, true);
  let op;
  let owned = [];
  let inputs = {};
  let release = () => {};
  if (fig.kind === 'matmul') {
    const a = tf.randomNormal([fig.n, fig.n]);
    const b = tf.randomNormal([fig.n, fig.n]);
    owned = [a, b];
    inputs = { a: await a.data(), b: await b.data() };
    op = () => tf.matMul(a, b, false, fig.transposed);
  } else if (fig.kind === 'train') {
    const net = trainStep(tf, fig.n);
    op = net.step;
    release = net.dispose;
  } else {
    throw new Error(`no tfjs-webgpu case for ${fig.kind}`);
  }
  let prev = null;
  const startTensors = tf.memory().numTensors;
  return {
    async: true,
    inputs,
    step() {
      const r = op();
      if (prev) prev.dispose();
      prev = r;
      return r;
    },
    sync: (r) => readOne(tf, r),
    read: (r) => r.data(),
    dispose() {
      if (prev) prev.dispose();
      // (Training: the optimizer's momentum variables appear on the first step and are not a leak.)
      const leaked = fig.kind === 'train' ? 0 : tf.memory().numTensors - startTensors;
      tf.dispose(owned);
      release();
      return leaked > 0 ? `leaked ${leaked} tfjs tensors over the run` : null;
    },
  };
}

/** Reads one element of `t` (a one-element slice, 4 bytes to the host): completion of all work before it. */
async function readOne(tf, t) {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), 0, 1));
  try {
    return (await one.data())[0];
  } finally {
    one.dispose();
  }
}
