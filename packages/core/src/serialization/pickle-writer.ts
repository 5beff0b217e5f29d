/**
 * A pickle writer for protocol 2, the protocol `torch.save` uses. It emits opcodes the way CPython's
 * pickler does for the same values (BININT1/BININT2/BININT/LONG1 for ints, BINFLOAT, BINUNICODE,
 * EMPTY_TUPLE/TUPLE1-3/TUPLE, lists and dicts filled by APPEND(S)/SETITEM(S) in batches of 1000, GLOBAL,
 * REDUCE, BINPERSID, BINPUT/BINGET memo entries), so PyTorch and Python read the result as usual.
 *
 * It writes opcodes only; `torch-pickle.ts` decides which Python values JavaScript values become.
 *
 * @module
 */
import { ByteWriter, utf8 } from './byte-io.js';

const BATCH = 1000; // CPython's batch size for APPENDS and SETITEMS

/** Emits a protocol-2 pickle opcode by opcode. Values that a caller memoizes can be repeated with {@link get}. */
export class PickleWriter {
  private readonly out = new ByteWriter();
  private memoSize = 0;
  private readonly globals = new Map<string, number>();
  private readonly strings = new Map<string, number>();

  constructor() {
    this.out.u8(0x80).u8(2); // PROTO 2
  }

  /** Stores the value on top of the stack in the memo (BINPUT) and returns its index. */
  memoize(): number {
    const index = this.memoSize++;
    if (index < 256) this.out.u8(0x71).u8(index); // BINPUT
    else this.out.u8(0x72).u32(index); // LONG_BINPUT
    return index;
  }

  /** Pushes a memoized value again (BINGET): the reader gets the same object. */
  get(index: number): void {
    if (index < 256) this.out.u8(0x68).u8(index); // BINGET
    else this.out.u8(0x6a).u32(index); // LONG_BINGET
  }

  /** Pushes None. */
  none(): void {
    this.out.u8(0x4e);
  }

  /** Pushes True or False. */
  bool(value: boolean): void {
    this.out.u8(value ? 0x88 : 0x89);
  }

  /** Pushes a Python int. */
  int(value: number | bigint): void {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`[save] ${value} is not an integer`);
    const n = BigInt(value);
    if (n >= 0n && n <= 0xffn) this.out.u8(0x4b).u8(Number(n)); // BININT1
    else if (n >= 0n && n <= 0xffffn) this.out.u8(0x4d).u16(Number(n)); // BININT2
    else if (n >= -0x80000000n && n <= 0x7fffffffn) this.out.u8(0x4a).i32(Number(n)); // BININT
    else {
      const bytes = encodeLong(n);
      if (bytes.length < 256) this.out.u8(0x8a).u8(bytes.length).bytes(bytes); // LONG1
      else this.out.u8(0x8b).i32(bytes.length).bytes(bytes); // LONG4
    }
  }

  /** Pushes a Python float. */
  float(value: number): void {
    this.out.u8(0x47).f64be(value); // BINFLOAT
  }

  /** Pushes a Python str, memoized so that repeated strings are written once. */
  string(value: string): void {
    const seen = this.strings.get(value);
    if (seen !== undefined) {
      this.get(seen);
      return;
    }
    const bytes = utf8(value);
    this.out.u8(0x58).u32(bytes.length).bytes(bytes); // BINUNICODE
    this.strings.set(value, this.memoize());
  }

  /** Pushes the global `module.name` (GLOBAL), memoized like CPython does. */
  global(module: string, name: string): void {
    const key = `${module}\n${name}\n`;
    const seen = this.globals.get(key);
    if (seen !== undefined) {
      this.get(seen);
      return;
    }
    this.out.u8(0x63).bytes(utf8(key)); // GLOBAL
    this.globals.set(key, this.memoize());
  }

  /** Pushes a tuple of `count` items that `writeItems` pushes. */
  tuple(count: number, writeItems: () => void): void {
    if (count === 0) {
      this.out.u8(0x29); // EMPTY_TUPLE
      return;
    }
    if (count > 3) this.out.u8(0x28); // MARK
    writeItems();
    this.out.u8(count === 1 ? 0x85 : count === 2 ? 0x86 : count === 3 ? 0x87 : 0x74); // TUPLE1-3 / TUPLE
  }

  /** Pushes an empty list and memoizes it (so cycles and shared lists work); fill it with {@link appendItems}. */
  emptyList(): number {
    this.out.u8(0x5d); // EMPTY_LIST
    return this.memoize();
  }

  /** Appends items to the list on top of the stack (APPEND / MARK ... APPENDS in batches). */
  appendItems<T>(items: readonly T[], writeItem: (item: T) => void): void {
    if (items.length === 1) {
      writeItem(items[0]);
      this.out.u8(0x61); // APPEND
      return;
    }
    this.batches(items.length, (start, end) => {
      this.out.u8(0x28); // MARK
      for (let i = start; i < end; i++) writeItem(items[i]);
      this.out.u8(0x65); // APPENDS
    });
  }

  /**
   * Fills the dict on top of the stack with `entries` (SETITEM / MARK ... SETITEMS in batches),
   * after the caller pushed it (EMPTY_DICT via {@link emptyDict}, or an `OrderedDict()` call).
   */
  setItems<T>(entries: readonly T[], writeEntry: (entry: T) => void): void {
    if (entries.length === 1) {
      writeEntry(entries[0]);
      this.out.u8(0x73); // SETITEM
      return;
    }
    this.batches(entries.length, (start, end) => {
      this.out.u8(0x28); // MARK
      for (let i = start; i < end; i++) writeEntry(entries[i]);
      this.out.u8(0x75); // SETITEMS
    });
  }

  /** Pushes an empty dict and memoizes it. */
  emptyDict(): number {
    this.out.u8(0x7d); // EMPTY_DICT
    return this.memoize();
  }

  /** Calls the callable below the argument tuple on the stack (REDUCE). */
  reduce(): void {
    this.out.u8(0x52);
  }

  /** Replaces the tuple on top of the stack by the object its persistent id names (BINPERSID). */
  persistentId(): void {
    this.out.u8(0x51);
  }

  // As CPython's C pickler: a container of one item uses APPEND/SETITEM, any other is written in
  // MARK ... APPENDS/SETITEMS batches of up to 1000 (a last batch of one item included).
  private batches(total: number, writeBatch: (start: number, end: number) => void): void {
    for (let start = 0; start < total; start += BATCH) writeBatch(start, Math.min(total, start + BATCH));
  }

  /** Ends the pickle (STOP) and returns its bytes. */
  finish(): Uint8Array {
    this.out.u8(0x2e);
    return this.out.toBytes();
  }
}

/** The shortest little-endian two's-complement bytes of an integer (CPython's `encode_long`). */
export function encodeLong(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  const bytes: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.push(byte);
    v >>= 8n; // arithmetic shift: stays -1 for negatives
    const signBit = (byte & 0x80) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) break;
  }
  return Uint8Array.from(bytes);
}
