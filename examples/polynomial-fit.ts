/**
 * The seeds' polynomial fit (PyTorch's "Learning PyTorch with Examples"): fit
 * y = a + b x + c x² + d x³ to sin(x) on [-π, π] by gradient descent, once with gradients written
 * by hand and once with autograd. Both start from the same seeded coefficients and end equal.
 *
 * Run: `pnpm start` (or `tsx examples/polynomial-fit.ts`).
 */
import * as torch from 'typetorch';

/** The fitted coefficients and the final loss. */
export interface Fit {
  coefficients: [number, number, number, number];
  loss: number;
}

const LEARNING_RATE = 1e-6;

function setup(seed: number) {
  torch.manualSeed(seed);
  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  const y = torch.sin(x);
  const [a, b, c, d] = [torch.randn([]), torch.randn([]), torch.randn([]), torch.randn([])];
  return { x, y, a, b, c, d };
}

async function result(coefficients: torch.Tensor[], loss: torch.Tensor): Promise<Fit> {
  const values = await Promise.all(coefficients.map((t) => t.item()));
  return { coefficients: values as Fit['coefficients'], loss: Number(await loss.item()) };
}

/** Gradient descent with the gradients of the squared error written out by hand. */
export async function fitByHand(steps = 2000, seed = 0): Promise<Fit> {
  const { x, y, a, b, c, d } = setup(seed);
  let loss = torch.tensor(0);
  for (let t = 0; t < steps; t++) {
    const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));
    loss = yPred.sub(y).pow(2).sum();
    const gradYPred = yPred.sub(y).mul(2);
    const gradA = gradYPred.sum();
    const gradB = gradYPred.mul(x).sum();
    const gradC = gradYPred.mul(x.pow(2)).sum();
    const gradD = gradYPred.mul(x.pow(3)).sum();
    a.sub_(gradA.mul(LEARNING_RATE));
    b.sub_(gradB.mul(LEARNING_RATE));
    c.sub_(gradC.mul(LEARNING_RATE));
    d.sub_(gradD.mul(LEARNING_RATE));
  }
  return result([a, b, c, d], loss);
}

/** The same descent with gradients from autograd. */
export async function fitWithAutograd(steps = 2000, seed = 0): Promise<Fit> {
  const { x, y, a, b, c, d } = setup(seed);
  const params = [a, b, c, d].map((p) => p.requiresGrad_(true));
  let loss = torch.tensor(0);
  for (let t = 0; t < steps; t++) {
    const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));
    loss = yPred.sub(y).pow(2).sum();
    loss.backward();
    torch.noGrad(() => {
      for (const p of params) {
        p.sub_(p.grad!.mul(LEARNING_RATE));
        p.grad = null;
      }
    });
  }
  return result(params, loss);
}

async function main(): Promise<void> {
  for (const [name, fit] of [['by hand', fitByHand], ['with autograd', fitWithAutograd]] as const) {
    const started = performance.now();
    const { coefficients: [a, b, c, d], loss } = await fit();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    console.log(`${name}: y = ${a.toFixed(4)} + ${b.toFixed(4)} x + ${c.toFixed(4)} x^2 + ${d.toFixed(4)} x^3  (loss ${loss.toFixed(3)}, ${seconds} s)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
