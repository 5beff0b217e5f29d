/**
 * The `torch.*` free functions. Most mirror Tensor methods (`torch.add(x, y)` is `x.add(y)`);
 * creation and random functions live in their own modules.
 *
 * @module
 */
export {
  tensor, fromTypedArray, empty, zeros, ones, full, eye, zerosLike, onesLike, emptyLike, fullLike, arange, linspace,
  type SizeAndOptions, type AnyTypedArray,
} from './ops/creation.js';
export {
  rand, randn, randint, randperm, randLike, randnLike, randintLike, bernoulli, multinomial, multinomialAsync,
  Generator, defaultGenerator, manualSeed, seed, initialSeed, getRngState, setRngState,
  type RandomOptions, type GeneratorOptions, type GeneratorState, type MultinomialOptions,
} from './ops/random.js';
export { cat, stack, hstack, vstack } from './ops/join.js';
export { toDeviceAsync } from './ops/convert.js';
export { nonzeroAsync, maskedSelectAsync } from './ops/indexing.js';
export * from './functions/math.js';
export * from './functions/reduce.js';
export * from './functions/shape.js';
