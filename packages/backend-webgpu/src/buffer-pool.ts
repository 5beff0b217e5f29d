/**
 * A pool of GPU storage buffers in size classes, so that the allocate-free churn of a training loop
 * (every op makes a new tensor) reuses buffers instead of asking the driver each time.
 *
 * Sizes round up to classes a quarter of a power of two apart (at most 19% slack). A freed buffer
 * goes back to its class at once: WebGPU runs commands in submission order, so a later kernel that
 * reuses the buffer cannot overtake an earlier one that still reads it. Buffers left unused for
 * `idleMs` are destroyed, so memory goes back to the system when a program stops computing.
 *
 * @module
 */

/** The usages every pooled buffer has: bound as storage, copied from and to, written by the queue. */
export const STORAGE_USAGE = 0x80 /* STORAGE */ | 0x04 /* COPY_SRC */ | 0x08; /* COPY_DST */

const MIN_BYTES = 256;

/** The byte size of the class that holds `bytes`: 256, then steps of 2^(1/4) rounded up to 256 bytes. */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  const exponent = Math.ceil(Math.log2(bytes) * 4) / 4;
  const size = Math.ceil(2 ** exponent / 256) * 256;
  return size >= bytes ? size : Math.ceil(bytes / 256) * 256;
}

interface FreeBuffer {
  readonly buffer: GPUBuffer;
  readonly freedAt: number;
}

/** Counts the pool reports (all in bytes except the counts). */
export interface PoolStats {
  /** Bytes of buffers handed out and not yet released. */
  readonly bytesInUse: number;
  /** Bytes of released buffers kept for reuse. */
  readonly bytesPooled: number;
  /** Buffers handed out and not yet released. */
  readonly buffersInUse: number;
}

export class BufferPool {
  private readonly free = new Map<number, FreeBuffer[]>();
  private bytesInUse = 0;
  private bytesPooled = 0;
  private buffersInUse = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly device: GPUDevice,
    /** Buffers unused for this long are destroyed (0 keeps none: every release destroys). */
    private readonly idleMs = 2000,
  ) {}

  /** A buffer of at least `bytes` bytes (its size is `sizeClass(bytes)`). */
  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    const reused = list?.pop();
    let buffer: GPUBuffer;
    if (reused !== undefined) {
      this.bytesPooled -= size;
      buffer = reused.buffer;
    } else {
      buffer = this.device.createBuffer({ size, usage: STORAGE_USAGE });
    }
    this.bytesInUse += size;
    this.buffersInUse++;
    return buffer;
  }

  /** Returns a buffer from {@link acquire} to the pool. */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.bytesInUse -= size;
    this.buffersInUse--;
    if (this.idleMs <= 0) {
      buffer.destroy();
      return;
    }
    let list = this.free.get(size);
    if (list === undefined) this.free.set(size, (list = []));
    list.push({ buffer, freedAt: Date.now() });
    this.bytesPooled += size;
    this.scheduleTrim();
  }

  /** Destroys pooled buffers released more than `olderThanMs` ago (all of them by default). */
  trim(olderThanMs = 0): void {
    const cutoff = Date.now() - olderThanMs;
    for (const [size, list] of this.free) {
      const keep = list.filter((entry) => entry.freedAt > cutoff);
      for (const entry of list) if (entry.freedAt <= cutoff) entry.buffer.destroy();
      this.bytesPooled -= (list.length - keep.length) * size;
      if (keep.length === 0) this.free.delete(size);
      else this.free.set(size, keep);
    }
  }

  stats(): PoolStats {
    return { bytesInUse: this.bytesInUse, bytesPooled: this.bytesPooled, buffersInUse: this.buffersInUse };
  }

  /** Destroys every pooled buffer and stops the idle timer. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.trim();
  }

  private scheduleTrim(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.trim(this.idleMs);
      if (this.bytesPooled > 0) this.scheduleTrim();
    }, this.idleMs);
    // In Node, an idle pool must not keep the process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }
}
