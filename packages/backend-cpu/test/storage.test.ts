import type { DType, View } from '@typetorch/core';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/backend.js';
import { view } from './helpers.js';

const ARRAY_TYPES: Record<DType, string> = {
  float32: 'Float32Array', float64: 'Float64Array', int32: 'Int32Array', int64: 'BigInt64Array', uint8: 'Uint8Array', bool: 'Uint8Array',
};

describe('cpu storage', () => {
  it('allocates the host array type of each dtype', () => {
    for (const [dtype, name] of Object.entries(ARRAY_TYPES) as [DType, string][]) {
      const handle = cpuBackend.alloc(dtype, 3);
      expect(cpuBackend.hostArray!(handle, dtype).constructor.name).toBe(name);
      expect(cpuBackend.hostArray!(handle, dtype).length).toBe(3);
    }
  });

  it('writes host data at an element offset and reads views synchronously and asynchronously', async () => {
    const handle = cpuBackend.alloc('int32', 5);
    cpuBackend.write(handle, 'int32', new Int32Array([1, 2, 3, 4, 5]), 0);
    cpuBackend.write(handle, 'int32', new Int32Array([8, 9]), 3);
    const whole: View = { handle, dtype: 'int32', shape: [5], strides: [1], offset: 0 };
    expect(Array.from(cpuBackend.readSync!(whole) as Int32Array)).toEqual([1, 2, 3, 8, 9]);
    const reversed: View = { handle, dtype: 'int32', shape: [5], strides: [-1], offset: 4 };
    expect(Array.from((await cpuBackend.read(reversed)) as Int32Array)).toEqual([9, 8, 3, 2, 1]);
  });

  it('reads a copy, not a window onto the storage', () => {
    const v = view('float32', [1, 2, 3]);
    const copy = cpuBackend.readSync!(v);
    copy[0] = 100;
    expect(Array.from(cpuBackend.readSync!(v) as Float64Array)).toEqual([1, 2, 3]);
  });

  it('shares memory with hostArray and wrapHostArray (zero copy)', () => {
    const data = new Float64Array([1, 2, 3]);
    const handle = cpuBackend.wrapHostArray!(data, 'float64');
    expect(cpuBackend.hostArray!(handle, 'float64')).toBe(data);
    const v: View = { handle, dtype: 'float64', shape: [3], strides: [1], offset: 0 };
    cpuBackend.fill(v, 7);
    expect(Array.from(data)).toEqual([7, 7, 7]);
    data[1] = -1;
    expect(Array.from(cpuBackend.readSync!(v) as Float64Array)).toEqual([7, -1, 7]);
  });

  it('refuses host arrays of the wrong type for the dtype', () => {
    expect(() => cpuBackend.wrapHostArray!(new Float32Array(2), 'int64')).toThrow('[wrapHostArray] expected the host array of int64, got Float32Array');
    const handle = cpuBackend.alloc('int32', 2);
    expect(() => cpuBackend.write(handle, 'int32', new Float64Array(2), 0)).toThrow('[write] expected the host array of int32');
  });

  it('rejects a storage after free and handles that are not its own', () => {
    const handle = cpuBackend.alloc('float32', 4);
    cpuBackend.free(handle);
    const v: View = { handle, dtype: 'float32', shape: [4], strides: [1], offset: 0 };
    expect(() => cpuBackend.readSync!(v)).toThrow('[cpu] storage was used after it was freed');
    expect(() => cpuBackend.readSync!({ ...v, handle: {} })).toThrow('[cpu] expected a storage handle allocated by the cpu backend');
  });
});
