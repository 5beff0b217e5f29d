/**
 * `optim.lrScheduler`: PyTorch's `torch.optim.lr_scheduler` (1.13 semantics).
 *
 * @module
 */
export { LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './scheduler.js';
export { StepLR, MultiStepLR, ExponentialLR, type StepLROptions, type MultiStepLROptions, type ExponentialLROptions } from './step.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine.js';
export { LinearLR, type LinearLROptions } from './linear.js';
export { LambdaLR, type LambdaLROptions, type LrLambda } from './lambda.js';
export { OneCycleLR, type OneCycleLROptions, type OneCyclePhase } from './one-cycle.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
