// Datasets that the DataLoader's Web Workers build in a real browser. The harness serves this file
// as its own ES module (`modules: { dataset: ... }`), so `import.meta.url` below is an http URL
// that a worker started from a Blob URL can import; the page imports it by the same URL, which
// keeps it out of the page's bundle and makes `workerSpec()` return the URL of this very module.
import * as torch from 'typetorch';
import { Dataset, getWorkerInfo, type WorkerDatasetSpec } from '@typetorch/data';

/** Sample i: a seeded random vector, a value that takes some arithmetic to compute, and a label. */
export class BusyDataset extends Dataset<[torch.Tensor, torch.Tensor, number]> {
  constructor(readonly n: number, readonly work: number) {
    super();
  }

  get length(): number {
    return this.n;
  }

  get(i: number): [torch.Tensor, torch.Tensor, number] {
    // CPU work, so that the workers really have something to do; exact in float64 on any thread.
    let acc = 0;
    for (let k = 1; k <= this.work; k++) acc = (acc * 31 + i * k) % 1_000_003;
    const noise = torch.randn([3], { generator: new torch.Generator().manualSeed(1000 + i) });
    return [noise, torch.tensor([i, acc], { dtype: 'float64' }), i % 3];
  }

  override workerSpec(): WorkerDatasetSpec {
    return { module: import.meta.url, export: 'BusyDataset', args: [this.n, this.work] };
  }
}

/** `torch.tensor([i])`, except that sample `badIndex` throws. */
export class FailingDataset extends Dataset<torch.Tensor> {
  constructor(readonly n: number, readonly badIndex: number) {
    super();
  }

  get length(): number {
    return this.n;
  }

  get(i: number): torch.Tensor {
    if (i === this.badIndex) throw new Error(`sample ${i} is corrupt`);
    return torch.tensor([i]);
  }

  override workerSpec(): WorkerDatasetSpec {
    return { module: import.meta.url, export: 'FailingDataset', args: [this.n, this.badIndex] };
  }
}

/** Says where each sample was made: which DataLoader worker (-1: none), and in a worker scope or not. */
export class WhereDataset extends Dataset<{ index: number; worker: number; inWorkerScope: boolean }> {
  get length(): number {
    return 8;
  }

  get(i: number): { index: number; worker: number; inWorkerScope: boolean } {
    const scope = (globalThis as { WorkerGlobalScope?: new () => unknown }).WorkerGlobalScope;
    return { index: i, worker: getWorkerInfo()?.id ?? -1, inWorkerScope: scope !== undefined && globalThis instanceof scope };
  }

  override workerSpec(): WorkerDatasetSpec {
    return { module: import.meta.url, export: 'WhereDataset' };
  }
}
