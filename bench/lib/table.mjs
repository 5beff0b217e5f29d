// Turns the columns' raw results into the report: one row per figure, one column per library, the
// "typetorch vs best peer" ratio, and numbered notes for every error or warning (a cell shows
// `✗ [n]` rather than a long message, so the table stays readable). Printed as a Markdown table:
// aligned in a terminal and pasteable into ENVIRONMENT.md or an issue as is.

import { availableParallelism } from 'node:os';
import { toUnit } from './figures.mjs';

const cores = availableParallelism();

/** Cores' worth of other processes' CPU use above which a column's figures get a warning. */
const BUSY_THRESHOLD = 0.25;

export const COLUMN_TITLES = {
  typetorch: 'typetorch',
  'tfjs-cpu': 'tfjs-cpu',
  'tfjs-wasm': 'tfjs-wasm',
  'tfjs-webgpu': 'tfjs-webgpu',
  pytorch: 'PyTorch',
};

/**
 * @param {import('./figures.mjs').Figure[]} figures
 * @param {string[]} columns  column keys in order (typetorch first when present)
 * @param {Record<string, import('./runner.mjs').ColumnResult>} results
 */
export function buildReport(figures, columns, results) {
  const notes = [];
  const note = (text) => {
    const k = notes.indexOf(text);
    if (k >= 0) return k + 1;
    notes.push(text);
    return notes.length;
  };
  const peers = columns.filter((c) => c !== 'typetorch');

  const rows = figures.map((fig) => {
    const cells = {};
    for (const col of columns) {
      const res = results[col];
      const got = res.figures[fig.id];
      if (got?.timing) {
        const value = toUnit(fig, got.timing.median);
        const warn = got.warning ? note(`${COLUMN_TITLES[col]}, ${fig.label}: ${got.warning}`) : null;
        cells[col] = { value, timing: got.timing, ...(got.warning && { warning: got.warning }), ref: warn };
      } else if (got?.tooSlow) {
        // Not a failure: this adapter (SwiftShader) would need longer than the cap for one call.
        cells[col] = { error: got.tooSlow, tooSlow: true, ref: note(`${COLUMN_TITLES[col]}, ${fig.label}: ${got.tooSlow}`) };
      } else if (got?.error) {
        cells[col] = { error: got.error, ref: note(`${COLUMN_TITLES[col]}, ${fig.label}: ${got.error}`) };
      } else {
        // No message for this figure: the whole column failed (or stopped before reaching it).
        const why = res.unavailable ?? res.error ?? 'no result (the column stopped early)';
        cells[col] = { error: why, ref: note(`${COLUMN_TITLES[col]}: ${why}`), unavailable: !!res.unavailable };
      }
    }
    return { figure: fig, cells, ratio: ratio(fig, cells, peers) };
  });
  // tfjs's backward cells time tf.grad, not a .backward(): say so on the row itself.
  if (columns.some((c) => c.startsWith('tfjs'))) {
    for (const row of rows) {
      if (row.figure.kind === 'backward') {
        row.labelRef = note('tfjs has no .backward(): the tfjs cells of this row time tf.grad(x => tf.sum(tf.mul(x, b)))(a), its closest equivalent.');
      }
    }
  }
  // Another process on the machine steals cores from whichever column is running: flag it, in
  // one note shared by every affected column.
  // (Only columns that timed something: a column that failed to load has no figures to taint.)
  const timedSomething = (c) => Object.values(results[c].figures).some((f) => f.timing);
  const busyCols = columns.filter((c) => results[c].otherLoad > BUSY_THRESHOLD && timedSomething(c));
  const busyRef = busyCols.length
    ? note(
        `the machine was shared: other processes kept on average ${busyCols
          .map((c) => `${results[c].otherLoad.toFixed(1)} (while ${COLUMN_TITLES[c]} ran)`)
          .join(', ')} of ${cores} cores busy; those columns' figures are likely low and noisy: rerun on an idle machine.`,
      )
    : null;
  const load = Object.fromEntries(
    columns.map((c) => [c, { busy: results[c].otherLoad ?? null, ref: busyCols.includes(c) ? busyRef : null }]),
  );
  return { rows, notes, columns, load };
}

