// Paces a reader to a byte rate: each take() waits until the bytes taken so far fit the rate
// since the first one. Time and sleep are injected, so a test can run an hour of pacing at once.
import { assert } from '../storage/types.ts';

export interface PacingClock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: PacingClock = {
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
};

/** Idle time after which pacing starts afresh instead of granting a burst for the pause. */
const MAX_CREDIT_MS = 1_000;

export class ByteRateLimiter {
  /** When the bytes taken so far are paid for at the rate. */
  private paidUntilMs: number | null = null;

  constructor(
    readonly bytesPerSecond: number,
    private readonly clock: PacingClock = realClock,
  ) {
    assert(bytesPerSecond > 0, `a rate limit is positive (${bytesPerSecond} B/s)`);
  }

  async take(bytes: number): Promise<void> {
    assert(bytes >= 0, 'a byte count is not negative');
    const now = this.clock.nowMs();
    const start = this.paidUntilMs === null || this.paidUntilMs < now - MAX_CREDIT_MS ? now : this.paidUntilMs;
    this.paidUntilMs = start + (bytes * 1000) / this.bytesPerSecond;
    const waitMs = this.paidUntilMs - now;
    if (waitMs > 0) await this.clock.sleep(waitMs);
  }
}
