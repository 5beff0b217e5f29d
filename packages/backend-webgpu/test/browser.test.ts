// The WebGPU backend in a real browser: headless Chromium (Debian's, SwiftShader) runs
// browser/webgpu.page.ts through tools/browser's harness, on the page's own navigator.gpu.
// Each computation runs on the page's CPU backend and on webgpu; this test compares them.
import { beforeAll, describe, expect, it } from 'vitest';
import { runInBrowser } from '../../../tools/browser/src/index.js';
import type { WebGPUPageResult } from './browser/webgpu.page.js';

let page: WebGPUPageResult;

beforeAll(async () => {
  page = await runInBrowser<WebGPUPageResult>({ entry: new URL('./browser/webgpu.page.ts', import.meta.url), timeoutMs: 90_000 });
}, 120_000);

function expectClose(pair: { cpu: number[]; gpu: number[] }, rtol: number, atol: number): void {
  expect(pair.gpu.length).toBe(pair.cpu.length);
  expect(pair.cpu.length).toBeGreaterThan(0);
  pair.cpu.forEach((want, i) => {
    const got = pair.gpu[i]!;
    if (Math.abs(got - want) > atol + rtol * Math.abs(want)) expect.fail(`element ${i}: cpu ${want}, webgpu ${got}`);
  });
}

describe('the WebGPU backend in headless Chromium', () => {
  it('initialises on navigator.gpu in a page without Node', () => {
    expect(page.env).toEqual({ hasProcess: false, hasNavigatorGpu: true, devices: ['cpu', 'webgpu'] });
  });

  it('computes elementwise ops with broadcasting as the CPU does', () => {
    expect(page.elementwise.cpu).toHaveLength(60);
    expectClose(page.elementwise, 1e-5, 1e-6);
  });

  it('computes reductions (sum, mean, amax, argmax, softmax) as the CPU does', () => {
    expect(page.reductions.cpu).toHaveLength(1 + 4 + 15 + 12 + 60);
    expectClose(page.reductions, 1e-5, 1e-5);
  });

  it('multiplies matrices with a transposed operand as the CPU does', () => {
    expect(page.matmul.cpu).toHaveLength(33 * 40);
    expectClose(page.matmul, 1e-4, 1e-4);
  });

  it('runs conv2d as the CPU does', () => {
    expect(page.conv2d.cpu).toHaveLength(4 * 6 * 32 * 32);
    expectClose(page.conv2d, 1e-4, 1e-4);
  });

  it('takes one training step of the tutorial Net with the CPU\'s loss and updated weights', () => {
    const { cpu, gpu } = page.trainingStep;
    expect(Math.abs(gpu.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-4);
    expect(cpu.loss).toBeGreaterThan(1.5);
    expectClose({ cpu: cpu.fc3, gpu: gpu.fc3 }, 1e-4, 1e-5);
  });

  it('reads values back asynchronously in every form', () => {
    expect(page.readback).toEqual({
      item: 6.5,
      tolist: [[1.5, -2], [3, 4]],
      int64: ['7', '-8'],
      bool: [[true, false], [true, true]],
      toCpuDevice: 'cpu',
    });
  });
});
