// The safetensors format, checked against the byte-exact expectations of the reference implementation.
import { describe, it, expect } from 'vitest';
import * as torch from '@typetorch/core';
import '@typetorch/backend-cpu';
import { readSafetensorsMetadata } from '../src/serialization/index.js';

const values = (t: torch.Tensor) => Array.from(t.dataSync() as ArrayLike<number | bigint>);

function withHeader(header: string, data: number[] = []): Uint8Array {
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

describe('saveToBytes in the safetensors format', () => {
  // The expected bytes are the safetensors crate's own serialization tests (tensor.rs).
  it('writes an empty file as the crate does: {} padded with spaces to 8 bytes', async () => {
    expect(Array.from(await torch.saveToBytes({}, { format: 'safetensors' }))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  });

  it('writes __metadata__ first, as the crate does', async () => {
    const bytes = await torch.saveToBytes({}, { format: 'safetensors', metadata: { framework: 'pt' } });
    expect(Array.from(bytes)).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114, 97,
      109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  it('writes one F32 tensor byte for byte as the crate does', async () => {
    const bytes = await torch.saveToBytes({ 'attn.0': torch.arange(6).float().view(1, 2, 3) }, { format: 'safetensors' });
    expect(Array.from(bytes)).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51,
      50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
      115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0,
      128, 64, 0, 0, 160, 64,
    ]);
  });

  it('pads the header so that tensor data starts 8-byte aligned, as the crate does', async () => {
    const bytes = await torch.saveToBytes({ attn0: torch.arange(6).float().view(1, 1, 2, 3) }, { format: 'safetensors' });
    expect(bytes[0]).toBe(72);
    expect(new TextDecoder().decode(bytes.subarray(8, 80))).toBe('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ');
  });

  it('orders tensors by descending dtype alignment, then by name, like the crate', async () => {
    const bytes = await torch.saveToBytes({
      b: torch.ones(1, { dtype: 'bool' }), u: torch.ones(1, { dtype: 'uint8' }), i: torch.ones(1, { dtype: 'int32' }),
      z: torch.ones(1), a: torch.ones(1), d: torch.ones(1, { dtype: 'float64' }), l: torch.ones(1, { dtype: 'int64' }),
    }, { format: 'safetensors' });
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    expect(Object.keys(header)).toEqual(['l', 'd', 'a', 'z', 'i', 'u', 'b']);
    expect(header.l.data_offsets).toEqual([0, 8]);
    expect(header.b.data_offsets).toEqual([29, 30]); // 8 + 8 + 4 + 4 + 4 + 1 bytes before it
  });

  it('round-trips every dtype with exact values, writing non-contiguous tensors contiguously', async () => {
    const tensors = {
      f32: torch.tensor([[1.5, -0, Infinity], [NaN, 3.4e38, 1e-45]]),
      f64: torch.tensor([0.1, -1e300, 5e-324], { dtype: 'float64' }),
      i64: torch.tensor([2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n], { dtype: 'int64' }),
      i32: torch.tensor([-(2 ** 31), 2 ** 31 - 1], { dtype: 'int32' }),
      u8: torch.tensor([0, 128, 255], { dtype: 'uint8' }),
      mask: torch.tensor([true, false, true]),
      transposed: torch.arange(6).float().view(2, 3).t(),
      scalar: torch.tensor(7, { dtype: 'int64' }),
      empty: torch.zeros(0, 2),
    };
    const back = torch.loadFromBytes(await torch.saveToBytes(tensors, { format: 'safetensors' }), { format: 'safetensors' });
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].dtype, name).toBe(t.dtype);
      expect([...back[name].shape], name).toEqual([...t.shape]);
      expect(values(back[name]), name).toEqual(values(t.contiguous()));
      expect(back[name].isContiguous()).toBe(true);
    }
  });

  it('keeps metadata, readable on its own', async () => {
    const bytes = await torch.saveToBytes({ w: torch.ones(2) }, { format: 'safetensors', metadata: { format: 'pt', epoch: '3' } });
    expect(readSafetensorsMetadata(bytes)).toEqual({ format: 'pt', epoch: '3' });
    expect(readSafetensorsMetadata(await torch.saveToBytes({}, { format: 'safetensors' }))).toBeNull();
  });

  it('refuses anything but a flat record of tensors, saying what it got', async () => {
    const fmt = { format: 'safetensors' } as const;
    await expect(torch.saveToBytes({ w: torch.ones(1), lr: 0.1 }, fmt)).rejects.toThrow(
      "[save] a .safetensors file holds a flat Record<string, Tensor> (such as a module's stateDict()); 'lr' is a number, not a Tensor",
    );
    await expect(torch.saveToBytes({ state: { w: torch.ones(1) } }, fmt)).rejects.toThrow("'state' is an object, not a Tensor");
    await expect(torch.saveToBytes([torch.ones(1)], fmt)).rejects.toThrow('got an array');
    await expect(torch.saveToBytes(torch.ones(1), fmt)).rejects.toThrow('got a Tensor');
    await expect(torch.saveToBytes({ __metadata__: torch.ones(1) }, fmt)).rejects.toThrow("the name '__metadata__' is reserved");
    await expect(torch.saveToBytes({}, { format: 'safetensors', metadata: { n: 1 as unknown as string } })).rejects.toThrow(
      "[save] safetensors metadata values are strings; 'n' is a number",
    );
  });
});

