// The restricted unpickler and the protocol-2 pickle writer, checked against CPython's own bytes.
import { describe, it, expect } from 'vitest';
import { unpickle, pickleSetState, PickleGlobal, type PickleCallable } from '../src/serialization/pickle-reader.js';
import { PickleWriter, encodeLong } from '../src/serialization/pickle-writer.js';
import { pickleCheckpoint } from '../src/serialization/torch-pickle.js';

const hex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Pickle bytes from opcodes: numbers are bytes, strings are Latin-1 text. */
function pk(...parts: (number | string | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of p) out.push(c.charCodeAt(0));
    else for (const b of p) out.push(b);
  }
  return Uint8Array.from(out);
}
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

const noGlobals = { globals: {} };

// CPython 3.11: pickle.dumps(obj, protocol=p) of
// {'a': [1, -2, 2**70, 1.5, 'é✓', True, None, (1, 2), (), (1,), (1, 2, 3, 4)], 3: {'n': -1},
//  'big': 2**40, 'f': float('inf'), 'neg': -(2**40)}
const CPYTHON_PICKLES: Record<number, string> = {
  0: '286470300a56610a70310a286c70320a49310a61492d320a614c313138303539313632303731373431313330333432344c0a6146312e350a6156e95c75323731330a70330a614930310a614e612849310a49320a7470340a612874612849310a7470350a612849310a49320a49330a49340a7470360a617349330a286470370a566e0a70380a492d310a7373566269670a70390a4c313039393531313632373737364c0a7356660a7031300a46696e660a73566e65670a7031310a4c2d313039393531313632373737364c0a732e',
  1: '7d71002858010000006171015d7102284b014afeffffff4c313138303539313632303731373431313330333432344c0a473ff80000000000005805000000c3a9e29c9371034930310a4e284b014b0274710429284b01747105284b014b024b034b04747106654b037d710758010000006e71084affffffff73580300000062696771094c313039393531313632373737364c0a580100000066710a477ff000000000000058030000006e6567710b4c2d313039393531313632373737364c0a752e',
  2: '80027d71002858010000006171015d7102284b014afeffffff8a09000000000000000040473ff80000000000005805000000c3a9e29c937103884e4b014b02867104294b01857105284b014b024b034b04747106654b037d710758010000006e71084affffffff73580300000062696771098a06000000000001580100000066710a477ff000000000000058030000006e6567710b8a060000000000ff752e',
  3: '80037d71002858010000006171015d7102284b014afeffffff8a09000000000000000040473ff80000000000005805000000c3a9e29c937103884e4b014b02867104294b01857105284b014b024b034b04747106654b037d710758010000006e71084affffffff73580300000062696771098a06000000000001580100000066710a477ff000000000000058030000006e6567710b8a060000000000ff752e',
  4: '8004957f000000000000007d94288c0161945d94284b014afeffffff8a09000000000000000040473ff80000000000008c05c3a9e29c9394884e4b014b028694294b018594284b014b024b034b047494654b037d948c016e944affffffff738c03626967948a060000000000018c016694477ff00000000000008c036e6567948a060000000000ff752e',
  5: '8005957f000000000000007d94288c0161945d94284b014afeffffff8a09000000000000000040473ff80000000000008c05c3a9e29c9394884e4b014b028694294b018594284b014b024b034b047494654b037d948c016e944affffffff738c03626967948a060000000000018c016694477ff00000000000008c036e6567948a060000000000ff752e',
};
const EXPECTED = new Map<unknown, unknown>([
  ['a', [1, -2, 2n ** 70n, 1.5, 'é✓', true, null, [1, 2], [], [1], [1, 2, 3, 4]]],
  [3, new Map([['n', -1]])],
  ['big', 2 ** 40],
  ['f', Infinity],
  ['neg', -(2 ** 40)],
]);

