/**
 * `@typetorch/vision`: torchvision for typetorch. Datasets (CIFAR10/100, MNIST, FashionMNIST,
 * ImageFolder) with download and MD5 checks, transforms, and `makeGrid`/`saveImage`.
 *
 * ```ts
 * import * as vision from '@typetorch/vision';
 * const { transforms } = vision;
 * const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);
 * const trainset = await vision.datasets.CIFAR10.load({ root: './data', train: true, download: true, transform });
 * ```
 *
 * @packageDocumentation
 */
export * as datasets from './datasets/index.js';
export * as transforms from './transforms/index.js';
export * as utils from './utils/index.js';
export * as io from './io/index.js';
