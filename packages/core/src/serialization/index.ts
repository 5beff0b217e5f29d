/**
 * Checkpoints: `save`/`load` (files, Node) and `saveToBytes`/`loadFromBytes` (memory, anywhere) in
 * PyTorch's zip format or safetensors, plus the restricted unpickler that other readers of Python
 * pickles (such as CIFAR-10's) build on with their own whitelist of globals.
 *
 * @module
 */
export {
  save, load, saveToBytes, loadFromBytes,
  type CheckpointFormat, type SaveOptions, type SaveToBytesOptions, type LoadOptions, type LoadFromBytesOptions,
} from './checkpoint.js';
export type { CheckpointFileSystem, WritableCheckpointFile } from './fs.js';
export { readSafetensorsMetadata } from './safetensors.js';
export {
  unpickle, PickleGlobal, pickleSetState,
  type UnpickleOptions, type PickleCallable, type PickleBuildable,
} from './pickle-reader.js';
