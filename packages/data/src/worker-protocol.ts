/**
 * What crosses between the DataLoader and its worker threads: dataset specs, tensors as typed
 * arrays with shape and dtype, and the messages. Plain data only, so it survives structured clone.
 *
 * @module
 */
import { Tensor, fromTypedArray, tensor, type DType, type TypedArray } from '@typetorch/core';

/** The property that marks an encoded tensor (inside samples sent from a worker). */
export const TENSOR_TAG = '__typetorchTensor';

/** A tensor as plain data: its elements in row-major order, its shape and dtype. */
export interface EncodedTensor {
  /** Always `true`: tells an encoded tensor from a plain object. */
  readonly [TENSOR_TAG]: true;
  /** The dtype name. */
  readonly dtype: DType;
  /** The shape. */
  readonly shape: readonly number[];
  /** The elements, contiguous (bool as 0/1 bytes, int64 as a BigInt64Array). */
  readonly data: TypedArray;
}

/**
 * An object a worker builds from a module: `new (await import(module))[export](...args)`, or with
 * `method`, `await (await import(module))[export][method](...args)` (a static factory such as an
 * async `load`). `module` is a URL (`import.meta.url` of the file that defines the class) or an
 * absolute path; `export` defaults to `'default'`; `args` must survive structured clone (numbers,
 * strings, arrays, plain objects, typed arrays) and may hold {@link WorkerObjectRef}s, which the
 * worker builds first (a dataset's transforms, say).
 */
export interface WorkerModuleSpec {
  /** URL or path of the module that exports the class. */
  readonly module: string;
  /** The export's name (default `'default'`). */
  readonly export?: string;
  /** A static method of the export to call (and await) instead of its constructor. */
  readonly method?: string;
  /** Constructor (or method) arguments: structured-clonable, with nested {@link WorkerObjectRef}s. */
  readonly args?: readonly unknown[];
}

/** The property that marks a {@link WorkerObjectRef} inside a spec's arguments. */
export const WORKER_OBJECT_TAG = '__typetorchWorkerObject';

/**
 * An argument that a worker replaces by the object `spec` describes before the call, so that
 * objects made of code (transforms, generators) can travel as plain data. Make one with
 * {@link workerObject}.
 */
export interface WorkerObjectRef {
  /** How to build the object. */
  readonly [WORKER_OBJECT_TAG]: WorkerModuleSpec;
}

/** Marks `spec` as an object for the worker to build in place of this argument. */
export function workerObject(spec: WorkerModuleSpec): WorkerObjectRef {
  return { [WORKER_OBJECT_TAG]: spec };
}

/**
 * How a worker thread builds a dataset.
 *
 * - a {@link WorkerModuleSpec} `{ module, export, method?, args }`: the dataset class (or its
 *   factory) in a module the worker imports.
 * - `{ kind: 'tensors' }`, `{ kind: 'subset' }`, `{ kind: 'concat' }`: what `TensorDataset`,
 *   `Subset` and `ConcatDataset` return from `workerSpec()`.
 */
export type WorkerDatasetSpec =
  | WorkerModuleSpec
  | {
      /** A TensorDataset's tensors, shared with the workers. */
      readonly kind: 'tensors';
      /** The tensors, encoded. */
      readonly tensors: readonly EncodedTensor[];
    }
  | {
      /** A Subset of another dataset. */
      readonly kind: 'subset';
      /** The underlying dataset's spec. */
      readonly dataset: WorkerDatasetSpec;
      /** The subset's indices into it. */
      readonly indices: readonly number[];
    }
  | {
      /** A ConcatDataset. */
      readonly kind: 'concat';
      /** The specs of the concatenated datasets. */
      readonly datasets: readonly WorkerDatasetSpec[];
    };

/** @internal A worker's reply to a batch request. */
export type WorkerReply =
  | {
      /** The samples were fetched. */
      readonly type: 'batch';
      /** The request's id. */
      readonly id: number;
      /** The samples, in the request's order (tensors encoded). */
      readonly samples: unknown[];
    }
  | {
      /** Building the dataset or a `get()` threw. */
      readonly type: 'error';
      /** The request's id. */
      readonly id: number;
      /** The sample index whose `get()` threw, or `null` when the dataset could not be built. */
      readonly index: number | null;
      /** The error's message. */
      readonly message: string;
      /** The error's stack, when it has one. */
      readonly stack?: string;
    };

/** A request to a worker: fetch the samples at `indices`. */
export interface WorkerRequest {
  /** The batch's sequence number. */
  readonly id: number;
  /** The sample indices. */
  readonly indices: readonly number[];
}

/** A contiguous copy of `t`'s elements in a SharedArrayBuffer (when available), so workers share one copy. */
export function encodeTensorShared(t: Tensor): EncodedTensor {
  const data = t.contiguous().dataSync();
  const Shared = (globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer }).SharedArrayBuffer;
  let out: TypedArray = data;
  if (Shared !== undefined) {
    const Ctor = data.constructor as new (buffer: SharedArrayBuffer) => TypedArray;
    out = new Ctor(new Shared(data.byteLength));
    (out as unknown as { set(a: TypedArray): void }).set(data);
  }
  return { [TENSOR_TAG]: true, dtype: t.dtype, shape: [...t.shape], data: out };
}

/** Whether `value` is an {@link EncodedTensor}. */
export function isEncodedTensor(value: unknown): value is EncodedTensor {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[TENSOR_TAG] === true;
}

/** A tensor from its encoded form (no copy on CPU: the tensor wraps the received array). */
export function decodeTensor(e: EncodedTensor): Tensor {
  if (e.dtype === 'bool') return tensor(e.data as Uint8Array, { dtype: 'bool' }).reshape([...e.shape]);
  return fromTypedArray(e.data, e.shape);
}

/** Replaces every encoded tensor inside a sample (arrays and plain objects, recursively) by a Tensor. */
export function decodeSample(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isEncodedTensor(value)) return decodeTensor(value);
  if (Array.isArray(value)) return value.map(decodeSample);
  if (ArrayBuffer.isView(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeSample(v);
  return out;
}
