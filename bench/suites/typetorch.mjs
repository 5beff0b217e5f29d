// typetorch's column, written against /work/shared/API.md and importing the BUILT package
// ('typetorch' resolves to packages/typetorch/dist through the workspace link): the bench measures
// what users get, not the TypeScript sources.
//
// A suite is { load(opts) -> { info, makeCase(fig) } }; a case is
//   { inputs: {a, b} (host copies), step() -> result, sync(result), read(result) -> array,
//     dispose() -> warning or null }.
// lib/child.mjs drives it (check first result, then time step/sync).
//
// `--device webgpu`: the GPU comes from lib/gpu.mjs (Dawn, the same adapter tfjs-webgpu gets) and
// @typetorch/backend-webgpu's initWebGPU() (the built package, like 'typetorch'). Cases are then
// async (see gpuCase): operands are made on the CPU and moved with `.to('webgpu')`, as users do;
// reads are `await t.data()`; results and intermediates are disposed (dispose(), torch.tidy), not
// left to the garbage collector.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openGpu } from '../lib/gpu.mjs';

/**
 * @param {{ device: string, threads: number }} opts
 */
export async function load({ device, threads }) {
  let torch;
  try {
    torch = await import('typetorch');
  } catch (e) {
    // The usual cause: the packages are not built yet. Say so next to the raw error.
    throw new Error(`typetorch failed to load (built? run \`pnpm build\`): ${firstLine(e)}`, { cause: e });
  }
  if (device === 'webgpu') return loadWebGPU(torch);
  // Use the requested thread count if typetorch has PyTorch's knob; otherwise it is plain
  // single-threaded JavaScript and says so in the table.
  if (typeof torch.setNumThreads === 'function') torch.setNumThreads(threads);
  const usedThreads = typeof torch.getNumThreads === 'function' ? torch.getNumThreads() : 1;

  // Factories get an options object only when there is something in it (the device only when it
  // is not the default), so this suite calls exactly the API.md forms on a CPU-only typetorch.
  const randn = (shape, extra = {}) => {
    const o = { ...extra, ...(device !== 'cpu' && { device }) };
    return Object.keys(o).length ? torch.randn(shape, o) : torch.randn(shape);
  };
  // Host reads: dataSync on CPU (synchronous kernels; reading still forces the value to exist).
  // A GPU device will need the async data(); the harness refuses other devices until then.
  const host = (t) => t.dataSync();

  return {
    info: { version: packageVersion(), threads: usedThreads, device },
    makeCase(fig) {
      if (fig.kind === 'matmul') {
        const a = randn([fig.n, fig.n]);
        const b = randn([fig.n, fig.n]);
        // b.t() inside the step, as a user writes `a.matmul(b.t())`: the view is part of the cost.
        const step = fig.transposed ? () => a.matmul(b.t()) : () => a.matmul(b);
        return tensorCase({ a: host(a), b: host(b) }, step, host);
      }
      if (fig.kind === 'add') {
        const a = randn([fig.n]);
        const b = randn([fig.n]);
        return tensorCase({ a: host(a), b: host(b) }, () => a.add(b), host);
      }
      if (fig.kind === 'backward') {
        const a = randn(fig.n, { requiresGrad: true });
        const b = randn(fig.n);
        // a.grad accumulates across calls exactly as it does in PyTorch's column (neither zeroes
        // it): the first call's gradient is what the correctness check sees.
        const step = () => {
          a.mul(b).sum().backward();
          return a.grad;
        };
        return tensorCase({ a: host(a), b: host(b) }, step, host);
      }
      if (fig.kind === 'train') return trainCase(torch, fig.n, randn, host);
      if (fig.kind === 'conv') {
        const c = convTensors(torch, fig, (t) => t);
        return tensorCase(c.inputs, c.step, (r) => (fig.backward ? { dx: host(r[0]), dw: host(r[1]) } : host(r)));
      }
      throw new Error(`no typetorch case for ${fig.kind}`);
    },
  };
}

