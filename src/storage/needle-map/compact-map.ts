// The in-memory needle map: needle id (u64) → (offset in 8-byte units, size), about 9 bytes an
// entry for sequential ids and 13 to 15 for random ones.
//
// Entries live in sorted, packed sections (see section.ts). Ids mostly increase within a volume,
// so a key above every stored key is appended to an open tail section, which is packed when full.
// Other keys wait to be merged into the sections they fall in, in sorted batches that rebuild
// only those sections, one at a time, so the map never holds a second copy of itself:
// - a runtime put goes to a small hash table (pending-table.ts), so reads see it at once;
// - an `.idx` row during a load goes, unresolved, to a log (load-log.ts): the merge applies the
//   rows in order, which is where the counters that depend on a key's previous value come from.
// The log is merged before any other operation, so the two never hold the same key.
import { assert as assertImported } from '../types.ts';
import type { SortedBatch } from './batch.ts';
import { LoadLog } from './load-log.ts';
import { PendingTable } from './pending-table.ts';
import {
  SECTION_MAX_ENTRIES as SECTION_MAX_ENTRIES_IMPORTED,
  Section,
  SectionBuilder,
  type SectionBuilderImage,
  type SectionImage,
  decoded as decodedImported,
  keyLess as keyLessImported,
} from './section.ts';

// Module-local copies of hot imports: under the TS loader the server runs with, each use of an
// imported binding is a getter call, which costs as much as the work around it.
const assert: (condition: unknown, message: string) => asserts condition = assertImported;
const keyLess = keyLessImported;
const decoded = decodedImported;
const SECTION_MAX_ENTRIES = SECTION_MAX_ENTRIES_IMPORTED;

/** Pending keys (or logged rows) may reach this many before a merge, however small the map. */
const PENDING_MIN_ENTRIES = 16_384;
/**
 * ...or this fraction of the map. A merge may rewrite the whole map, so a put costs about this
 * many entry rewrites amortized; the table, presized for the limit, costs 20/16 bytes an entry.
 */
const PENDING_FRACTION = 16;
/**
 * ...and logged load rows this fraction of the rows the load brings: about this many merges per
 * load, with the log and its sort holding about 40 bytes a row in between.
 */
const LOG_FRACTION = 4;
const INITIAL_PENDING_SLOTS = 64;
/** Offsets are at most 5 bytes of 8-byte units. */
const MAX_OFFSET_UNITS = 2 ** 40;

const NOT_FOUND = 0;
const IN_SECTION = 1;
const IN_TAIL = 2;
const IN_PENDING = 3;

export interface NeedleValue {
  /** Offset in 8-byte units; 0 means "no data". */
  offsetUnits: number;
  /** Index size: > 0 live, 0 live-but-empty, < 0 deleted (negated old size, or −1). */
  size: number;
}

/** A loaded map's state (see CompactNeedleMap.image): structured-clone friendly, arrays transferable. */
export interface CompactMapImage {
  sections: SectionImage[];
  tail: SectionBuilderImage;
  entryCount: number;
  maxHi: number;
  maxLo: number;
  loadDeletedCount: number;
  loadDeletedBytes: number;
}

export class CompactNeedleMap {
  private sections: Section[] = [];
  // First keys of the sections, contiguous, so the directory search does not chase pointers.
  private firstHis: number[] = [];
  private firstLos: number[] = [];
  private sectionBytes = 0;
  private tail: SectionBuilder;
  private readonly pending = new PendingTable(INITIAL_PENDING_SLOTS);
  private readonly log = new LoadLog();
  /** Pending keys that trigger a merge. */
  private pendingLimit = PENDING_MIN_ENTRIES;
  /** Logged load rows that trigger a merge. */
  private logLimit = PENDING_MIN_ENTRIES;
  // Deletions that load rows caused by replacing or deleting a live entry: upstream's
  // DeletionCounter share that depends on previous values, so it is known only once merged.
  private loadDeletedCount = 0;
  private loadDeletedBytes = 0;
  private entryCount = 0;
  private maxHi = 0;
  private maxLo = 0;
  // Where locate() found a key; fields rather than a returned object, so lookups allocate nothing.
  private foundSection: Section | null = null;
  private foundIndex = -1;

  /** Entries a bulk load announced it will bring (0 once it ended): lets merges be fewer and larger. */
  private expectedEntries: number;