/** typetorch's speed relative to the fastest peer that produced a number (>1 = typetorch faster). */
function ratio(fig, cells, peers) {
  const mine = cells.typetorch?.value;
  const measured = peers.filter((p) => cells[p]?.value !== undefined);
  if (mine === undefined || !measured.length) return null;
  const sign = fig.better === 'higher' ? 1 : -1;
  const best = measured.reduce((x, y) => (sign * cells[y].value > sign * cells[x].value ? y : x));
  const other = cells[best].value;
  // GFLOP/s: higher wins, ratio = mine / best. µs: lower wins, ratio = best / mine. Either way the
  // number reads as "typetorch runs at N times the speed of the best peer".
  const factor = fig.better === 'higher' ? mine / other : other / mine;
  return { factor, vs: best };
}

/**
 * @param {ReturnType<typeof buildReport>} report
 * @param {Record<string, import('./runner.mjs').ColumnResult>} results  for the version/threads rows
 */
export function renderMarkdown(report, results) {
  const { rows, notes, columns } = report;
  const head = ['figure', ...columns.map((c) => COLUMN_TITLES[c])];
  const withRatio = columns.includes('typetorch') && columns.length > 1;
  if (withRatio) head.push('typetorch vs best peer');

  const body = rows.map(({ figure, cells, ratio: r, labelRef }) => {
    const line = [`${figure.label} (${figure.unit}, ${figure.better} is better)${labelRef ? ` [${labelRef}]` : ''}`];
    for (const col of columns) {
      const cell = cells[col];
      if (cell.value !== undefined) line.push(formatNumber(cell.value) + (cell.ref ? ` [${cell.ref}]` : ''));
      else line.push(`${cell.unavailable ? 'n/a' : cell.tooSlow ? 'too slow' : '✗'} [${cell.ref}]`);
    }
    if (withRatio) line.push(r ? `${formatRatio(r.factor)}× ${COLUMN_TITLES[r.vs]}` : '—');
    return line;
  });
  // What each column actually ran: versions and thread counts change the numbers as much as code.
  for (const [label, key] of [['version', 'version'], ['threads used', 'threads']]) {
    const line = [label, ...columns.map((c) => String(results[c].info?.[key] ?? '—'))];
    // GPU columns choose no thread count: a row of dashes says nothing.
    if (key === 'threads' && line.slice(1).every((v) => v === '—')) continue;
    if (withRatio) line.push('');
    body.push(line);
  }
  const loadLine = ['other processes\' load (cores)'];
  for (const col of columns) {
    const { busy, ref } = report.load[col];
    loadLine.push(busy == null ? '—' : busy.toFixed(2) + (ref ? ` [${ref}]` : ''));
  }
  if (withRatio) loadLine.push('');
  body.push(loadLine);

  const all = [head, ...body];
  const widths = head.map((_, k) => Math.max(3, ...all.map((row) => width(row[k]))));
  // Labels left-aligned, numbers right-aligned (matching the `---:` rule below).
  const fmt = (row) =>
    '| ' + row.map((cell, k) => (k === 0 ? padEnd(cell, widths[k]) : padStart(cell, widths[k]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, k) => (k === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  const lines = [fmt(head), rule, ...body.map((r) => fmt(r))];
  if (withRatio) {
    lines.push('', 'ratio: typetorch\'s speed ÷ the fastest peer\'s (above 1× typetorch is faster, below it is slower).');
  }
  if (notes.length) {
    lines.push('', ...notes.map((n, k) => `[${k + 1}] ${n}`));
  }
  return lines.join('\n');
}

/** Three significant digits, never in exponent notation. */
export function formatNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return v.toFixed(1);
  if (abs >= 1) return v.toFixed(2);
  if (abs === 0) return '0';
  return v.toPrecision(2);
}

function formatRatio(f) {
  if (f >= 10) return f.toFixed(0);
  if (f >= 0.1) return f.toFixed(2);
  return f.toPrecision(2);
}

// Characters in these cells are all single-width (×, µ, ✗ included), so length is display width.
const width = (s) => [...s].length;
const padEnd = (s, w) => s + ' '.repeat(w - width(s));
const padStart = (s, w) => ' '.repeat(w - width(s)) + s;