/**
 * One training step of PyTorch's CIFAR10 tutorial Net, written as API.md writes it: zeroGrad,
 * forward, CrossEntropyLoss, backward, SGD (lr 0.001, momentum 0.9) step. The result is the loss.
 */
function trainCase(torch, batch, randn, host) {
  const { step } = tutorialNet(torch, randn([batch, 3, 32, 32]), torch.randint(0, 10, [batch]));
  return tensorCase({}, step, host);
}

/**
 * The tutorial Net, its loss and SGD, on the device of `inputs` (the net is moved there).
 * @returns {{ net: object, step: () => object }}  step() runs one training step and returns the loss
 */
function tutorialNet(torch, inputs, labels) {
  const { nn, optim } = torch;
  const F = nn.functional;
  class Net extends nn.Module {
    conv1 = new nn.Conv2d(3, 6, 5);
    pool = new nn.MaxPool2d(2, 2);
    conv2 = new nn.Conv2d(6, 16, 5);
    fc1 = new nn.Linear(16 * 5 * 5, 120);
    fc2 = new nn.Linear(120, 84);
    fc3 = new nn.Linear(84, 10);
    forward(x) {
      x = this.pool.call(F.relu(this.conv1.call(x)));
      x = this.pool.call(F.relu(this.conv2.call(x)));
      x = torch.flatten(x, 1);
      x = F.relu(this.fc1.call(x));
      x = F.relu(this.fc2.call(x));
      return this.fc3.call(x);
    }
  }
  const net = new Net();
  if (inputs.device !== 'cpu') net.to(inputs.device);
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
  const step = () => {
    optimizer.zeroGrad();
    const loss = criterion.call(net.call(inputs), labels);
    loss.backward();
    optimizer.step();
    return loss;
  };
  return { net, step };
}

/**
 * conv2d as PyTorch writes it: NCHW input, [Cout, Cin, K, K] weight, stride 1, padding, no bias;
 * backward is `y.backward(dy)` with both x and w requiring grad, giving [x.grad, w.grad]. Gradients
 * are set to null before each step (PyTorch's zero_grad(set_to_none=True)), so no step pays for
 * accumulating into the previous one (tfjs's tf.grads returns fresh gradients too).
 * @param {(t: object) => object} place  moves a CPU tensor to the measured device
 * @param {(fn: () => void) => void} [scope]  runs the step's graph in a scope that frees it (tidy)
 */
function convTensors(torch, fig, place, scope = (fn) => fn()) {
  const { cin, cout, size, k, pad } = fig.conv;
  const out = size + 2 * pad - k + 1;
  const F = torch.nn.functional;
  const xCpu = torch.randn([fig.n, cin, size, size]);
  const wCpu = torch.randn([cout, cin, k, k]).mul(1 / Math.sqrt(cin * k * k));
  const dyCpu = torch.randn([fig.n, cout, out, out]);
  const inputs = { x: xCpu.dataSync(), w: wCpu.dataSync(), dy: dyCpu.dataSync() };
  const x = place(xCpu).detach().requiresGrad_(!!fig.backward);
  const w = place(wCpu).detach().requiresGrad_(!!fig.backward);
  const dy = place(dyCpu);
  const forward = () => F.conv2d(x, w, null, { padding: pad });
  const step = fig.backward
    ? () => {
        x.grad = null;
        w.grad = null;
        scope(() => forward().backward(dy));
        return [x.grad, w.grad];
      }
    : forward;
  return { inputs, step, owned: [x, w, dy] };
}

/**
 * The WebGPU column: typetorch on the adapter lib/gpu.mjs opened (initWebGPU finds the same
 * navigator.gpu), registered as the device 'webgpu'.
 */
