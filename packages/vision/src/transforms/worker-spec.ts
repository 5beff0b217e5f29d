/**
 * Transforms as plain data, so that a DataLoader worker thread can rebuild them: a built-in
 * transform's `workerSpec()` names its class by module URL and export, with its constructor
 * arguments (see `workerObject` in @typetorch/data, which the worker builds before the dataset).
 * Functions cannot cross to another thread, so a `Lambda` or a plain function transform has no
 * spec; {@link describeTransform} then says which transform is in the way.
 *
 * @module
 */
import { workerObject, type WorkerObjectRef } from '@typetorch/data';
import type { TransformLike } from './transform.js';

/** A transform described as plain data: a worker builds the transform from it. */
export type TransformSpec = WorkerObjectRef;

/** A transform's spec, or why it has none (naming the transform, e.g. `transform Compose[1] is a Lambda ...`). */
export type TransformDescription =
  | {
      /** How a worker rebuilds the transform. */
      readonly spec: TransformSpec;
    }
  | {
      /** Why the transform cannot be rebuilt in a worker (names the offending part). */
      readonly problem: string;
    };

/** The slice of a transform object that can describe itself (the built-in `Transform` subclasses). */
interface SelfDescribing {
  workerSpec?(): TransformSpec | undefined;
  workerSpecProblem?(path: string): string | undefined;
}

/** A spec that rebuilds `new (module)[exportName](...args)` in a worker. */
export function transformSpec(module: string, exportName: string, args: readonly unknown[]): TransformSpec {
  return workerObject({ module, export: exportName, args: [...args] });
}

/**
 * Describes `transform` for a worker. `path` names it in the problem (`'transform'`,
 * `'targetTransform'`, `'transform Compose[2]'`).
 */
export function describeTransform(transform: TransformLike, path = 'transform'): TransformDescription {
  if (typeof transform === 'function') {
    const name = transform.name === '' ? 'an anonymous function' : `the function ${transform.name}`;
    return { problem: `${path} is ${name}, and a function cannot be sent to a worker thread (use the built-in transforms, or a Transform subclass with workerSpec())` };
  }
  const self = transform as SelfDescribing;
  const spec = typeof self.workerSpec === 'function' ? self.workerSpec() : undefined;
  if (spec !== undefined) return { spec };
  const problem = typeof self.workerSpecProblem === 'function' ? self.workerSpecProblem(path) : undefined;
  const name = (transform as object).constructor?.name ?? 'object';
  return { problem: problem ?? `${path} (${name}) has no workerSpec(), so a worker thread cannot rebuild it` };
}
