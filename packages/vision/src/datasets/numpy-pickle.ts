/**
 * Reading the Python 2 pickles of CIFAR (`pickle.load(f, encoding='bytes')`) with core's
 * restricted unpickler. The whitelist is exactly the numpy globals the official files use:
 * `numpy.core.multiarray._reconstruct`, `numpy.ndarray` and `numpy.dtype`; any other global is
 * refused before anything is built. Only uint8 arrays (CIFAR's pixels) are rebuilt.
 *
 * @module
 */
import { PickleGlobal, pickleSetState, unpickle, type PickleBuildable } from '@typetorch/core';

/** A numpy array rebuilt from a pickle: its shape and raw uint8 bytes. */
export class NumpyUint8Array implements PickleBuildable {
  /** The array's shape. */
  shape: number[] = [];
  /** The elements, row-major. */
  data: Uint8Array = new Uint8Array(0);

  constructor(private readonly op: string) {}

  /** numpy's `ndarray.__setstate__((version, shape, dtype, is_fortran, rawdata))`. */
  [pickleSetState](state: unknown): void {
    if (!Array.isArray(state) || state.length !== 5) throw new Error(`[${this.op}] unexpected numpy array state in the pickle`);
    const [, shape, dtype, fortran, raw] = state as [unknown, unknown, unknown, unknown, unknown];
    if (!(dtype instanceof NumpyDtype) || dtype.descr !== 'u1') {
      throw new Error(`[${this.op}] expected a uint8 numpy array (dtype 'u1'), got dtype ${dtype instanceof NumpyDtype ? `'${dtype.descr}'` : String(dtype)}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`[${this.op}] bad numpy array shape in the pickle`);
    }
    if (fortran !== false) throw new Error(`[${this.op}] Fortran-ordered numpy arrays are not supported`);
    if (!(raw instanceof Uint8Array)) throw new Error(`[${this.op}] the numpy array's data is not a byte string`);
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    if (raw.length !== numel) {
      throw new Error(`[${this.op}] the numpy array holds ${raw.length} bytes but its shape [${shape.join(', ')}] needs ${numel}: the file is truncated or corrupt`);
    }
    this.shape = shape as number[];
    this.data = raw;
  }
}

/** A numpy dtype from a pickle: `numpy.dtype('u1', 0, 1)` then its state. */
class NumpyDtype implements PickleBuildable {
  constructor(readonly descr: string) {}
  [pickleSetState](): void {
    // The state (byte order, fields, ...) of a plain 'u1' dtype carries nothing we need.
  }
}

const latin1 = new TextDecoder('latin1');

/** A Python 2 `str` (bytes under encoding='bytes') or `str` as a JavaScript string. */
export function pyString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return latin1.decode(value);
  return undefined;
}

/**
 * Reads a CIFAR pickle: a dict whose keys (Python 2 strings) become JavaScript strings; values as
 * core's unpickler gives them, numpy arrays as {@link NumpyUint8Array}.
 */
export function readCifarPickle(op: string, bytes: Uint8Array, file: string): Map<string, unknown> {
  const globals = {
    'numpy.core.multiarray._reconstruct': (cls: unknown) => {
      if (!(cls instanceof PickleGlobal) || cls.qualifiedName !== 'numpy.ndarray') throw new Error(`[${op}] _reconstruct of something that is not numpy.ndarray`);
      return new NumpyUint8Array(op);
    },
    'numpy.ndarray': ndarrayMarker,
    'numpy.dtype': (descr: unknown) => new NumpyDtype(pyString(descr) ?? String(descr)),
  };
  let value: unknown;
  try {
    value = unpickle(bytes, {
      globals, op, python2Strings: 'bytes',
      allowedGlobals: 'CIFAR files may only use numpy.core.multiarray._reconstruct, numpy.ndarray and numpy.dtype',
    });
  } catch (error) {
    throw new Error(`${(error as Error).message} (in ${file})`);
  }
  if (!(value instanceof Map)) throw new Error(`[${op}] ${file} does not hold a dict, as CIFAR's pickles do`);
  const out = new Map<string, unknown>();
  for (const [key, v] of value) out.set(pyString(key) ?? String(key), v);
  return out;
}

/** numpy.ndarray as a value on the pickle stack: only compared by identity in `_reconstruct`. */
function ndarrayMarker(): never {
  throw new Error('numpy.ndarray cannot be called directly');
}
