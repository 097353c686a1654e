// Runs async operations one at a time, in arrival order, with a bound on how many may wait.
import { StorageError } from './errors.ts';

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly maxPending: number) {}

  get pendingCount(): number {
    return this.pending;
  }

  run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.pending >= this.maxPending) {
      return Promise.reject(new StorageError('io', `too many queued volume operations (${this.pending})`));
    }
    this.pending++;
    const result = this.tail.then(operation);
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--,
    );
    return result;
  }
}
