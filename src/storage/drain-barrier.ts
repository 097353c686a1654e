// The drain barrier of a volume that stops taking writes (mark read-only, the cutover of a move).
// The caller publishes the new state first, so every write admitted after the flip is refused;
// the barrier then waits until every write admitted before it has committed. A write already in
// its `.dat`/`.idx` I/O cannot be called back, so a barrier that passes its bound fails the
// transition (the caller puts the old state back) instead of completing it with a write still
// on its way to the old place.
import { StorageError } from './errors.ts';

/** Time for the barrier's bound; tests inject one they advance by hand. */
export interface DrainClock {
  nowMs(): number;
  /** Resolves after `delayMs`, or never once `signal` aborts. */
  sleep(delayMs: number, signal: AbortSignal): Promise<void>;
}

const systemDrainClock: DrainClock = {
  nowMs: () => performance.now(),
  sleep: (delayMs, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }),
};

/** Upstream's default -inflightUploadDataTimeout: the longest a client waits on one upload. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 60_000;

export interface DrainOptions {
  /** The bound; at least the write timeout, so no write that can still commit is cut off. */
  timeoutMs: number;
  clock?: DrainClock;
}

/** What the barrier has done, for the service status. Plain numbers, read without side effects. */
export interface DrainStats {
  drainsTotal: number;
  timeoutsTotal: number;
  /** Barriers being held right now (transitions are serialised, so 0 or 1). */
  inProgress: number;
  lastDurationMs: number;
  maxDurationMs: number;
  /** Why the last barrier was held, e.g. "mark read-only". */
  lastReason: string;
  lastTimeoutReason: string;
}

export class DrainBarrier {
  private readonly timeoutMs: number;
  private readonly clock: DrainClock;
  private readonly counters: DrainStats = {
    drainsTotal: 0,
    timeoutsTotal: 0,
    inProgress: 0,
    lastDurationMs: 0,
    maxDurationMs: 0,
    lastReason: '',
    lastTimeoutReason: '',
  };

  constructor(options: DrainOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`drain timeout must be positive, got ${options.timeoutMs}`);
    this.timeoutMs = options.timeoutMs;
    this.clock = options.clock ?? systemDrainClock;
  }

  /** A copy: reading it never changes the barrier. */
  get stats(): DrainStats {
    return { ...this.counters };
  }

  /**
   * Waits until `admitted` (resolved once everything admitted before the flip has settled)
   * resolves, or the bound passes. Throws `drain_timeout` past the bound; the writes go on.
   */
  async hold(volumeId: number, reason: string, admitted: Promise<unknown>): Promise<void> {
    const startMs = this.clock.nowMs();
    const abort = new AbortController();
    this.counters.inProgress += 1;
    this.counters.lastReason = reason;
    try {
      const outcome = await Promise.race([
        // A rejection (the barrier could not even be queued) fails the transition as well.
        admitted.then(() => 'drained' as const),
        this.clock.sleep(this.timeoutMs, abort.signal).then(() => 'timed_out' as const),
      ]);
      const durationMs = this.clock.nowMs() - startMs;
      this.counters.drainsTotal += 1;
      this.counters.lastDurationMs = durationMs;
      if (durationMs > this.counters.maxDurationMs) this.counters.maxDurationMs = durationMs;
      if (outcome === 'timed_out') {
        this.counters.timeoutsTotal += 1;
        this.counters.lastTimeoutReason = reason;
        throw new StorageError(
          'drain_timeout',
          `volume ${volumeId}: writes admitted before "${reason}" did not finish within ${this.timeoutMs} ms`,
        );
      }
    } finally {
      abort.abort();
      this.counters.inProgress -= 1;
    }
  }
}
