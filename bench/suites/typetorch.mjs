// typetorch's column, written against /work/shared/API.md and importing the BUILT package
// ('typetorch' resolves to packages/typetorch/dist through the workspace link): the bench measures
// what users get, not the TypeScript sources.
//
// A suite is { load(opts) -> { info, makeCase(fig) } }; a case is
//   { inputs: {a, b} (host copies), step() -> result, sync(result), read(result) -> array,
//     dispose() -> warning or null }.
// lib/child.mjs drives it (check first result, then time step/sync).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
      throw new Error(`no typetorch case for ${fig.kind}`);
    },
  };
}

/**
 * One training step of PyTorch's CIFAR10 tutorial Net, written as API.md writes it: zeroGrad,
 * forward, CrossEntropyLoss, backward, SGD (lr 0.001, momentum 0.9) step. The result is the loss.
 */
function trainCase(torch, batch, randn, host) {
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
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
  const inputs = randn([batch, 3, 32, 32]);
  const labels = torch.randint(0, 10, [batch]);
  const step = () => {
    optimizer.zeroGrad();
    const loss = criterion.call(net.call(inputs), labels);
    loss.backward();
    optimizer.step();
    return loss;
  };
  return tensorCase({}, step, host);
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
