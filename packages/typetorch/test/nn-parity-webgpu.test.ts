// nn parity on WebGPU (issue 5: "the PyTorch parity fixtures of the earlier issues pass on webgpu in
// Node, with float32 tolerances"): every nn fixture case of nn-parity.test.ts with the module moved to
// 'webgpu' right after construction and every tensor of the case built there (see nn-parity-runner.ts).
// The device has no float64 and keeps int64 in 32 bits, so `float32DeviceExclusion` (device-parity.ts)
// leaves out, from the case alone, what cannot apply there, and float64 cases run as float32 with
// float32 tolerances (`asFloat32Case`). The counts per reason are recorded below, so that a change in
// what runs is visible. (toString() does not depend on the device: nn-parity.test.ts checks it.)
import { readFileSync } from 'node:fs';
import { initWebGPU } from '@typetorch/backend-webgpu';
import { describe, expect, it } from 'vitest';
import { runNNCase, type NNCase } from './nn-parity-runner.js';
import { planForFloat32Device, type Float32DeviceExclusion } from './device-parity.js';

await initWebGPU();

const FILES = ['conv', 'pool', 'norm', 'activation', 'layers', 'loss', 'functional'];

function load(name: string): NNCase[] {
  const url = new URL(`./fixtures/nn/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as NNCase[];
}

const suites = FILES.map((name) => ({ name, cases: load(name) }));

/**
 * How many cases run on webgpu (and how many of those had float64 in the fixture), and how many are
 * excluded per reason. Update with the fixtures.
 */
const RECORDED: Record<'run' | 'run as float32 (float64 in the fixture)' | Float32DeviceExclusion, number> = {
  run: 377,
  'run as float32 (float64 in the fixture)': 30,
  'requests float64': 0,
  'float32/float64 mismatch error': 0,
  'int64 beyond 32 bits': 0,
  'data-dependent error': 3,
};

const { plan, counts, excluded } = planForFloat32Device(suites, Object.keys(RECORDED));

describe('nn parity fixtures on webgpu', () => {
  it('run and exclude as many cases as recorded', () => {
    console.log(`nn parity on webgpu: ${JSON.stringify(counts)}\nexcluded:\n  ${excluded.join('\n  ')}`);
    expect(counts).toEqual(RECORDED);
  });
});

for (const { name, run } of plan) {
  describe(`nn matches PyTorch on webgpu: ${name}`, () => {
    for (const c of run) {
      it(c.id, async () => {
        const problems = await runNNCase(c, { device: 'webgpu' });
        // One line per problem; empty when typetorch on webgpu matches PyTorch.
        expect(problems.join('\n'), `${name}.json case "${c.id}" on webgpu${c.note ? ` (${c.note})` : ''}`).toBe('');
      });
    }
  });
}
