// Reused buffers for large records. Every 64 KiB–8 MiB buffer node allocates is memory V8 counts
// as external, and enough of it (tens of MB) starts a full mark-compact of the heap: under a load
// of 1 MB reads and writes that was one every ~10 requests, with the GC threads busy all the time.
// A buffer taken here goes back with give() once nothing refers to it (for a response: when the
// socket is done with it), and the next record of that size class reuses it.
import { assert } from './types.ts';

/** Buffers below this come from node's own small-buffer pool already. */
export const POOLED_MIN_BYTES = 64 * 1024;
/** Larger records are allocated and dropped as before. */
export const POOLED_MAX_BYTES = 8 * 1024 * 1024;
const FINE_STEPS_UP_TO_BYTES = 1024 * 1024;
const COARSE_STEP_BYTES = 256 * 1024;

export class BufferPool {
  /** Free buffers per size class (see classOf). */
  private readonly free = new Map<number, Buffer[]>();
  private pooledBytes = 0;
  private readonly taken = new WeakSet<ArrayBufferLike>();

  constructor(
    /** Free buffers kept at most, in bytes, over all classes. */
    readonly maxPooledBytes: number,
  ) {
    assert(
      Number.isSafeInteger(maxPooledBytes) && maxPooledBytes >= 0,
      `pool limit ${maxPooledBytes} must be a byte count`,
    );
  }

  /**
   * The size class a request for `sizeBytes` is served from, or 0 when it is not pooled: whole
   * 64 KiB steps up to 1 MiB, whole 256 KiB steps above (a 1 MiB needle's record, a little over
   * 1 MiB, wastes under a quarter).
   */
  static classOf(sizeBytes: number): number {
    if (sizeBytes < POOLED_MIN_BYTES || sizeBytes > POOLED_MAX_BYTES) return 0;
    const stepBytes = sizeBytes <= FINE_STEPS_UP_TO_BYTES ? POOLED_MIN_BYTES : COARSE_STEP_BYTES;
    return Math.ceil(sizeBytes / stepBytes) * stepBytes;
  }

  /** A buffer of exactly `sizeBytes` (a view of a pooled one when the size is pooled). */
  take(sizeBytes: number): Buffer {
    const sizeClass = BufferPool.classOf(sizeBytes);
    if (sizeClass === 0) return Buffer.allocUnsafe(sizeBytes);
    let whole = this.free.get(sizeClass)?.pop();
    if (whole !== undefined) this.pooledBytes -= sizeClass;
    else whole = Buffer.allocUnsafeSlow(sizeClass);
    this.taken.add(whole.buffer);
    return whole.subarray(0, sizeBytes);
  }

  /** Returns a buffer from take() (any view of it); anything else, or a second give, is ignored. */
  give(view: Uint8Array): void {
    const sizeClass = BufferPool.classOf(view.buffer.byteLength);
    if (sizeClass === 0 || sizeClass !== view.buffer.byteLength || !this.taken.has(view.buffer)) return;
    this.taken.delete(view.buffer);
    if (this.pooledBytes + sizeClass > this.maxPooledBytes) return;
    const whole = Buffer.from(view.buffer, 0, sizeClass);
    let list = this.free.get(sizeClass);
    if (list === undefined) {
      list = [];
      this.free.set(sizeClass, list);
    }
    list.push(whole);
    this.pooledBytes += sizeClass;
  }

  /** Free bytes held now (for status and tests). */
  get freeBytes(): number {
    return this.pooledBytes;
  }
}
