/**
 * A one-line progress bar for a terminal; on anything else (a pipe, a log file, CI) it draws nothing,
 * so the output stays plain lines.
 */

/** Where the app writes: lines always, a bar only on a TTY. */
export interface Reporter {
  /** Prints a full line (clearing the bar first, if one is drawn). */
  line(text: string): void;
  /** Redraws the bar: `done` of `total` steps, with a short suffix (e.g. the current loss). */
  progress(label: string, done: number, total: number, suffix?: string): void;
  /** Removes the bar. */
  endProgress(): void;
}

/** A Reporter on `stream` (process.stdout by default); the bar is drawn only when it is a TTY. */
export function createReporter(stream: NodeJS.WriteStream = process.stdout): Reporter {
  const tty = stream.isTTY === true;
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    line(text) {
      clear();
      stream.write(`${text}\n`);
    },
    progress(label, done, total, suffix = '') {
      if (!tty) return;
      const width = 30;
      const filled = total > 0 ? Math.round((width * done) / total) : width;
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      stream.write(`\r\x1b[2K${label} ${bar} ${done}/${total} ${suffix}`);
      drawn = true;
    },
    endProgress: clear,
  };
}

/** A Reporter that keeps the lines in an array (tests, or when no output is wanted). */
export function collectingReporter(lines: string[] = []): Reporter & { lines: string[] } {
  return { lines, line: (text) => void lines.push(text), progress: () => {}, endProgress: () => {} };
}
