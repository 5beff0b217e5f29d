/**
 * Imported by each DataLoader worker before it loads CIFAR-10: the umbrella registers the CPU
 * device with the worker's copy of core (the one @typetorch/vision resolves to), as it does on the
 * main thread.
 */
import 'typetorch';
