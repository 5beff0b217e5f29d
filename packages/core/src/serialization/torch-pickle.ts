/**
 * Turns the objects a checkpoint holds into the pickle `torch.save` writes: plain objects become
 * dicts (module state dicts `collections.OrderedDict`), arrays lists, integral numbers and bigints
 * ints, other numbers floats, strings str, booleans bool, null None, and tensors
 * `torch._utils._rebuild_tensor_v2` calls over persistent-id storages
 * `('storage', torch.FloatStorage, key, 'cpu', numel)`, one per distinct storage, so views that
 * share memory stay views of one storage, exactly as PyTorch writes them.
 *
 * @module
 */
import type { Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { PickleWriter } from './pickle-writer.js';
import { STORAGE_CLASS } from './torch-types.js';

/** The pickle of a checkpoint and the storages its persistent ids name (key `i` is `storages[i]`). */
export interface PickledCheckpoint {
  /** The `data.pkl` bytes. */
  readonly pickle: Uint8Array;
  /** The storages to write as `data/0`, `data/1`, ... in this order. */
  readonly storages: readonly Storage[];
}

const INTEGER_KEY = /^(0|-?[1-9]\d*)$/;

/** True for object keys that are canonical integers: they become Python int keys (optimizer state). */
export function isIntegerKey(key: string): boolean {
  return INTEGER_KEY.test(key) && Number.isSafeInteger(Number(key));
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

/** Where a value sits, for error messages: `state.0.momentum_buffer`. */
function childPath(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

class CheckpointPickler {
  readonly writer = new PickleWriter();
  private readonly memo = new Map<object, number>();
  private readonly storageKeys = new Map<Storage, number>();
  readonly storages: Storage[] = [];

  private fail(path: string, value: unknown): never {
    const where = path === '' ? '' : ` at '${path}'`;
    throw new Error(
      `[save] cannot save ${describeValue(value)}${where}: checkpoints hold plain objects, Maps, arrays, numbers, ` +
        `bigints, strings, booleans, null and Tensors`,
    );
  }

  write(value: unknown, path: string, underIntegerKey: boolean): void {
    const w = this.writer;
    if (value instanceof Tensor) {
      // Before the typeof checks: the tensor of `t.data` is callable, so its typeof is 'function'.
      const seen = this.memo.get(value);
      if (seen !== undefined) w.get(seen);
      else this.tensor(value);
      return;
    }
    switch (typeof value) {
      case 'boolean': w.bool(value); return;
      case 'bigint': w.int(value); return;
      case 'string': w.string(value); return;
      case 'number':
        if (Number.isSafeInteger(value) && !Object.is(value, -0)) w.int(value);
        else w.float(value);
        return;
      case 'object':
        break;
      default:
        this.fail(path, value);
    }
    if (value === null) {
      w.none();
      return;
    }
    const seen = this.memo.get(value);
    if (seen !== undefined) {
      w.get(seen); // the same object again (or a cycle): PyTorch reads it back as the same object
      return;
    }
    if (Array.isArray(value)) this.list(value, path);
    else if (value instanceof Map) this.map(value, path);
    else if (isPlainObject(value)) this.object(value, path, underIntegerKey);
    else this.fail(path, value);
  }

  private list(items: unknown[], path: string): void {
    this.memo.set(items, this.writer.emptyList());
    this.writer.appendItems(items.map((item, i) => [item, i] as const), ([item, i]) => this.write(item, childPath(path, i), false));
  }

  private object(obj: Record<string, unknown>, path: string, underIntegerKey: boolean): void {
    const w = this.writer;
    const keys = Object.keys(obj);
    // `torch.save(model.state_dict())` writes an OrderedDict; an optimizer's per-parameter state
    // (the values under integer keys) is a plain dict even when it holds only tensors.
    const stateDict = !underIntegerKey && keys.length > 0 && keys.every((k) => obj[k] instanceof Tensor);
    if (stateDict) {
      w.global('collections', 'OrderedDict');
      w.tuple(0, () => {});
      w.reduce();
      this.memo.set(obj, w.memoize());
    } else {
      this.memo.set(obj, w.emptyDict());
    }
    w.setItems(keys, (key) => {
      const integer = isIntegerKey(key);
      if (integer) w.int(Number(key));
      else w.string(key);
      this.write(obj[key], childPath(path, key), integer);
    });
  }

  private map(map: Map<unknown, unknown>, path: string): void {
    this.memo.set(map, this.writer.emptyDict());
    this.writer.setItems([...map], ([key, value]) => {
      if (key !== null && typeof key === 'object') this.fail(childPath(path, '<key>'), key);
      this.write(key, path, false);
      this.write(value, childPath(path, String(key)), typeof key === 'number' && Number.isSafeInteger(key));
    });
  }

  private storageKey(storage: Storage): number {
    let key = this.storageKeys.get(storage);
    if (key === undefined) {
      key = this.storages.length;
      this.storageKeys.set(storage, key);
      this.storages.push(storage);
    }
    return key;
  }

  private tensor(t: Tensor): void {
    const w = this.writer;
    const storage = t._storage;
    if (storage.isDisposed) throw new Error(`[save] a tensor's memory was disposed; it can no longer be saved`);
    const key = this.storageKey(storage);
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.tuple(6, () => {
      w.tuple(5, () => {
        w.string('storage');
        w.global('torch', STORAGE_CLASS[storage.dtype]);
        w.string(String(key));
        w.string('cpu'); // PyTorch's location; tensors of any typetorch device load on its CPU
        w.int(storage.numel);
      });
      w.persistentId();
      w.int(t._offset);
      w.tuple(t.shape.length, () => t.shape.forEach((d) => w.int(d)));
      w.tuple(t._strides.length, () => t._strides.forEach((s) => w.int(s)));
      w.bool(t.requiresGrad);
      w.global('collections', 'OrderedDict'); // backward hooks: always empty, as in PyTorch
      w.tuple(0, () => {});
      w.reduce();
    });
    w.reduce();
    this.memo.set(t, w.memoize());
  }
}

/** Pickles a checkpoint object as `torch.save` does (protocol 2) and lists the storages it names. */
export function pickleCheckpoint(value: unknown): PickledCheckpoint {
  const pickler = new CheckpointPickler();
  pickler.write(value, '', false);
  return { pickle: pickler.writer.finish(), storages: pickler.storages };
}
