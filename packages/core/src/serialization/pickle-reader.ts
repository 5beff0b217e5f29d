/**
 * A restricted unpickler: reads Python pickles (protocols 0–5, including the protocol-2 pickles of
 * `torch.save` and of Python 2) without ever executing anything. Globals are looked up in a
 * whitelist that the caller supplies, each mapped to a JavaScript function; any other global is
 * refused before anything is built, like PyTorch's `weights_only=True`. Persistent ids (PyTorch's
 * storages) go to a caller-supplied `persistentLoad`.
 *
 * Python values become: `None` → `null`, bools → booleans, ints → numbers (bigints beyond 2**53),
 * floats → numbers, str → strings, bytes and bytearray → `Uint8Array`, Python 2 str → `Uint8Array`
 * (or a string, see {@link UnpickleOptions.python2Strings}), lists and tuples → arrays, dicts →
 * `Map`, sets → `Set`, and whatever the whitelisted functions return.
 *
 * @module
 */
import { fromLatin1, fromUtf8, plainBytes } from './byte-io.js';
import { decodeLong, MAX_INT_DIGITS, opcodeName, parseQuotedString, parseRawUnicode, parseTextFloat, parseTextInt } from './pickle-literals.js';

/** A function that an allowed global stands for: REDUCE, NEWOBJ, INST and OBJ call it with the pickled arguments. */
export type PickleCallable = (...args: unknown[]) => unknown;

/**
 * The symbol of the method that the BUILD opcode calls (Python's `__setstate__`). Only objects made
 * by whitelisted functions can have it, since pickled data cannot create symbols.
 */
export const pickleSetState: unique symbol = Symbol('pickleSetState');

/** An object that accepts BUILD (Python's `__setstate__`). */
export interface PickleBuildable {
  /** Receives the pickled state. */
  [pickleSetState](state: unknown): void;
}

/** A whitelisted global as it sits on the unpickler's stack until REDUCE (or NEWOBJ, ...) calls it. */
export class PickleGlobal {
  constructor(
    /** Python module, e.g. `torch._utils`. */
    readonly module: string,
    /** Name in the module, e.g. `_rebuild_tensor_v2`. */
    readonly name: string,
    /** The function the whitelist maps it to. */
    readonly fn: PickleCallable,
  ) {}

  /** `module.name`. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /**
   * The allowed globals, by `module.name` (e.g. `'collections.OrderedDict'`), each mapped to the
   * function that builds its value. Everything else is refused.
   */
  readonly globals: Readonly<Record<string, PickleCallable>>;
  /** Resolves persistent ids (PERSID, BINPERSID). Without it, a pickle that uses them is refused. */
  readonly persistentLoad?: (pid: unknown) => unknown;
  /** The operation named in error messages: `[load] ...`. Default `'load'`. */
  readonly op?: string;
  /**
   * Completes the refusal message `refusing to load global 'os.system': ...`. Default: only
   * tensor-rebuilding globals are allowed (like PyTorch's weights_only=True).
   */
  readonly allowedGlobals?: string;
  /**
   * How Python 2 `str` values (STRING, BINSTRING, SHORT_BINSTRING) come out, as the `encoding` of
   * Python 3's `pickle.load`: `'bytes'` (default) gives `Uint8Array`, `'latin1'` and `'utf-8'` strings.
   */
  readonly python2Strings?: 'bytes' | 'latin1' | 'utf-8';
}

const DEFAULT_ALLOWED = "only tensor-rebuilding globals are allowed (like PyTorch's weights_only=True)";
/** Python before 3.7 allowed at most 255 arguments in a call; no allowed global takes more, and spreading more could overflow the stack. */
const MAX_CALL_ARGUMENTS = 255;
/** The longest LONG1/LONG4 a bigint can hold: V8 caps bigints at 2**30 bits. */
const MAX_LONG_BYTES = 2 ** 27;
/** Literals quoted in error messages are cut to this many characters. */
const QUOTE_LIMIT = 40;