  /**
   * `expectedEntries` (the rows of the `.idx` being loaded) sizes the first staging arrays and
   * the load log until `compact()` says the load is over; the map grows as needed either way.
   */
  constructor(expectedEntries = 0) {
    assert(Number.isInteger(expectedEntries) && expectedEntries >= 0, 'expected entries');
    this.expectedEntries = expectedEntries;
    this.tail = new SectionBuilder(expectedEntries);
    this.updateLimits();
  }

  /**
   * A merge rewrites every section its keys fall in, so with random ids each merge rewrites the
   * map. The log's limit is a fraction of the size the map is known to reach (the load's row
   * count), not of its current size, which caps a load at about LOG_FRACTION merges.
   */
  private updateLimits(): void {
    this.pendingLimit = Math.max(PENDING_MIN_ENTRIES, Math.floor(this.entryCount / PENDING_FRACTION));
    this.logLimit = Math.max(
      PENDING_MIN_ENTRIES,
      Math.floor(Math.max(this.entryCount, this.expectedEntries) / LOG_FRACTION),
    );
  }

  /**
   * Ends a bulk load: merges logged rows into sections and gives back the log's load-sized
   * memory, so the loaded map is as compact as it gets. Safe to call any time.
   */
  compact(): void {
    this.expectedEntries = 0;
    this.settle();
    this.updateLimits();
  }

  /**
   * Merges logged load rows, so every entry and counter is resolved. Unless more rows are
   * coming (`keepLog`, from the row that filled it), the log's arrays go too: something other
   * than a load row needed the map, so the load is most likely over.
   */
  private settle(keepLog = false): void {
    if (this.log.count > 0) {
      // Rows are logged only with the pending table empty, and puts settle the log first.
      assert(this.pending.count === 0, 'pending keys and logged rows at once');
      this.mergeBatch(this.log.take());
    }
    if (!keepLog) this.log.release();
  }

  /**
   * The map's state once its load is over, for a worker thread that loaded it to hand it over
   * (fromImage). The map must not be used afterwards: the image shares its arrays.
   */
  image(): CompactMapImage {
    this.compact();
    assert(this.pending.count === 0, 'a loaded map has no pending puts');
    return {
      sections: this.sections.map((section) => section.image()),
      tail: this.tail.image(),
      entryCount: this.entryCount,
      maxHi: this.maxHi,
      maxLo: this.maxLo,
      loadDeletedCount: this.loadDeletedCount,
      loadDeletedBytes: this.loadDeletedBytes,
    };
  }

  static fromImage(image: CompactMapImage): CompactNeedleMap {
    const map = new CompactNeedleMap(0);
    for (const sectionImage of image.sections) map.appendSection(Section.fromImage(sectionImage));
    map.tail = SectionBuilder.fromImage(image.tail);
    map.entryCount = image.entryCount;
    map.maxHi = image.maxHi;
    map.maxLo = image.maxLo;
    map.loadDeletedCount = image.loadDeletedCount;
    map.loadDeletedBytes = image.loadDeletedBytes;
    map.updateLimits();
    return map;
  }

  /** Deletions caused by load rows (see applyLoadRow): count and bytes. */
  get loadDeletions(): { count: number; bytes: number } {
    this.settle();
    return { count: this.loadDeletedCount, bytes: this.loadDeletedBytes };
  }

  get length(): number {
    this.settle();
    return this.entryCount;
  }

  /** Bytes held by the map's arrays (plus an estimate of their object overhead). */
  get footprintBytes(): number {
    return this.sectionBytes + this.tail.footprintBytes + this.pending.footprintBytes + this.log.footprintBytes;
  }

