/**
 * `@typetorch/core/testing`: the backend conformance suite. Every backend (the CPU one, WebGPU, an
 * async-only wrapper, yours) runs the same cases, which reach the backend only through the
 * {@link Backend} contract and read results only through the asynchronous `read`.
 *
 * ```ts
 * import { conformanceCases } from '@typetorch/core/testing';
 * import { describe, it } from 'vitest';
 *
 * describe('my backend', () => {
 *   for (const c of conformanceCases(myBackend)) it(c.name, c.run);
 * });
 * ```
 *
 * @packageDocumentation
 */
import type { Backend, View } from '../backend/contract.js';
import { binaryCases } from './cases-binary.js';
import { int64Cases } from './cases-int64.js';
import { linalgCases } from './cases-linalg.js';
import { memoryCases } from './cases-memory.js';
import { reduceCases } from './cases-reduce.js';
import { unaryCases } from './cases-unary.js';
import { Suite, type ConformanceCase, type ConformanceOptions } from './suite.js';

export type { ConformanceCase, ConformanceOptions };

/**
 * The conformance cases for `backend`: each case covers one behaviour of one primitive (every op of
 * every union in the contract, on each dtype it accepts, with strided, broadcast, rank-0 and empty
 * views, NaN rules and exact int64) and throws an Error that shows expected and actual values when
 * the backend differs. Floats are compared with float32 tolerances (rtol 1.3e-6, atol 1e-5),
 * integers and bools exactly.
 *
 * `options` says what the backend cannot hold (dtypes it lacks, int64 kept in 32 bits), so that the
 * suite leaves those cases out rather than failing them.
 */
export function conformanceCases(backend: Backend, options: ConformanceOptions = {}): ConformanceCase[] {
  const suite = new Suite(backend, options);
  memoryCases(suite);
  unaryCases(suite);
  binaryCases(suite);
  reduceCases(suite);
  linalgCases(suite);
  int64Cases(suite);
  return suite.cases;
}

/** Members an async-only device does not have: synchronous reads and shared host memory. */
const HIDDEN = new Set<PropertyKey>(['readSync', 'hostArray', 'wrapHostArray']);

/**
 * Wraps `backend` so that it behaves like a device with its own memory: `readSync`, `hostArray`
 * and `wrapHostArray` are undefined, and `read` takes its snapshot when called (so it observes the
 * kernels issued before it, as the contract requires) but resolves only on a later microtask. Code
 * that passes its tests with a wrapped CPU backend needs no synchronous read anywhere.
 */
export function asyncOnly(backend: Backend): Backend {
  const read = async (view: View) => {
    const data = await backend.read(view);
    await Promise.resolve(); // resolve a turn later than the wrapped backend would
    return data;
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(backend, {
    get(target, key) {
      if (HIDDEN.has(key)) return undefined;
      if (key === 'read') return read;
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      if (!bound.has(key)) bound.set(key, value.bind(target));
      return bound.get(key);
    },
    has: (target, key) => !HIDDEN.has(key) && Reflect.has(target, key),
  });
}
