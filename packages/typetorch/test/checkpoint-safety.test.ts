// Loading never runs anything, damaged files fail with clear errors, and an interrupted save never
// replaces the old file.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from 'typetorch';
import type { CheckpointFileSystem } from 'typetorch';
import { ZipArchive, writeZip } from '../../core/src/serialization/zip.js';
import { concatChunks } from '../../core/src/serialization/byte-io.js';

const fixtures = fileURLToPath(new URL('./fixtures/checkpoints/', import.meta.url));
// The path the malicious fixtures' payloads would create (see scripts/fixtures/gen_checkpoints.py).
const MARKER = '/tmp/typetorch-checkpoint-pwned-marker';
const refusal = (name: string) =>
  `[load] refusing to load global '${name}': only tensor-rebuilding globals are allowed (like PyTorch's weights_only=True)`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'typetorch-checkpoint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of a zip archive with some entries replaced or removed. */
function rezip(bytes: Uint8Array, change: (name: string, data: Uint8Array) => Uint8Array | null): Uint8Array {
  const zip = new ZipArchive(bytes);
  const entries = [];
  for (const name of zip.names()) {
    const data = change(name, zip.read(name));
    if (data !== null) entries.push({ name, data });
  }
  return concatChunks('test', writeZip(entries));
}

describe('malicious pickles are refused and nothing runs', () => {
  beforeEach(() => {
    if (existsSync(MARKER)) unlinkSync(MARKER);
  });

  it('refuses a torch.save file whose pickle calls os.system (written by PyTorch, protocol 2 GLOBAL + REDUCE)', async () => {
    await expect(torch.load(join(fixtures, 'malicious_os_system.pt'))).rejects.toThrow(refusal('posix.system'));
    expect(existsSync(MARKER)).toBe(false);
  });

  it('refuses builtins.eval named by STACK_GLOBAL (written by PyTorch with protocol 4)', async () => {
    await expect(torch.load(join(fixtures, 'malicious_eval_protocol4.pt'))).rejects.toThrow(refusal('builtins.eval'));
    expect(existsSync(MARKER)).toBe(false);
  });

  it('refuses subprocess.Popen (which protocol 2 names by its Python 2 name, commands.Popen)', async () => {
    await expect(torch.load(join(fixtures, 'malicious_popen.pt'))).rejects.toThrow(refusal('commands.Popen'));
    expect(existsSync(MARKER)).toBe(false);
  });

  it('refuses os.system hidden in an otherwise valid state dict written by typetorch’s own zip writer', async () => {
    const good = await torch.saveToBytes({ w: torch.ones(2) });
    // PROTO 2, GLOBAL os.system, BINUNICODE '', TUPLE1, REDUCE, STOP: os.system('') as the whole object
    const evil = Uint8Array.from('\x80\x02cos\nsystem\nX\x00\x00\x00\x00\x85R.', (c) => c.charCodeAt(0));
    const bytes = rezip(good, (name, data) => (name.endsWith('data.pkl') ? evil : data));
    expect(() => torch.loadFromBytes(bytes)).toThrow(refusal('os.system'));
  });
});

