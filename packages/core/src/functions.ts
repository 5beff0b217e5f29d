/**
 * The `torch.*` free functions. Most mirror Tensor methods (`torch.add(x, y)` is `x.add(y)`);
 * creation and random functions live in their own modules.
 *
 * @module
 */
export * from './ops/creation.js';
export * from './ops/random.js';
export { cat, stack, hstack, vstack } from './ops/join.js';
export { toDeviceAsync } from './ops/convert.js';
export { nonzeroAsync, maskedSelectAsync } from './ops/indexing.js';
export * from './functions/math.js';
export * from './functions/reduce.js';
export * from './functions/shape.js';
