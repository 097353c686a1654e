// A columnar table of (key, offset, size) rows for the maintenance agents: `.dat` records or
// `.idx` rows of a whole volume, held in typed arrays (about 21 bytes a row, no object or BigInt
// per row), so a rebuild or verify of a 10 M-needle volume stays within a few hundred MB.
import { assert } from '../types.ts';

const INITIAL_CAPACITY_ROWS = 1024;
/** Upper bound on rows: 2^32 - 1 row indices fit the Uint32Array the key sort returns. */
export const MAX_TABLE_ROWS = 0xffff_ffff;

/** Orders row `ra` of `a` against row `rb` of `b` by key. */
export function compareKeys(a: RecordTable, ra: number, b: RecordTable, rb: number): number {
  return a.keyHiAt(ra) - b.keyHiAt(rb) || a.keyLoAt(ra) - b.keyLoAt(rb);
}

export class RecordTable {
  private keyHi = new Uint32Array(INITIAL_CAPACITY_ROWS);
  private keyLo = new Uint32Array(INITIAL_CAPACITY_ROWS);
  private offsets = new Float64Array(INITIAL_CAPACITY_ROWS);
  private sizes = new Int32Array(INITIAL_CAPACITY_ROWS);
  /** Per-row bits the owner defines (for example: checksum failed). */
  private marks = new Uint8Array(INITIAL_CAPACITY_ROWS);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(key: bigint, offsetBytes: number, size: number, mark = 0): number {
    return this.pushHalves(Number(key >> 32n), Number(key & 0xffff_ffffn), offsetBytes, size, mark);
  }

  pushHalves(keyHi: number, keyLo: number, offsetBytes: number, size: number, mark = 0): number {
    if (this.count === this.keyHi.length) this.grow();
    const row = this.count++;
    this.keyHi[row] = keyHi;
    this.keyLo[row] = keyLo;
    this.offsets[row] = offsetBytes;
    this.sizes[row] = size;
    this.marks[row] = mark;
    return row;
  }

  key(row: number): bigint {
    this.check(row);
    return (BigInt(this.keyHi[row]!) << 32n) | BigInt(this.keyLo[row]!);
  }

  offsetBytes(row: number): number {
    this.check(row);
    return this.offsets[row]!;
  }

  size(row: number): number {
    this.check(row);
    return this.sizes[row]!;
  }

  mark(row: number): number {
    this.check(row);
    return this.marks[row]!;
  }

  keyHiAt(row: number): number {
    return this.keyHi[row]!;
  }

  keyLoAt(row: number): number {
    return this.keyLo[row]!;
  }

  sameKey(a: number, b: number): boolean {
    return this.keyHi[a] === this.keyHi[b] && this.keyLo[a] === this.keyLo[b];
  }

  /** Row indices ordered by key, rows of one key in insertion order (a stable sort). */
  sortedByKey(): Uint32Array {
    const order = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) order[i] = i;
    const hi = this.keyHi;
    const lo = this.keyLo;
    order.sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || a - b);
    return order;
  }

  /**
   * The row whose offset is exactly `offsetBytes`, when rows were pushed in ascending offset
   * order (a `.dat` scan); -1 when no row starts there.
   */
  rowAtOffset(offsetBytes: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.offsets[mid]! < offsetBytes) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.count && this.offsets[lo] === offsetBytes ? lo : -1;
  }

  private check(row: number): void {
    assert(row >= 0 && row < this.count, `row ${row} is within the table's ${this.count} rows`);
  }

  private grow(): void {
    assert(this.count < MAX_TABLE_ROWS, `a record table holds at most ${MAX_TABLE_ROWS} rows`);
    const capacity = Math.min(MAX_TABLE_ROWS, this.keyHi.length * 2);
    const copy = <T extends Uint32Array | Float64Array | Int32Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.keyHi = copy(this.keyHi, new Uint32Array(capacity));
    this.keyLo = copy(this.keyLo, new Uint32Array(capacity));
    this.offsets = copy(this.offsets, new Float64Array(capacity));
    this.sizes = copy(this.sizes, new Int32Array(capacity));
    this.marks = copy(this.marks, new Uint8Array(capacity));
  }
}
