// Where the numbers came from, recorded next to them in results/latest.json: figures from
// different machines, Node versions or commits are not comparable, and this is what tells them apart.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

export function describeMachine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    commit: gitCommit(),
  };
}

function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown (no commit yet)';
  }
}

/**
 * Measures how many cores OTHER processes kept busy while a column ran: all CPU time spent on the
 * machine during the column (from /proc/stat) minus the CPU time the column's own process reports.
 * On a 2-core machine shared with builds and test runs, a second busy process halves what a
 * multi-threaded column gets and adds preemption noise to every column, so run.mjs flags it.
 * Linux-only; elsewhere (or if the column did not report its CPU time) the result is null.
 */
export function startLoadMeter() {
  const before = procStat();
  const t0 = performance.now();
  return {
    /** @param {number | null | undefined} ownCpuSeconds  the column process's user+system time */
    stop(ownCpuSeconds) {
      const after = procStat();
      const wall = (performance.now() - t0) / 1e3;
      if (!before || !after || ownCpuSeconds == null || wall <= 0) return null;
      const total = after.total - before.total;
      if (total <= 0) return null;
      const busyCoreSeconds = ((total - (after.idle - before.idle)) / total) * availableParallelism() * wall;
      return Math.max(0, (busyCoreSeconds - ownCpuSeconds) / wall);
    },
  };
}

function procStat() {
  try {
    // First line: "cpu  user nice system idle iowait irq softirq steal ..." in jiffies.
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}
