// Checkpoints move both ways between typetorch and PyTorch 1.13 with exact values:
// - files torch.save wrote (committed fixtures, scripts/fixtures/gen_checkpoints.py) load here;
// - files typetorch writes load in PyTorch: checked live when /usr/bin/python3 has torch, and always
//   against committed goldens (byte-identical) plus what PyTorch read from those goldens.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from 'typetorch';
import { concatChunks } from '../../core/src/serialization/byte-io.js';
import { encodePytorchCheckpoint } from '../../core/src/serialization/pytorch-archive.js';
import { describeAsWritten, describeLoaded, javascriptView, type Description } from './fixtures/checkpoints/describe.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/checkpoints/', import.meta.url));
const goldens = join(fixtures, 'typetorch-written');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<string, Description>;
const pytorchReads = JSON.parse(readFileSync(join(goldens, 'pytorch-reads.json'), 'utf8')) as Record<string, Description>;
const updateGoldens = process.env.TYPETORCH_UPDATE_CHECKPOINT_GOLDENS === '1';

const PYTHON = '/usr/bin/python3';
const pythonHasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

/** PyTorch's description of files, by running the fixture script's --describe. */
function describeWithPytorch(paths: string[]): Record<string, Description> {
  const result = spawnSync(PYTHON, [join(root, 'scripts/fixtures/gen_checkpoints.py'), '--describe', ...paths], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) throw new Error(`PyTorch could not read ${paths.join(', ')}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, Description>;
}

// ---- what typetorch writes: deterministic objects (values from JavaScript's Math, not kernels) ----

function pseudoRandom(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed * 1000 + i * 0.7) * 0.25));
}

function netStateDict(): Record<string, torch.Tensor> {
  const shapes: [string, number[]][] = [
    ['conv1.weight', [6, 3, 5, 5]], ['conv1.bias', [6]], ['conv2.weight', [16, 6, 5, 5]], ['conv2.bias', [16]],
    ['fc1.weight', [120, 400]], ['fc1.bias', [120]], ['fc2.weight', [84, 120]], ['fc2.bias', [84]],
    ['fc3.weight', [10, 84]], ['fc3.bias', [10]],
  ];
  return Object.fromEntries(shapes.map(([name, shape], i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return [name, torch.fromTypedArray(pseudoRandom(n, i), shape)];
  }));
}

function adamStateDict() {
  const p = (n: number, seed: number) => torch.fromTypedArray(pseudoRandom(n, seed), [n]);
  return {
    state: {
      0: { step: torch.tensor(2), exp_avg: p(4, 20), exp_avg_sq: p(4, 21).abs() },
      1: { step: torch.tensor(2), exp_avg: p(3, 22), exp_avg_sq: p(3, 23).abs() },
    },
    param_groups: [{
      lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null,
      capturable: false, differentiable: false, fused: false, params: [0, 1],
    }],
  };
}

function sgdStateDict() {
  return {
    state: { 0: { momentum_buffer: torch.fromTypedArray(pseudoRandom(6, 30), [2, 3]) }, 1: { momentum_buffer: torch.tensor([0.5, -0.25]) } },
    param_groups: [{ lr: 0.01, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, params: [0, 1] }],
  };
}

function dtypesAndViews() {
  const base = torch.arange(12).float().mul(0.5);
  return {
    int64: torch.tensor([0n, -1n, 2n ** 53n + 1n, 2n ** 62n + 7n, -(2n ** 63n), 2n ** 63n - 1n], { dtype: 'int64' }),
    bool: torch.tensor([[true, false, true], [false, false, true]]),
    uint8: torch.tensor([0, 1, 127, 128, 255], { dtype: 'uint8' }),
    int32: torch.tensor([-(2 ** 31), -1, 0, 7, 2 ** 31 - 1], { dtype: 'int32' }),
    float64: torch.tensor([0.1, -1e300, 5e-324, -0, Infinity, NaN], { dtype: 'float64' }),
    float32: torch.tensor([1 / 3, -0, -Infinity, 3.4e38, 1e-45]),
    transposed: torch.tensor([[1.5, -2.25, 3], [4, 5.5, -6.75]]).t(),
    view_rows: base.index('2:8').view(2, 3),
    view_column: base.view(3, 4).index(':', 1),
    scalar: torch.tensor(2.5, { dtype: 'float64' }),
    empty: torch.zeros(0, 3),
    requires_grad: torch.tensor([1, 2], { requiresGrad: true }),
    objects: {
      ints: [0, 255, 65536, -(2 ** 31), 2 ** 31, Number.MAX_SAFE_INTEGER], bigints: [2n ** 53n + 1n, -(2n ** 70n)],
      floats: [0.5, -0, 1e-8, Infinity, NaN], strings: ['', 'ünïcødé ✓'], flags: [true, false, null],
      nested: { 0: { momentum_buffer: torch.tensor([1, 2]) }, 7: [1, [2, 3]] },
    },
  };
}

function safetensorsDict(): Record<string, torch.Tensor> {
  return {
    weight: torch.fromTypedArray(pseudoRandom(12, 40), [3, 4]),
    bias: torch.tensor([0.1, -0.2, 0.3], { dtype: 'float64' }),
    steps: torch.tensor([2n ** 53n + 1n, -5n], { dtype: 'int64' }),
    counts: torch.tensor([[1, -2], [3, 2 ** 31 - 1]], { dtype: 'int32' }),
    pixels: torch.tensor([0, 128, 255], { dtype: 'uint8' }),
    mask: torch.tensor([true, false, true, true]),
    transposed: torch.arange(6).float().view(2, 3).t(),
  };
}

interface Written { name: string; object: unknown; bytes: () => Promise<Uint8Array> }
const WRITTEN: Written[] = [
  { name: 'net_state_dict.pt', object: netStateDict(), bytes: () => torch.saveToBytes(netStateDict()) },
  { name: 'optim_sgd_momentum.pt', object: sgdStateDict(), bytes: () => torch.saveToBytes(sgdStateDict()) },
  { name: 'optim_adam.pt', object: adamStateDict(), bytes: () => torch.saveToBytes(adamStateDict()) },
  { name: 'dtypes_and_views.pt', object: dtypesAndViews(), bytes: () => torch.saveToBytes(dtypesAndViews()) },
  { name: 'zip64.pt', object: dtypesAndViews(), bytes: async () => concatChunks('save', await encodePytorchCheckpoint(dtypesAndViews(), { forceZip64: true })) },
  {
    name: 'tensors.safetensors', object: { tensors: safetensorsDict(), metadata: { format: 'pt' } },
    bytes: () => torch.saveToBytes(safetensorsDict(), { format: 'safetensors', metadata: { format: 'pt' } }),
  },
];

/** What PyTorch's describe gives for a safetensors file: {tensors: <dict>, metadata: <dict of str>}. */
async function expectedPytorchView(w: Written): Promise<Description> {
  if (!w.name.endsWith('.safetensors')) return describeAsWritten(w.object);
  const { tensors, metadata } = w.object as { tensors: Record<string, torch.Tensor>; metadata: Record<string, string> };
  // The format stores each tensor contiguously, ordered by descending dtype alignment, then by name.
  const alignment = ['bool', 'uint8', 'int32', 'float32', 'float64', 'int64'];
  const ordered = Object.entries(tensors).sort(([an, a], [bn, b]) => alignment.indexOf(b.dtype) - alignment.indexOf(a.dtype) || (an < bn ? -1 : 1));
  const contiguous = Object.fromEntries(ordered.map(([k, t]) => [k, t.contiguous()]));
  const described = (await describeAsWritten({ tensors: contiguous })) as { items: [Description, { items: unknown[] }][] };
  const tensorItems = described.items[0][1].items;
  return {
    dict: 'dict',
    items: [
      [{ str: 'tensors' }, { dict: 'dict', items: tensorItems }],
      [{ str: 'metadata' }, { dict: 'dict', items: Object.entries(metadata).map(([k, v]) => [{ str: k }, { str: v }]) }],
    ],
  };
}

describe('files written by PyTorch 1.13 load with exact values', () => {
  for (const name of Object.keys(expected).sort()) {
    it(`loads ${name} exactly as PyTorch reads it`, async () => {
      const loaded = await torch.load(join(fixtures, name));
      let pytorch = expected[name];
      if (name.endsWith('.safetensors')) pytorch = (pytorch as { items: [unknown, Description][] }).items[0][1]; // {tensors, metadata}
      expect(await describeLoaded(loaded)).toEqual(javascriptView(pytorch));
    });
  }

  it('loads the tutorial Net state dict with PyTorch’s keys, order and shapes', async () => {
    const sd = await torch.load<Record<string, torch.Tensor>>(join(fixtures, 'net_state_dict.pt'));
    expect(Object.keys(sd)).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias']);
    expect([...sd['fc1.weight'].shape]).toEqual([120, 400]);
    expect(sd['conv1.weight'].dtype).toBe('float32');
  });

  it('keeps the optimizer state layout: integer keys, param groups, step tensors', async () => {
    const adam = await torch.load(join(fixtures, 'optim_adam.pt'));
    expect(Object.keys(adam.state)).toEqual(['0', '1', '2', '3']);
    expect(Object.keys(adam.state[0])).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    expect(await adam.state[0].step.item()).toBe(2);
    expect(adam.param_groups[0].betas).toEqual([0.9, 0.999]);
    expect(adam.param_groups[0].params).toEqual([0, 1, 2, 3]);
    expect(adam.param_groups[0].foreach).toBeNull();
  });

  it('rebuilds the two views of one storage as views sharing memory', async () => {
    const d = await torch.load(join(fixtures, 'dtypes_and_views.pt'));
    expect(d.view_rows._storage).toBe(d.view_column._storage);
    d.view_column.fill_(100);
    expect(Array.from(d.view_rows.dataSync())).toEqual([1, 1.5, 2, 100, 3, 3.5]); // element 5 is in both
    expect(d.transposed.stride()).toEqual([1, 3]);
  });

  it('loads the same content pickled with protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL)', async () => {
    const p4 = await describeLoaded(await torch.load(join(fixtures, 'protocol4.pt')));
    expect(p4).toEqual(await describeLoaded(await torch.load(join(fixtures, 'dtypes_and_views.pt'))));
  });
});

describe('files written by typetorch load in PyTorch with exact values', () => {
  it('writes exactly the committed golden bytes, which PyTorch read as the object’s values', async () => {
    for (const w of WRITTEN) {
      const bytes = await w.bytes();
      const golden = join(goldens, w.name);
      if (updateGoldens) {
        writeFileSync(golden, bytes); // then: /usr/bin/python3 scripts/fixtures/gen_checkpoints.py --record-typetorch
        continue;
      }
      expect(Buffer.compare(Buffer.from(bytes), readFileSync(golden)), `${w.name} differs from its golden`).toBe(0);
      // What PyTorch read from these exact bytes (recorded by gen_checkpoints.py --record-typetorch).
      expect(pytorchReads[w.name], w.name).toEqual(await expectedPytorchView(w));
    }
  });

  it(pythonHasTorch ? 'loads in PyTorch now (/usr/bin/python3 has torch)' : 'loads in PyTorch now — no torch here: the committed reads above stand in', async () => {
    if (!pythonHasTorch) {
      expect(Object.keys(pytorchReads).sort()).toEqual(WRITTEN.map((w) => w.name).sort());
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'typetorch-interop-'));
    const paths = [];
    for (const w of WRITTEN) {
      const path = join(dir, w.name);
      if (w.name.endsWith('.safetensors')) await torch.save(safetensorsDict(), path, { metadata: { format: 'pt' } });
      else writeFileSync(path, await w.bytes());
      paths.push(path);
    }
    const reads = describeWithPytorch(paths);
    for (const w of WRITTEN) expect(reads[w.name], w.name).toEqual(await expectedPytorchView(w));
  });

  it('round-trips PyTorch’s own files through typetorch unchanged in PyTorch’s eyes', async () => {
    for (const name of ['net_state_dict.pt', 'optim_adam.pt', 'optim_sgd_momentum.pt']) {
      const again = torch.loadFromBytes(await torch.saveToBytes(await torch.load(join(fixtures, name))));
      expect(await describeLoaded(again), name).toEqual(javascriptView(expected[name]));
    }
  });
});
