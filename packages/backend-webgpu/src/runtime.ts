/**
 * The GPU runtime under the kernels: pipelines, buffers, command batching and readback.
 *
 * - Kernels are recorded into one open compute pass; the pass is submitted when a read needs the
 *   results, when host data is written (the queue's `writeBuffer` would overtake unsubmitted
 *   commands), or after {@link MAX_DISPATCHES_PER_SUBMIT} dispatches so the GPU starts early.
 * - Every dispatch's parameters (shapes, strides, offsets, scalars) are 32-bit words appended to a
 *   host-side arena that is uploaded once per submit and bound at 256-byte aligned offsets, so a
 *   shape change never makes a new pipeline and a dispatch makes no buffer of its own.
 * - WebGPU forbids binding one buffer as writable and readable in one dispatch (in-place ops do
 *   exactly that): an input that shares its buffer with an output is read from a copy.
 * - Grids larger than 65535 workgroups spill into the y dimension; kernels index with
 *   {@link WGSL_LINEAR_INDEX}.
 * - A lost device or an uncaptured error (out of memory, a bad shader) becomes a clear error on the
 *   next call or read; a pending read never hangs on a lost device.
 *
 * @module
 */
import { BufferPool, sizeClass, type PoolStats } from './buffer-pool.js';

/** How many dispatches are recorded before they are submitted without waiting for a read. */
export const MAX_DISPATCHES_PER_SUBMIT = 128;

/** Workgroup size of one-dimensional kernels. */
export const WORKGROUP_SIZE = 64;

const ARENA_BYTES = 1 << 18;
const MAX_WORKGROUPS_PER_DIM = 65535;

/**
 * WGSL for a one-dimensional kernel's invocation index over a grid that may spill into y:
 * declare `@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>`
 * and call `linearIndex(gid, nwg)`.
 */
export const WGSL_LINEAR_INDEX = /* wgsl */ `
fn linearIndex(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * ${WORKGROUP_SIZE}u;
}
`;

/** One buffer bound to a kernel, in binding order. */
export interface Binding {
  readonly buffer: GPUBuffer;
  /** `true` when the kernel writes it (`var<storage, read_write>`). */
  readonly write?: boolean;
}

/** One kernel launch. */
export interface Dispatch {
  /** Identifies the shader: equal keys must mean equal WGSL. */
  readonly key: string;
  /** The WGSL source (entry point `main`), built only the first time `key` is seen. */
  readonly code: () => string;
  /** Storage buffers at bindings 0, 1, ... in order. */
  readonly bindings: readonly Binding[];
  /**
   * 32-bit parameter words, bound after the buffers as `var<storage, read> params: array<u32>`
   * (floats as their bits, see {@link f32Bits}). Omit when the shader declares no params.
   */
  readonly params?: ArrayLike<number>;
  /** Invocations of a one-dimensional kernel (`@workgroup_size(64)`), or an explicit grid. */
  readonly threads?: number;
  readonly workgroups?: readonly [number, number?, number?];
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** The bits of a float32, to pass a float in the parameter words. */
export function f32Bits(value: number): number {
  f32Scratch[0] = value;
  return u32Scratch[0]!;
}

/** What `torch.memory('webgpu')` adds to core's counts. */
export interface RuntimeStats extends PoolStats {
  /** Pipelines compiled so far. */
  readonly pipelines: number;
}

export class GpuRuntime {
  readonly pool: BufferPool;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly staging = new Map<number, GPUBuffer[]>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  private readonly arena: GPUBuffer;
  private readonly arenaWords = new Uint32Array(ARENA_BYTES / 4);
  private arenaUsed = 0; // in bytes
  private readonly paramAlign: number;
  private lostReason: string | undefined;
  private pendingError: string | undefined;

