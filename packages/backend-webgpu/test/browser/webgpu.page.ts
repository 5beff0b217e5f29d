// Runs in headless Chromium (tools/browser's runInBrowser, from ../browser.test.ts): the WebGPU
// backend on the browser's own navigator.gpu (SwiftShader in CI). Publishes plain values; the Node
// test compares them with the CPU backend's results computed in the same page.
import * as torch from 'typetorch';
import { Net } from '../tutorial-net.js';
import { initWebGPU } from '@typetorch/backend-webgpu';
import { runPage } from '../../../../tools/browser/src/page.js';

/** What this page publishes: each entry holds the CPU's and the GPU's values of one computation. */
export interface WebGPUPageResult {
  env: { hasProcess: boolean; hasNavigatorGpu: boolean; devices: string[] };
  elementwise: Pair;
  reductions: Pair;
  matmul: Pair;
  conv2d: Pair;
  trainingStep: { cpu: { loss: number; fc3: number[] }; gpu: { loss: number; fc3: number[] } };
  readback: { item: number; tolist: unknown; int64: string[]; bool: boolean[]; toCpuDevice: string };
}

type Pair = { cpu: number[]; gpu: number[] };

const { nn, optim } = torch;
const F = nn.functional;


/** Runs `f` on CPU inputs and on the same inputs moved to the GPU. */
async function both(inputs: torch.Tensor[], f: (...xs: torch.Tensor[]) => torch.Tensor): Promise<Pair> {
  const cpu = Array.from((await f(...inputs).data()) as Float32Array);
  const gpu = Array.from((await f(...inputs.map((x) => x.to('webgpu'))).data()) as Float32Array);
  return { cpu, gpu };
}

async function trainOneStep(net: Net, images: torch.Tensor, labels: torch.Tensor) {
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  optimizer.zeroGrad();
  const loss = new nn.CrossEntropyLoss().call(net.call(images), labels);
  loss.backward();
  optimizer.step();
  return { loss: Number(await loss.item()), fc3: Array.from((await net.fc3.bias!.data()) as Float32Array) };
}

runPage(async (): Promise<WebGPUPageResult> => {
  const env = {
    hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
    hasNavigatorGpu: 'gpu' in navigator,
  };
  await initWebGPU();
  torch.manualSeed(0);
  const a = torch.randn(3, 4, 5);
  const b = torch.randn(4, 1);
  const elementwise = await both([a, b], (x, y) => x.mul(y).add(x.exp()).sub(y.sigmoid()).relu());
  const reductions = await both([a], (x) => torch.cat([x.sum().reshape(1), x.mean([0, 2]), x.amax(1).flatten(), x.argmax(-1).to('float32').flatten(), x.softmax(-1).flatten()]));
  const m1 = torch.randn(33, 70);
  const m2 = torch.randn(40, 70);
  const matmul = await both([m1, m2], (x, y) => x.matmul(y.t()).flatten());
  const images = torch.randn(4, 3, 32, 32);
  const weight = torch.randn(6, 3, 5, 5).mul(0.1);
  const conv2d = await both([images, weight], (x, w) => F.conv2d(x, w, null, { stride: 1, padding: 2 }).flatten());

  const cpuNet = new Net();
  const gpuNet = new Net();
  gpuNet.loadStateDict(cpuNet.stateDict());
  gpuNet.to('webgpu');
  const labels = torch.tensor([1, 0, 3, 9], { dtype: 'int64' });
  const trainingStep = {
    cpu: await trainOneStep(cpuNet, images, labels),
    gpu: await trainOneStep(gpuNet, images.to('webgpu'), labels.to('webgpu')),
  };

  const g = torch.tensor([[1.5, -2], [3, 4]]).to('webgpu');
  const readback = {
    item: Number(await g.sum().item()),
    tolist: await g.tolist(),
    int64: Array.from((await torch.tensor([7, -8], { dtype: 'int64' }).to('webgpu').data()) as BigInt64Array, String),
    bool: (await g.gt(0).tolist()) as boolean[],
    toCpuDevice: (await g.toAsync('cpu')).device,
  };
  return { env: { ...env, devices: torch.listBackends() }, elementwise, reductions, matmul, conv2d, trainingStep, readback };
});
