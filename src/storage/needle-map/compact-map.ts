// An open-addressing hash map from needle id to (offset units, size), in typed arrays.
// One slot is 16 bytes (17 with 5-byte offsets): no JS object per needle, so tens of millions fit.
import { assert } from '../types.ts';

const MAX_LOAD_FACTOR = 0.8;
const GROWTH_FACTOR = 1.5;
const MIN_CAPACITY_SLOTS = 64;
/** Typed arrays are limited to 2^31 elements; far above any one volume's needle count. */
const MAX_CAPACITY_SLOTS = 2 ** 31 - 1;
const TWO_POW_32 = 2 ** 32;

export interface NeedleValue {
  /** Offset in 8-byte units; 0 means "no data". */
  offsetUnits: number;
  /** Index size: > 0 live, 0 live-but-empty, < 0 deleted (negated old size, or −1). */
  size: number;
}

export class CompactNeedleMap {
  private capacity: number;
  private keyHi: Uint32Array;
  private keyLo: Uint32Array;
  private offsetLo: Uint32Array;
  /** Allocated only when an offset needs more than 32 bits of units (5-byte builds past 32 GiB). */
  private offsetHi: Uint8Array | null = null;
  private sizes: Int32Array;
  private count = 0;
  // Key 0 cannot use the "empty slot" marker, so it lives outside the table.
  private zeroKeyValue: NeedleValue | null = null;

  constructor(expectedEntries = 0) {
    this.capacity = Math.max(MIN_CAPACITY_SLOTS, Math.ceil(expectedEntries / MAX_LOAD_FACTOR) + 1);
    assert(this.capacity <= MAX_CAPACITY_SLOTS, 'needle map capacity');
    this.keyHi = new Uint32Array(this.capacity);
    this.keyLo = new Uint32Array(this.capacity);
    this.offsetLo = new Uint32Array(this.capacity);
    this.sizes = new Int32Array(this.capacity);
  }

  get length(): number {
    return this.count + (this.zeroKeyValue === null ? 0 : 1);
  }

  /** Bytes held by the table's arrays. */
  get footprintBytes(): number {
    return this.capacity * (16 + (this.offsetHi === null ? 0 : 1));
  }

