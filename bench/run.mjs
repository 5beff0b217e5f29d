#!/usr/bin/env node
// `pnpm bench`: typetorch side by side with tfjs-backend-cpu, tfjs-backend-wasm and PyTorch (or,
// with `--device webgpu`, with tfjs-backend-webgpu on the same adapter), every number measured in
// this run on this machine (never compared with numbers from elsewhere).
//
// This file only orchestrates: parse options, run each column in its own process one after
// another (lib/runner.mjs), build the table (lib/table.mjs), print it to stdout and save
// bench/results/latest.json. Progress and the libraries' own output go to stderr, so
// `pnpm bench > table.md` captures just the report.

import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError, USAGE } from './lib/args.mjs';
import { figuresFor } from './lib/figures.mjs';
import { adapterLine } from './lib/gpu.mjs';
import { describeMachine, startLoadMeter } from './lib/machine.mjs';
import { probeTorch, runNodeColumn, runTorchColumn, unavailableColumn } from './lib/runner.mjs';
import { buildReport, COLUMN_TITLES, renderMarkdown } from './lib/table.mjs';
import { BUDGETS } from './lib/timing.mjs';

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`bench: ${e.message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const budgets = opts.quick ? BUDGETS.quick : BUDGETS.full;
const figures = figuresFor(opts.device);
const gpu = opts.device === 'webgpu';
// A generous deadline per column: it only exists so that a hung or pathologically slow column
// cannot stall the whole run (its partial results are kept). On WebGPU without a GPU (SwiftShader)
// each figure can take up to a few times budgets.capS, so GPU columns get more.
const timeoutS = gpu ? (opts.quick ? 900 : 1800) : opts.quick ? 300 : 900;
const config = { device: opts.device, threads: opts.threads, budgets };
const machine = describeMachine();

process.stderr.write(
  `bench: ${opts.quick ? 'QUICK (smoke check) ' : ''}device ${opts.device}, ${machine.cores} cores, ` +
    `warm-up ${budgets.warmupS} s, ${budgets.reps} × ${budgets.budgetS} s per figure and column\n`,
);

const results = {};
for (const column of opts.only) {
  process.stderr.write(`bench: running ${COLUMN_TITLES[column]}\n`);
  const noTorch = column === 'pytorch' ? probeTorch() : null;
  if (noTorch) {
    results[column] = unavailableColumn(noTorch);
    process.stderr.write(`bench: ${noTorch}\n`);
    continue;
  }
  const started = Date.now();
  const meter = startLoadMeter();
  const r =
    column === 'pytorch'
      ? await runTorchColumn({ ...config, figures }, timeoutS)
      : await runNodeColumn(column, config, timeoutS);
  r.otherLoad = meter.stop(r.cpuSeconds);
  results[column] = r;
  const status = r.unavailable ?? r.error ?? 'done';
  const load = r.otherLoad != null ? `, other processes used ${r.otherLoad.toFixed(2)} cores meanwhile` : '';
  process.stderr.write(`bench: ${COLUMN_TITLES[column]}: ${status} (${((Date.now() - started) / 1e3).toFixed(1)} s${load})\n`);
}

const report = buildReport(figures, opts.only, results);
const adapters = gpu ? describeAdapters(results) : null;
const header =
  `typetorch bench${opts.quick ? ' (--quick: short budgets, noisy)' : ''}: ${machine.cpu}, ${machine.cores} cores, ` +
  `Node ${machine.node}, device ${opts.device}; median of ${budgets.reps} × ${budgets.budgetS} s` +
  (adapters ? `\n\n${adapters.text}` : '');
process.stdout.write(`${header}\n\n${renderMarkdown(report, results)}\n`);

const outDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const json = {
  date: new Date().toISOString(),
  options: { quick: opts.quick, device: opts.device, threads: opts.threads, columns: opts.only },
  budgets,
  machine,
  ...(adapters && { adapter: adapters.adapter, swiftshader: adapters.swiftshader }),
  columns: Object.fromEntries(
    opts.only.map((c) => [
      c,
      {
        info: results[c].info ?? null,
        error: results[c].error ?? null,
        unavailable: results[c].unavailable ?? null,
        otherLoadCores: results[c].otherLoad,
      },
    ]),
  ),
  figures: report.rows.map(({ figure, cells, ratio }) => ({
    ...figure,
    values: Object.fromEntries(
      Object.entries(cells).map(([c, cell]) => [
        c,
        cell.value !== undefined
          ? {
              value: cell.value,
              medianSeconds: cell.timing.median,
              samplesSeconds: cell.timing.samples,
              calls: cell.timing.calls,
              ...(cell.warning && { warning: cell.warning }),
            }
          : { error: cell.error, ...(cell.tooSlow && { tooSlow: true }) },
      ]),
    ),
    typetorchVsBestPeer: ratio,
  })),
  notes: report.notes,
};
writeFileSync(`${outDir}latest.json`, `${JSON.stringify(json, null, 2)}\n`);
process.stderr.write(`bench: wrote ${fileURLToPath(new URL('./results/latest.json', import.meta.url))}\n`);

/**
 * The GPU run's adapter, as the columns' processes saw it (each requests its own from Dawn; they
 * should agree, and the header says so if they do not), and whether it is SwiftShader.
 */
function describeAdapters(columnResults) {
  const seen = opts.only.map((c) => [c, columnResults[c].info?.adapter]).filter(([, a]) => a);
  if (!seen.length) return { text: 'adapter: unknown (no GPU column started)', adapter: null, swiftshader: null };
  const lines = [...new Set(seen.map(([, a]) => adapterLine(a)))];
  const swiftshader = seen.some(([, a]) => a.swiftshader);
  let text =
    lines.length === 1
      ? `adapter: ${lines[0]}, used by ${seen.map(([c]) => COLUMN_TITLES[c]).join(' and ')}`
      : `adapters DIFFER between columns: ${seen.map(([c, a]) => `${COLUMN_TITLES[c]}: ${adapterLine(a)}`).join('; ')}`;
  if (swiftshader) {
    text +=
      '\n\n**SwiftShader**: a CPU implementation of Vulkan (no GPU on this machine). These figures are only ' +
      'a sanity check that every figure runs and is correct; they say nothing about GPU performance.';
  }
  return { text, adapter: seen[0][1], swiftshader };
}