describe('unpickle reads CPython pickles', () => {
  for (const protocol of [0, 1, 2, 3, 4, 5]) {
    it(`reads protocol ${protocol}: ints of every width, floats, str, bools, None, lists, tuples and dicts`, () => {
      expect(unpickle(hex(CPYTHON_PICKLES[protocol]), noGlobals)).toEqual(EXPECTED);
    });
  }

  it('keeps shared references shared and cycles cyclic (memo)', () => {
    const shared = unpickle(hex('80027d71002858010000007871015d71024b016158010000007971036802752e'), noGlobals) as Map<string, unknown>;
    expect(shared.get('x')).toEqual([1]);
    expect(shared.get('x')).toBe(shared.get('y'));
    const cycle = unpickle(hex('80025d71006800612e'), noGlobals) as unknown[];
    expect(cycle[0]).toBe(cycle);
  });

  it('reads bytes (protocol 3 BINBYTES) and bytearray (protocol 5 BYTEARRAY8) as Uint8Array', () => {
    const p5 = unpickle(hex('80059515000000000000005d942843020001949601000000000000000294652e'), noGlobals);
    expect(p5).toEqual([Uint8Array.of(0, 1), Uint8Array.of(2)]);
    // protocol 3 writes bytearray as builtins.bytearray(b'...') via REDUCE: a caller may allow it
    const p3hex = '80035d710028430200017101636275696c74696e730a6279746561727261790a71024301027103857104527105652e';
    const bytearray: PickleCallable = (b) => Uint8Array.from(b as Uint8Array);
    expect(unpickle(hex(p3hex), { globals: { 'builtins.bytearray': bytearray } })).toEqual([Uint8Array.of(0, 1), Uint8Array.of(2)]);
    expect(() => unpickle(hex(p3hex), noGlobals)).toThrow(
      "[load] refusing to load global 'builtins.bytearray': only tensor-rebuilding globals are allowed (like PyTorch's weights_only=True)",
    );
  });

  it('reads Python 2 strings as bytes by default, or decoded when asked (pickle.load encoding=)', () => {
    const p = pk(0x80, 2, ']', 'q', 0, '(', 'U', 2, 'h', 0xe9, 'T', ...u32(1), 'x', "S'a\\n\\x41'\n", 'e', '.');
    expect(unpickle(p, noGlobals)).toEqual([Uint8Array.of(0x68, 0xe9), Uint8Array.of(0x78), Uint8Array.of(0x61, 10, 0x41)]);
    expect(unpickle(p, { globals: {}, python2Strings: 'latin1' })).toEqual(['hé', 'x', 'a\nA']);
  });
});

describe('unpickle refuses anything outside the whitelist and never runs it', () => {
  const calls: unknown[][] = [];
  const allowed: PickleCallable = (...args) => { calls.push(args); return 'built'; };
  const options = { globals: { 'tests.allowed': allowed } };
  const refusal = (name: string) =>
    `[load] refusing to load global '${name}': only tensor-rebuilding globals are allowed (like PyTorch's weights_only=True)`;

  it('refuses os.system named by GLOBAL before its REDUCE', () => {
    const p = pk(0x80, 2, 'c', 'os\nsystem\n', 'X', ...u32(10), 'touch pwnd', 0x85, 'R', '.');
    expect(() => unpickle(p, options)).toThrow(refusal('os.system'));
  });

  it('refuses builtins.eval named by STACK_GLOBAL (protocol 4)', () => {
    const p = pk(0x80, 4, 0x8c, 8, 'builtins', 0x94, 0x8c, 4, 'eval', 0x94, 0x93, 0x94, 0x8c, 1, '1', 0x85, 'R', '.');
    expect(() => unpickle(p, options)).toThrow(refusal('builtins.eval'));
  });

  it('refuses subprocess.Popen named by INST and by GLOBAL + NEWOBJ, even after allowed calls ran', () => {
    const inst = pk('(', 'S', "'ls'\n", 'i', 'subprocess\nPopen\n', '.');
    expect(() => unpickle(inst, options)).toThrow(refusal('subprocess.Popen'));
    calls.length = 0;
    const newobj = pk(0x80, 2, 'c', 'tests\nallowed\n', ')', 'R', '0', 'c', 'subprocess\nPopen\n', ')', 0x81, '.');
    expect(() => unpickle(newobj, options)).toThrow(refusal('subprocess.Popen'));
    expect(calls).toEqual([[]]); // only the allowed function ran
  });

  it('calls allowed globals with the pickled arguments', () => {
    calls.length = 0;
    const p = pk(0x80, 2, 'c', 'tests\nallowed\n', 'K', 7, 'N', 0x86, 'R', '.');
    expect(unpickle(p, options)).toBe('built');
    expect(calls).toEqual([[7, null]]);
  });

  it('lets callers complete the refusal message with what they allow', () => {
    const p = pk(0x80, 2, 'c', 'os\nsystem\n', '.');
    expect(() => unpickle(p, { globals: {}, allowedGlobals: 'only numpy arrays are allowed' })).toThrow(
      "[load] refusing to load global 'os.system': only numpy arrays are allowed",
    );
  });

  it('does not treat inherited object properties as allowed globals', () => {
    expect(() => unpickle(pk(0x80, 2, 'c', 'builtins\n__proto__\n', '.'), options)).toThrow(refusal('builtins.__proto__'));
    expect(() => unpickle(pk('c', 'x\ntoString\n', '.'), { globals: {} })).toThrow(refusal('x.toString'));
  });

  it('refuses extension codes, BUILD on plain values, REDUCE of data, and unexpected persistent ids', () => {
    expect(() => unpickle(pk(0x80, 2, 0x82, 1, '.'), noGlobals)).toThrow('[load] refusing the copyreg extension opcode 0x82');
    expect(() => unpickle(pk(0x80, 2, '}', '}', 'b', '.'), noGlobals)).toThrow('[load] refusing BUILD (setting the state) of a dict');
    expect(() => unpickle(pk(0x80, 2, 'N', ')', 'R', '.'), noGlobals)).toThrow('REDUCE of something that is not an allowed global');
    expect(() => unpickle(pk(0x80, 2, 'K', 1, 'Q', '.'), noGlobals)).toThrow('[load] the pickle refers to a persistent id');
  });

  it('applies BUILD only through the pickleSetState method of objects that allowed globals made', () => {
    class Thing { state: unknown = null; [pickleSetState](s: unknown) { this.state = s; } }
    const p = pk(0x80, 2, 'c', 'm\nThing\n', ')', 'R', 'K', 5, 'b', '.');
    const thing = unpickle(p, { globals: { 'm.Thing': () => new Thing() } }) as Thing;
    expect(thing.state).toBe(5);
  });

  it('hands persistent ids to persistentLoad', () => {
    const p = pk(0x80, 2, 'X', ...u32(3), 'key', 'Q', 'P', 'text\n', 0x86, '.');
    expect(unpickle(p, { globals: {}, persistentLoad: (pid) => `loaded ${String(pid)}` })).toEqual(['loaded key', 'loaded text']);
  });
});

