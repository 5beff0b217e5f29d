/**
 * Reads the pickle of a `torch.save` checkpoint with the restricted unpickler: the whitelist holds
 * only what rebuilds tensors and state dicts (`collections.OrderedDict`,
 * `torch._utils._rebuild_tensor_v2` and its older and Parameter forms, the storage classes,
 * `torch.Size`, the dtypes), storages come from the archive's `data/<key>` records (one storage
 * per key, so views that share a storage in the file share memory again), and the result is turned
 * into plain JavaScript values (dicts → plain objects, tuples → arrays).
 *
 * @module
 */
import { itemSize, type DType } from '../dtype.js';
import type { Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { typedArrayFromBytes } from './byte-io.js';
import { PickleGlobal, pickleSetState, unpickle, type PickleCallable } from './pickle-reader.js';
import { storageFromHost } from './storage-io.js';
import { DTYPE_GLOBAL, STORAGE_CLASS, SUPPORTED_DTYPES, UNSUPPORTED_STORAGE_CLASS } from './torch-types.js';

/** How the checkpoint reader gets storage records and where it puts tensors. */
export interface CheckpointSource {
  /** The bytes of storage record `key` (the archive's `data/<key>`); throws when it is missing. */
  readRecord(key: string): Uint8Array;
  /** The device the tensors go to (`'cpu'` unless the caller asks otherwise). */
  readonly device: string;
  /** False for checkpoints written on big-endian machines (their `byteorder` record says `big`). */
  readonly littleEndian: boolean;
  /** The operation named in error messages. */
  readonly op: string;
}

/** An `OrderedDict` being rebuilt: a Map that accepts (and drops) the attributes PyTorch sets on state dicts (`_metadata`). */
class OrderedDictValue extends Map<unknown, unknown> {
  [pickleSetState](_state: unknown): void {
    // `state_dict()` carries `_metadata` (module versions) as an attribute; plain objects have no place for it.
  }
}

/** A storage as its persistent id resolves, before `_rebuild_tensor_v2` views it. */
class LoadedStorage {
  constructor(readonly key: string, readonly storage: Storage) {}
}

/** Storage classes and dtypes are allowed as names (inside persistent ids, as values) but never called. */
function uncallable(qualified: string): PickleCallable {
  return () => {
    throw new Error(`[load] the checkpoint calls ${qualified}, which a torch.save checkpoint never does: the file is corrupt`);
  };
}

/**
 * A short description of an unpickled value for error messages: never calls methods of the value
 * (a tensor's formatting, a cyclic list's join) and never prints more than a few dozen characters
 * (a bigint of megabytes would take seconds to print in decimal, and `JSON.stringify` throws on bigints).
 */
function brief(value: unknown, depth = 0): string {
  if (value === null) return 'None';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value >= -(2n ** 64n) && value <= 2n ** 64n ? String(value) : 'a huge int';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) {
    if (depth > 0) return '[...]';
    const items = value.slice(0, 8).map((item) => brief(item, depth + 1));
    return `[${items.join(', ')}${value.length > 8 ? `, ... (${value.length} items)` : ''}]`;
  }
  if (value instanceof Tensor) return 'a tensor';
  if (value instanceof Map) return 'a dict';
  if (value instanceof PickleGlobal) return value.qualifiedName;
  return `a ${typeof value}`;
}

function isIntList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
}

class CheckpointReader {
  private readonly storageDtypes = new Map<PickleCallable, DType>();
  private readonly storages = new Map<string, LoadedStorage>();
  readonly globals: Record<string, PickleCallable> = Object.create(null);