async function loadWebGPU(torch) {
  const adapter = await openGpu();
  let webgpu;
  try {
    webgpu = await import('@typetorch/backend-webgpu');
  } catch (e) {
    throw new Error(`@typetorch/backend-webgpu failed to load (built? run \`pnpm build\`): ${firstLine(e)}`, { cause: e });
  }
  // tfjs-webgpu asks for the high-performance adapter: so do we (one GPU or SwiftShader: the same).
  await webgpu.initWebGPU({ powerPreference: 'high-performance' });
  const toGpu = (t) => t.to('webgpu');
  return {
    info: { version: packageVersion(), threads: '—', device: 'webgpu', adapter },
    makeCase: (fig) => gpuCase(torch, fig, toGpu),
  };
}

/**
 * A WebGPU case. The end-of-batch read fetches one element of the last result (a one-element view,
 * 4 bytes to the host): the runtime submits everything recorded before a read and the queue runs
 * in order, so it resolves once all earlier work is done, without copying a 4096² product on the
 * clock. The previous step's result is disposed by the next step; training steps after the first
 * run in torch.tidy (the first creates SGD's momentum buffers, which must outlive it).
 * dispose() compares the device's live storages at the end with those after the first step.
 */
async function gpuCase(torch, fig, toGpu) {
  let inputs = {};
  let step;
  let owned = [];
  let extra = () => {};
  if (fig.kind === 'matmul') {
    const aCpu = torch.randn([fig.n, fig.n]);
    const bCpu = torch.randn([fig.n, fig.n]);
    inputs = { a: aCpu.dataSync(), b: bCpu.dataSync() };
    const a = toGpu(aCpu);
    const b = toGpu(bCpu);
    owned = [a, b];
    step = fig.transposed ? () => a.matmul(b.t()) : () => a.matmul(b);
  } else if (fig.kind === 'conv') {
    const c = convTensors(torch, fig, toGpu, (fn) => torch.tidy(fn));
    ({ inputs, step, owned } = c);
  } else if (fig.kind === 'train') {
    const x = toGpu(torch.randn([fig.n, 3, 32, 32]));
    const labels = toGpu(torch.randint(0, 10, [fig.n]));
    const { net, step: body } = tutorialNet(torch, x, labels);
    owned = [x, labels];
    extra = () => {
      for (const p of net.parameters()) p.dispose();
    };
    let first = true;
    step = () => {
      if (!first) return torch.tidy(body);
      first = false;
      return body();
    };
  } else {
    throw new Error(`no typetorch case for ${fig.kind}`);
  }
  const free = (r) => (Array.isArray(r) ? r.forEach((t) => t?.dispose()) : r.dispose());
  const last = (r) => (Array.isArray(r) ? r[r.length - 1] : r);
  const live = () => torch.memory('webgpu').numStorages;
  let prev = null;
  let calls = 0;
  let baseline = null;
  return {
    async: true,
    inputs,
    step() {
      if (++calls === 2) baseline = live();
      const r = step();
      if (prev) free(prev);
      prev = r;
      return r;
    },
    sync: async (r) => (await last(r).reshape(-1).index(0).data())[0],
    read: async (r) => (Array.isArray(r) ? { dx: await r[0].data(), dw: await r[1].data() } : r.data()),
    dispose() {
      const leaked = baseline === null ? 0 : live() - baseline;
      if (prev) free(prev);
      prev = null;
      for (const t of owned) t.dispose();
      extra();
      return leaked > 0 ? `${leaked} more live webgpu storages at the end than after the first step` : null;
    },
  };
}

function tensorCase(inputs, step, host) {
  return {
    inputs,
    step,
    // "Read one value": dataSync() copies the whole result; [0] is what we look at.
    sync: (r) => host(r)[0],
    read: host,
    // Garbage-collected: nothing to free, nothing to warn about.
    dispose: () => null,
  };
}

function packageVersion() {
  // typetorch's `exports` exposes neither package.json nor a require() condition, so resolve the
  // ESM entry (dist/index.js) and read the package.json one folder up.
  try {
    const entry = fileURLToPath(import.meta.resolve('typetorch'));
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'));
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

function firstLine(e) {
  return String(e?.message ?? e).split('\n')[0];
}
