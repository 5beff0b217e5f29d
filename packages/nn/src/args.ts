/**
 * PyTorch's two ways of passing an optional argument, for every layer and functional op of `nn`:
 * positionally, in PyTorch's order (`new nn.Dropout(0.2)`, `F.softmax(x, 1)`), or by name in a
 * trailing options object with camelCase keys (`new nn.Dropout({ p: 0.2 })`, `F.softmax(x, { dim: 1 })`).
 * Both mix as in Python: a few positional values, then an options object with any of the others
 * (`new nn.Conv2d(3, 6, 3, 1, { padding: 1 })`). Required arguments are always positional.
 *
 * @module
 */

/**
 * The optional arguments of a call: the first `k` of PyTorch's positional parameters `P` (any
 * `k`, in order; `undefined` for one means its default), then optionally the options object `O`.
 * With `P = [p: number, inplace: boolean]` it allows `()`, `(p)`, `(p, inplace)`, `(options)`,
 * `(p, options)` and `(p, inplace, options)`.
 */
export type OptionalArgs<P extends unknown[], O> =
  | [...{ [K in keyof P]: P[K] | undefined }, O?]
  | (P extends [...infer Init, unknown] ? OptionalArgs<Init, O> : never);

/**
 * Whether `v` is an options object: a plain object (`{ ... }`), never an array, a Tensor or null,
 * which are argument values.
 */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Merges the optional arguments `args` of a call into one options object: `args[i]` is the
 * parameter `names[i]` until a trailing options object, whose keys fill in the rest. A positional
 * `undefined` means "not given" (the default). Throws, as Python does, for a value given both
 * positionally and by name, for more positional values than `names`, and for an options object
 * that is not last.
 */
export function mergeArgs<O extends object>(op: string, names: readonly (keyof O & string)[], args: readonly unknown[]): O {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    if (isOptionsObject(v)) {
      if (i !== args.length - 1) throw new TypeError(`[${op}] the options object must be the last argument`);
      for (const [k, value] of Object.entries(v)) {
        if (value === undefined) continue;
        if (out[k] !== undefined) throw new TypeError(`[${op}] got multiple values for argument '${k}'`);
        out[k] = value;
      }
      break;
    }
    if (i >= names.length) {
      throw new TypeError(`[${op}] takes at most ${names.length} optional positional argument(s) (${names.join(', ')}), got ${args.length}`);
    }
    if (v !== undefined) out[names[i]] = v;
  }
  return out as O;
}
