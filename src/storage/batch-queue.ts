// Group commit: operations queue up while one batch is being written, and the next batch takes
// as many as fit (bounded by count and bytes), so concurrent appends share one write and one
// fsync, as upstream's volume worker does. "Exclusive" operations (sync, close) run alone,
// in order. The queue itself is bounded.
import { StorageError } from './errors.ts';

interface Pending<Item> {
  item?: Item;
  exclusive?: () => Promise<unknown>;
  sizeBytes: number;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export interface BatchLimits {
  maxPending: number;
  maxBatchItems: number;
  maxBatchBytes: number;
}

/** Processes one batch; settles every entry itself (it gets resolve/reject per entry). */
export type BatchProcessor<Item> = (batch: Array<{ item: Item; resolve(value: unknown): void; reject(err: unknown): void }>) => Promise<void>;

export class BatchQueue<Item> {
  private readonly pending: Array<Pending<Item>> = [];
  private running = false;

  constructor(
    private readonly limits: BatchLimits,
    private readonly process: BatchProcessor<Item>,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  add<Result>(item: Item, sizeBytes: number): Promise<Result> {
    return this.push({ item, sizeBytes }) as Promise<Result>;
  }

  exclusive<Result>(operation: () => Promise<Result>): Promise<Result> {
    return this.push({ exclusive: operation, sizeBytes: 0 }) as Promise<Result>;
  }

  private push(entry: { item?: Item; exclusive?: () => Promise<unknown>; sizeBytes: number }): Promise<unknown> {
    if (this.pending.length >= this.limits.maxPending) {
      return Promise.reject(new StorageError('io', `too many queued volume operations (${this.pending.length})`));
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ ...entry, resolve, reject });
      if (!this.running) void this.drain();
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
        const batch: Array<{ item: Item; resolve(value: unknown): void; reject(err: unknown): void }> = [];
        let bytes = 0;
        while (this.pending.length > 0 && batch.length < this.limits.maxBatchItems) {
          const next = this.pending[0] as Pending<Item>;
          if (next.exclusive !== undefined) break;
          if (batch.length > 0 && bytes + next.sizeBytes > this.limits.maxBatchBytes) break;
          this.pending.shift();
          bytes += next.sizeBytes;
          batch.push({ item: next.item as Item, resolve: next.resolve, reject: next.reject });
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
}
