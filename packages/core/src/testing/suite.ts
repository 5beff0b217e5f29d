/**
 * The public types of the conformance suite and the collector that case files add to.
 *
 * @module
 */
import type { Backend } from '../backend/contract.js';
import { DTYPES, type DType } from '../dtype.js';
import { Harness } from './harness.js';

/** One check of the conformance suite: `run` resolves when the backend conforms and throws otherwise. */
export interface ConformanceCase {
  /** What the case checks, as a sentence-like test name (e.g. `'binary add broadcasts a row (float32)'`). */
  readonly name: string;
  /** Runs the check; rejects with an Error that shows the expected and the actual values. */
  run(): Promise<void>;
}

/** What a backend declares about itself, so that the suite leaves out what it cannot hold. */
export interface ConformanceOptions {
  /** The dtypes the backend supports; cases of other dtypes are left out. Default: all six. */
  readonly dtypes?: readonly DType[];
  /**
   * Whether int64 holds every 64-bit value exactly, as on the CPU. Default true. A backend that
   * keeps int64 in 32 bits passes false: its int64 cases then stay inside the int32 range.
   */
  readonly exactInt64?: boolean;
}

/** A case body: gets a fresh harness whose storage is freed after the body finishes. */
export type CaseBody = (h: Harness) => Promise<void>;

/** Collects the cases of one backend; case files call `add` for each behaviour. */
export class Suite {
  readonly cases: ConformanceCase[] = [];
  readonly exactInt64: boolean;
  private readonly supported: ReadonlySet<DType>;

  constructor(readonly backend: Backend, options: ConformanceOptions) {
    this.supported = new Set(options.dtypes ?? DTYPES);
    this.exactInt64 = options.exactInt64 ?? true;
  }

  /** The dtypes among `wanted` that the backend supports (all six when none are named). */
  dtypes(...wanted: DType[]): DType[] {
    return (wanted.length ? wanted : DTYPES).filter((d) => this.supported.has(d));
  }

  /** True when every one of `dtypes` is supported. */
  supports(...dtypes: DType[]): boolean {
    return dtypes.every((d) => this.supported.has(d));
  }

  /** Adds a case; its storage is freed whether it passes or fails. */
  add(name: string, body: CaseBody): void {
    const backend = this.backend;
    this.cases.push({
      name,
      async run() {
        const h = new Harness(backend);
        try {
          await body(h);
        } finally {
          h.freeAll();
        }
      },
    });
  }
}
