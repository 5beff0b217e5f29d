/**
 * `typetorch`: PyTorch's programming model for TypeScript in one import.
 *
 * ```ts
 * import * as torch from 'typetorch';
 * const x = torch.ones(2, 2, { requiresGrad: true });
 * x.mul(3).sum().backward();
 * ```
 *
 * It re-exports `@typetorch/core` (the `torch` namespace), registers the CPU device, installs
 * autograd, and exposes it as `torch.autograd`.
 *
 * @packageDocumentation
 */
import '@typetorch/backend-cpu';
export * from '@typetorch/core';
export * as autograd from '@typetorch/autograd';
export * as nn from '@typetorch/nn';
export * as optim from '@typetorch/optim';
export * as utils from './utils.js';
export { cpuBackend } from '@typetorch/backend-cpu';
