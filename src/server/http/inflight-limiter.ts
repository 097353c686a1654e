// A cap on bytes in flight (uploads being received, downloads being sent), as upstream's
// -concurrentUploadLimitMB/-concurrentDownloadLimitMB: a request may start while the total is at
// or under the limit (even if it alone is bigger), else it waits for others to finish, up to a
// timeout.
import { waitForWake } from './wait-list.ts';

const MAX_WAITERS = 10_000;

export type AdmitResult = 'admitted' | 'timeout' | 'gone';

export class InflightLimiter {
  private inflightBytes = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly limitBytes: number,
    private readonly timeoutMs: number,
  ) {}

  get enabled(): boolean {
    return this.limitBytes > 0;
  }

  get currentBytes(): number {
    return this.inflightBytes;
  }

  get overLimit(): boolean {
    return this.inflightBytes > this.limitBytes;
  }

  /** Waits until the total is at or under the limit, then counts `bytes` in. */
  async admit(bytes: number, signal?: AbortSignal): Promise<AdmitResult> {
    const deadline = Date.now() + this.timeoutMs;
    while (this.overLimit) {
      if (signal?.aborted) return 'gone';
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0 || this.waiters.size >= MAX_WAITERS) return 'timeout';
      await waitForWake(this.waiters, remainingMs, signal);
    }
    this.add(bytes);
    return 'admitted';
  }

  add(bytes: number): void {
    this.inflightBytes += bytes;
  }

  release(bytes: number): void {
    this.inflightBytes = Math.max(0, this.inflightBytes - bytes);
    for (const wake of [...this.waiters]) wake();
  }
}
