// `.idx` rows of a load whose keys are not above every key so far, kept as they come (17 bytes
// a row, in row order) until the map merges them into its sections in one sorted batch.
// Appending costs a few sequential stores, where resolving each row on arrival would mean a
// section search and a hash probe, both cache misses with random ids.
import { assert as assertImported } from '../types.ts';
import { type SortedBatch, sortByKey as sortByKeyImported } from './batch.ts';

// Module-local copies: under the TS loader the server runs with, each use of an imported binding
// is a getter call, as costly as the work around it on hot paths.
const assert: (condition: unknown, message: string) => asserts condition = assertImported;
const sortByKey = sortByKeyImported;

const MIN_CAPACITY_ROWS = 1024;
const TWO_POW_32 = 2 ** 32;

export class LoadLog {
  private capacity = 0;
  private his = new Uint32Array(0);
  private los = new Uint32Array(0);
  /** Per row [offset units low 32 bits, size as u32], together: the sorted gather reads one place. */
  private values = new Uint32Array(0);
  /** Offset units above 32 bits (5-byte offset builds). */
  private offsetHis = new Uint8Array(0);
  count = 0;

  get footprintBytes(): number {
    return this.capacity * 17;
  }

  /** Appends a row; grows by doubling up to `maxRows` (the caller merges at that count). */
  push(hi: number, lo: number, offsetUnits: number, size: number, maxRows: number): void {
    const i = this.count;
    if (i === this.capacity) this.grow(Math.max(i + 1, Math.min(maxRows, Math.max(MIN_CAPACITY_ROWS, i * 2))));
    this.his[i] = hi;
    this.los[i] = lo;
    const high = offsetUnits < TWO_POW_32 ? 0 : Math.floor(offsetUnits / TWO_POW_32);
    this.values[2 * i] = offsetUnits - high * TWO_POW_32;
    this.values[2 * i + 1] = size >>> 0;
    this.offsetHis[i] = high;
    this.count = i + 1;
  }

  private grow(capacity: number): void {
    assert(capacity > this.capacity, 'load log growth');
    const his = new Uint32Array(capacity);
    const los = new Uint32Array(capacity);
    const values = new Uint32Array(2 * capacity);
    const offsetHis = new Uint8Array(capacity);
    his.set(this.his.subarray(0, this.count));
    los.set(this.los.subarray(0, this.count));
    values.set(this.values.subarray(0, 2 * this.count));
    offsetHis.set(this.offsetHis.subarray(0, this.count));
    this.his = his;
    this.los = los;
    this.values = values;
    this.offsetHis = offsetHis;
    this.capacity = capacity;
  }

  /** The rows sorted by key, rows of one key in row order; empties the log. */
  take(): SortedBatch {
    const n = this.count;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const sorted = sortByKey(n, this.his.slice(0, n), this.los.slice(0, n), order);
    const offsets = new Float64Array(n);
    const sizes = new Int32Array(n);
    const values = this.values;
    const offsetHis = this.offsetHis;
    for (let i = 0; i < n; i++) {
      const row = sorted.order[i] as number;
      offsets[i] = (values[2 * row] as number) + (offsetHis[row] as number) * TWO_POW_32;
      sizes[i] = (values[2 * row + 1] as number) | 0;
    }
    this.count = 0;
    return { count: n, his: sorted.his, los: sorted.los, offsets, sizes, loadRows: true };
  }

  /** Drops the arrays (after a load: the log is not needed again soon). */
  release(): void {
    assert(this.count === 0, 'released a non-empty load log');
    if (this.capacity === 0) return;
    this.capacity = 0;
    this.his = new Uint32Array(0);
    this.los = new Uint32Array(0);
    this.values = new Uint32Array(0);
    this.offsetHis = new Uint8Array(0);
  }
}
