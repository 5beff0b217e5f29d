/**
 * Fixture cases on a float32 device (WebGPU): which apply there and how float64 becomes float32.
 * Used by parity-webgpu.test.ts and nn-parity-webgpu.test.ts.
 *
 * @module
 */
import type { TensorSpec } from './parity-runner.js';

// ---- cases on a float32 device ----
//
// A device like WebGPU has no float64 and keeps int64 in 32 bits; issue 5 asks for the fixtures to
// pass there "with float32 tolerances". These helpers decide, from the case alone (never from a list
// of ids), which cases apply there and rewrite float64 to float32 for those that do.

/** Why a case cannot apply on a float32 device. */
export type Float32DeviceExclusion =
  /** a dtype argument asks for float64, which the device refuses */
  | 'requests float64'
  /** an expected error about mixing float32 with float64: running float64 as float32 removes the mismatch */
  | 'float32/float64 mismatch error'
  /** int64 values outside 32 bits, which the device cannot hold (uploading them is an error there) */
  | 'int64 beyond 32 bits'
  /** an error only a host can detect by reading values (indices, targets or classes out of range,
   * integer division by zero): the backend contract leaves those unspecified on devices */
  | 'data-dependent error';

function isSpec(v: unknown): v is TensorSpec {
  const o = v as Partial<TensorSpec> | null;
  return o !== null && typeof o === 'object' && typeof o.dtype === 'string' && Array.isArray(o.shape) && Array.isArray(o.data);
}

/** Every tensor spec inside a JSON value (inputs, outputs, gradients, state dicts, `{ tensor }` options). */
function specsIn(v: unknown, out: TensorSpec[] = []): TensorSpec[] {
  if (isSpec(v)) out.push(v);
  else if (Array.isArray(v)) for (const x of v) specsIn(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) specsIn(x, out);
  return out;
}

/** Whether a JSON value outside its tensor specs holds the string `s` (a dtype argument). */
function mentions(v: unknown, s: string): boolean {
  if (v === s) return true;
  if (isSpec(v)) return false;
  if (Array.isArray(v)) return v.some((x) => mentions(x, s));
  if (v !== null && typeof v === 'object') return Object.values(v).some((x) => mentions(x, s));
  return false;
}

/** Every `{ bigint: "…" }` argument inside a JSON value. */
function bigintArgs(v: unknown, out: bigint[] = []): bigint[] {
  if (Array.isArray(v)) for (const x of v) bigintArgs(x, out);
  else if (v !== null && typeof v === 'object') {
    const o = v as { bigint?: unknown };
    if (typeof o.bigint === 'string') out.push(BigInt(o.bigint));
    else if (!isSpec(v)) for (const x of Object.values(v)) bigintArgs(x, out);
  }
  return out;
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INTEGER_DTYPES = new Set<string>(['int32', 'int64', 'uint8']);
/** PyTorch's messages for errors found by reading values rather than shapes or dtypes. */
const VALUE_ERROR = /out of bounds|out of range|smaller than num_classes|division by zero|ZeroDivision/i;

/**
 * Whether a fixture case (core or nn) applies on a float32 device, and if not, why. Checks run in
 * the order of {@link Float32DeviceExclusion}; the first that applies is the reason.
 */
export function float32DeviceExclusion(c: object): Float32DeviceExclusion | null {
  const { args, kwargs, options, inputs, out } = c as {
    args?: unknown; kwargs?: unknown; options?: unknown; inputs: unknown; out: unknown;
  };
  if (mentions([args, kwargs, options], 'float64')) return 'requests float64';
  const error = out as { error?: boolean; torch_message?: string };
  const inputSpecs = specsIn(inputs);
  if (error.error === true) {
    const dtypes = new Set(inputSpecs.map((s) => s.dtype));
    if (dtypes.has('float64') && dtypes.has('float32')) return 'float32/float64 mismatch error';
  }
  const int64s = specsIn(c).filter((s) => s.dtype === 'int64').flatMap((s) => s.data.map((v) => BigInt(v as string)));
  if ([...int64s, ...bigintArgs([args, kwargs, options])].some((v) => v < INT32_MIN || v > INT32_MAX)) {
    return 'int64 beyond 32 bits';
  }
  if (error.error === true && inputSpecs.some((s) => INTEGER_DTYPES.has(s.dtype)) && VALUE_ERROR.test(error.torch_message ?? '')) {
    return 'data-dependent error';
  }
  return null;
}

/**
 * A copy of a case with float64 replaced by float32 everywhere (tensor specs, an nn case's module
 * dtype): inputs are created as float32 and expected values compared with float32 tolerances.
 */
export function asFloat32Case<C extends object>(c: C): C {
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v !== null && typeof v === 'object') {
      const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]));
      if (o.dtype === 'float64') o.dtype = 'float32';
      return o;
    }
    return v;
  };
  return rewrite(c) as C;
}

/** Cases of a device run, per fixture file, with the count of each outcome of the device filter. */
export interface DevicePlan<C> {
  readonly plan: { name: string; run: C[] }[];
  /** `run`, `run as float32 (float64 in the fixture)`, and each exclusion reason. */
  readonly counts: Record<string, number>;
  /** `file.json "id": reason`, one per excluded case. */
  readonly excluded: string[];
}

/**
 * Applies {@link float32DeviceExclusion} and {@link asFloat32Case} to every case of `suites`
 * (`counted` names the outcomes to count, all starting at zero).
 */
export function planForFloat32Device<C extends { id: string }>(
  suites: readonly { name: string; cases: readonly C[] }[], counted: readonly string[],
): DevicePlan<C> {
  const counts: Record<string, number> = Object.fromEntries(counted.map((k) => [k, 0]));
  const excluded: string[] = [];
  const plan = suites.map(({ name, cases }) => {
    const run: C[] = [];
    for (const c of cases) {
      const reason = float32DeviceExclusion(c);
      counts[reason ?? 'run']++;
      if (reason !== null) {
        excluded.push(`${name}.json "${c.id}": ${reason}`);
        continue;
      }
      const c32 = asFloat32Case(c);
      if (JSON.stringify(c32) !== JSON.stringify(c)) counts['run as float32 (float64 in the fixture)']++;
      run.push(c32);
    }
    return { name, run };
  });
  return { plan, counts, excluded };
}
