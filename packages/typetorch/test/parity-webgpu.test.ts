// PyTorch parity on WebGPU (issue 5: "the PyTorch parity fixtures of the earlier issues pass on webgpu
// in Node, with float32 tolerances"): every core fixture case of parity.test.ts, with its inputs moved
// to 'webgpu' before the call (see parity-runner.ts). The device has no float64 and keeps int64 in 32
// bits, so `float32DeviceExclusion` (device-parity.ts) leaves out, from the case alone, what cannot
// apply there, and float64 runs as float32 with float32 tolerances (`asFloat32Case`). The counts per
// reason are recorded below, so that a change in what runs is visible.
import { readFileSync } from 'node:fs';
import { initWebGPU } from '@typetorch/backend-webgpu';
import { describe, expect, it } from 'vitest';
import { planForFloat32Device, type Float32DeviceExclusion } from './device-parity.js';
import { runCase, type ParityCase } from './parity-runner.js';

await initWebGPU();

const FILES = ['elementwise', 'reduce', 'linalg', 'views', 'indexing', 'promotion'];

function load(name: string): ParityCase[] {
  const url = new URL(`./fixtures/parity/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ParityCase[];
}

const suites = FILES.map((name) => ({ name, cases: load(name) }));

/**
 * How many cases run on webgpu (and how many of those had float64 in the fixture), and how many are
 * excluded per reason. Update with the fixtures.
 */
const RECORDED: Record<'run' | 'run as float32 (float64 in the fixture)' | Float32DeviceExclusion, number> = {
  run: 702,
  'run as float32 (float64 in the fixture)': 70,
  'requests float64': 0,
  'float32/float64 mismatch error': 1,
  'int64 beyond 32 bits': 8,
  'data-dependent error': 4,
};

const { plan, counts, excluded } = planForFloat32Device(suites, Object.keys(RECORDED));

describe('parity fixtures on webgpu', () => {
  it('run and exclude as many cases as recorded', () => {
    console.log(`parity on webgpu: ${JSON.stringify(counts)}\nexcluded:\n  ${excluded.join('\n  ')}`);
    expect(counts).toEqual(RECORDED);
  });
});

for (const { name, run } of plan) {
  describe(`matches PyTorch on webgpu: ${name}`, () => {
    for (const c of run) {
      it(c.id, async () => {
        const problems = await runCase(c, { device: 'webgpu' });
        // One line per problem; empty when typetorch on webgpu matches PyTorch.
        expect(problems.join('\n'), `${name}.json case "${c.id}" on webgpu`).toBe('');
      });
    }
  });
}
