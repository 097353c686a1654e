// A server-wide cap on gunzipped bytes held in memory for reads of compressed needles by clients
// that do not accept gzip. Each such read inflates the whole needle (upstream does too, then
// serves it with ServeContent, which needs the length); the per-request cap alone lets a few
// concurrent reads take gigabytes. Bytes are counted from inflation until the response closes.
//
// A read that cannot get its share waits up to a short limit, then gets 429, the status upstream
// answers when its in-flight download limit is full (Go clients know it as ErrTooManyRequests).
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { gunzipPieces, gzipSizeHint } from './gzip.ts';
import { waitForWake } from './wait-list.ts';

export const DEFAULT_GUNZIP_BUDGET_BYTES = 256 * 1024 * 1024;
export const DEFAULT_GUNZIP_BUDGET_WAIT_MS = 1_000;
const MAX_WAITERS = 1_000;
/** First buffer when the trailer gives no usable size. */
const MIN_CAPACITY_BYTES = 64 * 1024;

export class GunzipBudgetExceeded extends Error {}

export class GunzipBudget {
  private usedBytes = 0;
  private peakUsedBytes = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly limitBytes: number,
    private readonly waitMs: number = DEFAULT_GUNZIP_BUDGET_WAIT_MS,
  ) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes <= 0)
      throw new Error(`gunzip budget must be a positive integer, got ${limitBytes}`);
  }

  get inUseBytes(): number {
    return this.usedBytes;
  }

  /** The most ever held at once (tests and diagnostics). */
  get peakBytes(): number {
    return this.peakUsedBytes;
  }

  /** Takes `bytes` now if they fit. */
  tryTake(bytes: number): boolean {
    if (this.usedBytes + bytes > this.limitBytes) return false;
    this.usedBytes += bytes;
    this.peakUsedBytes = Math.max(this.peakUsedBytes, this.usedBytes);
    return true;
  }

  /** Takes `bytes`, waiting for others to give theirs back up to the wait limit. */
  async take(bytes: number, signal?: AbortSignal): Promise<boolean> {
    if (bytes > this.limitBytes) return false;
    const deadlineMs = Date.now() + this.waitMs;
    while (!this.tryTake(bytes)) {
      const remainingMs = deadlineMs - Date.now();
      if (signal?.aborted || remainingMs <= 0 || this.waiters.size >= MAX_WAITERS) return false;
      await waitForWake(this.waiters, remainingMs, signal);
    }
    return true;
  }

  give(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
    for (const wake of [...this.waiters]) wake();
  }
}

export interface BudgetedGunzip {
  data: Buffer;
  /** Gives the bytes back; safe to call more than once. */
  release(): void;
}

/**
 * Gunzips into one buffer charged to the budget: sized from the gzip trailer (so an honest needle
 * is inflated with no copy), grown when the trailer understates. Throws GunzipLimitError past
 * `maxOutputBytes` and GunzipBudgetExceeded when the budget cannot cover the buffer.
 */
export async function gunzipWithinBudget(
  data: Uint8Array,
  maxOutputBytes: number,
  budget: GunzipBudget,
  signal?: AbortSignal,
): Promise<BudgetedGunzip> {
  let heldBytes = 0;
  const release = () => {
    budget.give(heldBytes);
    heldBytes = 0;
  };
  const initialBytes = Math.min(gzipSizeHint(data), maxOutputBytes, budget.limitBytes);
  if (!(await budget.take(initialBytes, signal))) {
    throw new GunzipBudgetExceeded(
      `gunzip budget: ${budget.inUseBytes} + ${initialBytes} bytes > ${budget.limitBytes}`,
    );
  }
  heldBytes = initialBytes;
  let buffer = Buffer.allocUnsafe(initialBytes);
  let usedBytes = 0;
  try {
    for await (const piece of gunzipPieces(data, maxOutputBytes, signal)) {
      if (usedBytes + piece.length > buffer.length) {
        const capacityBytes = Math.min(
          maxOutputBytes,
          Math.max(buffer.length * 2, usedBytes + piece.length, MIN_CAPACITY_BYTES),
        );
        const extraBytes = capacityBytes - buffer.length;
        // No waiting while holding: two growing reads could each wait on the other.
        if (!budget.tryTake(extraBytes))
          throw new GunzipBudgetExceeded(
            `gunzip budget: ${budget.inUseBytes} + ${extraBytes} bytes > ${budget.limitBytes}`,
          );
        heldBytes += extraBytes;
        const grown = Buffer.allocUnsafe(capacityBytes);
        buffer.copy(grown, 0, 0, usedBytes);
        buffer = grown;
      }
      piece.copy(buffer, usedBytes);
      usedBytes += piece.length;
    }
  } catch (err) {
    release();
    throw err;
  }
  return { data: buffer.subarray(0, usedBytes), release };
}

/** Calls `release` once the response is written or the client is gone. */
export function releaseWhenClosed(c: Context, release: () => void): void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  // No Node response (app.request in tests) or already closed: nothing will hold the bytes.
  if (outgoing === undefined || outgoing.destroyed || c.req.raw.signal.aborted) {
    release();
    return;
  }
  outgoing.once('close', release);
}
