/**
 * The CPU backend against the exported conformance suite, directly and behind the async-only
 * wrapper (no readSync, reads resolving on a later microtask).
 */
import { asyncOnly, conformanceCases } from '@typetorch/core/testing';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/backend.js';

describe('cpu backend conformance', () => {
  for (const c of conformanceCases(cpuBackend)) it(c.name, c.run);
});

describe('conformanceCases options', () => {
  const all = conformanceCases(cpuBackend);
  const narrow = conformanceCases(cpuBackend, { dtypes: ['float32', 'int32', 'int64', 'bool'], exactInt64: false });

  it('leave out the cases of dtypes a backend does not declare, and exact int64 when it is 32-bit', () => {
    expect(narrow.length).toBeLessThan(all.length);
    const undeclared = /\((float64|uint8)\)$|converts (float64|uint8) | to (float64|uint8) /;
    expect(all.filter((c) => undeclared.test(c.name)).length).toBeGreaterThan(50);
    expect(narrow.filter((c) => undeclared.test(c.name))).toEqual([]);
    expect(narrow.some((c) => c.name.startsWith('int64 '))).toBe(false);
    expect(all.filter((c) => c.name.startsWith('int64 ')).length).toBeGreaterThan(20);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
  });

  for (const c of narrow) it(`with fewer dtypes: ${c.name}`, c.run);
});

describe('cpu backend conformance through asyncOnly', () => {
  const wrapped = asyncOnly(cpuBackend);

  it('asyncOnly hides synchronous reads and host memory but keeps the kernels', async () => {
    expect(wrapped.readSync).toBeUndefined();
    expect('readSync' in wrapped).toBe(false);
    expect(wrapped.hostArray).toBeUndefined();
    expect(wrapped.wrapHostArray).toBeUndefined();
    const handle = wrapped.alloc('float32', 2);
    wrapped.write(handle, 'float32', new Float32Array([1, 2]), 0);
    const view = { handle, dtype: 'float32' as const, shape: [2], strides: [1], offset: 0 };
    const pending = wrapped.read(view);
    wrapped.fill(view, 5); // a kernel issued after the read must not change what the read returns
    expect(Array.from((await pending) as Float32Array)).toEqual([1, 2]);
  });

  it('asyncOnly read resolves after the wrapped backend read would', async () => {
    const order: string[] = [];
    const handle = cpuBackend.alloc('int32', 1);
    const view = { handle, dtype: 'int32' as const, shape: [1], strides: [1], offset: 0 };
    const slow = wrapped.read(view).then(() => order.push('asyncOnly'));
    const fast = cpuBackend.read(view).then(() => order.push('cpu'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['cpu', 'asyncOnly']);
  });

  for (const c of conformanceCases(wrapped)) it(c.name, c.run);
});
