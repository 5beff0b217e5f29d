import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';
import { Net } from '../src/net.js';

describe('Net', () => {
  it("is the tutorial's Net: 10 parameters, state-dict keys in PyTorch's order, logits [N, 10]", () => {
    const net = new Net();
    expect(net.parameters()).toHaveLength(10);
    expect(Object.keys(net.stateDict())).toEqual([
      'conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias',
      'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias',
    ]);
    expect(net.fc1.weight.shape).toEqual([120, 400]);
    expect(net.call(torch.randn(2, 3, 32, 32)).shape).toEqual([2, 10]);
  });

  it('takes one 28×28 channel for Fashion-MNIST, with fc1 reading 16×4×4 features', () => {
    const net = new Net(1, 28);
    expect(net.conv1.weight.shape).toEqual([6, 1, 5, 5]);
    expect(net.fc1.weight.shape).toEqual([120, 256]);
    expect(net.call(torch.randn(3, 1, 28, 28)).shape).toEqual([3, 10]);
  });
});