  constructor(readonly device: GPUDevice) {
    this.pool = new BufferPool(device);
    this.paramAlign = Math.max(256, device.limits.minStorageBufferOffsetAlignment);
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: 0x80 /* STORAGE */ | 0x08 /* COPY_DST */ });
    void device.lost.then((info) => {
      this.lostReason = `${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`;
    });
    device.addEventListener?.('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      const kind = error.constructor?.name === 'GPUOutOfMemoryError' ? 'out of GPU memory' : 'GPU error';
      this.pendingError ??= `${kind}: ${error.message}`;
    });
  }

  /** Whether the device was lost. */
  isLost(): boolean {
    return this.lostReason !== undefined;
  }

  /** Throws when the device is lost or an earlier command failed; `op` may be a dispatch key (`op:...`). */
  check(op: string): void {
    if (this.lostReason === undefined && this.pendingError === undefined) return;
    op = op.split(':')[0]!;
    if (this.lostReason !== undefined) {
      throw new Error(`[${op}] the WebGPU device was lost (${this.lostReason}); call initWebGPU() again and move tensors back to it`);
    }
    if (this.pendingError !== undefined) {
      const message = this.pendingError;
      this.pendingError = undefined;
      throw new Error(`[${op}] an earlier WebGPU command failed: ${message}`);
    }
  }

  /** A storage buffer of at least `bytes` bytes from the pool. */
  allocate(bytes: number): GPUBuffer {
    this.check('webgpu.alloc');
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (sizeClass(bytes) > limit) {
      throw new Error(`[webgpu.alloc] ${bytes} bytes exceed this device's largest storage buffer (${limit} bytes)`);
    }
    return this.pool.acquire(bytes);
  }

  /** Returns a buffer to the pool; later commands may reuse it (earlier ones run first). */
  release(buffer: GPUBuffer): void {
    this.pool.release(buffer);
  }

  /** Writes host words into `buffer` at `byteOffset`, after every command recorded so far. */
  writeWords(buffer: GPUBuffer, byteOffset: number, words: ArrayBufferView): void {
    this.check('webgpu.write');
    if (words.byteLength === 0) return;
    this.flush(); // queue.writeBuffer takes effect before commands that are recorded but not submitted
    this.device.queue.writeBuffer(buffer, byteOffset, words.buffer, words.byteOffset, words.byteLength);
  }

  /** Records a buffer-to-buffer copy (byte counts multiples of 4). */
  copyBuffer(source: GPUBuffer, sourceOffset: number, target: GPUBuffer, targetOffset: number, bytes: number): void {
    if (bytes === 0) return;
    this.endPass();
    this.encoder!.copyBufferToBuffer(source, sourceOffset, target, targetOffset, bytes);
    this.countDispatch();
  }

  /** Records one kernel launch. */
  dispatch(d: Dispatch): void {
    this.check(d.key);
    const grid = this.grid(d);
    if (grid[0] === 0 || grid[1] === 0 || grid[2] === 0) return;
    const pipeline = this.pipeline(d);
    const temps: GPUBuffer[] = [];
    const entries: GPUBindGroupEntry[] = d.bindings.map((b, binding) => {
      let buffer = b.buffer;
      if (b.write !== true && d.bindings.some((w) => w.write === true && w.buffer === buffer)) {
        // An input that is also an output (an in-place op) is read from a copy.
        const copy = this.pool.acquire(buffer.size);
        this.copyBuffer(buffer, 0, copy, 0, buffer.size);
        temps.push(copy);
        buffer = copy;
      }
      return { binding, resource: { buffer } };
    });
    if (d.params !== undefined) entries.push({ binding: d.bindings.length, resource: this.pushParams(d.params) });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.beginPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    for (const t of temps) this.pool.release(t);
    this.countDispatch();
  }

  /** Reads `bytes` bytes of `buffer` from `byteOffset`, after every command recorded so far. */
  async readBytes(buffer: GPUBuffer, byteOffset: number, bytes: number): Promise<ArrayBuffer> {
    this.check('webgpu.read');
    if (bytes === 0) return new ArrayBuffer(0);
    const size = sizeClass(bytes);
    const staging = this.staging.get(size)?.pop() ?? this.device.createBuffer({ size, usage: 0x01 /* MAP_READ */ | 0x08 /* COPY_DST */ });
    this.endPass();
    this.encoder!.copyBufferToBuffer(buffer, byteOffset, staging, 0, bytes);
    this.flush();
    try {
      await Promise.race([staging.mapAsync(0x01 /* GPUMapMode.READ */, 0, bytes), this.lostPromise()]);
    } catch (error) {
      this.check('webgpu.read');
      throw new Error(`[webgpu.read] reading back from the GPU failed: ${(error as Error).message}`);
    }
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    let list = this.staging.get(size);
    if (list === undefined) this.staging.set(size, (list = []));
    if (list.length < 4) list.push(staging);
    else staging.destroy();
    this.check('webgpu.read');
    return copy;
  }

  /** Submits every recorded command. */
  flush(): void {
    if (this.encoder === null) return;
    this.endPass();
    if (this.arenaUsed > 0) this.device.queue.writeBuffer(this.arena, 0, this.arenaWords.buffer, 0, this.arenaUsed);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.dispatches = 0;
    this.arenaUsed = 0;
  }

  /** Waits until the GPU has run every submitted command. */
  async sync(): Promise<void> {
    this.flush();
    await Promise.race([this.device.queue.onSubmittedWorkDone(), this.lostPromise()]);
    this.check('webgpu.sync');
  }

  stats(): RuntimeStats {
    return { ...this.pool.stats(), pipelines: this.pipelines.size };
  }

  /** Destroys pooled and staging buffers (live tensors keep theirs). */
  trim(): void {
    this.flush();
    this.pool.trim();
    for (const list of this.staging.values()) for (const b of list) b.destroy();
    this.staging.clear();
  }

  private lostPromise(): Promise<never> {
    return this.device.lost.then((info) => {
      throw new Error(`[webgpu.read] the WebGPU device was lost (${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''})`);
    });
  }

  private grid(d: Dispatch): [number, number, number] {
    if (d.workgroups !== undefined) {
      const [x, y = 1, z = 1] = d.workgroups;
      if (x > MAX_WORKGROUPS_PER_DIM || y > MAX_WORKGROUPS_PER_DIM || z > MAX_WORKGROUPS_PER_DIM) {
        throw new Error(`[${d.key}] grid [${x}, ${y}, ${z}] exceeds ${MAX_WORKGROUPS_PER_DIM} workgroups per dimension`);
      }
      return [x, y, z];
    }
    const groups = Math.ceil((d.threads ?? 0) / WORKGROUP_SIZE);
    if (groups <= MAX_WORKGROUPS_PER_DIM) return [groups, 1, 1];
    const y = Math.ceil(groups / MAX_WORKGROUPS_PER_DIM);
    return [Math.ceil(groups / y), y, 1];
  }

  private pipeline(d: Dispatch): GPUComputePipeline {
    let pipeline = this.pipelines.get(d.key);
    if (pipeline === undefined) {
      const module = this.device.createShaderModule({ code: d.code(), label: d.key });
      pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: d.key });
      this.pipelines.set(d.key, pipeline);
    }
    return pipeline;
  }

  private pushParams(params: ArrayLike<number>): GPUBufferBinding {
    const bytes = Math.max(4, params.length * 4);
    if (this.arenaUsed + bytes > ARENA_BYTES) this.flush();
    const offset = this.arenaUsed;
    for (let i = 0; i < params.length; i++) this.arenaWords[offset / 4 + i] = params[i]! >>> 0;
    this.arenaUsed = Math.ceil((offset + bytes) / this.paramAlign) * this.paramAlign;
    return { buffer: this.arena, offset, size: bytes };
  }

  private beginPass(): GPUComputePassEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    this.pass ??= this.encoder.beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    this.encoder ??= this.device.createCommandEncoder();
    if (this.pass !== null) {
      this.pass.end();
      this.pass = null;
    }
  }

  private countDispatch(): void {
    if (++this.dispatches >= MAX_DISPATCHES_PER_SUBMIT) this.flush();
  }
}
