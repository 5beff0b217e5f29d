// One JavaScript column, run in its own Node process (forked by lib/runner.mjs):
// - a crash, a hang or an out-of-memory in one library (typetorch is being written as this runs)
//   costs that column only; the parent kills it after a deadline and keeps the others;
// - every library gets a fresh V8 heap and JIT state, so none is timed while collecting another's
//   garbage or running code that another deoptimised;
// - tfjs-cpu and tfjs-wasm never share one tfjs engine.
// Results go to the parent over the IPC channel, one message per figure as soon as it is done, so a
// column that dies halfway still shows what it measured. stdout/stderr are free for the libraries'
// own chatter (the parent forwards them to its stderr).
//
// argv: <column> <JSON {device, threads, budgets}>
//
// GPU cases (case.async) differ in three ways: reads are promises, timing is time to completion
// (lib/timing.mjs measureAsync), and a figure whose single call exceeds budgets.capS, or is
// predicted to from a smaller figure of the same kind, is reported as too slow on this adapter
// instead of stalling the column (SwiftShader runs a 4096² matmul for many minutes).

import { performance } from 'node:perf_hooks';
import { checkResult } from './check.mjs';
import { figuresFor, flopsOf } from './figures.mjs';
import { measure, measureAsync } from './timing.mjs';

const SUITES = {
  typetorch: async () => (await import('../suites/typetorch.mjs')).load,
  'tfjs-cpu': async () => (await import('../suites/tfjs.mjs')).tfjsSuite('cpu').load,
  'tfjs-wasm': async () => (await import('../suites/tfjs.mjs')).tfjsSuite('wasm').load,
  'tfjs-webgpu': async () => (await import('../suites/tfjs.mjs')).tfjsSuite('webgpu').load,
};

/** What withinCap resolves to when the cap passes first (declared before the main code runs). */
const OVER_CAP = Symbol('over cap');

const [column, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
const send = (msg) => new Promise((resolve) => process.send(msg, resolve));

try {
  let suite;
  try {
    suite = await (await SUITES[column]())(config);
  } catch (e) {
    await send({ type: 'fatal', error: message(e) });
    const { user, system } = process.cpuUsage();
    await send({ type: 'cpu', seconds: (user + system) / 1e6 });
    process.exit(0);
  }
  await send({ type: 'info', info: suite.info });
  const rates = new Map();
  for (const fig of figuresFor(config.device)) {
    process.stderr.write(`  ${column}: ${fig.label}\n`);
    await send({ type: 'figure', id: fig.id, ...(await runFigure(suite, fig, config.budgets, rates)) });
  }
} catch (e) {
  await send({ type: 'fatal', error: message(e) });
}
const { user, system } = process.cpuUsage();
await send({ type: 'cpu', seconds: (user + system) / 1e6 });
// Exit explicitly: a library may keep handles open (wasm threads, timers) that would otherwise
// keep this process alive until the parent's deadline.
process.exit(0);

async function runFigure(suite, fig, budgets, rates) {
  let c;
  try {
    c = await suite.makeCase(fig);
    if (c.async) return await runGpuFigure(c, fig, budgets, rates);
    // Check the first result before spending time on timing it: a wrong result is an error cell.
    const problem = checkResult(fig, c.inputs, c.read(c.step()));
    if (problem) return { error: `wrong result: ${problem}` };
    const timing = measure(c, budgets);
    const warning = c.dispose();
    c = null;
    return { timing, ...(warning && { warning }) };
  } catch (e) {
    return { error: message(e) };
  } finally {
    try {
      await c?.dispose();
    } catch {
      // Already failing: the first error is the one worth reporting.
    }
  }
}

/**
 * A GPU case: predict, check the first result under the cap, time to completion. `rates` holds,
 * per family of figures, the seconds per unit of work (FLOP, or image for training) of the last
 * figure of that family this column measured; figures come smallest first, so the prediction is an overestimate
 * on real GPUs (bigger problems run at higher rates) and only ever skips on very slow adapters.
 * Disposal is left to runFigure's finally.
 */
async function runGpuFigure(c, fig, budgets, rates) {
  const work = fig.unit === 'GFLOP/s' ? flopsOf(fig) : fig.n;
  // Predict only within a family whose cost scales with `work`: square matmuls, one conv layer
  // (forward, then forward + backward), the Net at two batch sizes. A small conv's rate says
  // nothing about a large one's (launch overhead, occupancy).
  const family = fig.kind === 'conv' ? `conv ${JSON.stringify(fig.conv)}` : fig.kind;
  const known = rates.get(family);
  if (known && work * known.rate > budgets.capS) {
    return {
      tooSlow:
        `too slow on this adapter: one call would take about ${(work * known.rate).toFixed(0)} s ` +
        `(at the rate of "${known.label}"), over the per-figure cap of ${budgets.capS} s`,
    };
  }
  const started = performance.now();
  const pending = c.read(c.step());
  const first = await withinCap(pending, budgets.capS);
  if (first === OVER_CAP) {
    process.stderr.write(`  (over the ${budgets.capS} s cap: waiting for the device to finish before the next figure)\n`);
    await pending.catch(() => undefined);
    rates.set(family, { rate: (performance.now() - started) / 1e3 / work, label: fig.label });
    return { tooSlow: `too slow on this adapter: the first call took over the per-figure cap of ${budgets.capS} s` };
  }
  // The first call includes pipeline compilation: an upper bound, replaced by the median below.
  rates.set(family, { rate: (performance.now() - started) / 1e3 / work, label: fig.label });
  const problem = checkResult(fig, c.inputs, first);
  if (problem) return { error: `wrong result: ${problem}` };
  const timing = await measureAsync(c, budgets);
  rates.set(family, { rate: timing.median / work, label: fig.label });
  const warning = await c.dispose();
  c.dispose = () => null; // disposed: runFigure's finally must not free it twice
  return { timing, ...(warning && { warning }) };
}

/** Resolves to the promise's value, or to OVER_CAP after capS seconds (the work goes on). */
function withinCap(promise, capS) {
  let timer;
  const cap = new Promise((resolve) => {
    timer = setTimeout(() => resolve(OVER_CAP), capS * 1e3);
  });
  return Promise.race([promise, cap]).finally(() => clearTimeout(timer));
}

function message(e) {
  const text = String(e?.message ?? e);
  // Keep the table readable: the first line says what; the stack is for a debugger.
  return text.split('\n')[0].slice(0, 300);
}
