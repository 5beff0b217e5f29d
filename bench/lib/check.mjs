// A benchmark of a wrong answer is worthless, and typetorch's kernels are being written while this
// harness is: before a figure is timed, its first result is compared against a reference computed
// here from the operands' host copies. A failing check turns the cell into an error, so a fast but
// broken kernel can never show up as a win. (torch_bench.py runs the same checks on PyTorch.)

/**
 * @param {import('./figures.mjs').Figure} fig
 * @param {{ a: Float32Array, b: Float32Array } | { x: Float32Array, w: Float32Array, dy?: Float32Array }} inputs
 *   operands as the library holds them (matmul: both row-major [n, n]; `b` is the stored tensor,
 *   before any transpose; conv: see checkConv)
 * @param {ArrayLike<number> | { dx: ArrayLike<number>, dw: ArrayLike<number> }} out  the first
 *   result: the product, the sum, a's gradient, the loss, or conv's output or gradients
 * @returns {string | null}  what is wrong, or null when the result is right
 */
export function checkResult(fig, inputs, out) {
  if (fig.kind === 'train') return checkFirstLoss(out);
  if (fig.kind === 'conv') return checkConv(fig, inputs, out);
  const { a, b } = inputs;
  if (fig.kind === 'matmul') {
    const n = fig.n;
    if (out.length !== n * n) return `result has ${out.length} elements, expected ${n * n}`;
    // A few entries spread over the matrix (corners catch edge/tail handling in blocked kernels);
    // checking all n² would cost as much as a naive matmul in JavaScript.
    const spots = [[0, 0], [n - 1, n - 1], [1, n - 2], [n >> 1, 3], [n - 3, n >> 1], [7, 5]];
    for (const [i, j] of spots) {
      let exact = 0;
      let scale = 0;
      for (let k = 0; k < n; k++) {
        const p = a[i * n + k] * (fig.transposed ? b[j * n + k] : b[k * n + j]);
        exact += p;
        scale += Math.abs(p);
      }
      const got = out[i * n + j];
      // float32 accumulation over n terms: allow a relative error well above what any sane
      // summation order gives (~n·2⁻²⁴), far below what a wrong index gives.
      if (!(Math.abs(got - exact) <= 1e-4 * scale + 1e-6)) {
        return `C[${i}, ${j}] = ${got}, expected ${exact.toPrecision(7)}`;
      }
    }
    return null;
  }
  // add: the correctly rounded float32 sum; backward: d/da Σ a·b = b. Both are exact in IEEE.
  const expected = fig.kind === 'add' ? Array.from(a, (x, i) => Math.fround(x + b[i])) : Array.from(b);
  if (out.length !== expected.length) {
    return `result has ${out.length} elements, expected ${expected.length}`;
  }
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(out[i] - expected[i]) <= 1e-6 * Math.abs(expected[i]) + 1e-7)) {
      const what = fig.kind === 'add' ? 'sum' : 'a.grad';
      return `${what}[${i}] = ${out[i]}, expected ${expected[i]}`;
    }
  }
  return null;
}

/**
 * The first training step's loss: cross-entropy of a freshly initialised 10-class net on random
 * inputs and labels is close to ln 10 ≈ 2.30; a broken forward pass lands far from it.
 * @param {ArrayLike<number>} out  the loss, as a one-element array
 */
function checkFirstLoss(out) {
  const loss = out[0];
  return out.length === 1 && loss > 1.8 && loss < 2.9 ? null : `first loss ${loss}, expected about ln 10 = 2.30`;
}

/**
 * conv2d (stride 1, square kernel, zero padding, no bias), all arrays row-major in PyTorch's
 * layouts whatever the library's own (tfjs suites transpose from NHWC/HWIO before handing them
 * over): x [N, Cin, S, S], w [Cout, Cin, K, K], dy and the output [N, Cout, O, O], O = S + 2p - K + 1.
 * Forward: `out` is the output. Forward + backward: `out` is { dx, dw }, the gradients of
 * Σ output·dy. A few entries of each, recomputed here in float64.
 * @param {import('./figures.mjs').Figure} fig
 * @param {{ x: Float32Array, w: Float32Array, dy?: Float32Array }} inputs
 */
function checkConv(fig, { x, w, dy }, out) {
  const N = fig.n;
  const { cin: C, cout: F, size: S, k: K, pad: P } = fig.conv;
  const O = S + 2 * P - K + 1;
  const X = (n, c, i, j) => (i < 0 || j < 0 || i >= S || j >= S ? 0 : x[((n * C + c) * S + i) * S + j]);
  const W = (f, c, a, b) => w[((f * C + c) * K + a) * K + b];
  const D = (n, f, i, j) => (i < 0 || j < 0 || i >= O || j >= O ? 0 : dy[((n * F + f) * O + i) * O + j]);
  // Spots at the corners and inside, so padding and tile tails are covered.
  const pick = (dims) => [
    dims.map(() => 0),
    dims.map((d) => d - 1),
    dims.map((d) => d >> 1),
    dims.map((d, k) => (k % 2 ? d - 1 : Math.min(1, d - 1))),
  ];
  const compare = (what, arr, dims, spot, exact) => {
    if (arr.length !== dims.reduce((a, b) => a * b, 1)) return `${what} has ${arr.length} elements, expected ${dims.join('×')}`;
    const index = spot.reduce((acc, v, k) => acc * dims[k] + v, 0);
    const [value, scale] = exact;
    const got = arr[index];
    return Math.abs(got - value) <= 1e-4 * scale + 1e-5 ? null : `${what}[${spot.join(', ')}] = ${got}, expected ${value.toPrecision(7)}`;
  };
  const checkAll = (what, arr, dims, fn) => {
    for (const spot of pick(dims)) {
      const problem = compare(what, arr, dims, spot, fn(...spot));
      if (problem) return problem;
    }
    return null;
  };
  if (!fig.backward) {
    return checkAll('output', out, [N, F, O, O], (n, f, i, j) => {
      let v = 0;
      let s = 0;
      for (let c = 0; c < C; c++) {
        for (let a = 0; a < K; a++) {
          for (let b = 0; b < K; b++) {
            const p = X(n, c, i + a - P, j + b - P) * W(f, c, a, b);
            v += p;
            s += Math.abs(p);
          }
        }
      }
      return [v, s];
    });
  }
  return (
    checkAll('dw', out.dw, [F, C, K, K], (f, c, a, b) => {
      let v = 0;
      let s = 0;
      for (let n = 0; n < N; n++) {
        for (let i = 0; i < O; i++) {
          for (let j = 0; j < O; j++) {
            const p = D(n, f, i, j) * X(n, c, i + a - P, j + b - P);
            v += p;
            s += Math.abs(p);
          }
        }
      }
      return [v, s];
    }) ??
    checkAll('dx', out.dx, [N, C, S, S], (n, c, i, j) => {
      let v = 0;
      let s = 0;
      for (let f = 0; f < F; f++) {
        for (let a = 0; a < K; a++) {
          for (let b = 0; b < K; b++) {
            const p = D(n, f, i + P - a, j + P - b) * W(f, c, a, b);
            v += p;
            s += Math.abs(p);
          }
        }
      }
      return [v, s];
    })
  );
}
