// A benchmark of a wrong answer is worthless, and typetorch's kernels are being written while this
// harness is: before a figure is timed, its first result is compared against a reference computed
// here from the operands' host copies. A failing check turns the cell into an error, so a fast but
// broken kernel can never show up as a win. (torch_bench.py runs the same checks on PyTorch.)

/**
 * @param {import('./figures.mjs').Figure} fig
 * @param {{ a: Float32Array, b: Float32Array }} inputs  operands as the library holds them
 *   (matmul: both row-major [n, n]; `b` is the stored tensor, before any transpose)
 * @param {ArrayLike<number>} out  the first result: the product, the sum, or a's gradient
 * @returns {string | null}  what is wrong, or null when the result is right
 */
export function checkResult(fig, inputs, out) {
  if (fig.kind === 'train') return checkFirstLoss(out);
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
