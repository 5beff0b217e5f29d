/**
 * The generator random transforms use in a DataLoader worker. A generator object cannot cross to
 * another thread, and copying its state into every worker would give every worker the same
 * "random" crops. As PyTorch's worker loop does (`torch.manual_seed(base_seed + worker_id)`), each
 * worker seeds its default generator with its own seed (`getWorkerInfo().seed`), and the random
 * transforms it rebuilds draw from that: a seeded DataLoader `generator` makes worker runs
 * reproducible, and workers draw different numbers.
 *
 * @module
 */
import { defaultGenerator, manualSeed, type Generator } from '@typetorch/core';
import { getWorkerInfo, workerObject, type WorkerObjectRef } from '@typetorch/data';

let seededWith: number | undefined;

/** Where a rebuilt random transform gets its generator (a class, so that a worker spec can name it). */
export class WorkerRandom {
  /**
   * Core's default generator, seeded with this worker's seed the first time a worker asks (outside
   * a worker: the default generator as it is).
   */
  static generator(): Generator {
    const info = getWorkerInfo();
    if (info !== null && seededWith !== info.seed) {
      manualSeed(info.seed);
      seededWith = info.seed;
    }
    return defaultGenerator;
  }
}

/** The spec argument that a worker replaces by {@link WorkerRandom.generator}'s generator. */
export function workerGeneratorSpec(): WorkerObjectRef {
  return workerObject({ module: import.meta.url, export: 'WorkerRandom', method: 'generator' });
}
