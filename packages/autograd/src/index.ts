/**
 * `@typetorch/autograd`: PyTorch's autograd for typetorch. Importing it installs the engine, so
 * `tensor.backward()` works; it also exports `grad`, `backward`, `Function`, `gradcheck` and the
 * functional API, as `torch.autograd` does.
 *
 * @packageDocumentation
 */
import { registerAutograd } from '@typetorch/core';
import { engine } from './engine.js';
import './rules/index.js';

registerAutograd(engine);

export { grad, backward, type GradOptions, type AutogradBackwardOptions } from './grad.js';
export { Function, Context, type FunctionOutput } from './function.js';
export { gradcheck, gradgradcheck, type GradcheckOptions, type CheckedFunction } from './gradcheck.js';
export * as functional from './functional.js';
export { defineRule, getRule, ruleNames, type Rule, type RuleContext, type SavedSpec } from './rules/rule.js';
export { sumToShape } from './reduce-grad.js';
export { noGrad, enableGrad, setGradEnabled, isGradEnabled } from '@typetorch/core';