describe('unpickle reports corrupt and truncated data clearly', () => {
  const valid = hex(CPYTHON_PICKLES[2]);

  it('fails on every truncation of a pickle with a [load] error, never a crash', () => {
    for (let cut = 0; cut < valid.length; cut++) {
      let message = '';
      try {
        unpickle(valid.subarray(0, cut), noGlobals);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, `cut at ${cut}`).toMatch(/^\[load\] (pickle data is truncated|corrupt pickle data)/);
    }
  });

  it('names a bad opcode and its position', () => {
    expect(() => unpickle(pk(0x80, 2, 'K', 1, 0xff, '.'), noGlobals)).toThrow('[load] bad pickle opcode 0xff at byte 4: the data is corrupt or not a pickle');
    expect(() => unpickle(pk(0x80, 9, 'N', '.'), noGlobals)).toThrow('[load] unsupported pickle protocol 9');
  });

  it('fails on corrupted bytes with [load] errors only (1000 random single-byte changes)', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 1000; trial++) {
      const bytes = valid.slice();
      bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        unpickle(bytes, noGlobals);
      } catch (error) {
        expect((error as Error).message).toMatch(/^\[load\] /);
      }
    }
  });

  it('rejects a length that runs past the end of the data', () => {
    expect(() => unpickle(pk(0x80, 4, 0x8d, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, '.'), noGlobals)).toThrow('[load] pickle data is truncated');
    expect(() => unpickle(pk(0x80, 2, 'X', ...u32(100), 'abc', '.'), noGlobals)).toThrow('[load] pickle data is truncated: needed 100 more bytes at byte 7 of 11');
  });

  it('rejects stack misuse', () => {
    expect(() => unpickle(pk(0x80, 2, '.'), noGlobals)).toThrow('[load] corrupt pickle data: stack underflow (opcode at byte 2)');
    expect(() => unpickle(pk(0x80, 2, 'N', 'N', '.'), noGlobals)).toThrow('values left on the stack at STOP');
    expect(() => unpickle(pk(0x80, 2, 'e', '.'), noGlobals)).toThrow('no MARK before this opcode');
    expect(() => unpickle(pk(0x80, 2, 'h', 3, '.'), noGlobals)).toThrow('memo entry 3 is read before it is written');
    // opcodes cannot reach below a MARK (CPython keeps each MARK's items on a separate stack)
    expect(() => unpickle(pk(0x80, 2, ']', '(', 'K', 1, 'a', '.'), noGlobals)).toThrow('stack underflow');
    expect(unpickle(pk(0x80, 2, 'N', '(', '0', '.'), noGlobals)).toBeNull(); // POP of an empty frame drops the MARK
  });
});

