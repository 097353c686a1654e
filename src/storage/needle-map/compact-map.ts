// An open-addressing hash map from needle id to (offset units, size), in typed arrays.
// One slot is 16 bytes (17 with 5-byte offsets) in a single interleaved array, so a lookup touches
// one cache line, and there is no JS object per needle: tens of millions fit.
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
  /** Slot i: [4i] key high, [4i+1] key low, [4i+2] offset units (low 32 bits), [4i+3] size as u32. */
  private slots: Uint32Array;
  /** Allocated only when an offset needs more than 32 bits of units (5-byte builds past 32 GiB). */
  private offsetHi: Uint8Array | null = null;
  private count = 0;
  // Key 0 cannot use the "empty slot" marker, so it lives outside the table.
  private zeroKeyValue: NeedleValue | null = null;

  constructor(expectedEntries = 0) {
    this.capacity = Math.max(MIN_CAPACITY_SLOTS, Math.ceil(expectedEntries / MAX_LOAD_FACTOR) + 1);
    assert(this.capacity <= MAX_CAPACITY_SLOTS, 'needle map capacity');
    this.slots = new Uint32Array(this.capacity * 4);
  }

  get length(): number {
    return this.count + (this.zeroKeyValue === null ? 0 : 1);
  }

  /** Bytes held by the table's arrays. */
  get footprintBytes(): number {
    return this.capacity * (16 + (this.offsetHi === null ? 0 : 1));
  }

  /**
   * Keys come from the master's sequencer and mostly increase within a volume, so neighbouring
   * keys go to neighbouring slots (low 32 bits modulo capacity, high bits mixed in): loading an
   * `.idx` then walks memory almost sequentially instead of missing the cache on every row.
   */
  private slotOf(hi: number, lo: number): number {
    return ((lo + Math.imul(hi, 0x9e3779b1)) >>> 0) % this.capacity;
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private find(hi: number, lo: number): number {
    const slots = this.slots;
    const capacity = this.capacity;
    let slot = this.slotOf(hi, lo);
    for (;;) {
      const at = slot << 2;
      const sHi = slots[at] as number;
      const sLo = slots[at + 1] as number;
      if ((sHi === hi && sLo === lo) || (sHi === 0 && sLo === 0)) return slot;
      slot++;
      if (slot === capacity) slot = 0;
    }
  }

  private isEmpty(slot: number): boolean {
    return this.slots[slot << 2] === 0 && this.slots[(slot << 2) + 1] === 0;
  }

  private readValue(slot: number): NeedleValue {
    const at = slot << 2;
    const low = this.slots[at + 2] as number;
    const offsetUnits = this.offsetHi === null ? low : low + (this.offsetHi[slot] as number) * TWO_POW_32;
    return { offsetUnits, size: (this.slots[at + 3] as number) | 0 };
  }

  private writeValue(slot: number, offsetUnits: number, size: number): void {
    const at = slot << 2;
    this.slots[at + 2] = offsetUnits % TWO_POW_32;
    this.slots[at + 3] = size >>> 0;
    const high = Math.floor(offsetUnits / TWO_POW_32);
    if (high !== 0 && this.offsetHi === null) this.offsetHi = new Uint8Array(this.capacity);
    if (this.offsetHi !== null) this.offsetHi[slot] = high;
  }

  getRaw(hi: number, lo: number): NeedleValue | undefined {
    if (hi === 0 && lo === 0) return this.zeroKeyValue ?? undefined;
    const slot = this.find(hi, lo);
    return this.isEmpty(slot) ? undefined : this.readValue(slot);
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
    if (!this.isEmpty(slot)) {
      const previous = this.readValue(slot);
      this.writeValue(slot, offsetUnits, size);
      return previous;
    }
    if (this.count + 1 > this.capacity * MAX_LOAD_FACTOR) {
      this.grow();
      slot = this.find(hi, lo);
    }
    this.slots[slot << 2] = hi;
    this.slots[(slot << 2) + 1] = lo;
    this.writeValue(slot, offsetUnits, size);
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
      if (this.isEmpty(slot)) continue;
      const at = slot << 2;
      visit((BigInt(this.slots[at] as number) << 32n) | BigInt(this.slots[at + 1] as number), this.readValue(slot));
    }
  }

  /** Entries sorted by key ascending (for sorted index files and compaction). */
  sortedEntries(): Array<{ key: bigint } & NeedleValue> {
    const out: Array<{ key: bigint } & NeedleValue> = [];
    this.forEach((key, value) => out.push({ key, ...value }));
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  /** Live entries (stored offset, size not deleted) by key ascending: what compaction and `.ecx` keep. */
  liveSortedEntries(): Array<{ key: bigint } & NeedleValue> {
    return this.sortedEntries().filter((e) => e.offsetUnits !== 0 && e.size >= 0);
  }

  private grow(): void {
    const oldCapacity = this.capacity;
    const oldSlots = this.slots;
    const oldOffsetHi = this.offsetHi;
    this.capacity = Math.min(MAX_CAPACITY_SLOTS, Math.ceil(oldCapacity * GROWTH_FACTOR));
    assert(this.capacity > oldCapacity, 'needle map cannot grow further');
    this.slots = new Uint32Array(this.capacity * 4);
    this.offsetHi = oldOffsetHi === null ? null : new Uint8Array(this.capacity);
    for (let old = 0; old < oldCapacity; old++) {
      const from = old << 2;
      const hi = oldSlots[from] as number;
      const lo = oldSlots[from + 1] as number;
      if (hi === 0 && lo === 0) continue;
      const slot = this.find(hi, lo);
      this.slots.set(oldSlots.subarray(from, from + 4), slot << 2);
      if (this.offsetHi !== null && oldOffsetHi !== null) this.offsetHi[slot] = oldOffsetHi[old] as number;
    }
  }
}
