// Every op that core records has a derivative rule, and the backward nodes carry PyTorch 1.13's names.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as torch from 'typetorch';

const { ruleNames, getRule } = torch.autograd;

/**
 * The op names core passes to `differentiable(...)`, read from its op modules. The source scan
 * below finds the literal ones by itself; this list also names those built at run time.
 */
const RECORDED_OPS = [
  // elementwise
  'neg', 'abs', 'sign', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'reciprocal',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'sigmoid', 'relu', 'erf',
  'floor', 'ceil', 'round', 'trunc',
  'add', 'sub', 'mul', 'div', 'remainder', 'pow', 'atan2', 'minimum', 'maximum', 'lerp', 'clamp', 'where', 'maskedFill',
  'toDtype', 'toDevice', 'clone', 'fill', 'copySlices', 'reshapeAlias', 'unbind', 'split',
  'conv2d', 'conv1d', 'convTranspose2d', 'conv2dBackwardInput', 'conv2dBackwardWeight', 'maxPool2dWithIndices', 'maxPool2dBackward',
  'avgPool2d', 'avgPool2dBackward', 'adaptiveAvgPool2d', 'adaptiveAvgPool2dBackward', 'adaptiveMaxPool2d',
  // reductions, scans, softmax
  'sum', 'mean', 'prod', 'maxAll', 'minAll', 'maxDim', 'minDim', 'amax', 'amin', 'var', 'std', 'logsumexp', 'norm',
  'cumsum', 'cumprod', 'softmax', 'logSoftmax',
  // linear algebra
  'matmul', 'mm', 'bmm', 'mv', 'dot',
  // views and shape ops
  'view', 'reshapeCopy', 'alias', 'permute', 'transpose', 't', 'expand', 'squeeze', 'unsqueeze', 'asStrided',
  'slice', 'select', 'flip', 'repeat', 'cat', 'stack',
  // indexing
  'index', 'indexPut', 'gather', 'scatter', 'scatterAdd', 'indexSelect', 'maskedSelect',
];

/** Ops that reach a recording helper (`unary`) but that the helper does not record: their results are bool. */
const ROUTED_BUT_NOT_RECORDED = new Set(['logicalNot', 'isnan', 'isinf', 'isfinite']);

