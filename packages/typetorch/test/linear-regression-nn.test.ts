// The seeds' linear regression with nn and optim: nn.Linear(1, 1), MSELoss, SGD lr 0.01, 1000 epochs.
import { describe, it, expect } from 'vitest';
import * as torch from 'typetorch';

describe('linear regression with nn.Linear, MSELoss and SGD', () => {
  it('fits y = 2x + 1 on x = 0..10 to within 0.05 in the weight and 0.2 in the bias', async () => {
    torch.manualSeed(0);
    const x = torch.arange(0, 11).float().unsqueeze(1);
    const y = x.mul(2).add(1);
    const model = new torch.nn.Linear(1, 1);
    const criterion = new torch.nn.MSELoss();
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
    let loss = torch.tensor(0);
    for (let epoch = 0; epoch < 1000; epoch++) {
      optimizer.zeroGrad();
      loss = criterion.call(model.call(x), y);
      loss.backward();
      optimizer.step();
    }
    const weight = Number(await model.weight.item());
    const bias = Number(await model.bias!.item());
    expect(Math.abs(weight - 2)).toBeLessThan(0.05);
    expect(Math.abs(bias - 1)).toBeLessThan(0.2);
    expect(Number(await loss.item())).toBeLessThan(0.01);
  });
});
