// The convolution and pooling fixture (fixtures/conv.json, from scripts/fixtures/gen_conv.py) and
// the call each case makes, shared by conv-fixtures.test.ts (cpu) and backend-webgpu's run of it.
import { readFileSync } from 'node:fs';
import * as torch from 'typetorch';

/** A tensor of the fixture: its shape and row-major values. */
export interface Values {
  shape: number[];
  values: number[];
}

/** One fixture case: an op, its inputs and options, and PyTorch's results. */
export interface ConvCase {
  op: string;
  name: string;
  inputs: Record<'input' | 'weight' | 'bias', Values | undefined>;
  options: unknown;
  output: Values;
  indices?: number[];
  gradOutput: Values;
  grads: Record<string, Values>;
  gradFn: string;
}

/** Every case of fixtures/conv.json. */
export function loadConvCases(): ConvCase[] {
  const url = new URL('../fixtures/conv.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: ConvCase[] }).cases;
}

/** Runs a case's op; returns the output and, for max pooling, the indices. */
export function callConvCase(c: ConvCase, x: torch.Tensor, w: torch.Tensor | null, b: torch.Tensor | null): [torch.Tensor, torch.Tensor | null] {
  const o = c.options as never;
  switch (c.op) {
    case 'conv2d': return [torch.conv2d(x, w!, b, o), null];
    case 'conv1d': return [torch.conv1d(x, w!, b, o), null];
    case 'convTranspose2d': return [torch.convTranspose2d(x, w!, b, o), null];
    case 'maxPool2d': return torch.maxPool2dWithIndices(x, o);
    case 'maxPool1d': return torch.maxPool1dWithIndices(x, o);
    case 'avgPool2d': return [torch.avgPool2d(x, o), null];
    case 'avgPool1d': return [torch.avgPool1d(x, o), null];
    case 'adaptiveAvgPool2d': return [torch.adaptiveAvgPool2d(x, o), null];
    case 'adaptiveMaxPool2d': return torch.adaptiveMaxPool2dWithIndices(x, o);
    default: throw new Error(`unknown op ${c.op}`);
  }
}
