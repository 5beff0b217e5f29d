// The "Neural networks" block of API.md runs as written, and its comments hold.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from 'typetorch';

/** Whether /usr/bin/python3 can import torch (PyTorch 1.13 on the development machine). */
function hasPyTorch(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

describe('API.md: Neural networks', () => {
  it('runs the block as written: Net, state dict, one training step, modes, save/load, optimizers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'typetorch-api-nn-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      // ---- the block, verbatim (only `import * as torch from 'typetorch'` is at the top of this file) ----
      const { nn, optim } = torch;
      const F = nn.functional;

      class Net extends nn.Module {
        conv1 = new nn.Conv2d(3, 6, 5);
        pool = new nn.MaxPool2d(2, 2);
        conv2 = new nn.Conv2d(6, 16, 5);
        fc1 = new nn.Linear(16 * 5 * 5, 120);
        fc2 = new nn.Linear(120, 84);
        fc3 = new nn.Linear(84, 10);
        forward(x: torch.Tensor): torch.Tensor {
          x = this.pool.call(F.relu(this.conv1.call(x)));
          x = this.pool.call(F.relu(this.conv2.call(x)));
          x = torch.flatten(x, 1);
          x = F.relu(this.fc1.call(x));
          x = F.relu(this.fc2.call(x));
          return this.fc3.call(x);
        }
      }
      const net = new Net();                         // fields that hold Modules/Parameters register themselves
      const parameterCount = net.parameters().length; // 10
      const keys = Object.keys(net.stateDict());     // ['conv1.weight', 'conv1.bias', ..., 'fc3.bias']
      const criterion = new nn.CrossEntropyLoss();
      const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
      const inputs = torch.randn(4, 3, 32, 32), labels = torch.tensor([1, 0, 3, 9], { dtype: 'int64' });
      const before = net.parameters().map((p) => p.clone());
      optimizer.zeroGrad();
      const outputs = net.call(inputs);              // call = hooks + forward, like PyTorch's net(inputs)
      const lossValue = criterion.call(outputs, labels);
      lossValue.backward();
      optimizer.step();
      const afterStep = net.parameters().map((p) => p.clone());
      net.eval();
      const evalFlags = net.modules().map((m) => m.training);
      net.train();
      const trainFlags = net.modules().map((m) => m.training);
      const weight = net.fc1.weight;
      net.to('cpu');
      await torch.save(net.stateDict(), 'net.pt');    // PyTorch's own format: torch.load('net.pt') reads it
      net.loadStateDict(await torch.load('net.pt'));   // reads torch.save(model.state_dict()) files too
      await torch.save(net.stateDict(), 'net.safetensors');
      const seq = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 1));
      const adam = new optim.Adam(net.parameters(), { lr: 1e-3, betas: [0.9, 0.999], weightDecay: 0 });
      const rmsprop = new optim.RMSprop(net.parameters(), { lr: 1e-2 });
      const scheduler = new optim.lrScheduler.StepLR(optimizer, { stepSize: 10, gamma: 0.1 });
      // ---- end of the block ----

      expect(parameterCount).toBe(10);
      expect(keys).toEqual([
        'conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias',
        'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias',
      ]);
      expect(outputs.shape).toEqual([4, 10]);
      expect(lossValue.dim()).toBe(0);
      expect(Number.isFinite(lossValue.itemSync())).toBe(true);
      // One SGD step changed every parameter (each got a nonzero gradient from the loss).
      before.forEach((p, i) => expect(p.equal(afterStep[i]), keys[i]).toBe(false));
      expect(evalFlags.every((t) => t === false)).toBe(true);
      expect(trainFlags.every((t) => t === true)).toBe(true);
      expect(net.fc1.weight).toBe(weight); // to('cpu') keeps the parameters themselves
      expect(net.fc1.weight.device).toBe('cpu');
      // The round trip through net.pt left the values as they were.
      net.parameters().forEach((p, i) => expect(p.equal(afterStep[i]), keys[i]).toBe(true));
      expect(existsSync(join(dir, 'net.pt'))).toBe(true);
      expect(existsSync(join(dir, 'net.safetensors'))).toBe(true);
      // safetensors files list tensors in their own (sorted) order.
      expect(Object.keys(await torch.load('net.safetensors')).sort()).toEqual([...keys].sort());
      expect(seq.length).toBe(3);
      expect(String(seq)).toBe(
        'Sequential(\n  (0): Linear(in_features=2, out_features=8, bias=True)\n  (1): ReLU()\n' +
          '  (2): Linear(in_features=8, out_features=1, bias=True)\n)',
      );
      expect(seq.call(torch.randn(5, 2)).shape).toEqual([5, 1]);
      expect(adam.paramGroups[0].lr).toBe(1e-3);
      expect(rmsprop.paramGroups[0].lr).toBe(1e-2);
      expect(scheduler.getLastLr()).toEqual([0.001]);

      if (hasPyTorch()) {
        // PyTorch reads net.pt into the same model layout, with the same values.
        const script = [
          'import torch, sys',
          "sd = torch.load('net.pt')",
          "print(list(sd.keys())); print(repr(round(float(sd['fc3.bias'].double().sum()), 4)))",
        ].join('\n');
        const [pyKeys, pySum] = execFileSync('/usr/bin/python3', ['-c', script], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
        expect(pyKeys).toBe(`[${keys.map((k) => `'${k}'`).join(', ')}]`);
        expect(Number(pySum)).toBeCloseTo(net.fc3.bias!.double().sum().itemSync() as number, 3);
      }
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