const CORE_SRC = fileURLToPath(new URL('../../core/src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The arguments of the call whose `(` is at `open`, as source text (split at depth-0 commas). */
function callArguments(src: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let current = '';
  let quote: string | null = null;
  for (let i = open + 1; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      current += c;
      if (c === quote && src[i - 1] !== '\\') quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) {
      if (depth === 0) {
        args.push(current.trim());
        return args;
      }
      depth--;
    }
    if (c === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  return args;
}

/** String literals of an expression that are values, not operands of a comparison (`op === 'max' ? 'maxAll' : ...`). */
function valueLiterals(expression: string): string[] {
  const withoutComparisons = expression.replace(/[!=]==?\s*'[^']*'/g, '').replace(/'[^']*'\s*[!=]==?/g, '');
  return [...withoutComparisons.matchAll(/'([^']*)'/g)].map((m) => m[1]);
}

/** Op names found in core's source: literal first arguments of `differentiable`, or literals passed to the helper that forwards its parameter. */
function scanRecordedOps(): { names: Set<string>; sites: number } {
  const files = sourceFiles(CORE_SRC).map((path) => ({ path, src: readFileSync(path, 'utf8') }));
  const names = new Set<string>();
  const helpers: { name: string; param: number }[] = [];
  let sites = 0;
  for (const { src } of files) {
    for (const match of src.matchAll(/\bdifferentiable\s*(?:<[^>]*>)?\(/g)) {
      if (/function\s+$/.test(src.slice(Math.max(0, match.index - 20), match.index))) continue; // the definition
      sites++;
      const [first] = callArguments(src, match.index + match[0].length - 1);
      const literals = valueLiterals(first);
      if (literals.length > 0) {
        literals.forEach((n) => names.add(n));
        continue;
      }
      // A parameter of the enclosing function: collect the literals its callers pass.
      const before = src.slice(0, match.index);
      const enclosing = [...before.matchAll(/function\s+(\w+)\s*(?:<[^>]*>)?\(([^)]*)\)/g)].pop();
      if (!enclosing) continue;
      const params = enclosing[2].split(',').map((p) => p.trim().split(/[\s:?=]/)[0]);
      const index = params.indexOf(first);
      if (index >= 0) helpers.push({ name: enclosing[1], param: index });
    }
  }
  for (const { name, param } of helpers) {
    for (const { src } of files) {
      for (const call of src.matchAll(new RegExp(`\\b${name}\\(`, 'g'))) {
        const arg = callArguments(src, call.index + call[0].length - 1)[param] ?? '';
        const literal = /^'([^']*)'$/.exec(arg);
        if (literal && !ROUTED_BUT_NOT_RECORDED.has(literal[1])) names.add(literal[1]);
      }
    }
  }
  return { names, sites };
}

describe('rule coverage', () => {
  it('has a derivative rule for every op core records', () => {
    const missing = RECORDED_OPS.filter((op) => !ruleNames().includes(op));
    expect(missing).toEqual([]);
  });

  it('finds every op name in core source among the ops with rules', () => {
    const { names, sites } = scanRecordedOps();
    expect(sites).toBeGreaterThan(30);
    expect(names.size).toBeGreaterThan(60);
    const missing = [...names].filter((op) => !ruleNames().includes(op)).sort();
    expect(missing).toEqual([]);
    // The committed list stays complete: everything the scan finds is listed.
    expect([...names].filter((op) => !RECORDED_OPS.includes(op)).sort()).toEqual([]);
  });
});

describe('backward node names match PyTorch 1.13', () => {
  const x = () => torch.ones([2, 3], { requiresGrad: true });
  const cases: [string, () => torch.Tensor, string][] = [
    ['x.sum()', () => x().sum(), 'SumBackward0'],
    ['x.sum(1)', () => x().sum(1), 'SumBackward1'],
    ['x.sum([0, 1])', () => x().sum([0, 1]), 'SumBackward1'],
    ['x.mean()', () => x().mean(), 'MeanBackward0'],
    ['x.mean(1)', () => x().mean(1), 'MeanBackward1'],
    ['x.prod()', () => x().prod(), 'ProdBackward0'],
    ['x.prod(1)', () => x().prod(1), 'ProdBackward1'],
    ['x.max()', () => x().max(), 'MaxBackward1'],
    ['x.max(1).values', () => x().max(1).values, 'MaxBackward0'],
    ['x.min()', () => x().min(), 'MinBackward1'],
    ['x.min(1).values', () => x().min(1).values, 'MinBackward0'],
    ['x.amax(1)', () => x().amax(1), 'AmaxBackward0'],
    ['x.amin(1)', () => x().amin(1), 'AminBackward0'],
    ['x.std()', () => x().std(), 'StdBackward0'],
    ['x.var(1)', () => x().var(1), 'VarBackward0'],
    ['x.logsumexp(1)', () => x().logsumexp(1), 'LogsumexpBackward0'],
    ['x.norm()', () => x().norm(), 'NormBackward1'],
    ['x.norm(1, 1)', () => x().norm(1, 1), 'NormBackward1'],
    ['x.cumsum(1)', () => x().cumsum(1), 'CumsumBackward0'],
    ['x.cumprod(1)', () => x().cumprod(1), 'CumprodBackward0'],
    ['x.softmax(1)', () => x().softmax(1), 'SoftmaxBackward0'],
    ['x.logSoftmax(1)', () => x().logSoftmax(1), 'LogSoftmaxBackward0'],
    ['x.t().mm(x)', () => { const a = x(); return a.t().mm(a); }, 'MmBackward0'],
    ['x.matmul(x.t())', () => { const a = x(); return a.matmul(a.t()); }, 'MmBackward0'],
    ['x[0].dot(x[0])', () => { const a = x().index(0); return a.dot(a); }, 'DotBackward0'],
    ['x.mv(x[0])', () => { const a = x(); return a.t().mv(a.index(0, '0:2')); }, 'MvBackward0'],
    ['bmm', () => torch.bmm(torch.ones([2, 2, 3], { requiresGrad: true }), torch.ones([2, 3, 2])), 'BmmBackward0'],
    ['batched matmul', () => torch.ones([2, 2, 3], { requiresGrad: true }).matmul(torch.ones([2, 3, 2])), 'UnsafeViewBackward0'],
    ['x.view(6)', () => x().view(6), 'ViewBackward0'],
    ['x.t().reshape(6)', () => x().t().reshape(6), 'UnsafeViewBackward0'],
    ['x.t().flatten()', () => x().t().flatten(), 'UnsafeViewBackward0'],
    ['x.unflatten(1, [3, 1])', () => x().unflatten(1, [3, 1]), 'ViewBackward0'],
    ['x.permute(1, 0)', () => x().permute(1, 0), 'PermuteBackward0'],
    ['x.movedim(0, 1)', () => x().movedim(0, 1), 'PermuteBackward0'],
    ['x.transpose(0, 1)', () => x().transpose(0, 1), 'TransposeBackward0'],
    ['x.mT', () => x().mT, 'TransposeBackward0'],
    ['x.t()', () => x().t(), 'TBackward0'],
    ['x.expand(2, 2, 3)', () => x().expand(2, 2, 3), 'ExpandBackward0'],
    ['x.unsqueeze(0)', () => x().unsqueeze(0), 'UnsqueezeBackward0'],
    ['x.unsqueeze(0).squeeze()', () => x().unsqueeze(0).squeeze(), 'SqueezeBackward0'],
    ['x.unsqueeze(0).squeeze(0)', () => x().unsqueeze(0).squeeze(0), 'SqueezeBackward1'],
    ['x.squeeze(0)', () => x().squeeze(0), 'SqueezeBackward1'],
    ['x[...]', () => x().index('...'), 'AliasBackward0'],
    ['x[None]', () => x().index(null), 'UnsqueezeBackward0'],
    ['x[:, None]', () => x().index(':', null), 'UnsqueezeBackward0'],
    ['hstack', () => { const a = x(); return torch.hstack([a, a]); }, 'CatBackward0'],
    ['x.lerp(x, tensor(0.5))', () => { const a = x(); return a.lerp(a, torch.tensor(0.5)); }, 'LerpBackward1'],
    ['x[:, 1:]', () => x().index(':', '1:'), 'SliceBackward0'],
    ['x[0]', () => x().index(0), 'SelectBackward0'],
    ['x.select(1, 0)', () => x().select(1, 0), 'SelectBackward0'],
    ['x.narrow(1, 0, 2)', () => x().narrow(1, 0, 2), 'SliceBackward0'],
    ['x.asStrided([2], [1])', () => x().asStrided([2], [1]), 'AsStridedBackward0'],
    ['cat', () => { const a = x(); return torch.cat([a, a]); }, 'CatBackward0'],
    ['stack', () => { const a = x(); return torch.stack([a, a]); }, 'StackBackward0'],
    ['x.flip(0)', () => x().flip(0), 'FlipBackward0'],
    ['x.repeat(2, 1)', () => x().repeat(2, 1), 'RepeatBackward0'],
    ['x[tensor([0, 1])]', () => x().index(torch.tensor([0, 1], { dtype: 'int64' })), 'IndexBackward0'],
    ['x[[0, 1], [0, 1]]', () => x().index([0, 1], [0, 1]), 'IndexBackward0'],
    ['x[x > 0]', () => { const a = x(); return a.index(a.gt(0)); }, 'IndexBackward0'],
    ['x.indexPut', () => x().indexPut([torch.tensor([0], { dtype: 'int64' })], torch.tensor(1)), 'IndexPutBackward0'],
    ['x.gather', () => x().gather(1, torch.tensor([[0], [1]], { dtype: 'int64' })), 'GatherBackward0'],
    ['x.scatter(tensor)', () => { const a = x(); return a.scatter(1, torch.tensor([[0], [1]], { dtype: 'int64' }), a); }, 'ScatterBackward0'],
    ['x.scatter(scalar)', () => x().scatter(1, torch.tensor([[0], [1]], { dtype: 'int64' }), 2), 'ScatterBackward1'],
    ['x.scatterAdd', () => { const a = x(); return a.scatterAdd(1, torch.tensor([[0], [1]], { dtype: 'int64' }), a); }, 'ScatterAddBackward0'],
    ['x.indexSelect', () => x().indexSelect(0, torch.tensor([0], { dtype: 'int64' })), 'IndexSelectBackward0'],
    ['x.maskedSelect', () => { const a = x(); return a.maskedSelect(a.gt(0)); }, 'MaskedSelectBackward0'],
    ['x.clone()', () => x().clone(), 'CloneBackward0'],
    ['x.t().contiguous()', () => x().t().contiguous(), 'CloneBackward0'],
    ['x.double()', () => x().double(), 'ToCopyBackward0'],
    ['outer', () => { const a = x().index(0); return a.outer(a); }, 'MulBackward0'],
    ['torch.max(x, x)', () => { const a = x(); return torch.max(a, a); }, 'MaximumBackward0'],
    ['x.pow(2)', () => x().pow(2), 'PowBackward0'],
    ['x.pow(x)', () => { const a = x(); return a.pow(a); }, 'PowBackward1'],
    ['torch.pow(2, x)', () => torch.pow(2, x()), 'PowBackward2'],
    ['x.clamp(0, 1)', () => x().clamp(0, 1), 'ClampBackward1'],
    ['torch.where', () => { const a = x(); return torch.where(a.gt(0), a, 0); }, 'WhereBackward0'],
  ];
  for (const [code, make, name] of cases) {
    it(`${code} has gradFn ${name}`, () => {
      expect(make().gradFn?.name).toBe(name);
    });
  }

  it('x.contiguous() of a contiguous leaf is the leaf itself, without a node', () => {
    const a = x();
    expect(a.contiguous()).toBe(a);
  });
});

describe('rules for ops core may record as one node', () => {
  const run = (op: string, inputs: torch.Tensor[], attrs: Record<string, unknown>, grads: torch.Tensor[]) =>
    getRule(op).backward({ inputs, outputs: [], attrs, needsInputGrad: inputs.map(() => true) }, grads);

  it('unbind stacks the gradients of its pieces along the dim (UnbindBackward0)', () => {
    const x = torch.zeros(2, 3);
    const [g] = run('unbind', [x], { dim: 1 }, [torch.tensor([1, 2]), torch.tensor([3, 4]), torch.tensor([5, 6])]);
    expect(g!.tolistSync()).toEqual([[1, 3, 5], [2, 4, 6]]);
    expect(getRule('unbind').name).toBe('UnbindBackward0');
  });

  it('split concatenates the gradients of its pieces (SplitBackward0, SplitWithSizesBackward0)', () => {
    const x = torch.zeros(5);
    const [g] = run('split', [x], { dim: 0, sizes: [2, 3] }, [torch.tensor([1, 2]), torch.tensor([3, 4, 5])]);
    expect(g!.tolistSync()).toEqual([1, 2, 3, 4, 5]);
    const name = getRule('split').name as (attrs: Record<string, unknown>) => string;
    expect([name({ withSizes: false }), name({ withSizes: true })]).toEqual(['SplitBackward0', 'SplitWithSizesBackward0']);
  });

  it('fill gives the old values a zero gradient and a tensor value the sum (ZeroBackward0, FillBackward2/3)', () => {
    const [self, value] = run('fill', [torch.zeros(3), torch.tensor(2)], {}, [torch.tensor([1, 2, 3])]);
    expect(self!.tolistSync()).toEqual([0, 0, 0]);
    expect(value!.itemSync()).toBe(6);
    const name = getRule('fill').name as (attrs: Record<string, unknown>) => string;
    expect([name({ zero: true }), name({}), name({ tensorValue: true })]).toEqual(['ZeroBackward0', 'FillBackward2', 'FillBackward3']);
  });
});
