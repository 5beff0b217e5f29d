/**
 * PyTorch 1.13 keeps Adam's, AdamW's and Adagrad's step count in a 0-d float32 tensor (`state.step`)
 * and reads it back with `.item()` on every step to compute the bias corrections on the host. A sync
 * read is not available on every device, so the count is mirrored on the host: each tensor this
 * module creates or increments remembers its value together with its storage version. A step tensor
 * that comes from elsewhere (a loaded state dict), or that was written since, is read once.
 *
 * @module
 */
import { Tensor, full, getDefaultDtype, hasBackend, noGrad } from '@typetorch/core';
import type { ParamState } from './optimizer.js';

interface Mirror {
  value: number;
  version: number;
}

const mirrors = new WeakMap<Tensor, Mirror>();

/**
 * A new step count `tensor(value)` of the default float dtype, on the CPU as PyTorch makes it (on
 * `near`'s device when no CPU backend is registered).
 */
export function newStepTensor(near: Tensor | null, value = 0): Tensor {
  const device = hasBackend('cpu') || near === null ? 'cpu' : near.device;
  const step = full([], value, { dtype: getDefaultDtype(), device });
  mirrors.set(step, { value: step.dtype === 'float32' ? Math.fround(value) : value, version: step._version });
  return step;
}

/** The value of a step count: a number (older state dicts), or a 0-d tensor. */
export function stepValue(op: string, step: unknown): number {
  if (typeof step === 'number') return step;
  if (!(step instanceof Tensor)) throw new Error(`[${op}] expected the state's step to be a tensor or a number, got ${typeof step}`);
  const mirror = mirrors.get(step);
  if (mirror !== undefined && mirror.version === step._version) return mirror.value;
  let value: number;
  try {
    value = Number(step.itemSync());
  } catch (error) {
    throw new Error(
      `[${op}] cannot read the step count of this parameter's state on device '${step.device}' synchronously; ` +
        `keep the optimizer state's step tensors on the CPU, as PyTorch does (${(error as Error).message})`,
    );
  }
  mirrors.set(step, { value, version: step._version });
  return value;
}

/** `step_t += 1` in place; returns the new count, as `step_t.item()` would. */
export function incrementStep(op: string, step: Tensor): number {
  const before = stepValue(op, step);
  noGrad(() => step.add_(1));
  // The tensor holds the count in its own dtype (float32 stops counting exactly at 2**24).
  const after = step.dtype === 'float32' ? Math.fround(before + 1) : before + 1;
  mirrors.set(step, { value: after, version: step._version });
  return after;
}

/**
 * PyTorch's `__setstate__` of Adam, AdamW and Adagrad: state dicts of older versions kept the step
 * as a number; each becomes a 0-d tensor. As in PyTorch, the first entry decides.
 */
export function stepsToTensors(state: Map<Tensor | string, ParamState>): void {
  const entries = [...state.entries()];
  if (entries.length === 0 || entries[0][1].step instanceof Tensor) return;
  for (const [key, s] of entries) {
    s.step = newStepTensor(key instanceof Tensor ? key : null, stepValue('loadStateDict', s.step));
  }
}