  constructor(private readonly source: CheckpointSource) {
    const g = this.globals;
    g['collections.OrderedDict'] = (...args) => {
      const dict = new OrderedDictValue();
      if (Array.isArray(args[0])) for (const pair of args[0]) if (Array.isArray(pair) && pair.length === 2) dict.set(pair[0], pair[1]);
      return dict;
    };
    g['torch._utils._rebuild_tensor_v2'] = (storage, offset, size, stride, requiresGrad) =>
      this.rebuildTensor(storage, offset, size, stride, requiresGrad);
    g['torch._utils._rebuild_tensor'] = (storage, offset, size, stride) => this.rebuildTensor(storage, offset, size, stride, false);
    g['torch._utils._rebuild_parameter'] = (data, requiresGrad) => this.rebuildParameter(data, requiresGrad);
    g['torch._utils._rebuild_parameter_with_state'] = (data, requiresGrad) => this.rebuildParameter(data, requiresGrad);
    g['torch.Size'] = (items) => (Array.isArray(items) ? [...items] : []);
    for (const [dtype, name] of Object.entries(STORAGE_CLASS) as [DType, string][]) {
      const marker = uncallable(`torch.${name}`);
      this.storageDtypes.set(marker, dtype);
      g[`torch.${name}`] = marker;
    }
    for (const name of Object.keys(UNSUPPORTED_STORAGE_CLASS)) g[`torch.${name}`] = uncallable(`torch.${name}`);
    for (const name of Object.keys(DTYPE_GLOBAL)) g[`torch.${name}`] = uncallable(`torch.${name}`);
  }

  private fail(message: string): never {
    throw new Error(`[${this.source.op}] ${message}`);
  }

  /** Resolves `('storage', torch.FloatStorage, key, location, numel)` to one storage per key. */
  persistentLoad(pid: unknown): LoadedStorage {
    if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== 'storage') {
      this.fail(`unexpected persistent id ${brief(pid)}: expected ('storage', type, key, location, numel)`);
    }
    const [, type, key, , numel] = pid as unknown[];
    if (!(type instanceof PickleGlobal)) this.fail('a storage persistent id does not name a storage class');
    if (typeof key !== 'string') this.fail('a storage persistent id has a key that is not a string');
    if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) this.fail(`storage '${key}' has an invalid size ${brief(numel)}`);
    const dtype = this.storageDtypes.get(type.fn);
    if (dtype === undefined) {
      const pyDtype = UNSUPPORTED_STORAGE_CLASS[type.name];
      this.fail(
        pyDtype !== undefined
          ? `storage '${key}' holds ${pyDtype} (${type.qualifiedName}), which typetorch does not support: it has ${SUPPORTED_DTYPES}`
          : `storage '${key}' names ${type.qualifiedName}, which is not a storage class`,
      );
    }
    const known = this.storages.get(key);
    if (known !== undefined) {
      if (known.storage.dtype !== dtype) {
        this.fail(`storage '${key}' is used as both ${known.storage.dtype} and ${dtype}; reinterpreting a storage as another dtype is not supported`);
      }
      return known;
    }
    const bytes = this.source.readRecord(key);
    const needed = numel * itemSize(dtype);
    if (bytes.length !== needed) {
      this.fail(`storage record '${key}' holds ${bytes.length} bytes, but its ${numel} ${dtype} elements need ${needed}: the file is corrupt`);
    }
    const data = typedArrayFromBytes(dtype, bytes, this.source.littleEndian);
    const loaded = new LoadedStorage(key, storageFromHost(this.source.device, dtype, data, this.source.op));
    this.storages.set(key, loaded);
    return loaded;
  }

  private rebuildTensor(storage: unknown, offset: unknown, size: unknown, stride: unknown, requiresGrad: unknown): Tensor {
    if (!(storage instanceof LoadedStorage)) this.fail('_rebuild_tensor_v2 got something that is not a storage');
    const key = storage.key;
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) this.fail(`a tensor of storage '${key}' has an invalid offset`);
    if (!isIntList(size) || !isIntList(stride) || size.length !== stride.length) {
      this.fail(`a tensor of storage '${key}' has an invalid size or stride (${brief(size)}, ${brief(stride)})`);
    }
    // A view with zero strides may have more elements than its storage, but not more than can be counted.
    if (!Number.isSafeInteger(size.reduce((acc, d) => acc * d, 1))) {
      this.fail(`a tensor of storage '${key}' has shape [${size.join(', ')}], whose number of elements is too large to count`);
    }
    const numel = storage.storage.numel;
    if (size.every((d) => d > 0)) {
      const last = size.reduce((acc, d, i) => acc + (d - 1) * stride[i], offset);
      if (last >= numel) {
        this.fail(`a tensor of shape [${size.join(', ')}] with strides [${stride.join(', ')}] at offset ${offset} reaches element ${last} of storage '${key}', which has ${numel}: the file is corrupt`);
      }
    }
    const t = new Tensor(storage.storage, size, stride, offset, null);
    if (requiresGrad === true) this.setRequiresGrad(t);
    return t;
  }

  private rebuildParameter(data: unknown, requiresGrad: unknown): Tensor {
    if (!(data instanceof Tensor)) this.fail('_rebuild_parameter got something that is not a tensor');
    if (requiresGrad === true) this.setRequiresGrad(data);
    return data;
  }

  private setRequiresGrad(t: Tensor): void {
    if (!t.isFloatingPoint()) this.fail(`a ${t.dtype} tensor cannot require grad`);
    t.requiresGrad_(true);
  }
}

