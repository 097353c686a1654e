// When a small read or write of a volume file runs inline on the event loop instead of going
// through libuv's thread pool. A page-cache hit takes a few microseconds inline, while the thread
// pool's hand-off (queue, wake a worker, wake the loop) costs far more than the copy on a busy
// machine; it is why Go's blocking pread in a goroutine is cheap and ours was not. A miss that
// reaches the disk would stall every client, so each inline call is timed: one that takes longer
// than SLOW_INLINE_IO_MS sends all IO back to the thread pool for a backoff period, after which
// one inline call probes again. The period starts short (an isolated hiccup, such as a journal
// commit, costs little inline time) and doubles while the probes stay slow, up to a cap: on a
// cold disk the loop stalls for at most one IO per MAX_BACKOFF_MS.
import { performance } from 'node:perf_hooks';

/**
 * Larger transfers always use the thread pool: copying them would hold the loop too long. A
 * 256 KiB page-cache copy takes tens of microseconds; at 64 KiB the 64 KB benchmark's records
 * (64 KiB plus header) all went through the pool, at about 30% more CPU per write.
 */
export const MAX_INLINE_IO_BYTES = 256 * 1024;
/** Longer than any page-cache copy of MAX_INLINE_IO_BYTES; shorter than a disk seek. */
const SLOW_INLINE_IO_MS = 1;
const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 5_000;

export class InlineIoGovernor {
  private pausedUntilMs = 0;
  private backoffMs: number;
  /** IO calls that took the inline path, and how many of them were slow. */
  inlineCalls = 0;
  slowCalls = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly slowMs = SLOW_INLINE_IO_MS,
    private readonly minBackoffMs = MIN_BACKOFF_MS,
    private readonly maxBackoffMs = MAX_BACKOFF_MS,
  ) {
    this.backoffMs = minBackoffMs;
  }

  /** Whether an IO of `lengthBytes` may run inline now. */
  allows(lengthBytes: number): boolean {
    return (
      this.enabled &&
      lengthBytes <= MAX_INLINE_IO_BYTES &&
      (this.pausedUntilMs === 0 || performance.now() >= this.pausedUntilMs)
    );
  }

  /** Runs `io` inline and times it; a slow call pauses inline IO for the backoff period. */
  run<T>(io: () => T): T {
    const startedMs = performance.now();
    try {
      return io();
    } finally {
      const endedMs = performance.now();
      this.inlineCalls++;
      if (endedMs - startedMs > this.slowMs) {
        this.slowCalls++;
        // A slow probe right after a pause doubles the next pause; a slow call after fast ones starts over.
        this.backoffMs = this.pausedUntilMs !== 0 ? Math.min(this.maxBackoffMs, this.backoffMs * 2) : this.minBackoffMs;
        this.pausedUntilMs = endedMs + this.backoffMs;
      } else {
        this.pausedUntilMs = 0;
        this.backoffMs = this.minBackoffMs;
      }
    }
  }
}

/** The process's governor: the event loop it protects is process-wide. NEEDLEWORK_INLINE_IO=0 turns inline IO off. */
export const inlineIo = new InlineIoGovernor(process.env.NEEDLEWORK_INLINE_IO !== '0');
