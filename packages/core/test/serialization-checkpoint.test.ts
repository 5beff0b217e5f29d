// saveToBytes / loadFromBytes / save / load: PyTorch's zip format, object mapping, views, devices, atomic files.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as torch from '@typetorch/core';
import { cpuBackend } from '@typetorch/backend-cpu';
import { asyncOnly } from '@typetorch/core/testing';
import type { CheckpointFileSystem, WritableCheckpointFile } from '@typetorch/core';
import { ZipArchive, writeZip } from '../src/serialization/zip.js';
import { concatChunks } from '../src/serialization/byte-io.js';
import { unpickle, type PickleCallable } from '../src/serialization/pickle-reader.js';
import { PickleWriter } from '../src/serialization/pickle-writer.js';

const values = (t: torch.Tensor) => Array.from(t.dataSync() as ArrayLike<number | bigint>);

/** The Python-level view of a saved pickle: which globals it calls, with a recording whitelist. */
function pickledCalls(bytes: Uint8Array): { value: unknown; calls: string[] } {
  const zip = new ZipArchive(bytes);
  const calls: string[] = [];
  const record = (name: string, result: (...args: unknown[]) => unknown): PickleCallable => (...args) => {
    calls.push(name);
    return result(...args);
  };
  const globals: Record<string, PickleCallable> = {
    'collections.OrderedDict': record('OrderedDict', () => new Map()),
    'torch._utils._rebuild_tensor_v2': record('tensor', (_storage, offset, size, stride) => ({ offset, size, stride })),
  };
  for (const s of ['FloatStorage', 'DoubleStorage', 'LongStorage', 'IntStorage', 'ByteStorage', 'BoolStorage']) globals[`torch.${s}`] = () => s;
  const value = unpickle(zip.read('archive/data.pkl'), { globals, persistentLoad: (pid) => pid });
  return { value, calls };
}

describe('saveToBytes writes what torch.save writes', () => {
  it('lays out the archive as PyTorch does: data.pkl, byteorder, one record per storage, version 3', async () => {
    const base = torch.arange(6).float();
    const bytes = await torch.saveToBytes({ a: base.index('1:4'), b: base.view(2, 3), c: torch.ones(2, { dtype: 'int64' }) });
    const zip = new ZipArchive(bytes);
    expect(zip.names()).toEqual(['archive/data.pkl', 'archive/byteorder', 'archive/data/0', 'archive/data/1', 'archive/version']);
    expect(new TextDecoder().decode(zip.read('archive/version'))).toBe('3\n');
    expect(new TextDecoder().decode(zip.read('archive/byteorder'))).toBe('little');
    expect(Array.from(new Float32Array(new Uint8Array(zip.read('archive/data/0')).buffer))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(new BigInt64Array(new Uint8Array(zip.read('archive/data/1')).buffer))).toEqual([1n, 1n]);
  });

  it('names each storage once with its class, key, cpu location and size, and each view by offset, size and stride', async () => {
    const base = torch.arange(12).float();
    const { value } = pickledCalls(await torch.saveToBytes([base.view(3, 4).index(':', 1), base.index('2:8').view(2, 3)]));
    expect(value).toEqual([
      { offset: 1, size: [3], stride: [4] },
      { offset: 2, size: [2, 3], stride: [3, 1] },
    ]);
  });

  it('writes a state dict (all tensors) as OrderedDict, optimizer state under integer keys as plain dicts', async () => {
    const t = torch.ones(1);
    const { value, calls } = pickledCalls(await torch.saveToBytes({ weight: t, bias: torch.zeros(1) }));
    expect(calls.filter((c) => c === 'OrderedDict')).toHaveLength(3); // the dict + each tensor's empty backward hooks
    expect(value).toBeInstanceOf(Map);
    const optimizer = { state: { 0: { momentum_buffer: t } }, param_groups: [{ lr: 0.1, params: [0] }] };
    const written = pickledCalls(await torch.saveToBytes(optimizer));
    expect(written.calls.filter((c) => c === 'OrderedDict')).toHaveLength(1); // backward hooks only
    const state = (written.value as Map<string, Map<unknown, unknown>>).get('state')!;
    expect([...state.keys()]).toEqual([0]); // a Python int key, as PyTorch's optimizers use
  });
});

