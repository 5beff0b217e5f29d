// How one figure is timed, the same way for every JavaScript suite (torch_bench.py mirrors it):
//
// 1. Warm up for `warmupS` (at least two calls) so V8 has tiered the hot paths up and every
//    library has done its lazy one-time work (kernel registration, wasm compilation, caches).
// 2. From the warm-up, pick a batch size: the clock is read once per batch, not once per call,
//    so reading it costs nothing measurable even for sub-microsecond ops.
// 3. Repeat `reps` times: run whole batches until `budgetS` has elapsed (at least one call),
//    then `sync` the last result, inside the timed block, so that a library that computes lazily
//    or asynchronously pays for its work in the block that asked for it.
// 4. Report every repetition's seconds per call and their median: the median shrugs off one
//    repetition that a GC pause or the other process on a 2-core machine happened to hit.

import { performance } from 'node:perf_hooks';

/** Aim for this many batches per repetition: enough that the batch boundary hardly overshoots. */
const BATCHES_PER_REP = 100;

/**
 * @template R
 * @param {{ step: () => R, sync: (last: R) => void }} work  one call of the measured operation,
 *   and how to force its result to exist on the host
 * @param {{ warmupS: number, budgetS: number, reps: number }} opts
 * @returns {{ samples: number[], median: number, calls: number, batch: number }}
 *   samples and median in seconds per call
 */
export function measure(work, { warmupS, budgetS, reps }) {
  const { step, sync } = work;
  // A clean heap for each figure, so garbage left by the previous figure is not collected on
  // this one's clock. Collections this figure causes itself stay in: they are part of its cost.
  globalThis.gc?.();

  let last;
  let warmCalls = 0;
  const warmStart = performance.now();
  do {
    last = step();
    warmCalls++;
  } while (warmCalls < 2 || performance.now() - warmStart < warmupS * 1e3);
  sync(last);
  const estimate = (performance.now() - warmStart) / 1e3 / warmCalls;
  const batch = Math.max(1, Math.floor(budgetS / BATCHES_PER_REP / estimate));

  const samples = [];
  let calls = 0;
  for (let r = 0; r < reps; r++) {
    let count = 0;
    const start = performance.now();
    do {
      for (let i = 0; i < batch; i++) last = step();
      count += batch;
    } while (performance.now() - start < budgetS * 1e3);
    sync(last);
    const seconds = (performance.now() - start) / 1e3;
    samples.push(seconds / count);
    calls += count;
  }
  return { samples, median: median(samples), calls, batch };
}

/** GPU figures: aim for this many batches per repetition, each ending in a read (see measureAsync). */
const GPU_BATCHES_PER_REP = 10;

/**
 * The GPU version of {@link measure}: `step` only records and submits work, so timing it alone
 * would time submission. Every batch therefore ends with `await sync(last)`, a read that resolves
 * when the device has finished everything submitted before it: each repetition is time to
 * completion, and at most one batch of work (~1/10 of a repetition) is ever queued ahead of the
 * clock (an unbounded queue of 4096² matmuls would also exhaust device memory).
 *
 * Warm-up runs whole calls to completion (step + read), at least one; the first call (the check,
 * in lib/child.mjs) has already compiled the pipelines. When a single call takes longer than a
 * repetition's budget, each repetition is one call and the number of repetitions is cut so that
 * the figure stays within its total budget (at least one): on SwiftShader a 2048² matmul takes
 * minutes.
 * @template R
 * @param {{ step: () => R, sync: (last: R) => Promise<unknown> }} work
 * @param {{ warmupS: number, budgetS: number, reps: number }} opts
 * @returns {Promise<{ samples: number[], median: number, calls: number, batch: number }>}
 */
export async function measureAsync(work, { warmupS, budgetS, reps }) {
  const { step, sync } = work;
  globalThis.gc?.();

  let warmCalls = 0;
  const warmStart = performance.now();
  do {
    await sync(step());
    warmCalls++;
  } while (performance.now() - warmStart < warmupS * 1e3);
  const estimate = (performance.now() - warmStart) / 1e3 / warmCalls;
  const batch = Math.max(1, Math.floor(budgetS / GPU_BATCHES_PER_REP / estimate));
  const repCount = estimate > budgetS ? Math.max(1, Math.min(reps, Math.floor((reps * budgetS) / estimate))) : reps;

  const samples = [];
  let calls = 0;
  for (let r = 0; r < repCount; r++) {
    let count = 0;
    let last;
    const start = performance.now();
    do {
      for (let i = 0; i < batch; i++) last = step();
      count += batch;
      await sync(last);
    } while (performance.now() - start < budgetS * 1e3);
    const seconds = (performance.now() - start) / 1e3;
    samples.push(seconds / count);
    calls += count;
  }
  return { samples, median: median(samples), calls, batch };
}

/** @param {number[]} xs */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Timing settings: full run vs. `--quick` smoke check (same method, smaller budgets). `capS` (GPU
 * figures only): a figure whose single call takes (or is predicted to take) longer is reported as
 * too slow on this adapter instead of being timed; only SwiftShader comes near it.
 */
export const BUDGETS = {
  full: { warmupS: 0.3, budgetS: 0.5, reps: 5, capS: 60 },
  // The quick warm-up is still long enough for V8 to optimise the small-op paths: with 20 ms the
  // tfjs add measured 15-50 µs instead of ~2 µs, which is noise no smoke check should print.
  quick: { warmupS: 0.1, budgetS: 0.05, reps: 3, capS: 30 },
};
