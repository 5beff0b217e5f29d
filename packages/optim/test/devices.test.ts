/**
 * Optimizers never need a synchronous read: on a device that cannot read synchronously (the CPU
 * backend wrapped by core's `asyncOnly`), every optimizer takes the same steps as on the CPU.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '@typetorch/backend-cpu';
import '@typetorch/autograd';
import { registerBackend, tensor, type Tensor } from '@typetorch/core';
import { asyncOnly } from '@typetorch/core/testing';
import * as optim from '../src/index.js';

const DEVICE = 'optim-async-test';

beforeAll(() => {
  registerBackend(DEVICE, asyncOnly(cpuBackend));
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Make = (params: Tensor[]) => optim.Optimizer<any>;

const OPTIMIZERS: Array<[string, Make]> = [
  ['SGD with Nesterov momentum', (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam with AMSGrad', (p) => new optim.Adam(p, { lr: 0.05, amsgrad: true })],
  ['AdamW', (p) => new optim.AdamW(p, { lr: 0.05 })],
  ['RMSprop centered with momentum', (p) => new optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad with lrDecay', (p) => new optim.Adagrad(p, { lr: 0.1, lrDecay: 0.1 })],
];

async function run(make: Make, device: string): Promise<number[]> {
  const p = tensor([0.5, -1.5, 2.0], { device, requiresGrad: true });
  const optimizer = make([p]);
  for (let i = 0; i < 5; i++) {
    optimizer.zeroGrad();
    p.mul(p).mul(tensor([1, 2, 3], { device })).sum().backward();
    optimizer.step();
  }
  return [...(await p.data())].map(Number);
}

describe('optimizers on a device without synchronous reads', () => {
  it('the test device really refuses synchronous reads', () => {
    expect(() => tensor([1], { device: DEVICE }).itemSync()).toThrow();
  });

  for (const [name, make] of OPTIMIZERS) {
    it(`${name} takes the same steps as on the CPU`, async () => {
      const onDevice = await run(make, DEVICE);
      expect(onDevice).toEqual(await run(make, 'cpu'));
      expect(onDevice).not.toEqual([0.5, -1.5, 2.0]);
    });
  }
});
