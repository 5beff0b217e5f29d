/**
 * `@typetorch/data`: PyTorch's `torch.utils.data` for typetorch — datasets, samplers and the
 * DataLoader (async iteration, default collate, worker threads in Node and Web Workers in browsers).
 *
 * ```ts
 * import * as torch from 'typetorch';
 * import { TensorDataset, DataLoader } from '@typetorch/data';
 * const ds = new TensorDataset(torch.randn(100, 3), torch.randint(0, 2, [100]));
 * for await (const [xb, yb] of new DataLoader(ds, { batchSize: 16, shuffle: true })) { ... }
 * ```
 *
 * @packageDocumentation
 */
export { Dataset, IterableDataset, TensorDataset, ConcatDataset, Subset, randomSplit, isMapDataset, type RandomSplitOptions } from './dataset.js';
export {
  Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, passGenerator,
  type Sized, type SamplerGeneratorOptions, type RandomSamplerOptions, type WeightedRandomSamplerOptions,
} from './sampler.js';
export { defaultCollate, defaultConvert, collateBatch, type Collated } from './collate.js';
export { DataLoader, type DataLoaderOptions, type IndexSampler, type IndexBatchSampler } from './dataloader.js';
export { getWorkerInfo, activeWorkerCount, type WorkerInfo } from './worker-pool.js';
export {
  TENSOR_TAG, WORKER_OBJECT_TAG, encodeTensorShared, decodeTensor, decodeSample, isEncodedTensor, workerObject,
  type EncodedTensor, type WorkerDatasetSpec, type WorkerModuleSpec, type WorkerObjectRef, type WorkerReply, type WorkerRequest,
} from './worker-protocol.js';
