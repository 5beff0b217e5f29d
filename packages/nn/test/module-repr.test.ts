// Module.toString: PyTorch's repr(model), character for character. The expected strings were printed
// by PyTorch 1.13 for the same models (see the Python next to each).
import { describe, it, expect } from 'vitest';
import { inspect } from 'node:util';
import * as torch from 'typetorch';
import { Module } from '@typetorch/nn';
import { Dense, Relu } from './module-fixtures.js';

const { nn } = torch;
const F = nn.functional;

describe('Module.toString with hand-written modules', () => {
  it('prints a leaf with its extraRepr on one line, and an empty module as Name()', () => {
    expect(String(new Dense(2, 3, false))).toBe('Dense(in_features=2, out_features=3, bias=False)');
    expect(String(new Module())).toBe('Module()');
  });

  it('indents nested children by two spaces per level', () => {
    class Inner extends Module {
      fc = new Dense(1, 2);
      act = new Relu();
    }
    class Outer extends Module {
      inner = new Inner();
      head = new Dense(2, 1);
    }
    expect(String(new Outer())).toBe(
      'Outer(\n' +
        '  (inner): Inner(\n' +
        '    (fc): Dense(in_features=1, out_features=2, bias=True)\n' +
        '    (act): Relu()\n' +
        '  )\n' +
        '  (head): Dense(in_features=2, out_features=1, bias=True)\n' +
        ')',
    );
  });

  it('puts a multi-line extraRepr and the children each on their own lines', () => {
    class Multi extends Module {
      child = new Relu();
      override extraRepr(): string {
        return 'first=1,\nsecond=2';
      }
    }
    expect(String(new Multi())).toBe('Multi(\n  first=1,\n  second=2\n  (child): Relu()\n)');
    class OneLineWithChild extends Module {
      child = new Relu();
      override extraRepr(): string {
        return 'k=3';
      }
    }
    expect(String(new OneLineWithChild())).toBe('OneLineWithChild(\n  k=3\n  (child): Relu()\n)');
  });

  it('prints the same tree in Node\'s console.log', () => {
    class Outer extends Module {
      head = new Dense(2, 1);
    }
    expect(inspect(new Outer())).toBe('Outer(\n  (head): Dense(in_features=2, out_features=1, bias=True)\n)');
  });
});

describe('Module.toString with nn layers (PyTorch\'s exact text)', () => {
  it('prints the API.md Net as PyTorch prints the tutorial Net', () => {
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
    // repr(Net()) in PyTorch 1.13.
    expect(String(new Net())).toBe(
      'Net(\n' +
        '  (conv1): Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))\n' +
        '  (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n' +
        '  (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n' +
        '  (fc1): Linear(in_features=400, out_features=120, bias=True)\n' +
        '  (fc2): Linear(in_features=120, out_features=84, bias=True)\n' +
        '  (fc3): Linear(in_features=84, out_features=10, bias=True)\n' +
        ')',
    );
  });

  it('prints nested containers of layers, and their state dict keys and metadata, as PyTorch', () => {
    // class Block(nn.Module): features = Sequential(Conv2d(3, 8, 3, padding=1), BatchNorm2d(8), ReLU(),
    // MaxPool2d(2)); heads = ModuleDict({'cls': Linear(8, 10), 'drop': Dropout(0.5)});
    // blocks = ModuleList([Linear(4, 4, bias=False), LayerNorm(4)]); flat = Flatten()
    class Block extends nn.Module {
      features = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2));
      heads = new nn.ModuleDict({ cls: new nn.Linear(8, 10), drop: new nn.Dropout(0.5) });
      blocks = new nn.ModuleList([new nn.Linear(4, 4, { bias: false }), new nn.LayerNorm(4)]);
      flat = new nn.Flatten();
    }
    const block = new Block();
    expect(String(block)).toBe(
      'Block(\n' +
        '  (features): Sequential(\n' +
        '    (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n' +
        '    (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n' +
        '    (2): ReLU()\n' +
        '    (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n' +
        '  )\n' +
        '  (heads): ModuleDict(\n' +
        '    (cls): Linear(in_features=8, out_features=10, bias=True)\n' +
        '    (drop): Dropout(p=0.5, inplace=False)\n' +
        '  )\n' +
        '  (blocks): ModuleList(\n' +
        '    (0): Linear(in_features=4, out_features=4, bias=False)\n' +
        '    (1): LayerNorm((4,), eps=1e-05, elementwise_affine=True)\n' +
        '  )\n' +
        '  (flat): Flatten(start_dim=1, end_dim=-1)\n' +
        ')',
    );
    const sd = block.stateDict();
    expect(Object.keys(sd)).toEqual([
      'features.0.weight', 'features.0.bias', 'features.1.weight', 'features.1.bias', 'features.1.running_mean',
      'features.1.running_var', 'features.1.num_batches_tracked', 'heads.cls.weight', 'heads.cls.bias', 'blocks.0.weight',
      'blocks.1.weight', 'blocks.1.bias',
    ]);
    const metadata = (sd as unknown as { _metadata: Record<string, { version: number }> })._metadata;
    expect(Object.keys(metadata)).toEqual([
      '', 'features', 'features.0', 'features.1', 'features.2', 'features.3', 'heads', 'heads.cls', 'heads.drop', 'blocks',
      'blocks.0', 'blocks.1', 'flat',
    ]);
    expect(metadata['features.1'].version).toBe(2); // BatchNorm's _version
    expect(metadata['features.0'].version).toBe(1);
  });
});
