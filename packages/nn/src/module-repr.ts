/**
 * PyTorch's `Module.__repr__`: the module tree with each layer's `extra_repr` inside its parentheses
 * and children as `(name): Child(...)` lines indented by two spaces.
 *
 * @module
 */
import type { Module } from './module.js';

/** PyTorch's `_addindent`: indents every line but the first by `spaces`. */
function addIndent(text: string, spaces: number): string {
  const lines = text.split('\n');
  if (lines.length === 1) return text;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((line) => pad + line)].join('\n');
}

/** The text PyTorch's `repr(module)` prints for `module`. */
export function formatModule(module: Module): string {
  const extra = module.extraRepr();
  const extraLines = extra ? extra.split('\n') : [];
  const childLines: string[] = [];
  for (const [name, child] of module._modules) {
    const text = child === null ? 'None' : child.toString();
    childLines.push(`(${name}): ${addIndent(text, 2)}`);
  }
  const lines = [...extraLines, ...childLines];
  let out = `${module._getName()}(`;
  if (lines.length > 0) {
    if (extraLines.length === 1 && childLines.length === 0) out += extraLines[0];
    else out += `\n  ${lines.join('\n  ')}\n`;
  }
  return `${out})`;
}
