/**
 * `torch.utils`: PyTorch's utilities namespace; `torch.utils.data` is `@typetorch/data`.
 *
 * @module
 */
export * as data from '@typetorch/data';