describe('loadFromBytes(saveToBytes(x)) gives x back', () => {
  it('round-trips every dtype with exact values', async () => {
    const tensors = {
      f32: torch.tensor([1.5, -0, Infinity, -Infinity, NaN, 3.4e38, 1e-45]),
      f64: torch.tensor([0.1, -1e300, 5e-324, -0], { dtype: 'float64' }),
      i64: torch.tensor([0n, -1n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n], { dtype: 'int64' }),
      i32: torch.tensor([-(2 ** 31), -1, 0, 2 ** 31 - 1], { dtype: 'int32' }),
      u8: torch.tensor([0, 1, 127, 255], { dtype: 'uint8' }),
      b: torch.tensor([[true, false], [false, true]]),
      scalar: torch.tensor(2.5, { dtype: 'float64' }),
      empty: torch.zeros(0, 3),
    };
    const back = torch.loadFromBytes(await torch.saveToBytes(tensors));
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].dtype, name).toBe(t.dtype);
      expect([...back[name].shape], name).toEqual([...t.shape]);
      expect(values(back[name]), name).toEqual(values(t));
      expect(back[name].device).toBe('cpu');
    }
  });

  it('keeps non-contiguous strides and offsets, and views of one storage share memory again', async () => {
    const base = torch.arange(12).float();
    const saved = { t: torch.arange(6).float().view(2, 3).t(), rows: base.index('2:8').view(2, 3), column: base.view(3, 4).index(':', 1) };
    const back = torch.loadFromBytes(await torch.saveToBytes(saved));
    expect(back.t.stride()).toEqual([1, 3]);
    expect(values(back.t)).toEqual([0, 3, 1, 4, 2, 5]);
    expect([back.rows.storageOffset(), back.column.storageOffset()]).toEqual([2, 1]);
    expect(back.column.stride()).toEqual([4]);
    expect(back.rows._storage).toBe(back.column._storage);
    back.rows.fill_(-1); // elements 2..7 of the shared storage
    expect(values(back.column)).toEqual([1, -1, 9]);
  });

  it('maps numbers, bigints, strings, booleans, null, arrays and nested objects', async () => {
    const obj = {
      ints: [0, -1, 255, 65536, 2 ** 31, -(2 ** 40), Number.MAX_SAFE_INTEGER],
      bigints: [2n ** 53n + 1n, -(2n ** 70n), 10n ** 30n],
      floats: [0.5, -0, 1e-8, Infinity, NaN, 1e300],
      strings: ['', 'ünïcødé ✓', 'line\nbreak'],
      flags: [true, false, null],
      nested: { state: { 0: { step: 3 }, 12: {} }, groups: [{ lr: 0.01, betas: [0.9, 0.999], params: [0, 1] }] },
    };
    const back = torch.loadFromBytes(await torch.saveToBytes(obj));
    expect(back).toEqual(obj);
    expect(Object.is(back.floats[1], -0)).toBe(true);
    expect(Object.keys(back.nested.state)).toEqual(['0', '12']);
  });

  it('loads a dict key named __proto__ as an ordinary key, never as a prototype', async () => {
    const back = torch.loadFromBytes(await torch.saveToBytes(JSON.parse('{"__proto__": {"polluted": true}}')));
    expect(Object.keys(back)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect((back as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('keeps shared and cyclic references', async () => {
    const shared = { x: 1 };
    const cyclic: unknown[] = [shared, shared];
    cyclic.push(cyclic);
    const t = torch.ones(2);
    const back = torch.loadFromBytes(await torch.saveToBytes({ list: cyclic, t1: t, t2: t }));
    expect(back.list[0]).toBe(back.list[1]);
    expect(back.list[2]).toBe(back.list);
    expect(back.t1).toBe(back.t2);
  });

  it('saves the tensor of .data (callable, so typeof "function") as a tensor sharing the storage', async () => {
    const w = torch.tensor([1, 2, 3]);
    const back = torch.loadFromBytes(await torch.saveToBytes({ d: w.data, w }));
    expect(values(back.d)).toEqual([1, 2, 3]);
    expect(back.d._storage).toBe(back.w._storage);
  });

  it('keeps requiresGrad', async () => {
    const w = torch.ones(2, { requiresGrad: true });
    const back = torch.loadFromBytes(await torch.saveToBytes({ w, d: w.detach() }));
    expect(back.w.requiresGrad).toBe(true);
    expect(back.d.requiresGrad).toBe(false);
  });

  it('accepts Maps with number keys and ArrayBuffers', async () => {
    const bytes = await torch.saveToBytes(new Map<unknown, unknown>([[1, 'one'], ['two', 2]]));
    expect(torch.loadFromBytes(bytes.slice().buffer)).toEqual({ 1: 'one', two: 2 });
  });

  it('refuses values that have no Python counterpart, naming where they are', async () => {
    await expect(torch.saveToBytes({ a: { b: [1, undefined] } })).rejects.toThrow(
      "[save] cannot save undefined at 'a.b.1': checkpoints hold plain objects, Maps, arrays, numbers, bigints, strings, booleans, null and Tensors",
    );
    await expect(torch.saveToBytes({ f: () => 1 })).rejects.toThrow("[save] cannot save a function at 'f'");
    await expect(torch.saveToBytes({ d: new Date(0) })).rejects.toThrow("[save] cannot save a Date at 'd'");
    await expect(torch.saveToBytes(new Float32Array(2))).rejects.toThrow('[save] cannot save a Float32Array');
    await expect(torch.saveToBytes({}, { format: 'zip' as never })).rejects.toThrow("[save] unknown format \"zip\": expected 'pytorch' or 'safetensors'");
    await expect(torch.saveToBytes({}, { metadata: { a: 'b' } })).rejects.toThrow('[save] metadata is a safetensors feature');
  });
});

describe('devices', () => {
  beforeAll(() => {
    torch.registerBackend('ck-async', { ...asyncOnly(cpuBackend), name: 'ck-async' });
  });
  afterAll(() => torch.unregisterBackend('ck-async'));

  it('saves tensors of a device without synchronous reads (await t.data())', async () => {
    const t = torch.tensor([1, 2, 3], { device: 'ck-async' });
    const back = torch.loadFromBytes(await torch.saveToBytes({ t, v: t.index('1:') }));
    expect(back.t.device).toBe('cpu');
    expect(values(back.v)).toEqual([2, 3]);
  });

  it('loads onto the device asked for, keeping shared storages shared (map_location)', async () => {
    const base = torch.arange(4).float();
    const back = torch.loadFromBytes(await torch.saveToBytes({ a: base, b: base.index('2:') }), { device: 'ck-async' });
    expect(back.a.device).toBe('ck-async');
    expect(back.a._storage).toBe(back.b._storage);
    expect(Array.from(await back.b.data())).toEqual([2, 3]);
    const st = torch.loadFromBytes(await torch.saveToBytes({ w: base }, { format: 'safetensors' }), { device: 'ck-async' });
    expect(st.w.device).toBe('ck-async');
    expect(() => torch.loadFromBytes(new Uint8Array(30), { device: 'nowhere' })).toThrow("[load] no backend registered for device 'nowhere'");
  });
});

describe('loadFromBytes recognises formats and reports damage', () => {
  it('tells PyTorch zip files from safetensors files by their bytes', async () => {
    const st = await torch.saveToBytes({ w: torch.ones(2) }, { format: 'safetensors' });
    expect(values(torch.loadFromBytes(st).w)).toEqual([1, 1]);
    expect(() => torch.loadFromBytes(st, { format: 'pytorch' })).toThrow(
      "[load] the data is a safetensors file, not a PyTorch zip checkpoint: name it .safetensors or pass { format: 'safetensors' }",
    );
  });

  it('says when a storage record is missing or has the wrong size', async () => {
    const zip = new ZipArchive(await torch.saveToBytes({ a: torch.ones(3), b: torch.zeros(2) }));
    const without = (name: string) => concatChunks('test', writeZip(zip.names().filter((n) => n !== name).map((n) => ({ name: n, data: zip.read(n) }))));
    expect(() => torch.loadFromBytes(without('archive/data/1'))).toThrow("[load] missing storage record 'archive/data/1': the file is incomplete or corrupt");
    const short = concatChunks('test', writeZip(zip.names().map((n) => ({ name: n, data: n === 'archive/data/0' ? zip.read(n).subarray(4) : zip.read(n) }))));
    expect(() => torch.loadFromBytes(short)).toThrow("[load] storage record '0' holds 8 bytes, but its 3 float32 elements need 12: the file is corrupt");
    expect(() => torch.loadFromBytes(without('archive/data.pkl'))).toThrow('[load] the zip archive has no data.pkl record: it is not a torch.save checkpoint');
  });

  it('recognises PyTorch’s legacy format and says how to convert it', () => {
    const legacy = Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e);
    expect(() => torch.loadFromBytes(legacy)).toThrow("[load] this is PyTorch's legacy (before 1.6) checkpoint format");
  });
});

/** A checkpoint whose pickle is one `_rebuild_tensor_v2` call with the given (possibly wrong) arguments. */
function craftedTensorFile(o: { storageClass: string; numel: number; offset: number; size: (number | bigint)[]; stride: number[]; bytes: number }): Uint8Array {
  const w = new PickleWriter();
  w.global('torch._utils', '_rebuild_tensor_v2');
  w.tuple(6, () => {
    w.tuple(5, () => { w.string('storage'); w.global('torch', o.storageClass); w.string('0'); w.string('cpu'); w.int(o.numel); });
    w.persistentId();
    w.int(o.offset);
    w.tuple(o.size.length, () => o.size.forEach((d) => w.int(d)));
    w.tuple(o.stride.length, () => o.stride.forEach((d) => w.int(d)));
    w.bool(false);
    w.global('collections', 'OrderedDict');
    w.tuple(0, () => {});
    w.reduce();
  });
  w.reduce();
  const entries = [{ name: 'archive/data.pkl', data: w.finish() }, { name: 'archive/data/0', data: new Uint8Array(o.bytes) }];
  return concatChunks('test', writeZip(entries));
}

describe('loadFromBytes checks what the pickle says about storages and views', () => {
  it('rebuilds a tensor from a crafted file that is consistent', () => {
    const t = torch.loadFromBytes(craftedTensorFile({ storageClass: 'IntStorage', numel: 6, offset: 1, size: [2, 2], stride: [3, 1], bytes: 24 }));
    expect([t.dtype, [...t.shape], t.stride(), t.storageOffset()]).toEqual(['int32', [2, 2], [3, 1], 1]);
  });

  it('refuses views that reach past their storage', () => {
    expect(() => torch.loadFromBytes(craftedTensorFile({ storageClass: 'FloatStorage', numel: 2, offset: 1, size: [10], stride: [1], bytes: 8 }))).toThrow(
      "[load] a tensor of shape [10] with strides [1] at offset 1 reaches element 10 of storage '0', which has 2: the file is corrupt",
    );
  });

  it('names PyTorch dtypes that typetorch lacks', () => {
    expect(() => torch.loadFromBytes(craftedTensorFile({ storageClass: 'HalfStorage', numel: 2, offset: 0, size: [2], stride: [1], bytes: 4 }))).toThrow(
      "[load] storage '0' holds float16 (torch.HalfStorage), which typetorch does not support: it has float32, float64, int64, int32, uint8 and bool",
    );
  });
});

/** A checkpoint holding `pickle` as its data.pkl (and storage records `data/<key>` of the given sizes). */
function checkpointWithPickle(pickle: Uint8Array, records: number[] = []): Uint8Array {
  const entries = [{ name: 'archive/data.pkl', data: pickle }, ...records.map((n, key) => ({ name: `archive/data/${key}`, data: new Uint8Array(n) }))];
  return concatChunks('test', writeZip(entries));
}

/** Pickle bytes from pieces: strings are Latin-1 text (opcodes and their text), arrays raw bytes. */
function rawPickle(...pieces: (string | number[] | Uint8Array)[]): Uint8Array {
  const chunks = pieces.map((piece) => (typeof piece === 'string' ? Uint8Array.from(piece, (c) => c.charCodeAt(0)) : Uint8Array.from(piece)));
  return concatChunks('test', { chunks, byteLength: chunks.reduce((n, c) => n + c.length, 0) });
}

describe('loadFromBytes of hostile checkpoints', () => {
  it('loads 200000 nested lists without overflowing the stack (PyTorch loads them too)', () => {
    const depth = 200_000;
    const pickle = new Uint8Array(2 + 2 * depth);
    pickle.set([0x80, 2]);
    pickle.fill(0x5d, 2, 2 + depth); // EMPTY_LIST × depth
    pickle.fill(0x61, 2 + depth, 1 + 2 * depth); // APPEND × (depth - 1)
    pickle[1 + 2 * depth] = 0x2e;
    let value = torch.loadFromBytes(checkpointWithPickle(pickle)) as unknown[];
    let levels = 1;
    while (value.length === 1) {
      value = value[0] as unknown[];
      levels++;
    }
    expect([levels, value]).toEqual([depth, []]);
  });

  it('never lets dict keys or BUILD state touch a prototype', () => {
    // OrderedDict() with items __proto__ → {polluted: True}, constructor → 1, then BUILD with the same dict as state
    const pickle = rawPickle(
      [0x80, 2], 'ccollections\nOrderedDict\n)R',
      '(X', [9, 0, 0, 0], '__proto__}X', [8, 0, 0, 0], 'polluted', [0x88], 'sq', [1],
      'X', [11, 0, 0, 0], 'constructorK', [1], 'u',
      'h', [1], 'b.',
    );
    const back = torch.loadFromBytes(checkpointWithPickle(pickle)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect(back.constructor).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((back as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('refuses sizes that are huge ints or whose product cannot be counted, with [load] errors', () => {
    const file = (size: (number | bigint)[], stride: number[]) => craftedTensorFile({ storageClass: 'FloatStorage', numel: 1, offset: 0, size, stride, bytes: 4 });
    expect(() => torch.loadFromBytes(file([2n ** 70n], [1]))).toThrow("[load] a tensor of storage '0' has an invalid size or stride ([a huge int], [1])");
    expect(() => torch.loadFromBytes(file([2 ** 40, 2 ** 40], [0, 0]))).toThrow(
      "[load] a tensor of storage '0' has shape [1099511627776, 1099511627776], whose number of elements is too large to count",
    );
    // a zero-stride view larger than its storage is fine while it can be counted (PyTorch allows it too)
    const t = torch.loadFromBytes(file([3, 2], [0, 0])) as torch.Tensor;
    expect([[...t.shape], t.stride()]).toEqual([[3, 2], [0, 0]]);
  });

  it('refuses dict keys that are ints too large to print quickly, and describes odd persistent ids briefly', () => {
    const bigKey = rawPickle([0x80, 2], '}', [0x8b, 0, 0, 1, 0], new Uint8Array(65536).fill(0x11), 'Ns.');
    expect(() => torch.loadFromBytes(checkpointWithPickle(bigKey))).toThrow('[load] a dict key is an int too large to become a JavaScript object key');
    const oddPid = rawPickle([0x80, 2], '(', [0x8b, 0, 0, 1, 0], new Uint8Array(65536).fill(0x11), 'NtQ.');
    expect(() => torch.loadFromBytes(checkpointWithPickle(oddPid))).toThrow('[load] unexpected persistent id [a huge int, None]');
  });

  it('fails with [load] errors only when any byte of a checkpoint is changed (2000 random changes)', async () => {
    const bytes = await torch.saveToBytes({ w: torch.arange(6).reshape(2, 3).t(), s: { 0: { step: 3 } }, k: ['a', 1.5] });
    let seed = 4242;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const failures = new Set<string>();
    for (let trial = 0; trial < 2000; trial++) {
      const damaged = bytes.slice();
      damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      try {
        torch.loadFromBytes(damaged);
      } catch (error) {
        if (!(error as Error).message.startsWith('[load] ')) failures.add(String(error));
      }
    }
    expect([...failures]).toEqual([]);
  });
});

/** An in-memory file system whose writes or renames can be made to fail. */
class MemoryFs implements CheckpointFileSystem {
  files = new Map<string, Uint8Array>();
  failWriteAfter = Infinity;
  failRename = false;
  written = 0;

  async readFile(path: string) {
    const f = this.files.get(path);
    if (!f) throw new Error(`ENOENT: ${path}`);
    return f;
  }
  async createFile(path: string): Promise<WritableCheckpointFile> {
    if (this.files.has(path)) throw new Error(`EEXIST: ${path}`);
    this.files.set(path, new Uint8Array(0));
    return {
      write: async (data) => {
        if (this.written++ >= this.failWriteAfter) throw new Error('ENOSPC: no space left on device');
        const old = this.files.get(path)!;
        const grown = new Uint8Array(old.length + data.length);
        grown.set(old);
        grown.set(data, old.length);
        this.files.set(path, grown);
      },
      sync: async () => {},
      close: async () => {},
    };
  }
  async rename(from: string, to: string) {
    if (this.failRename) throw new Error('EIO: rename failed');
    this.files.set(to, this.files.get(from)!);
    this.files.delete(from);
  }
  async remove(path: string) {
    this.files.delete(path);
  }
}

describe('save and load through a file system', () => {
  it('writes a temporary file and renames it over the target', async () => {
    const fs = new MemoryFs();
    await torch.save({ w: torch.ones(2) }, 'model.pt', { fs });
    expect([...fs.files.keys()]).toEqual(['model.pt']);
    expect(values((await torch.load('model.pt', { fs })).w)).toEqual([1, 1]);
  });

  it('leaves the old file intact and no temporary file when a write fails', async () => {
    const fs = new MemoryFs();
    await torch.save({ version: 1 }, 'model.pt', { fs });
    const before = fs.files.get('model.pt');
    fs.failWriteAfter = fs.written + 1;
    await expect(torch.save({ version: 2, w: torch.ones(1000) }, 'model.pt', { fs })).rejects.toThrow(
      "[save] could not write 'model.pt': ENOSPC: no space left on device",
    );
    expect([...fs.files.keys()]).toEqual(['model.pt']);
    expect(fs.files.get('model.pt')).toBe(before);
    expect(await torch.load('model.pt', { fs })).toEqual({ version: 1 });
  });

  it('leaves the old file intact and no temporary file when the save fails between write and rename', async () => {
    const fs = new MemoryFs();
    await torch.save({ version: 1 }, 'model.pt', { fs });
    fs.failRename = true;
    await expect(torch.save({ version: 2 }, 'model.pt', { fs })).rejects.toThrow("[save] could not write 'model.pt': EIO: rename failed");
    expect([...fs.files.keys()]).toEqual(['model.pt']);
    expect(await torch.load('model.pt', { fs })).toEqual({ version: 1 });
  });

  it('chooses the format by extension unless told', async () => {
    const fs = new MemoryFs();
    await torch.save({ w: torch.ones(1) }, 'a.safetensors', { fs });
    await torch.save({ w: torch.ones(1) }, 'b.pth', { fs });
    await torch.save({ w: torch.ones(1) }, 'c.bin', { fs, format: 'safetensors' });
    expect(fs.files.get('a.safetensors')![8]).toBe(0x7b); // '{' of the JSON header
    expect(Array.from(fs.files.get('b.pth')!.subarray(0, 4))).toEqual([0x50, 0x4b, 3, 4]); // PK\3\4
    expect(values((await torch.load('c.bin', { fs, format: 'safetensors' })).w)).toEqual([1]);
    await expect(torch.save({ w: torch.ones(1), step: 3 }, 'x.safetensors', { fs })).rejects.toThrow(
      "[save] a .safetensors file holds a flat Record<string, Tensor> (such as a module's stateDict()); 'step' is a number, not a Tensor",
    );
    await expect(torch.load('missing.pt', { fs })).rejects.toThrow("[load] could not read 'missing.pt': ENOENT: missing.pt");
  });
});
