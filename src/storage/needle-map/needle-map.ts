// The in-memory needle map of a volume plus upstream's counters (file/deletion counts and bytes).
import { walkIndexRows } from '../idx/entry.ts';
import { type NeedleVersion, actualSize } from '../needle/version.ts';
import { type OffsetWidth, NEEDLE_PADDING_SIZE_BYTES } from '../types.ts';
import { CompactNeedleMap, type NeedleValue } from './compact-map.ts';

export interface NeedleMapMetrics {
  /** Puts seen (upstream's FileCounter): live needles plus overwritten and deleted ones. */
  fileCount: number;
  deletedCount: number;
  fileBytes: number;
  deletedBytes: number;
  maxFileKey: bigint;
  /** Largest offset + record size over indexed entries: where `.dat` must at least reach. */
  maxNeedleEndBytes: number;
}

export class NeedleMap {
  readonly map: CompactNeedleMap;
  readonly metrics: NeedleMapMetrics = {
    fileCount: 0,
    deletedCount: 0,
    fileBytes: 0,
    deletedBytes: 0,
    maxFileKey: 0n,
    maxNeedleEndBytes: 0,
  };
  private maxKeyHi = 0;
  private maxKeyLo = 0;

  constructor(
    readonly version: NeedleVersion,
    expectedEntries = 0,
  ) {
    this.map = new CompactNeedleMap(expectedEntries);
  }

  get length(): number {
    return this.map.length;
  }

  get(key: bigint): NeedleValue | undefined {
    return this.map.get(key);
  }

  private noteKey(hi: number, lo: number): void {
    if (hi > this.maxKeyHi || (hi === this.maxKeyHi && lo > this.maxKeyLo)) {
      this.maxKeyHi = hi;
      this.maxKeyLo = lo;
      this.metrics.maxFileKey = (BigInt(hi) << 32n) | BigInt(lo);
    }
  }

  /** Applies one `.idx` row with upstream's load rule (doLoading). */
  applyIndexRow(hi: number, lo: number, offsetUnits: number, size: number): void {
    const m = this.metrics;
    this.noteKey(hi, lo);
    const end = offsetUnits * NEEDLE_PADDING_SIZE_BYTES + actualSize(size, this.version);
    if (offsetUnits !== 0 && end > m.maxNeedleEndBytes) m.maxNeedleEndBytes = end;
    if (offsetUnits !== 0 && size >= 0) {
      m.fileCount++;
      m.fileBytes += size;
      const previous = this.map.setRaw(hi, lo, offsetUnits, size);
      if (previous !== undefined && previous.offsetUnits !== 0 && previous.size >= 0) {
        m.deletedCount++;
        m.deletedBytes += previous.size;
      }
    } else {
      const oldSize = this.map.deleteRaw(hi, lo);
      m.deletedCount++;
      m.deletedBytes += oldSize;
    }
  }

  /** Loads rows from an `.idx` image; returns the number of complete rows. */
  loadIndexBytes(bytes: Uint8Array, width: OffsetWidth): number {
    return walkIndexRows(bytes, width, (hi, lo, offsetUnits, size) => this.applyIndexRow(hi, lo, offsetUnits, size));
  }

  /** A put at runtime (the caller appends the `.idx` row). */
  put(key: bigint, offsetUnits: number, size: number): void {
    const hi = Number(key >> 32n);
    const lo = Number(key & 0xffff_ffffn);
    const m = this.metrics;
    this.noteKey(hi, lo);
    const previous = this.map.setRaw(hi, lo, offsetUnits, size);
    m.fileCount++;
    m.fileBytes += size;
    if (previous !== undefined && previous.size > 0) {
      m.deletedCount++;
      m.deletedBytes += previous.size;
    }
    const end = offsetUnits * NEEDLE_PADDING_SIZE_BYTES + actualSize(size, this.version);
    if (end > m.maxNeedleEndBytes) m.maxNeedleEndBytes = end;
  }

  /** A delete at runtime; returns the size the needle had (0 if it was not live). */
  delete(key: bigint, tombstoneOffsetUnits: number): number {
    const oldSize = this.map.delete(key);
    if (oldSize > 0) {
      this.metrics.deletedCount++;
      this.metrics.deletedBytes += oldSize;
    }
    const end = tombstoneOffsetUnits * NEEDLE_PADDING_SIZE_BYTES + actualSize(0, this.version);
    if (tombstoneOffsetUnits !== 0 && end > this.metrics.maxNeedleEndBytes) this.metrics.maxNeedleEndBytes = end;
    return oldSize;
  }
}