function quote(text: string): string {
  return JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}...` : text);
}
type StackItem = unknown;

class Unpickler {
  private pos = 0;
  private stack: StackItem[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly view: DataView;
  private readonly op: string;
  private opStart = 0;

  constructor(private readonly data: Uint8Array, private readonly options: UnpickleOptions) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.op = options.op ?? 'load';
  }

  private error(message: string): Error {
    return new Error(`[${this.op}] ${message}`);
  }

  private fail(message: string): never {
    throw this.error(message);
  }

  private corrupt(message: string): never {
    this.fail(`corrupt pickle data: ${message} (opcode at byte ${this.opStart})`);
  }

  // ---- reading the byte stream ----
  private need(n: number): void {
    if (n < 0 || this.pos + n > this.data.length) {
      this.fail(`pickle data is truncated: needed ${n} more bytes at byte ${this.pos} of ${this.data.length}`);
    }
  }
  private take(n: number): Uint8Array {
    this.need(n);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  private u8(): number { this.need(1); return this.data[this.pos++]; }
  private u16(): number { this.need(2); const v = this.view.getUint16(this.pos, true); this.pos += 2; return v; }
  private i32(): number { this.need(4); const v = this.view.getInt32(this.pos, true); this.pos += 4; return v; }
  private u32(): number { this.need(4); const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  private u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(this.data.length)) this.fail(`pickle data is truncated: a length of ${v} bytes at byte ${this.pos - 8} runs past its end`);
    return Number(v);
  }
  private line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) this.fail(`pickle data is truncated: a text line at byte ${this.pos} has no end`);
    const text = fromLatin1(this.data.subarray(this.pos, end));
    this.pos = end + 1;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }

  // ---- the stack: as in CPython, a MARK starts a new frame that opcodes cannot reach below ----
  private frameStart(): number {
    return this.marks.length === 0 ? 0 : this.marks[this.marks.length - 1];
  }
  private pop(): StackItem {
    if (this.stack.length <= this.frameStart()) this.corrupt('stack underflow');
    return this.stack.pop();
  }
  private top(): StackItem {
    if (this.stack.length <= this.frameStart()) this.corrupt('stack underflow');
    return this.stack[this.stack.length - 1];
  }
  private popMark(): StackItem[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.corrupt('no MARK before this opcode');
    const items = this.stack.slice(mark);
    this.stack.length = mark;
    return items;
  }
  private push(value: unknown): void {
    this.stack.push(value);
  }

  // ---- values ----
  private python2String(bytes: Uint8Array): unknown {
    switch (this.options.python2Strings ?? 'bytes') {
      case 'latin1': return fromLatin1(bytes);
      case 'utf-8': return fromUtf8(bytes);
      default: return bytes.slice();
    }
  }

  private global(module: string, name: string): PickleGlobal {
    const qualified = `${module}.${name}`;
    const fn = Object.prototype.hasOwnProperty.call(this.options.globals, qualified) ? this.options.globals[qualified] : undefined;
    if (typeof fn !== 'function') {
      this.fail(`refusing to load global '${qualified}': ${this.options.allowedGlobals ?? DEFAULT_ALLOWED}`);
    }
    return new PickleGlobal(module, name, fn);
  }

  private call(callable: unknown, args: unknown, opcode: string): unknown {
    if (!(callable instanceof PickleGlobal)) this.corrupt(`${opcode} of something that is not an allowed global`);
    if (!Array.isArray(args)) this.corrupt(`${opcode} arguments are not a tuple`);
    if (args.length > MAX_CALL_ARGUMENTS) this.corrupt(`${opcode} of '${callable.qualifiedName}' with ${args.length} arguments (at most ${MAX_CALL_ARGUMENTS} are accepted)`);
    return callable.fn(...args);
  }

  private setItems(dict: unknown, items: StackItem[]): void {
    if (!(dict instanceof Map)) this.corrupt('SETITEM(S) on something that is not a dict');
    if (items.length % 2 !== 0) this.corrupt('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
  }

  private append(list: unknown, items: StackItem[]): void {
    if (!Array.isArray(list)) this.corrupt('APPEND(S) on something that is not a list');
    for (const item of items) list.push(item);
  }

  private build(obj: unknown, state: unknown): void {
    const target = obj as Partial<PickleBuildable> | null;
    if (target === null || typeof target !== 'object' || typeof target[pickleSetState] !== 'function') {
      this.fail(`refusing BUILD (setting the state) of ${describe(obj)}: only objects made by allowed globals accept it`);
    }
    target[pickleSetState]!(state);
  }

  private persistent(pid: unknown): unknown {
    if (this.options.persistentLoad === undefined) this.fail('the pickle refers to a persistent id, which this reader does not expect');
    return this.options.persistentLoad(pid);
  }

  private memoGet(index: number): unknown {
    if (!this.memo.has(index)) this.corrupt(`memo entry ${index} is read before it is written`);
    return this.memo.get(index);
  }

  private memoIndex(text: string): number {
    if (!/^\d+$/.test(text)) this.corrupt(`bad memo index ${quote(text)}`);
    return Number(text);
  }

  private textInt(text: string): number | bigint | boolean {
    const value = parseTextInt(text);
    if (value === undefined) {
      this.corrupt(text.length > MAX_INT_DIGITS + 2
        ? `an integer literal of ${text.length} characters exceeds CPython's limit of ${MAX_INT_DIGITS} digits`
        : `bad integer literal ${quote(text)}`);
    }
    return value;
  }

  // ---- the machine ----
  run(): unknown {
    for (;;) {
      this.opStart = this.pos;
      if (this.pos >= this.data.length) this.fail(`pickle data is truncated: it ends at byte ${this.pos} without a STOP opcode`);
      const code = this.data[this.pos++];
      switch (code) {
        case 0x80: { // PROTO
          const protocol = this.u8();
          if (protocol > 5) this.fail(`unsupported pickle protocol ${protocol} (this reader knows protocols 0 to 5)`);
          break;
        }
        case 0x95: this.u64(); break; // FRAME: a length hint only
        case 0x2e: { // STOP '.'
          const result = this.pop();
          if (this.stack.length !== 0 || this.marks.length !== 0) this.corrupt('values left on the stack at STOP');
          return result;
        }
        case 0x28: this.marks.push(this.stack.length); break; // MARK '('
        case 0x30: // POP '0': on an empty frame it drops the MARK, as CPython does
          if (this.marks.length > 0 && this.stack.length === this.frameStart()) this.marks.pop();
          else this.pop();
          break;
        case 0x31: this.popMark(); break; // POP_MARK '1'
        case 0x32: this.push(this.top()); break; // DUP '2'

        // ---- constants and numbers ----
        case 0x4e: this.push(null); break; // NONE 'N'
        case 0x88: this.push(true); break; // NEWTRUE
        case 0x89: this.push(false); break; // NEWFALSE
        case 0x4b: this.push(this.u8()); break; // BININT1 'K'
        case 0x4d: this.push(this.u16()); break; // BININT2 'M'
        case 0x4a: this.push(this.i32()); break; // BININT 'J'
        case 0x8a: this.push(decodeLong(this.take(this.u8()))); break; // LONG1
        case 0x8b: { // LONG4
          const n = this.i32();
          if (n < 0) this.corrupt('negative LONG4 length');
          if (n > MAX_LONG_BYTES) this.fail(`a LONG4 of ${n} bytes is larger than a JavaScript bigint can hold`);
          this.push(decodeLong(this.take(n)));
          break;
        }
        case 0x49: this.push(this.textInt(this.line())); break; // INT 'I'
        case 0x4c: this.push(this.textInt(this.line())); break; // LONG 'L'
        case 0x47: { // BINFLOAT 'G' (big-endian)
          this.need(8);
          this.push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        }
        case 0x46: { // FLOAT 'F'
          const text = this.line();
          const value = parseTextFloat(text);
          if (value === undefined) this.corrupt(`bad float literal ${quote(text)}`);
          this.push(value);
          break;
        }

        // ---- strings and bytes ----
        case 0x58: this.push(fromUtf8(this.take(this.u32()))); break; // BINUNICODE 'X'
        case 0x8c: this.push(fromUtf8(this.take(this.u8()))); break; // SHORT_BINUNICODE
        case 0x8d: this.push(fromUtf8(this.take(this.u64()))); break; // BINUNICODE8
        case 0x56: this.push(parseRawUnicode(this.line())); break; // UNICODE 'V'
        case 0x42: this.push(this.take(this.u32()).slice()); break; // BINBYTES 'B'
        case 0x43: this.push(this.take(this.u8()).slice()); break; // SHORT_BINBYTES 'C'
        case 0x8e: this.push(this.take(this.u64()).slice()); break; // BINBYTES8
        case 0x96: this.push(this.take(this.u64()).slice()); break; // BYTEARRAY8
        case 0x54: { // BINSTRING 'T'
          const n = this.i32();
          if (n < 0) this.corrupt('negative BINSTRING length');
          this.push(this.python2String(this.take(n)));
          break;
        }
        case 0x55: this.push(this.python2String(this.take(this.u8()))); break; // SHORT_BINSTRING 'U'
        case 0x53: { // STRING 'S'
          const bytes = parseQuotedString(this.line());
          if (bytes === undefined) this.corrupt('STRING argument is not quoted');
          this.push(this.python2String(bytes));
          break;
        }

        // ---- containers ----
        case 0x29: this.push([]); break; // EMPTY_TUPLE ')'
        case 0x85: this.push([this.pop()]); break; // TUPLE1
        case 0x86: { const b = this.pop(); const a = this.pop(); this.push([a, b]); break; } // TUPLE2
        case 0x87: { const c = this.pop(); const b = this.pop(); const a = this.pop(); this.push([a, b, c]); break; } // TUPLE3
        case 0x74: this.push(this.popMark()); break; // TUPLE 't'
        case 0x5d: this.push([]); break; // EMPTY_LIST ']'
        case 0x6c: this.push(this.popMark()); break; // LIST 'l'
        case 0x61: { const item = this.pop(); this.append(this.top(), [item]); break; } // APPEND 'a'
        case 0x65: { const items = this.popMark(); this.append(this.top(), items); break; } // APPENDS 'e'
        case 0x7d: this.push(new Map()); break; // EMPTY_DICT '}'
        case 0x64: { const dict = new Map(); this.setItems(dict, this.popMark()); this.push(dict); break; } // DICT 'd'
        case 0x73: { const value = this.pop(); const key = this.pop(); this.setItems(this.top(), [key, value]); break; } // SETITEM 's'
        case 0x75: { const items = this.popMark(); this.setItems(this.top(), items); break; } // SETITEMS 'u'
        case 0x8f: this.push(new Set()); break; // EMPTY_SET
        case 0x90: { // ADDITEMS
          const items = this.popMark();
          const set = this.top();
          if (!(set instanceof Set)) this.corrupt('ADDITEMS on something that is not a set');
          for (const item of items) set.add(item);
          break;
        }
        case 0x91: this.push(new Set(this.popMark())); break; // FROZENSET

        // ---- memo ----
        case 0x70: this.memo.set(this.memoIndex(this.line()), this.top()); break; // PUT 'p'
        case 0x71: this.memo.set(this.u8(), this.top()); break; // BINPUT 'q'
        case 0x72: this.memo.set(this.u32(), this.top()); break; // LONG_BINPUT 'r'
        case 0x94: this.memo.set(this.memo.size, this.top()); break; // MEMOIZE
        case 0x67: this.push(this.memoGet(this.memoIndex(this.line()))); break; // GET 'g'
        case 0x68: this.push(this.memoGet(this.u8())); break; // BINGET 'h'
        case 0x6a: this.push(this.memoGet(this.u32())); break; // LONG_BINGET 'j'

        // ---- globals and calls: only whitelisted functions, never anything else ----
        case 0x63: { const module = this.line(); const name = this.line(); this.push(this.global(module, name)); break; } // GLOBAL 'c'
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.corrupt('STACK_GLOBAL needs two strings');
          this.push(this.global(module, name));
          break;
        }
        case 0x52: { const args = this.pop(); const callable = this.pop(); this.push(this.call(callable, args, 'REDUCE')); break; } // REDUCE 'R'
        case 0x81: { const args = this.pop(); const cls = this.pop(); this.push(this.call(cls, args, 'NEWOBJ')); break; } // NEWOBJ
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (!(kwargs instanceof Map) || kwargs.size > 0) this.fail('refusing NEWOBJ_EX with keyword arguments');
          this.push(this.call(cls, args, 'NEWOBJ_EX'));
          break;
        }
        case 0x69: { // INST 'i'
          const module = this.line();
          const name = this.line();
          const cls = this.global(module, name);
          this.push(this.call(cls, this.popMark(), 'INST'));
          break;
        }
        case 0x6f: { const items = this.popMark(); if (items.length === 0) this.corrupt('OBJ without a class'); this.push(this.call(items[0], items.slice(1), 'OBJ')); break; } // OBJ 'o'
        case 0x62: { const state = this.pop(); this.build(this.top(), state); break; } // BUILD 'b'
        case 0x50: this.push(this.persistent(this.line())); break; // PERSID 'P'
        case 0x51: this.push(this.persistent(this.pop())); break; // BINPERSID 'Q'
        case 0x82: case 0x83: case 0x84: // EXT1, EXT2, EXT4: globals named by a registry number
          throw this.error(`refusing the copyreg extension opcode ${opcodeName(code)}: ${this.options.allowedGlobals ?? DEFAULT_ALLOWED}`);
        case 0x97: throw this.error('refusing an out-of-band buffer (NEXT_BUFFER): checkpoints never use them');
        case 0x98: break; // READONLY_BUFFER: no effect on our values
        default:
          this.fail(`bad pickle opcode ${opcodeName(code)} at byte ${this.opStart}: the data is corrupt or not a pickle`);
      }
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a list or tuple';
  if (value instanceof Map) return 'a dict';
  if (value instanceof Set) return 'a set';
  if (value instanceof PickleGlobal) return `the global '${value.qualifiedName}'`;
  return `a ${typeof value}`;
}

/**
 * Reads one pickle from `data` without executing anything: globals outside `options.globals` are
 * refused, REDUCE and its relatives call only the whitelisted functions, and every read is bounds-
 * checked so that truncated or corrupt data fails with a clear `[load] ...` error.
 */
export function unpickle(data: Uint8Array, options: UnpickleOptions): unknown {
  return new Unpickler(plainBytes(data), options).run();
}