  /** The last section whose first key is <= the key, or −1. */
  private sectionFor(hi: number, lo: number): number {
    const his = this.firstHis;
    const los = this.firstLos;
    let low = 0;
    let high = his.length - 1;
    if (high < 0 || keyLess(hi, lo, his[0] as number, los[0] as number)) return -1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (keyLess(hi, lo, his[mid] as number, los[mid] as number)) high = mid - 1;
      else low = mid;
    }
    return low;
  }

  private locate(hi: number, lo: number): number {
    const tail = this.tail;
    if (tail.count > 0 && !keyLess(hi, lo, tail.firstHi, tail.firstLo)) {
      const i = tail.indexOf(hi, lo);
      if (i >= 0) {
        this.foundIndex = i;
        return IN_TAIL;
      }
    } else {
      const s = this.sectionFor(hi, lo);
      if (s >= 0) {
        const section = this.sections[s] as Section;
        const i = section.indexOf(hi, lo);
        if (i >= 0) {
          this.foundSection = section;
          this.foundIndex = i;
          return IN_SECTION;
        }
      }
    }
    if (this.pending.count > 0) {
      const slot = this.pending.find(hi, lo);
      if (slot >= 0) {
        this.foundIndex = slot;
        return IN_PENDING;
      }
    }
    return NOT_FOUND;
  }

  private foundValue(where: number): NeedleValue {
    const i = this.foundIndex;
    if (where === IN_SECTION) {
      const s = this.foundSection as Section;
      return { offsetUnits: s.offsetAt(i), size: s.sizeAt(i) };
    }
    if (where === IN_TAIL) return { offsetUnits: this.tail.offsetAt(i), size: this.tail.sizeAt(i) };
    return { offsetUnits: this.pending.offsetAt(i), size: this.pending.sizeAt(i) };
  }

  private setFoundValue(where: number, offsetUnits: number, size: number): void {
    const i = this.foundIndex;
    if (where === IN_SECTION) (this.foundSection as Section).setValue(i, offsetUnits, size);
    else if (where === IN_TAIL) this.tail.setValue(i, offsetUnits, size);
    else this.pending.setValue(i, offsetUnits, size);
  }

  getRaw(hi: number, lo: number): NeedleValue | undefined {
    if (this.log.count > 0) this.settle();
    const where = this.locate(hi, lo);
    return where === NOT_FOUND ? undefined : this.foundValue(where);
  }

  get(key: bigint): NeedleValue | undefined {
    return this.getRaw(Number(key >> 32n), Number(key & 0xffff_ffffn));
  }

  /** Inserts or overwrites; returns the previous value, if any. */
  setRaw(hi: number, lo: number, offsetUnits: number, size: number): NeedleValue | undefined {
    assert(hi >>> 0 === hi && lo >>> 0 === lo, 'needle id halves must be u32');
    assert(
      Number.isInteger(offsetUnits) && offsetUnits >= 0 && offsetUnits < MAX_OFFSET_UNITS,
      'offset units out of range',
    );
    assert((size | 0) === size, 'size must be an int32');
    if (this.log.count > 0) this.settle();
    if (this.entryCount === 0 || keyLess(this.maxHi, this.maxLo, hi, lo)) {
      if (this.tail.full) this.sealTail();
      this.tail.pushOrdered(hi, lo, offsetUnits, size); // above the max key, so in order
      this.maxHi = hi;
      this.maxLo = lo;
      this.entryCount++;
      return undefined;
    }
    const where = this.locate(hi, lo);
    if (where !== NOT_FOUND) {
      const previous = this.foundValue(where);
      this.setFoundValue(where, offsetUnits, size);
      return previous;
    }
    this.pending.insert(hi, lo, offsetUnits, size, PendingTable.slotsFor(this.pendingLimit));
    this.entryCount++;
    if (this.pending.count >= this.pendingLimit) this.mergePending();
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
    if (this.log.count > 0) this.settle();
    const where = this.locate(hi, lo);
    if (where === NOT_FOUND) return 0;
    const i = this.foundIndex;
    const size =
      where === IN_SECTION
        ? (this.foundSection as Section).sizeAt(i)
        : where === IN_TAIL
          ? this.tail.sizeAt(i)
          : this.pending.sizeAt(i);
    if (size < 0) return 0;
    const deletedSize = size === 0 ? -1 : -size;
    if (where === IN_SECTION) (this.foundSection as Section).setSize(i, deletedSize);
    else if (where === IN_TAIL) this.tail.setSize(i, deletedSize);
    else this.pending.setSize(i, deletedSize);
    return size;
  }

  delete(key: bigint): number {
    return this.deleteRaw(Number(key >> 32n), Number(key & 0xffff_ffffn));
  }

  /**
   * Applies one `.idx` row with upstream's load rule (doLoading): a row with an offset and a
   * size >= 0 sets the key (replacing a live value counts as a deletion), any other row deletes
   * it (counting the live size it had). Deletions show in `loadDeletions`.
   */
  applyLoadRow(hi: number, lo: number, offsetUnits: number, size: number): void {
    assert(hi >>> 0 === hi && lo >>> 0 === lo, 'needle id halves must be u32');
    assert(
      Number.isInteger(offsetUnits) && offsetUnits >= 0 && offsetUnits < MAX_OFFSET_UNITS,
      'offset units out of range',
    );
    assert((size | 0) === size, 'size must be an int32');
    if (this.entryCount === 0 || keyLess(this.maxHi, this.maxLo, hi, lo)) {
      // Above every key: nothing to replace or delete, and the key cannot be in the log.
      if (offsetUnits === 0 || size < 0) return;
      if (this.tail.full) this.sealTail();
      this.tail.pushOrdered(hi, lo, offsetUnits, size);
      this.maxHi = hi;
      this.maxLo = lo;
      this.entryCount++;
      return;
    }
    // Logged rows are applied after everything stored, so nothing newer may be pending.
    if (this.pending.count > 0) this.mergePending();
    this.log.push(hi, lo, offsetUnits, size, this.logLimit);
    if (this.log.count >= this.logLimit) this.settle(true);
  }

  /** Visits every entry in increasing key order. `visit` must not change the map. */
  forEach(visit: (key: bigint, value: NeedleValue) => void): void {
    this.settle();
    this.mergePending();
    for (const section of this.sections) {
      for (let i = 0; i < section.count; i++) {
        section.decodeKey(i);
        visit((BigInt(decoded.hi) << 32n) | BigInt(decoded.lo), {
          offsetUnits: section.offsetAt(i),
          size: section.sizeAt(i),
        });
      }
    }
    const tail = this.tail;
    for (let i = 0; i < tail.count; i++) {
      visit((BigInt(tail.keyHiAt(i)) << 32n) | BigInt(tail.keyLoAt(i)), {
        offsetUnits: tail.offsetAt(i),
        size: tail.sizeAt(i),
      });
    }
  }

  /** Entries sorted by key ascending (for sorted index files and compaction). */
  sortedEntries(): Array<{ key: bigint } & NeedleValue> {
    const out: Array<{ key: bigint } & NeedleValue> = [];
    this.forEach((key, value) => {
      out.push({ key, offsetUnits: value.offsetUnits, size: value.size });
    });
    return out;
  }

  /** Live entries (stored offset, size not deleted) by key ascending: what compaction and `.ecx` keep. */
  liveSortedEntries(): Array<{ key: bigint } & NeedleValue> {
    const out: Array<{ key: bigint } & NeedleValue> = [];
    this.forEach((key, value) => {
      if (value.offsetUnits !== 0 && value.size >= 0)
        out.push({ key, offsetUnits: value.offsetUnits, size: value.size });
    });
    return out;
  }

  private sealTail(): void {
    if (this.tail.count === 0) return;
    this.appendSection(this.tail.build());
  }

  /** Adds a section after every other one. */
  private appendSection(section: Section): void {
    const last = this.sections[this.sections.length - 1];
    assert(
      last === undefined || keyLess(last.lastHi, last.lastLo, section.firstHi, section.firstLo),
      'sections must not overlap',
    );
    this.sections.push(section);
    this.firstHis.push(section.firstHi);
    this.firstLos.push(section.firstLo);
    this.sectionBytes += section.footprintBytes;
  }

  /** Merges the pending table's keys into the sections and empties it. */
  private mergePending(): void {
    if (this.pending.count === 0) return;
    this.mergeBatch(this.pending.sorted());
    // Presize once the map is large: growing by rehash every cycle costs more than the merge.
    this.pending.clear(this.pendingLimit > PENDING_MIN_ENTRIES ? PendingTable.slotsFor(this.pendingLimit) : 0);
  }

  /**
   * Merges a sorted batch into the sections whose key ranges it falls in. Consecutive affected
   * sections are rebuilt together into evenly filled ones; untouched sections are kept as is.
   */
  private mergeBatch(batch: SortedBatch): void {
    const n = batch.count;
    if (n === 0) return;
    this.sealTail();
    assert(this.sections.length > 0, 'a batch merges into existing entries');
    const { his: batchHis, los: batchLos, offsets: batchOffsets, sizes: batchSizes, loadRows } = batch;
    const old: Array<Section | null> = this.sections;
    const next: Section[] = [];
    const builder = this.tail; // empty after sealTail; doubles as the merge's staging
    const sectionAt = (s: number): Section => old[s] as Section;
    // Batch entries from `from` on that sort before section s + 1 (all of them for the last section).
    const catchmentEnd = (s: number, from: number): number => {
      if (s + 1 >= old.length) return n;
      const bound = sectionAt(s + 1);
      const boundHi = bound.firstHi;
      const boundLo = bound.firstLo;
      let q = from;
      while (q < n && keyLess(batchHis[q] as number, batchLos[q] as number, boundHi, boundLo)) q++;
      return q;
    };
    /** Keys new to the map from load rows. */
    let added = 0;
    let deletedCount = 0;
    let deletedBytes = 0;
    let p = 0;
    let s = 0;
    while (s < old.length) {
      let q = catchmentEnd(s, p);
      if (q === p) {
        next.push(sectionAt(s));
        old[s] = null;
        s++;
        continue;
      }
      // A run of sections with batch entries; `total` bounds its output (rows may collapse).
      let e = s;
      let total = sectionAt(s).count + (q - p);
      while (e + 1 < old.length) {
        const qNext = catchmentEnd(e + 1, q);
        if (qNext === q) break;
        e++;
        total += sectionAt(e).count + (qNext - q);
        q = qNext;
      }
      const target = Math.ceil(total / Math.ceil(total / SECTION_MAX_ENTRIES));
      let sec = s;
      let i = 0;
      let section = sectionAt(s);
      section.decodeKey(0);
      let sHi = decoded.hi;
      let sLo = decoded.lo;
      while (sec <= e || p < q) {
        if (p < q && (sec > e || !keyLess(sHi, sLo, batchHis[p] as number, batchLos[p] as number))) {
          // The next key comes from the batch; it may also be the section's current key.
          const hi = batchHis[p] as number;
          const lo = batchLos[p] as number;
          let present = false;
          let offsetUnits = 0;
          let size = 0;
          if (sec <= e && sHi === hi && sLo === lo) {
            assert(loadRows, 'a pending key is never in a section');
            present = true;
            offsetUnits = section.offsetAt(i);
            size = section.sizeAt(i);
            i++;
            if (i === section.count) {
              old[sec] = null; // consumed: its memory can go before the merge ends
              sec++;
              i = 0;
              if (sec <= e) section = sectionAt(sec);
            }
            if (sec <= e) {
              section.decodeKey(i);
              sHi = decoded.hi;
              sLo = decoded.lo;
            }
          } else if (!loadRows) {
            present = true;
            offsetUnits = batchOffsets[p] as number;
            size = batchSizes[p] as number;
            p++; // counted in entryCount when it entered the pending table
          }
          const wasPresent = present;
          // Load rows of this key, in row order, as applyIndexRow would have applied them.
          while (loadRows && p < q && batchHis[p] === hi && batchLos[p] === lo) {
            const rowOffset = batchOffsets[p] as number;
            const rowSize = batchSizes[p] as number;
            if (rowOffset !== 0 && rowSize >= 0) {
              if (present && offsetUnits !== 0 && size >= 0) {
                deletedCount++;
                deletedBytes += size;
              }
              present = true;
              offsetUnits = rowOffset;
              size = rowSize;
            } else if (present && size >= 0) {
              deletedBytes += size;
              size = size === 0 ? -1 : -size;
            }
            p++;
          }
          if (present) {
            if (!wasPresent) added++;
            builder.pushOrdered(hi, lo, offsetUnits, size);
          }
        } else {
          builder.pushOrdered(sHi, sLo, section.offsetAt(i), section.sizeAt(i));
          i++;
          if (i === section.count) {
            old[sec] = null;
            sec++;
            i = 0;
            if (sec <= e) section = sectionAt(sec);
          }
          if (sec <= e) {
            section.decodeKey(i);
            sHi = decoded.hi;
            sLo = decoded.lo;
          }
        }
        if (builder.count === target) next.push(builder.build());
      }
      if (builder.count > 0) next.push(builder.build());
      assert(sec === e + 1 && p === q, 'merge consumed its run');
      s = e + 1;
    }
    assert(p === n, 'every batch entry merged');
    this.sections = next;
    this.firstHis = next.map((section) => section.firstHi);
    this.firstLos = next.map((section) => section.firstLo);
    let bytes = 0;
    for (const section of next) bytes += section.footprintBytes;
    this.sectionBytes = bytes;
    this.entryCount += added;
    this.loadDeletedCount += deletedCount;
    this.loadDeletedBytes += deletedBytes;
    this.updateLimits();
  }
}