  private slotOf(hi: number, lo: number): number {
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // Multiply-shift range reduction: no power-of-two capacity needed.
    return Math.floor(((h >>> 0) * this.capacity) / TWO_POW_32);
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private find(hi: number, lo: number): number {
    const capacity = this.capacity;
    let slot = this.slotOf(hi, lo);
    for (;;) {
      const sHi = this.keyHi[slot] as number;
      const sLo = this.keyLo[slot] as number;
      if ((sHi === hi && sLo === lo) || (sHi === 0 && sLo === 0)) return slot;
      slot++;
      if (slot === capacity) slot = 0;
    }
  }

  private readOffset(slot: number): number {
    const low = this.offsetLo[slot] as number;
    return this.offsetHi === null ? low : low + (this.offsetHi[slot] as number) * TWO_POW_32;
  }

  private writeOffset(slot: number, offsetUnits: number): void {
    this.offsetLo[slot] = offsetUnits % TWO_POW_32;
    const high = Math.floor(offsetUnits / TWO_POW_32);
    if (high !== 0 && this.offsetHi === null) this.offsetHi = new Uint8Array(this.capacity);
    if (this.offsetHi !== null) this.offsetHi[slot] = high;
  }

  getRaw(hi: number, lo: number): NeedleValue | undefined {
    if (hi === 0 && lo === 0) return this.zeroKeyValue ?? undefined;
    const slot = this.find(hi, lo);
    if (this.keyHi[slot] === 0 && this.keyLo[slot] === 0) return undefined;
    return { offsetUnits: this.readOffset(slot), size: this.sizes[slot] as number };
  }

  get(key: bigint): NeedleValue | undefined {
    return this.getRaw(Number(key >> 32n), Number(key & 0xffff_ffffn));
  }

  /** Inserts or overwrites; returns the previous value, if any. */
  setRaw(hi: number, lo: number, offsetUnits: number, size: number): NeedleValue | undefined {
    if (hi === 0 && lo === 0) {
      const previous = this.zeroKeyValue ?? undefined;
      this.zeroKeyValue = { offsetUnits, size };
      return previous;
    }
    let slot = this.find(hi, lo);
    if (this.keyHi[slot] !== 0 || this.keyLo[slot] !== 0) {
      const previous = { offsetUnits: this.readOffset(slot), size: this.sizes[slot] as number };
      this.writeOffset(slot, offsetUnits);
      this.sizes[slot] = size;
      return previous;
    }
    if (this.count + 1 > this.capacity * MAX_LOAD_FACTOR) {
      this.grow();
      slot = this.find(hi, lo);
    }
    this.keyHi[slot] = hi;
    this.keyLo[slot] = lo;
    this.writeOffset(slot, offsetUnits);
    this.sizes[slot] = size;
    this.count++;
    return undefined;
  }

  set(key: bigint, offsetUnits: number, size: number): NeedleValue | undefined {
    return this.setRaw(Number(key >> 32n), Number(key & 0xffff_ffffn), offsetUnits, size);
  }

  /**
   * Marks a live entry deleted by negating its size (0 becomes −1), keeping the offset so a
   * "read deleted" can still find the data. Returns the size it had, or 0.
   */
  deleteRaw(hi: number, lo: number): number {
    const current = this.getRaw(hi, lo);
    if (current === undefined || current.size < 0) return 0;
    const deletedSize = current.size === 0 ? -1 : -current.size;
    this.setRaw(hi, lo, current.offsetUnits, deletedSize);
    return current.size;
  }

  delete(key: bigint): number {
    return this.deleteRaw(Number(key >> 32n), Number(key & 0xffff_ffffn));
  }

  /** Visits every entry in table order (unordered by key). */
  forEach(visit: (key: bigint, value: NeedleValue) => void): void {
    if (this.zeroKeyValue !== null) visit(0n, this.zeroKeyValue);
    for (let slot = 0; slot < this.capacity; slot++) {
      const hi = this.keyHi[slot] as number;
      const lo = this.keyLo[slot] as number;
      if (hi === 0 && lo === 0) continue;
      visit((BigInt(hi) << 32n) | BigInt(lo), { offsetUnits: this.readOffset(slot), size: this.sizes[slot] as number });
    }
  }

  /** Entries sorted by key ascending (for sorted index files and compaction). */
  sortedEntries(): Array<{ key: bigint } & NeedleValue> {
    const out: Array<{ key: bigint } & NeedleValue> = [];
    this.forEach((key, value) => out.push({ key, ...value }));
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  private grow(): void {
    const oldCapacity = this.capacity;
    const oldHi = this.keyHi;
    const oldLo = this.keyLo;
    const oldOffsetLo = this.offsetLo;
    const oldOffsetHi = this.offsetHi;
    const oldSizes = this.sizes;
    this.capacity = Math.min(MAX_CAPACITY_SLOTS, Math.ceil(oldCapacity * GROWTH_FACTOR));
    assert(this.capacity > oldCapacity, 'needle map cannot grow further');
    this.keyHi = new Uint32Array(this.capacity);
    this.keyLo = new Uint32Array(this.capacity);
    this.offsetLo = new Uint32Array(this.capacity);
    this.offsetHi = oldOffsetHi === null ? null : new Uint8Array(this.capacity);
    this.sizes = new Int32Array(this.capacity);
    for (let old = 0; old < oldCapacity; old++) {
      const hi = oldHi[old] as number;
      const lo = oldLo[old] as number;
      if (hi === 0 && lo === 0) continue;
      const slot = this.find(hi, lo);
      this.keyHi[slot] = hi;
      this.keyLo[slot] = lo;
      this.offsetLo[slot] = oldOffsetLo[old] as number;
      if (this.offsetHi !== null && oldOffsetHi !== null) this.offsetHi[slot] = oldOffsetHi[old] as number;
      this.sizes[slot] = oldSizes[old] as number;
    }
  }
}
