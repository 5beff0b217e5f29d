// DataLoader benchmark: one pass over a dataset whose get() is CPU-heavy, with numWorkers 0, 1, 2
// and 4, and with 2 persistent workers (thread start-up paid once, not per pass). Workers run get()
// in parallel threads, so a pass gets faster up to the number of cores.
//
//   pnpm --filter @typetorch/data build   (or pnpm build), then
//   node packages/data/bench/workers.mjs [samples=256] [work=24]
import os from 'node:os';
import '../../backend-cpu/dist/index.js';
import { DataLoader } from '../dist/index.js';
import { HeavyDataset } from './heavy-dataset.mjs';

const samples = Number(process.argv[2] ?? 256);
const work = Number(process.argv[3] ?? 24);
const dataset = new HeavyDataset(samples, work);
const workerDataset = { module: new URL('./heavy-dataset.mjs', import.meta.url).href, export: 'HeavyDataset', args: [samples, work] };

async function pass(numWorkers, loader = new DataLoader(dataset, { batchSize: 32, numWorkers, workerDataset })) {
  const start = performance.now();
  const cpuStart = process.cpuUsage(); // all threads of the process: the workers' time counts too
  let checksum = 0;
  let first;
  for await (const [x, y] of loader) {
    first ??= performance.now() - start;
    checksum += x.sum().itemSync() + y.sum().itemSync();
  }
  const cpu = process.cpuUsage(cpuStart);
  return { ms: performance.now() - start, first, checksum, cpuMs: (cpu.user + cpu.system) / 1000 };
}

console.log(`DataLoader, ${samples} samples of [3, 32, 32], ${work} rounds of work per sample, batch 32, ${os.cpus().length} CPUs, Node ${process.version}`);
let baseline;
for (const numWorkers of [0, 1, 2, 4]) {
  await pass(numWorkers); // warm-up: JIT, and thread start-up paid once
  const runs = [await pass(numWorkers), await pass(numWorkers)];
  const best = runs[0].ms <= runs[1].ms ? runs[0] : runs[1];
  const ms = best.ms;
  baseline ??= { ms, checksum: runs[0].checksum };
  const same = Math.abs(runs[0].checksum - baseline.checksum) < 1e-6 * Math.abs(baseline.checksum) ? 'same batches' : 'DIFFERENT BATCHES';
  console.log(
    `numWorkers ${numWorkers}: ${ms.toFixed(0).padStart(6)} ms  (${(baseline.ms / ms).toFixed(2)}x vs 0; first batch after ` +
      `${best.first.toFixed(0)} ms, thread start-up included; CPU time ${best.cpuMs.toFixed(0)} ms; ${same})`,
  );
}

const persistent = new DataLoader(dataset, { batchSize: 32, numWorkers: 2, workerDataset, persistentWorkers: true });
await pass(2, persistent);
const kept = [await pass(2, persistent), await pass(2, persistent)].sort((a, b) => a.ms - b.ms)[0];
await persistent.close();
console.log(
  `numWorkers 2, persistentWorkers: ${kept.ms.toFixed(0).padStart(6)} ms  (${(baseline.ms / kept.ms).toFixed(2)}x vs 0; ` +
    `CPU time ${kept.cpuMs.toFixed(0)} ms)`,
);
console.log(`load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} (other processes on these CPUs slow every row alike)`);
