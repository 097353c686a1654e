// Out-of-order keys waiting to be merged into sections: an open-addressing hash table in one
// Uint32Array (16 bytes a slot). Kept small (a fraction of the map) so its looser packing costs
// little; the map merges it into sections and clears it when it fills.
import { assert as assertImported } from '../types.ts';
import { type SortedBatch, sortByKey as sortByKeyImported } from './batch.ts';

// A module-local copy: under the TS loader the server runs with, each use of an imported binding
// is a getter call, as costly as the work around it on hot paths.
const assert: (condition: unknown, message: string) => asserts condition = assertImported;
const sortByKey = sortByKeyImported;

const MAX_LOAD_FACTOR = 0.8;
const TWO_POW_32 = 2 ** 32;

export class PendingTable {
  capacity: number;
  /** Slot i: [4i] key high, [4i+1] key low, [4i+2] offset units low 32 bits, [4i+3] size as u32. */
  slots: Uint32Array;
  private offsetHi: Uint8Array | null = null;
  count = 0;
  /** Key 0 cannot use the empty-slot marker; it lives in the extra slot at index `capacity`. */
  private hasZeroKey = false;

  constructor(capacitySlots: number) {
    this.capacity = Math.max(16, capacitySlots);
    this.slots = new Uint32Array((this.capacity + 1) * 4);
  }

  get footprintBytes(): number {
    return this.slots.byteLength + (this.offsetHi?.byteLength ?? 0);
  }

  /** Slots needed to hold `entries` without growing. */
  static slotsFor(entries: number): number {
    return Math.ceil(entries / MAX_LOAD_FACTOR) + 1;
  }

  /** Neighbouring keys go to neighbouring slots, so nearly sorted inserts walk memory in order. */
  private home(hi: number, lo: number): number {
    return ((lo + Math.imul(hi, 0x9e3779b1)) >>> 0) % this.capacity;
  }

  /** The slot holding the key, or −1. */
  find(hi: number, lo: number): number {
    if (hi === 0 && lo === 0) return this.hasZeroKey ? this.capacity : -1;
    const slots = this.slots;
    let slot = this.home(hi, lo);
    for (;;) {
      const at = slot << 2;
      const sHi = slots[at] as number;
      const sLo = slots[at + 1] as number;
      if (sHi === hi && sLo === lo) return slot;
      if (sHi === 0 && sLo === 0) return -1;
      slot++;
      if (slot === this.capacity) slot = 0;
    }
  }

  /** Inserts a key that is not present; grows up to `maxSlots` slots. */
  insert(hi: number, lo: number, offsetUnits: number, size: number, maxSlots: number): void {
    if (this.count + 1 > this.capacity * MAX_LOAD_FACTOR) {
      this.grow(Math.max(PendingTable.slotsFor(this.count + 1), Math.min(this.capacity * 2, maxSlots)));
    }
    let slot: number;
    if (hi === 0 && lo === 0) {
      assert(!this.hasZeroKey, 'pending key 0 inserted twice');
      this.hasZeroKey = true;
      slot = this.capacity;
    } else {
      slot = this.home(hi, lo);
      while (this.slots[slot << 2] !== 0 || this.slots[(slot << 2) + 1] !== 0) {
        slot++;
        if (slot === this.capacity) slot = 0;
      }
      this.slots[slot << 2] = hi;
      this.slots[(slot << 2) + 1] = lo;
    }
    this.setValue(slot, offsetUnits, size);
    this.count++;
  }

  keyHiAt(slot: number): number {
    return this.slots[slot << 2] as number;
  }

  keyLoAt(slot: number): number {
    return this.slots[(slot << 2) + 1] as number;
  }

  offsetAt(slot: number): number {
    const low = this.slots[(slot << 2) + 2] as number;
    return this.offsetHi === null ? low : low + (this.offsetHi[slot] as number) * TWO_POW_32;
  }

  sizeAt(slot: number): number {
    return (this.slots[(slot << 2) + 3] as number) | 0;
  }

  setValue(slot: number, offsetUnits: number, size: number): void {
    const at = slot << 2;
    const high = Math.floor(offsetUnits / TWO_POW_32);
    this.slots[at + 2] = offsetUnits - high * TWO_POW_32;
    this.slots[at + 3] = size >>> 0;
    if (high !== 0 && this.offsetHi === null) this.offsetHi = new Uint8Array(this.capacity + 1);
    if (this.offsetHi !== null) this.offsetHi[slot] = high;
  }

  setSize(slot: number, size: number): void {
    this.slots[(slot << 2) + 3] = size >>> 0;
  }

  /**
   * The pending entries sorted by key, as contiguous arrays so the merge reads them sequentially:
   * the table is read in slot order once, then sorted, then values gathered by slot.
   */
  sorted(): SortedBatch {
    const n = this.count;
    const his = new Uint32Array(n);
    const los = new Uint32Array(n);
    const slotOf = new Uint32Array(n);
    let k = 0;
    if (this.hasZeroKey) slotOf[k++] = this.capacity; // key 0: his/los already 0
    const table = this.slots;
    for (let slot = 0; slot < this.capacity; slot++) {
      const hi = table[slot << 2] as number;
      const lo = table[(slot << 2) + 1] as number;
      if (hi === 0 && lo === 0) continue;
      his[k] = hi;
      los[k] = lo;
      slotOf[k++] = slot;
    }
    assert(k === n, 'pending count');
    const sorted = sortByKey(n, his, los, slotOf);
    const offsets = new Float64Array(n);
    const sizes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const slot = sorted.order[i] as number;
      offsets[i] = this.offsetAt(slot);
      sizes[i] = this.sizeAt(slot);
    }
    return { count: n, his: sorted.his, los: sorted.los, offsets, sizes, loadRows: false };
  }

  /** Empties the table, enlarging it (no rehash: it is empty) to at least `capacitySlots`. */
  clear(capacitySlots: number): void {
    this.count = 0;
    this.hasZeroKey = false;
    this.offsetHi = null;
    if (capacitySlots > this.capacity) {
      this.capacity = capacitySlots;
      this.slots = new Uint32Array((capacitySlots + 1) * 4);
    } else {
      this.slots.fill(0);
    }
  }

  private grow(newCapacity: number): void {
    const oldSlots = this.slots;
    const oldOffsetHi = this.offsetHi;
    const oldCapacity = this.capacity;
    const hadZero = this.hasZeroKey;
    this.capacity = newCapacity;
    this.slots = new Uint32Array((newCapacity + 1) * 4);
    this.offsetHi = oldOffsetHi === null ? null : new Uint8Array(newCapacity + 1);
    for (let old = 0; old <= oldCapacity; old++) {
      const from = old << 2;
      const hi = oldSlots[from] as number;
      const lo = oldSlots[from + 1] as number;
      let slot: number;
      if (old === oldCapacity) {
        if (!hadZero) continue;
        slot = newCapacity;
      } else {
        if (hi === 0 && lo === 0) continue;
        slot = this.home(hi, lo);
        while (this.slots[slot << 2] !== 0 || this.slots[(slot << 2) + 1] !== 0) {
          slot++;
          if (slot === newCapacity) slot = 0;
        }
      }
      this.slots.set(oldSlots.subarray(from, from + 4), slot << 2);
      if (this.offsetHi !== null && oldOffsetHi !== null) this.offsetHi[slot] = oldOffsetHi[old] as number;
    }
  }
}
