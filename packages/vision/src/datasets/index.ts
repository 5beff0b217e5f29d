/**
 * Datasets (torchvision.datasets): CIFAR10, CIFAR100, MNIST, FashionMNIST, ImageFolder.
 *
 * @module
 */
export { VisionDataset, type VisionDatasetOptions, type VisionWorkerLoad } from './vision-dataset.js';
export { CIFAR10, CIFAR100, type CIFARLoadOptions, type CIFARSpec, type CIFARFormat, type CIFARContent } from './cifar.js';
export { MNIST, FashionMNIST, parseIdx, type IdxArray, type MNISTLoadOptions, type MNISTSpec, type MNISTContent } from './mnist.js';
export { ImageFolder, IMG_EXTENSIONS, type ImageFolderOptions } from './image-folder.js';
export { readCifarPickle, NumpyUint8Array } from './numpy-pickle.js';