describe('a caller-specific whitelist reads CIFAR-10 style Python 2 numpy pickles', () => {
  // What Python 2's cPickle (protocol 2) writes for {'data': numpy uint8 array [2, 3], 'labels': [3, 8]}:
  // numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), 'b'), then BUILD with
  // (1, (2, 3), numpy.dtype('u1', 0, 1) + BUILD (3, '|', None, None, None, -1, -1, 0), False, <raw bytes>).
  const cifar = pk(
    0x80, 2, '}', 'q', 1, '(',
    'U', 4, 'data', 'q', 2,
    'c', 'numpy.core.multiarray\n_reconstruct\n', 'q', 3,
    'c', 'numpy\nndarray\n', 'q', 4, 'K', 0, 0x85, 'U', 1, 'b', 0x87, 'R', 'q', 5,
    '(', 'K', 1, 'K', 2, 'K', 3, 0x86,
    'c', 'numpy\ndtype\n', 'U', 2, 'u1', 'K', 0, 'K', 1, 0x87, 'R',
    '(', 'K', 3, 'U', 1, '|', 'N', 'N', 'N', 'J', ...u32(0xffffffff), 'J', ...u32(0xffffffff), 'K', 0, 't', 'b',
    0x89, 'T', ...u32(6), 0, 1, 2, 253, 254, 255, 't', 'b',
    'U', 6, 'labels', ']', '(', 'K', 3, 'K', 8, 'e',
    'u', '.',
  );

  class NumpyArray {
    shape: number[] = [];
    dtype = '';
    data = new Uint8Array(0);
    [pickleSetState](state: unknown) {
      const [, shape, dtype, , raw] = state as [number, number[], { str: string }, boolean, Uint8Array];
      Object.assign(this, { shape, dtype: dtype.str, data: raw });
    }
  }
  class NumpyDtype {
    constructor(readonly str: string) {}
    [pickleSetState](_state: unknown) {}
  }
  const numpyGlobals: Record<string, PickleCallable> = {
    'numpy.core.multiarray._reconstruct': () => new NumpyArray(),
    'numpy.ndarray': () => { throw new Error('only a marker'); },
    'numpy.dtype': (name) => new NumpyDtype(new TextDecoder().decode(name as Uint8Array)),
  };

  it('decodes the array through the caller globals, with bytes keys', () => {
    const batch = unpickle(cifar, { globals: numpyGlobals, allowedGlobals: 'only numpy array globals are allowed' }) as Map<Uint8Array, unknown>;
    const byName = new Map([...batch].map(([k, v]) => [new TextDecoder().decode(k), v]));
    const data = byName.get('data') as NumpyArray;
    expect(data.shape).toEqual([2, 3]);
    expect(data.dtype).toBe('u1');
    expect(Array.from(data.data)).toEqual([0, 1, 2, 253, 254, 255]);
    expect(byName.get('labels')).toEqual([3, 8]);
  });

  it('is refused by the tensor-only whitelist', () => {
    expect(() => unpickle(cifar, noGlobals)).toThrow("[load] refusing to load global 'numpy.core.multiarray._reconstruct'");
  });

  it('keeps the global on the stack as a PickleGlobal until it is called', () => {
    const g = unpickle(pk(0x80, 2, 'c', 'numpy\nndarray\n', '.'), { globals: numpyGlobals });
    expect(g).toBeInstanceOf(PickleGlobal);
    expect((g as PickleGlobal).qualifiedName).toBe('numpy.ndarray');
  });
});

