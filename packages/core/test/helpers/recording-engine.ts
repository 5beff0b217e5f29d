// An autograd engine that only records which nodes core asks for, to test what ops record.
import { afterEach, beforeEach } from 'vitest';
import { getAutograd, registerAutograd, type OpAttrs, type Tensor } from '@typetorch/core';

/** One node core asked the engine to record. */
export interface RecordedNode {
  op: string;
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  attrs: OpAttrs;
}

/**
 * Installs the recording engine around each test of the calling `describe` block and returns the
 * list it fills (emptied before each test). Outputs get a stub `gradFn` named after the op.
 */
export function recordGraphNodes(): RecordedNode[] {
  const nodes: RecordedNode[] = [];
  let previous: ReturnType<typeof getAutograd>;
  beforeEach(() => {
    nodes.length = 0;
    previous = getAutograd();
    registerAutograd({
      record(op, inputs, outputs, attrs) {
        nodes.push({ op, inputs, outputs, attrs });
        for (const out of outputs) out._gradFn = { name: op, nextFunctions: [] };
      },
      backward() {
        throw new Error('the recording engine does not run backward');
      },
      watch() {},
      saveBeforeOverwrite() {},
    });
  });
  afterEach(() => registerAutograd(previous));
  return nodes;
}
