// The figures `pnpm bench` measures: the one list every suite (JavaScript and Python) works from,
// so a row means the same computation in every column. torch_bench.py receives this list as JSON
// on its command line rather than keeping a copy that could drift.

/** @typedef {'higher' | 'lower'} Better */

/**
 * @typedef {object} Figure
 * @property {string} id       stable key, used in results/latest.json
 * @property {string} label    row label in the table
 * @property {'matmul' | 'add' | 'backward' | 'train' | 'conv'} kind  what a suite builds for it
 * @property {number} n        matmul: square size; add/backward: element count; train, conv: batch size
 * @property {boolean} [transposed]  matmul: right operand is `b.t()` of a stored [n, n] b
 * @property {ConvShape} [conv]  conv: the layer (input [n, cin, size, size], weight [cout, cin, k, k])
 * @property {boolean} [backward]  conv: forward, then both gradients (dx, dw) from a given dy
 * @property {number} [flops]  GFLOP/s figures other than square matmul: floating point operations per call
 * @property {string} unit     what the table prints
 * @property {Better} better   which direction wins (decides the ratio column)
 */

/**
 * @typedef {object} ConvShape
 * @property {number} cin
 * @property {number} cout
 * @property {number} size     input height = width
 * @property {number} k        square kernel
 * @property {number} pad      zero padding on each side
 */

/** The CPU list (`--device cpu`): what typetorch, tfjs-cpu, tfjs-wasm and PyTorch all run. */
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
  ...[4, 64].map((batch) => train(batch)),
];

/**
 * The WebGPU list (`--device webgpu`): sizes where a GPU has work to do. The first conv layer is
 * the tutorial Net's conv1 (small: launch overhead matters); the second a mid-sized 3×3 layer of a
 * CIFAR-scale ResNet/VGG, where a GPU's arithmetic throughput shows.
 * @type {Figure[]}
 */
export const WEBGPU_FIGURES = [
  ...[1024, 2048, 4096].map((n) => matmul(n, false)),
  ...[
    { n: 64, conv: { cin: 3, cout: 6, size: 32, k: 5, pad: 0 } },
    { n: 32, conv: { cin: 64, cout: 64, size: 32, k: 3, pad: 1 } },
  ].flatMap(({ n, conv: shape }) => [conv(n, shape, false), conv(n, shape, true)]),
  ...[4, 64].map((batch) => train(batch)),
];

/** @param {string} device */
export function figuresFor(device) {
  return device === 'webgpu' ? WEBGPU_FIGURES : FIGURES;
}

function conv(n, shape, backward) {
  const { cin, cout, size, k, pad } = shape;
  const out = size + 2 * pad - k + 1;
  // Forward: one multiply-add per output element and kernel tap. The two gradients (dx, dw) cost
  // one forward each, hence 3× for forward + backward.
  const forward = 2 * n * cout * out * out * cin * k * k;
  return {
    id: `conv2d-${n}x${cin}x${size}-${cout}k${k}${backward ? '-fwd-bwd' : ''}`,
    label:
      `conv2d ${k}×${k} ${cin}→${cout} ch, ${size}×${size}${pad ? `, pad ${pad}` : ''}, batch ${n}, f32, ` +
      (backward ? 'forward + backward (dx, dw)' : 'forward'),
    kind: 'conv',
    n,
    conv: shape,
    backward,
    flops: backward ? 3 * forward : forward,
    unit: 'GFLOP/s',
    better: 'higher',
  };
}

function train(batch) {
  return {
    id: `cifar10-net-train-${batch}`,
    label: `CIFAR10 tutorial Net, training step, batch ${batch}`,
    kind: 'train',
    n: batch,
    unit: 'img/s',
    better: 'higher',
  };
}

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
  if (fig.unit === 'GFLOP/s') return flopsOf(fig) / secondsPerOp / 1e9;
  if (fig.unit === 'img/s') return fig.n / secondsPerOp;
  return secondsPerOp * 1e6;
}

/** Floating point operations of one call of a GFLOP/s figure (square matmul: 2n³). */
export function flopsOf(fig) {
  return fig.flops ?? 2 * fig.n ** 3;
}
