/**
 * Moving whole storages between a device and host arrays, for the checkpoint formats.
 *
 * @module
 */
import type { TypedArray } from '../backend/contract.js';
import { getBackend } from '../backend/registry.js';
import type { DType } from '../dtype.js';
import { Storage } from '../storage.js';

/**
 * A storage on `device` holding `data` (a host array of `dtype`). Devices that keep memory on the
 * host (CPU) adopt the array without another copy.
 */
export function storageFromHost(device: string, dtype: DType, data: TypedArray, op: string): Storage {
  const backend = getBackend(device, op);
  if (backend.wrapHostArray !== undefined) {
    return new Storage(backend, device, backend.wrapHostArray(data, dtype), dtype, data.length);
  }
  const storage = Storage.allocate(backend, device, dtype, data.length);
  if (data.length > 0) backend.write(storage.handle, dtype, data, 0);
  return storage;
}
