import { conformanceCases } from '@typetorch/core/testing';
import { describe, it } from 'vitest';
import { GPU_DTYPES, gpu } from './gpu.js';

const backend = await gpu();

describe('the WebGPU backend passes the conformance suite', () => {
  for (const c of conformanceCases(backend, { dtypes: [...GPU_DTYPES], exactInt64: false })) it(c.name, c.run);
});
