// Group commit: operations queue up while one batch is being written, and the next batch takes
// as many as fit (bounded by count and bytes), so concurrent appends share one write and one
// fsync, as upstream's volume worker does. "Exclusive" operations (sync, close) run alone,
// in order. The queue itself is bounded.
//
// Holding (upstream's -fsyncMinBatchBytes / -fsyncMinBatchRequests / -fsyncBatchWait): once the
// queue has drained, a batch of only "holdable" items (durable writes) that is still below both
// minimums stays open up to `waitMs` for stragglers instead of paying an fsync for a near-empty
// batch. The window is armed once per batch, so the added latency is bounded by `waitMs`; it
// closes early when the batch reaches a minimum or a limit, when an item that must not wait
// (a write without fsync, a delete) or an exclusive operation arrives, or when the deadline has
// passed by the time new items are taken.
import { performance } from 'node:perf_hooks';
import { StorageError } from './errors.ts';

interface Pending<Item> {
  item?: Item;
  exclusive?: () => Promise<unknown>;
  sizeBytes: number;
  holdable: boolean;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export interface BatchLimits {
  maxPending: number;
  maxBatchItems: number;
  maxBatchBytes: number;
}

/** When a drained queue may keep a below-minimum batch of holdable items open. */
export interface BatchHold {
  /** A batch holding at least this many bytes is processed without waiting. */
  minBytes: number;
  /** A batch holding at least this many items is processed without waiting. */
  minItems: number;
  /** Longest a batch waits for more items; 0 (or less) processes it at once. */
  waitMs: number;
}

/** One queued item of a batch, with how to settle it. */
export interface BatchEntry<Item, Result> {
  item: Item;
  resolve(value: Result): void;
  reject(err: unknown): void;
}

/** Processes one batch; settles every entry itself (it gets resolve/reject per entry). */
export type BatchProcessor<Item, Result> = (batch: Array<BatchEntry<Item, Result>>) => Promise<void>;

/** Below this much time left, the hold polls the event loop instead of arming a timer (timers have 1 ms granularity). */
const POLL_BELOW_MS = 2;

/** `Result` is what the processor settles items with (a union when items differ in kind). */
export class BatchQueue<Item, Result> {
  private readonly pending: Array<Pending<Item>> = [];
  private running = false;
  /** Wakes a holding batch when something is queued. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly limits: BatchLimits,
    private readonly process: BatchProcessor<Item, Result>,
    private readonly hold: BatchHold | null = null,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Queues an item; a `holdable` one may wait in a below-minimum batch (see BatchHold). `R` is
   * the part of `Result` the processor settles this kind of item with.
   */
  add<R extends Result>(item: Item, sizeBytes: number, holdable = false): Promise<R> {
    return this.push(item, undefined, sizeBytes, holdable) as Promise<R>;
  }

  exclusive<R>(operation: () => Promise<R>): Promise<R> {
    return this.push(undefined, operation, 0, false) as Promise<R>;
  }

  private push(
    item: Item | undefined,
    exclusive: (() => Promise<unknown>) | undefined,
    sizeBytes: number,
    holdable: boolean,
  ): Promise<unknown> {
    if (this.pending.length >= this.limits.maxPending) {
      return Promise.reject(new StorageError('io', `too many queued volume operations (${this.pending.length})`));
    }
    return new Promise((resolve, reject) => {
      // One object literal of one shape per entry (no spread): this runs once per write.
      const entry: Pending<Item> = { item, exclusive, sizeBytes, holdable, resolve, reject };
      this.pending.push(entry);
      if (!this.running) void this.drain();
      else this.wake?.();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const head = this.pending[0] as Pending<Item>;
        if (head.exclusive !== undefined) {
          this.pending.shift();
          try {
            head.resolve(await head.exclusive());
          } catch (err) {
            head.reject(err);
          }
          continue;
        }
        const batch: Array<BatchEntry<Item, Result>> = [];
        let bytes = 0;
        let allHoldable = true;
        let deadlineMs = 0;
        for (;;) {
          while (this.pending.length > 0 && batch.length < this.limits.maxBatchItems) {
            const next = this.pending[0] as Pending<Item>;
            if (next.exclusive !== undefined) break;
            if (batch.length > 0 && bytes + next.sizeBytes > this.limits.maxBatchBytes) break;
            this.pending.shift();
            bytes += next.sizeBytes;
            allHoldable &&= next.holdable;
            batch.push({ item: next.item as Item, resolve: next.resolve, reject: next.reject });
          }
          // Something is left (a limit was reached, or an exclusive operation is next), or the
          // batch may not wait: process it now.
          if (this.pending.length > 0 || !this.mayHold(batch.length, bytes, allHoldable)) break;
          const nowMs = performance.now();
          if (deadlineMs === 0) deadlineMs = nowMs + (this.hold as BatchHold).waitMs;
          else if (nowMs >= deadlineMs) break;
          await this.waitForMore(deadlineMs);
          if (this.pending.length === 0) break; // the window closed with nothing new
        }
        try {
          await this.process(batch);
        } catch (err) {
          // The processor settles entries itself; anything it left unsettled fails here.
          for (const entry of batch) entry.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private mayHold(items: number, bytes: number, allHoldable: boolean): boolean {
    const hold = this.hold;
    if (hold === null || !allHoldable || !(hold.waitMs > 0)) return false;
    if (items >= this.limits.maxBatchItems || bytes >= this.limits.maxBatchBytes) return false;
    return bytes < hold.minBytes && items < hold.minItems;
  }

  /** Resolves when an operation is queued or the deadline passes, whichever is first. */
  private waitForMore(deadlineMs: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let immediate: NodeJS.Immediate | undefined;
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        if (immediate !== undefined) clearImmediate(immediate);
        this.wake = null;
        resolve();
      };
      const tick = (): void => {
        timer = undefined;
        immediate = undefined;
        const remainingMs = deadlineMs - performance.now();
        if (remainingMs <= 0) done();
        else if (remainingMs >= POLL_BELOW_MS) timer = setTimeout(tick, remainingMs - 1);
        else immediate = setImmediate(tick);
      };
      this.wake = done;
      tick();
    });
  }
}