/** An object key from a Python dict key: str as is, ints and floats in decimal. */
function objectKey(key: unknown, op: string): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number') return String(key);
  if (typeof key === 'bigint') {
    // Decimal printing is quadratic in the length; no checkpoint has int keys of more than 64 bits.
    if (key < -(2n ** 64n) || key > 2n ** 64n) throw new Error(`[${op}] a dict key is an int too large to become a JavaScript object key`);
    return String(key);
  }
  throw new Error(`[${op}] a dict key of type ${key === null ? 'None' : typeof key} cannot become a JavaScript object key`);
}

/** An unpickled value as a plain JavaScript value (containers come back empty and are filled later). */
function convertLeaf(value: unknown, op: string): unknown {
  if (value instanceof PickleGlobal && value.module === 'torch' && Object.prototype.hasOwnProperty.call(DTYPE_GLOBAL, value.name)) {
    return DTYPE_GLOBAL[value.name];
  }
  if (value instanceof LoadedStorage) throw new Error(`[${op}] the checkpoint holds a bare storage (torch.save of a storage), which typetorch does not load; save tensors instead`);
  if (value instanceof PickleGlobal) throw new Error(`[${op}] the checkpoint holds the global '${value.qualifiedName}' itself, which has no JavaScript value`);
  throw new Error(`[${op}] the checkpoint holds a value that cannot be converted`);
}

/**
 * Turns unpickled values into plain JavaScript values, keeping shared and cyclic references.
 * Iterative (a work list, not recursion), so that a small file of deeply nested lists cannot
 * overflow the stack: each container is created when first met and filled when its turn comes.
 */
function toJavaScript(root: unknown, op: string): unknown {
  const seen = new Map<object, unknown>();
  const pending: (() => void)[] = [];
  const convert = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || value instanceof Tensor || value instanceof Uint8Array) return value;
    if (seen.has(value)) return seen.get(value);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      pending.push(() => { for (const item of value) out.push(convert(item)); });
      return out;
    }
    if (value instanceof Map) {
      const out: Record<string, unknown> = {};
      seen.set(value, out);
      pending.push(() => {
        for (const [k, v] of value) {
          // defineProperty keeps a key named `__proto__` an ordinary key instead of a prototype change.
          Object.defineProperty(out, objectKey(k, op), { value: convert(v), enumerable: true, writable: true, configurable: true });
        }
      });
      return out;
    }
    if (value instanceof Set) {
      const out = new Set<unknown>();
      seen.set(value, out);
      pending.push(() => { for (const item of value) out.add(convert(item)); });
      return out;
    }
    return convertLeaf(value, op);
  };
  const result = convert(root);
  for (let task = pending.pop(); task !== undefined; task = pending.pop()) task();
  return result;
}

/** Unpickles a checkpoint's `data.pkl`, rebuilding tensors from `source`, and returns plain JavaScript values. */
export function unpickleCheckpoint(pickle: Uint8Array, source: CheckpointSource): unknown {
  const reader = new CheckpointReader(source);
  const value = unpickle(pickle, {
    globals: reader.globals,
    persistentLoad: (pid) => reader.persistentLoad(pid),
    op: source.op,
  });
  return toJavaScript(value, source.op);
}
