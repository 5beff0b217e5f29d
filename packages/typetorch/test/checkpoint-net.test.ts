// The API.md round trip with the tutorial Net: PyTorch's weights give PyTorch's outputs here, and the
// state dicts typetorch saves load into PyTorch's Net and SGD (checked live when PyTorch is present).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from 'typetorch';

const { nn, optim } = torch;
const F = nn.functional;
const fixtures = fileURLToPath(new URL('./fixtures/checkpoints/', import.meta.url));
const PYTHON = '/usr/bin/python3';
const pythonHasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

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

const input = () => torch.arange(6144).float().div(6144).reshape([2, 3, 32, 32]);

// Loads both files into PyTorch's tutorial Net and SGD, runs the Net on the same input, prints JSON.
const PYTORCH_CHECK = `
import json, sys, torch, torch.nn as nn, torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5); self.pool = nn.MaxPool2d(2, 2); self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120); self.fc2 = nn.Linear(120, 84); self.fc3 = nn.Linear(84, 10)
    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x))); x = self.pool(F.relu(self.conv2(x))); x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
net = Net()
result = str(net.load_state_dict(torch.load(sys.argv[1], weights_only=True), strict=True))
sgd = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
sgd.load_state_dict(torch.load(sys.argv[2]))
buffers = [sgd.state[p]["momentum_buffer"].reshape(-1)[:3].tolist() for p in net.parameters()]
x = torch.arange(6144, dtype=torch.float32).div(6144).reshape(2, 3, 32, 32)
with torch.no_grad():
    out = net(x).tolist()
print(json.dumps({"load": result, "buffers": buffers, "lr": sgd.param_groups[0]["lr"], "output": out}))
`;

describe('the tutorial Net’s weights move between PyTorch and typetorch', () => {
  it('PyTorch’s saved weights give PyTorch’s outputs in the typetorch Net', async () => {
    const net = new Net();
    const report = net.loadStateDict(await torch.load(join(fixtures, 'net_state_dict.pt')));
    expect(report).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const expected = JSON.parse(readFileSync(join(fixtures, 'net_forward.json'), 'utf8')).output as number[][];
    const output = (await torch.noGrad(() => net.call(input())).tolist()) as number[][];
    output.flat().forEach((v, i) => expect(v).toBeCloseTo(expected.flat()[i], 5));
  });

  it('the state dicts typetorch saves after a training step load back here, and into PyTorch’s Net and SGD', async () => {
    const net = new Net();
    net.loadStateDict(await torch.load(join(fixtures, 'net_state_dict.pt')));
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
    optimizer.zeroGrad();
    new nn.CrossEntropyLoss().call(net.call(input()), torch.tensor([1, 9], { dtype: 'int64' })).backward();
    optimizer.step();
    const dir = mkdtempSync(join(tmpdir(), 'typetorch-net-'));
    await torch.save(net.stateDict(), join(dir, 'net.pt'));
    await torch.save(optimizer.stateDict(), join(dir, 'sgd.pt'));

    const again = new Net();
    again.loadStateDict(await torch.load(join(dir, 'net.pt')));
    const ours = (await torch.noGrad(() => net.call(input())).tolist()) as number[][];
    expect(await torch.noGrad(() => again.call(input())).tolist()).toEqual(ours);
    const sgdState = await torch.load(join(dir, 'sgd.pt'));
    expect(Object.keys(sgdState.state)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const buffers = await Promise.all(net.parameters().map(async (_p, i) => Array.from(await sgdState.state[i].momentum_buffer.reshape([-1]).index(':3').data())));

    if (!pythonHasTorch) return; // the formats' PyTorch readability is also pinned by checkpoint-interop's goldens
    const run = spawnSync(PYTHON, ['-c', PYTORCH_CHECK, join(dir, 'net.pt'), join(dir, 'sgd.pt')], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const pytorch = JSON.parse(run.stdout) as { load: string; buffers: number[][]; lr: number; output: number[][] };
    expect(pytorch.load).toBe('<All keys matched successfully>');
    expect(pytorch.lr).toBe(0.001);
    expect(pytorch.buffers).toEqual(buffers);
    pytorch.output.flat().forEach((v, i) => expect(v).toBeCloseTo(ours.flat()[i], 5));
  });
});