describe('loadFromBytes of safetensors files reports damage clearly', () => {
  const fmt = { format: 'safetensors' } as const;

  it('says when the header length runs past the end of the file', () => {
    const bytes = withHeader('{}');
    new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
    expect(() => torch.loadFromBytes(bytes, fmt)).toThrow(
      '[load] safetensors header length 1000 runs past the end of the file (10 bytes): the file is truncated or not a safetensors file',
    );
    expect(() => torch.loadFromBytes(new Uint8Array(3), fmt)).toThrow('[load] the file is too short (3 bytes) to be a safetensors file');
  });

  it('says when the tensor data is cut short', async () => {
    const bytes = await torch.saveToBytes({ w: torch.ones(4) }, fmt);
    expect(() => torch.loadFromBytes(bytes.subarray(0, bytes.length - 3), fmt)).toThrow(
      '[load] the tensors need 16 bytes of data but the file holds 13: the file is truncated',
    );
  });

  it('checks offsets against shapes, gaps and overlaps, dtypes and JSON', () => {
    const f32 = [0, 0, 128, 63];
    expect(() => torch.loadFromBytes(withHeader('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', f32), fmt)).toThrow(
      "[load] 'w' has data_offsets [0, 4] (4 bytes), but shape [2] of F32 needs 8 bytes",
    );
    expect(() => torch.loadFromBytes(withHeader('{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', [...f32, ...f32]), fmt)).toThrow(
      "[load] the data of 'w' starts at 4, not at 0",
    );
    expect(() => torch.loadFromBytes(withHeader('{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', f32), fmt)).toThrow(
      "[load] 'w' has safetensors dtype F16, which typetorch does not support (it reads F32, F64, I64, I32, U8 and BOOL)",
    );
    expect(() => torch.loadFromBytes(withHeader('{"w":', f32), fmt)).toThrow('[load] the safetensors header is not valid UTF-8 JSON');
    expect(() => torch.loadFromBytes(withHeader('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [...f32, 9]), fmt)).toThrow(
      '[load] the file has 1 bytes after the last tensor',
    );
  });

  it('refuses shapes whose element count overflows instead of allocating for them', () => {
    expect(() => torch.loadFromBytes(withHeader('{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,0]}}'), fmt)).toThrow(
      "[load] 'w' has data_offsets [0, 0] (0 bytes), but shape [4294967296, 4294967296, 4294967296] of F32 needs 3.1691265005705735e+29 bytes",
    );
    expect(() => torch.loadFromBytes(withHeader('{"w":{"dtype":"F32","shape":[1e300],"data_offsets":[0,4]}}', [0, 0, 0, 0]), fmt)).toThrow(
      "[load] 'w' has an invalid shape [1e+300]",
    );
    expect(() => torch.loadFromBytes(withHeader('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,1e300]}}', [0, 0, 0, 0]), fmt)).toThrow(
      "[load] 'w' has invalid data_offsets [0,1e+300]",
    );
  });

  it('keeps metadata keys named __proto__ and constructor as ordinary keys', () => {
    const bytes = withHeader('{"__metadata__":{"__proto__":"x","constructor":"y"}}');
    const metadata = readSafetensorsMetadata(bytes)!;
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.entries(metadata)).toEqual([['__proto__', 'x'], ['constructor', 'y']]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reads a tensor named __proto__ as an ordinary key', () => {
    const back = torch.loadFromBytes(withHeader('{"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [7]), fmt);
    expect(Object.keys(back)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(values(back['__proto__'])).toEqual([7]);
  });
});
