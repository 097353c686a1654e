// When a small read or write of a volume file runs inline on the event loop instead of going
// through libuv's thread pool. A page-cache hit takes a few microseconds inline, while the thread
// pool's hand-off (queue, wake a worker, wake the loop) costs far more than the copy on a busy
// machine; it is why Go's blocking pread in a goroutine is cheap and ours was not. A miss that
// reaches the disk would stall every client, so each inline call is timed: one that takes longer
// than SLOW_INLINE_IO_MS, twice in a row, sends all IO back to the thread pool for a backoff
// period, after which one inline call probes again. The period starts short (an isolated hiccup, such as a journal
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
/**
 * Slow calls in a row that start a backoff. The time is wall clock, so on a busy machine one
 * slow call is mostly the loop preempted mid-call, not the disk; each false pause sent ~50 ms of
 * IO through the thread pool (more CPU, worse p99). A disk that is really slow is slow on the
 * next call too: the loop stalls for one IO more before backing off.
 */
const SLOW_STRIKES = 2;
const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 5_000;

export class InlineIoGovernor {
  private pausedUntilMs = 0;
  private backoffMs: number;
  /** Slow inline calls in a row since the last fast one (outside a backoff). */
  private slowStreak = 0;
  /** IO calls that took the inline path, and how many of them were slow. */
  inlineCalls = 0;
  slowCalls = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly slowMs = SLOW_INLINE_IO_MS,
    private readonly minBackoffMs = MIN_BACKOFF_MS,
    private readonly maxBackoffMs = MAX_BACKOFF_MS,
    private readonly slowStrikes = SLOW_STRIKES,
  ) {
    if (!(slowStrikes >= 1)) throw new Error(`slowStrikes ${slowStrikes} must be at least 1`);
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

  /** Runs `io` inline and times it; slow calls in a row (or a slow probe) pause inline IO for the backoff period. */
  run<T>(io: () => T): T {
    const startedMs = performance.now();
    try {
      return io();
    } finally {
      const endedMs = performance.now();
      this.inlineCalls++;
      if (endedMs - startedMs > this.slowMs) {
        this.slowCalls++;
        this.slowStreak++;
        if (this.pausedUntilMs !== 0) {
          // A slow probe right after a pause doubles the next pause at once.
          this.backoffMs = Math.min(this.maxBackoffMs, this.backoffMs * 2);
          this.pausedUntilMs = endedMs + this.backoffMs;
        } else if (this.slowStreak >= this.slowStrikes) {
          // Slow calls after fast ones start over from the shortest pause.
          this.backoffMs = this.minBackoffMs;
          this.pausedUntilMs = endedMs + this.backoffMs;
        }
      } else {
        this.slowStreak = 0;
        this.pausedUntilMs = 0;
        this.backoffMs = this.minBackoffMs;
      }
    }
  }
}

/** The process's governor: the event loop it protects is process-wide. NEEDLEWORK_INLINE_IO=0 turns inline IO off. */
export const inlineIo = new InlineIoGovernor(process.env.NEEDLEWORK_INLINE_IO !== '0');
