/**
 * The transform protocol: a transform is an object with `call(input)` (like an nn.Module's `call`)
 * or a plain function. Datasets and {@link Compose} accept both.
 *
 * @module
 */
import type { TransformSpec } from './worker-spec.js';

/** A transform object: `call` applies it (torchvision's `__call__`). */
export interface TransformObject<I = unknown, O = unknown> {
  /** Applies the transform. */
  call(input: I): O;
}

/** A transform: an object with `call`, or a plain function. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TransformLike<I = any, O = any> = TransformObject<I, O> | ((input: I) => O);

/** Applies a transform object or function to `input`. */
export function applyTransform<I, O>(transform: TransformLike<I, O>, input: I): O {
  return typeof transform === 'function' ? transform(input) : transform.call(input);
}

/**
 * The base class of the built-in transforms: subclasses implement `forward`; `call` runs it, as
 * with nn modules.
 */
export abstract class Transform<I = unknown, O = unknown> implements TransformObject<I, O> {
  /** Computes the transformed value. */
  abstract forward(input: I): O;

  /** Applies the transform (same as `forward`). */
  call(input: I): O {
    return this.forward(input);
  }

  /**
   * How a DataLoader worker thread rebuilds an equal transform (plain data naming this class's
   * module and export, with its arguments), or `undefined` when it cannot (the default).
   */
  workerSpec(): TransformSpec | undefined {
    return undefined;
  }

  /** Why {@link Transform.workerSpec} is `undefined`; `path` names this transform (e.g. `'transform Compose[1]'`). */
  workerSpecProblem(path: string): string | undefined {
    return this.workerSpec() === undefined
      ? `${path} (${this.constructor.name}) has no workerSpec(), so a worker thread cannot rebuild it`
      : undefined;
  }
}
