/**
 * Download progress: a bar (cli-progress) on a terminal, plain lines every 10% otherwise (logs, CI).
 *
 * @module
 */

/** How a download reports progress: `'auto'` (bar on a TTY, lines otherwise), `'bar'`, `'lines'`, or `'none'`. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** Receives byte counts as a transfer goes on. */
export interface ProgressReporter {
  /** `received` bytes so far. */
  update(received: number): void;
  /** The transfer ended (successfully or not). */
  stop(): void;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A reporter for a transfer of `total` bytes (`undefined` when the server does not say). */
export async function createProgress(label: string, total: number | undefined, mode: ProgressMode = 'auto'): Promise<ProgressReporter> {
  const stream = process.stderr;
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'none') return { update() {}, stop() {} };
  if (resolved === 'bar' && total !== undefined && total > 0) {
    const progressModule = await import('cli-progress');
    // A CommonJS module: its exports are the namespace's `default` at run time.
    const cliProgress = (progressModule as unknown as { default?: typeof progressModule }).default ?? progressModule;
    const bar = new cliProgress.SingleBar({
      format: `${label} [{bar}] {percentage}% | {value_mb} of {total_mb} | {speed}`,
      stream,
      hideCursor: true,
    }, cliProgress.Presets.shades_classic);
    const start = Date.now();
    const payload = (received: number) => ({
      value_mb: megabytes(received), total_mb: megabytes(total),
      speed: `${megabytes(received / Math.max((Date.now() - start) / 1000, 1e-3))}/s`,
    });
    bar.start(total, 0, payload(0));
    return { update: (received) => bar.update(received, payload(received)), stop: () => bar.stop() };
  }
  let nextTenth = 1;
  let lastMb = 0;
  stream.write(`${label}: starting${total === undefined ? '' : ` (${megabytes(total)})`}\n`);
  return {
    update(received) {
      if (total !== undefined && total > 0) {
        while (received >= (total * nextTenth) / 10 && nextTenth <= 10) {
          stream.write(`${label}: ${nextTenth * 10}% (${megabytes(received)} of ${megabytes(total)})\n`);
          nextTenth++;
        }
      } else if (received - lastMb >= 10e6) {
        lastMb = received;
        stream.write(`${label}: ${megabytes(received)}\n`);
      }
    },
    stop() {},
  };
}
