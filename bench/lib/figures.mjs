// The figures `pnpm bench` measures: the one list every suite (JavaScript and Python) works from,
// so a row means the same computation in every column. torch_bench.py receives this list as JSON
// on its command line rather than keeping a copy that could drift.

/** @typedef {'higher' | 'lower'} Better */

/**
 * @typedef {object} Figure
 * @property {string} id       stable key, used in results/latest.json
 * @property {string} label    row label in the table
 * @property {'matmul' | 'add' | 'backward' | 'train'} kind  what a suite builds for it
 * @property {number} n        matmul: square size; add/backward: element count; train: batch size
 * @property {boolean} [transposed]  matmul: right operand is `b.t()` of a stored [n, n] b
 * @property {string} unit     what the table prints
 * @property {Better} better   which direction wins (decides the ratio column)
 */

/** @type {Figure[]} */
export const FIGURES = [
  ...[256, 512].flatMap((n) => [
    matmul(n, false),
    matmul(n, true),
  ]),
  {
    id: 'add-16',
    label: 'add, two 16-element f32 tensors',
    kind: 'add',
    n: 16,
    unit: 'µs/op',
    better: 'lower',
  },
  {
    id: 'backward-16',
    label: '(a*b).sum().backward(), 16 f32',
    kind: 'backward',
    n: 16,
    unit: 'µs',
    better: 'lower',
  },
  ...[4, 64].map((batch) => ({
    id: `cifar10-net-train-${batch}`,
    label: `CIFAR10 tutorial Net, training step, batch ${batch}`,
    kind: 'train',
    n: batch,
    unit: 'img/s',
    better: 'higher',
  })),
];

function matmul(n, transposed) {
  return {
    id: `matmul-${n}${transposed ? '-t' : ''}`,
    label: `matmul ${n}×${n} f32, ${transposed ? 'a @ b.t()' : 'a @ b'}`,
    kind: 'matmul',
    n,
    transposed,
    unit: 'GFLOP/s',
    better: 'higher',
  };
}

/**
 * Converts a median time per operation (seconds) into the figure's unit. Suites report seconds so
 * that the conversion (and the FLOP count) lives in exactly one place.
 * @param {Figure} fig
 * @param {number} secondsPerOp
 */
export function toUnit(fig, secondsPerOp) {
  if (fig.unit === 'GFLOP/s') return (2 * fig.n ** 3) / secondsPerOp / 1e9;
  if (fig.unit === 'img/s') return fig.n / secondsPerOp;
  return secondsPerOp * 1e6;
}