describe('PickleWriter writes what CPython writes', () => {
  it('matches pickle.dumps(protocol=2) byte for byte for ints of every width, floats, str, bools and None', () => {
    // pickle.dumps({'a': [0, 255, 256, 65535, 65536, -1, 2**31-1, -2**31, 2**31, 2**63, -2**70, 1.5, -0.0,
    //                     'x', 'é✓', True, False, None]}, protocol=2)
    const expected = '80027d710058010000006171015d7102284b004bff4d00014dffff4a000001004affffffff4affffff7f4a000000808a0500000080008a090000000000000080008a090000000000000000c0473ff800000000000047800000000000000058010000007871035805000000c3a9e29c93710488894e65732e';
    const value = { a: [0, 255, 256, 65535, 65536, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2n ** 63n, -(2n ** 70n), 1.5, -0, 'x', 'é✓', true, false, null] };
    expect(toHex(pickleCheckpoint(value).pickle)).toBe(expected);
  });

  it('writes lists of 1001 items as CPython does: MARK ... APPENDS batches of 1000, then a batch of one', () => {
    const bytes = pickleCheckpoint(Array.from({ length: 1001 }, (_, i) => i)).pickle;
    expect(bytes.length).toBe(2757);
    expect(toHex(bytes.subarray(bytes.length - 20))).toBe('034de4034de5034de6034de70365284de803652e');
    expect(unpickle(bytes, noGlobals)).toEqual(Array.from({ length: 1001 }, (_, i) => i));
  });

  it('encodes longs as the shortest two’s-complement bytes', () => {
    expect(Array.from(encodeLong(0n))).toEqual([]);
    expect(Array.from(encodeLong(255n))).toEqual([255, 0]);
    expect(Array.from(encodeLong(-128n))).toEqual([128]);
    expect(Array.from(encodeLong(-129n))).toEqual([127, 255]);
    expect(Array.from(encodeLong(2n ** 63n))).toEqual([0, 0, 0, 0, 0, 0, 0, 128, 0]);
  });

  it('round-trips through unpickle, using BINGET for repeated globals and LONG_BINPUT past 255 memo entries', () => {
    const w = new PickleWriter();
    const strings = Array.from({ length: 300 }, (_, i) => `s${i}`);
    w.emptyList();
    w.appendItems([...strings, 's0', 's299'], (s) => w.string(s));
    const bytes = w.finish();
    expect(unpickle(bytes, noGlobals)).toEqual([...strings, 's0', 's299']);
    expect(bytes.includes(0x72)).toBe(true); // LONG_BINPUT
    expect(bytes.includes(0x6a)).toBe(true); // LONG_BINGET
  });
});

describe('unpickle stays bounded on hostile input', () => {
  /** LONG4 of `n` bytes: all 0xff but the last, 0x3f, so the value is 2**(8n-2) - 1. */
  function long4(n: number): Uint8Array {
    const out = new Uint8Array(1 + 4 + n + 1);
    out[0] = 0x8b;
    out.set(u32(n), 1);
    out.fill(0xff, 5, 5 + n);
    out[4 + n] = 0x3f;
    out[5 + n] = 0x2e;
    return out;
  }

  it('decodes a 2 MB LONG4 in linear time (shifting byte by byte would take minutes)', () => {
    const n = 2 * 1024 * 1024;
    const value = unpickle(long4(n), noGlobals) as bigint;
    expect(value).toBe((1n << BigInt(8 * n - 2)) - 1n);
    expect(unpickle(pk(0x8b, ...u32(2), 0x00, 0x80, '.'), noGlobals)).toBe(-32768);
  }, 10_000);

  it('refuses a LONG4 longer than a bigint can hold before reading it', () => {
    expect(() => unpickle(pk(0x8b, ...u32(2 ** 27 + 1), '.'), noGlobals)).toThrow(
      '[load] a LONG4 of 134217729 bytes is larger than a JavaScript bigint can hold',
    );
  });

  it("refuses decimal INT lines beyond CPython's 4300-digit limit, quoting no more than a few characters", () => {
    expect(unpickle(pk('I', '9'.repeat(4300), '\n.'), noGlobals)).toBe(10n ** 4300n - 1n);
    let message = '';
    try {
      unpickle(pk('I', '9'.repeat(200_000), '\n.'), noGlobals);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("[load] corrupt pickle data: an integer literal of 200000 characters exceeds CPython's limit of 4300 digits (opcode at byte 0)");
    expect(() => unpickle(pk('F', 'x'.repeat(100_000), '\n.'), noGlobals)).toThrow(
      `[load] corrupt pickle data: bad float literal "${'x'.repeat(40)}..." (opcode at byte 0)`,
    );
  });

  it('refuses a call with 300000 arguments (spreading them would overflow the stack) without calling anything', () => {
    let called = 0;
    const globals = { 'tests.f': () => ++called };
    const bytes = pk('ctests\nf\n', '(', new Uint8Array(300_000).fill(0x4e), 't', 'R', '.');
    expect(() => unpickle(bytes, { globals })).toThrow(
      "[load] corrupt pickle data: REDUCE of 'tests.f' with 300000 arguments (at most 255 are accepted)",
    );
    expect(called).toBe(0);
    expect(unpickle(pk('ctests\nf\n', '(', new Uint8Array(255).fill(0x4e), 't', 'R', '.'), { globals })).toBe(1);
  });
});