describe('damaged files give clear errors', () => {
  const original = new Uint8Array(readFileSync(join(fixtures, 'net_state_dict.pt')));

  it('a truncated .pt file', async () => {
    for (const keep of [original.length - 10, Math.floor(original.length / 2), 100]) {
      const path = join(dir, `cut-${keep}.pt`);
      writeFileSync(path, original.subarray(0, keep));
      await expect(torch.load(path)).rejects.toThrow(/^\[load\] (the zip archive is truncated|not a zip archive).*\(\d+ bytes\)/);
    }
  });

  it('a .pt file with a changed byte in a tensor record (CRC-32)', async () => {
    const zip = new ZipArchive(original);
    const record = zip.read('net_state_dict/data/4'); // fc1.weight
    const damaged = original.slice();
    damaged[record.byteOffset - original.byteOffset + 1000] ^= 0x40;
    const path = join(dir, 'crc.pt');
    writeFileSync(path, damaged);
    await expect(torch.load(path)).rejects.toThrow(/^\[load\] CRC-32 mismatch in 'net_state_dict\/data\/4' .*: the file is corrupt$/);
  });

  it('a .pt file whose data record is missing', () => {
    const bytes = rezip(original, (name, data) => (name === 'net_state_dict/data/2' ? null : data));
    expect(() => torch.loadFromBytes(bytes)).toThrow("[load] missing storage record 'net_state_dict/data/2': the file is incomplete or corrupt");
  });

  it('a .pt file with a bad pickle opcode', () => {
    const bytes = rezip(original, (name, data) => {
      if (!name.endsWith('data.pkl')) return data;
      const broken = data.slice();
      broken[2] = 0xff; // replaces the first opcode after PROTO 2
      return broken;
    });
    expect(() => torch.loadFromBytes(bytes)).toThrow('[load] bad pickle opcode 0xff at byte 2: the data is corrupt or not a pickle');
  });

  it('a .safetensors file whose header length runs past the end', async () => {
    const path = join(dir, 'bad.safetensors');
    const bytes = new Uint8Array(readFileSync(join(fixtures, 'tensors.safetensors')));
    new DataView(bytes.buffer).setBigUint64(0, BigInt(bytes.length), true);
    writeFileSync(path, bytes);
    await expect(torch.load(path)).rejects.toThrow(
      `[load] safetensors header length ${bytes.length} runs past the end of the file (${bytes.length} bytes): the file is truncated or not a safetensors file`,
    );
  });

  it('a .pt name holding a safetensors file, and a file that is neither', async () => {
    const path = join(dir, 'model.pt');
    writeFileSync(path, readFileSync(join(fixtures, 'tensors.safetensors')));
    await expect(torch.load(path)).rejects.toThrow(`[load] '${path}' is a safetensors file, not a PyTorch zip checkpoint: name it .safetensors or pass { format: 'safetensors' }`);
    writeFileSync(path, 'hello, this is not a checkpoint at all');
    await expect(torch.load(path)).rejects.toThrow('[load] not a zip archive (no end-of-central-directory record in 38 bytes)');
  });
});

/** Node's file system with a failure injected into the save of the temporary file. */
function failingFs(failure: 'write' | 'rename'): CheckpointFileSystem {
  return {
    readFile: async (path) => new Uint8Array(await fsp.readFile(path)),
    async createFile(path) {
      const handle = await fsp.open(path, 'wx');
      let writes = 0;
      return {
        async write(data) {
          if (failure === 'write' && ++writes === 2) throw new Error('ENOSPC: no space left on device');
          await handle.write(data);
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
    async rename(from, to) {
      if (failure === 'rename') throw new Error('killed before rename');
      await fsp.rename(from, to);
    },
    remove: (path) => fsp.unlink(path),
  };
}

describe('saving is atomic', () => {
  it('replaces the file through a temporary file that is gone afterwards', async () => {
    const path = join(dir, 'net.pt');
    await torch.save({ w: torch.zeros(3) }, path);
    await torch.save({ w: torch.ones(3) }, path);
    expect(readdirSync(dir)).toEqual(['net.pt']);
    expect(Array.from((await torch.load(path)).w.dataSync())).toEqual([1, 1, 1]);
  });

  for (const failure of ['write', 'rename'] as const) {
    it(`leaves the old file intact and no temporary file when the ${failure === 'write' ? 'write of the temporary file fails' : 'save is interrupted before its rename'}`, async () => {
      const path = join(dir, 'net.pt');
      await torch.save({ w: torch.zeros(3) }, path);
      const before = readFileSync(path);
      await expect(torch.save({ w: torch.ones(100_000) }, path, { fs: failingFs(failure) })).rejects.toThrow(`[save] could not write '${path}'`);
      expect(readdirSync(dir)).toEqual(['net.pt']);
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(Array.from((await torch.load(path)).w.dataSync())).toEqual([0, 0, 0]);
    });
  }

  it('writes safetensors files atomically too, and says when the directory does not exist', async () => {
    const path = join(dir, 'w.safetensors');
    await torch.save({ w: torch.ones(2) }, path);
    expect(readdirSync(dir)).toEqual(['w.safetensors']);
    await expect(torch.save({ w: torch.ones(2) }, join(dir, 'missing', 'w.pt'))).rejects.toThrow(`[save] could not write '${join(dir, 'missing', 'w.pt')}': ENOENT`);
  });
});
