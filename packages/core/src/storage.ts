/**
 * Storage: one block of device memory shared by a tensor and all its views, with the version
 * counter that autograd uses to detect in-place changes to saved values.
 *
 * @module
 */
import type { Backend, StorageHandle } from './backend/contract.js';
import { itemSize, type DType } from './dtype.js';
import { trackStorage } from './tidy.js';
import { getBackend } from './backend/registry.js';

interface DeviceUsage {
  storages: number;
  bytes: number;
}

const usage = new Map<string, DeviceUsage>();

function track(device: string, storages: number, bytes: number): void {
  let entry = usage.get(device);
  if (!entry) usage.set(device, (entry = { storages: 0, bytes: 0 }));
  entry.storages += storages;
  entry.bytes += bytes;
}

// Safety net for device memory: a storage that is garbage collected without `dispose()` is freed.
const finalizer = new FinalizationRegistry<{ backend: Backend; handle: StorageHandle; device: string; bytes: number }>(
  ({ backend, handle, device, bytes }) => {
    backend.free(handle);
    track(device, -1, -bytes);
  },
);

/** A block of memory on a device. Tensors and their views share one. */
export class Storage {
  /** Incremented by every in-place write; autograd compares it with the version it saved. */
  version = 0;
  private disposed = false;
  /** Whether this storage is counted by {@link memory} (device memory, not host memory). */
  private readonly tracked: boolean;

  constructor(
    /** The backend that owns the memory. */
    readonly backend: Backend,
    /** The device name the backend is registered as. */
    readonly device: string,
    /** The backend's handle. */
    readonly handle: StorageHandle,
    /** The element type. */
    readonly dtype: DType,
    /** Number of elements. */
    readonly numel: number,
  ) {
    // Host memory (a backend with `hostArray`, like cpu) is the garbage collector's business; device
    // memory is counted and gets a finalizer as a safety net. Registering costs about a microsecond,
    // which small CPU ops cannot afford.
    this.tracked = backend.hostArray === undefined;
    if (this.tracked) {
      const bytes = numel * itemSize(dtype);
      track(device, 1, bytes);
      finalizer.register(this, { backend, handle, device, bytes }, this);
    }
    trackStorage(this);
  }

  /** Allocates a new storage of `numel` elements on a device. */
  static allocate(backend: Backend, device: string, dtype: DType, numel: number): Storage {
    return new Storage(backend, device, backend.alloc(dtype, numel), dtype, numel);
  }

  /** True once the memory was given back. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Frees the memory now. Using a tensor of a disposed storage is an error. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.free(this.handle);
    if (!this.tracked) return;
    finalizer.unregister(this);
    track(this.device, -1, -this.numel * itemSize(this.dtype));
  }
}

/**
 * What {@link memory} reports for one device. Devices that keep tensors in host memory (cpu) leave
 * it to the garbage collector and are not counted: they report zeros with `tracked: false`.
 */
export interface MemoryInfo {
  /** False for devices whose memory the garbage collector manages (their counts are zero). */
  tracked: boolean;
  /**
   * Storages alive on the device (a tensor and its views count once), including the scalar
   * constants (`x.mul(0.9)`'s 0.9) that a device with its own memory keeps for reuse, at most 1024.
   */
  numStorages: number;
  /** Bytes held by those storages. */
  bytes: number;
  /**
   * Bytes the device keeps in a pool of freed blocks for reuse (like `torch.cuda.memory_reserved`
   * minus allocated); 0 for devices without a pool. See {@link Backend.memoryStats}.
   */
  pooledBytes: number;
}

/**
 * Live storages and bytes on a device, like `torch.cuda.memory_allocated` for any device, and the
 * bytes its allocator keeps pooled.
 */
export function memory(device = 'cpu'): MemoryInfo {
  const entry = usage.get(device);
  const backend = getBackend(device, 'memory');
  const tracked = backend.hostArray === undefined;
  const pooledBytes = backend.memoryStats?.().pooledBytes ?? 0;
  return { tracked, numStorages: entry?.storages ?? 0, bytes: entry?.bytes ?? 0, pooledBytes };
}
