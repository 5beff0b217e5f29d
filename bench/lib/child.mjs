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

import { checkResult } from './check.mjs';
import { FIGURES } from './figures.mjs';
import { measure } from './timing.mjs';

const SUITES = {
  typetorch: async () => (await import('../suites/typetorch.mjs')).load,
  'tfjs-cpu': async () => (await import('../suites/tfjs.mjs')).tfjsSuite('cpu').load,
  'tfjs-wasm': async () => (await import('../suites/tfjs.mjs')).tfjsSuite('wasm').load,
};

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
  for (const fig of FIGURES) {
    process.stderr.write(`  ${column}: ${fig.label}\n`);
    await send({ type: 'figure', id: fig.id, ...runFigure(suite, fig, config.budgets) });
  }
} catch (e) {
  await send({ type: 'fatal', error: message(e) });
}
const { user, system } = process.cpuUsage();
await send({ type: 'cpu', seconds: (user + system) / 1e6 });
// Exit explicitly: a library may keep handles open (wasm threads, timers) that would otherwise
// keep this process alive until the parent's deadline.
process.exit(0);

function runFigure(suite, fig, budgets) {
  let c;
  try {
    c = suite.makeCase(fig);
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
      c?.dispose();
    } catch {
      // Already failing: the first error is the one worth reporting.
    }
  }
}

function message(e) {
  const text = String(e?.message ?? e);
  // Keep the table readable: the first line says what; the stack is for a debugger.
  return text.split('\n')[0].slice(0, 300);
}
