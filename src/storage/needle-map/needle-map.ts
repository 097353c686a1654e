// The in-memory needle map of a volume plus upstream's counters (file/deletion counts and bytes).
import { walkIndexRows } from '../idx/entry.ts';
import type { NeedleVersion } from '../needle/version.ts';
import * as types from '../types.ts';
import type { OffsetWidth } from '../types.ts';
import { type CompactMapImage, CompactNeedleMap, type NeedleValue } from './compact-map.ts';

// Module-local copies: under the TS loader the server runs with, each use of an imported binding
// is a getter call, which the per-row load path would pay several times over.
const NEEDLE_PADDING_SIZE_BYTES = types.NEEDLE_PADDING_SIZE_BYTES;
const TOMBSTONE_FILE_SIZE = types.TOMBSTONE_FILE_SIZE;
const FIXED_RECORD_BYTES_V1_V2 = types.NEEDLE_HEADER_SIZE_BYTES + types.NEEDLE_CHECKSUM_SIZE_BYTES;
const TIMESTAMP_SIZE_BYTES = types.TIMESTAMP_SIZE_BYTES;

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

/** A loaded needle map with its counters, as a worker thread hands it over (NeedleMap.image). */
export interface NeedleMapImage {
  version: NeedleVersion;
  map: CompactMapImage;
  maxKeyHi: number;
  maxKeyLo: number;
  fileCount: number;
  deletedCount: number;
  fileBytes: number;
  deletedBytes: number;
  maxNeedleEndBytes: number;
}

/** The ArrayBuffers of an image, to transfer rather than copy. */
export function imageTransferList(image: NeedleMapImage): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (array: Uint8Array | Uint32Array | Int32Array | null): void => {
    if (array !== null) buffers.add(array.buffer as ArrayBuffer);
  };
  for (const section of image.map.sections) {
    add(section.words);
    add(section.keyBytes);
    add(section.offsetHi);
  }
  const { tail } = image.map;
  for (const array of [tail.keyHi, tail.keyLo, tail.offsetLo, tail.offsetHi, tail.sizes]) add(array);
  return [...buffers];
}

export class NeedleMap {
  readonly map: CompactNeedleMap;
  private maxKeyHi = 0;
  private maxKeyLo = 0;
  private fileCount = 0;
  private deletedCount = 0;
  private fileBytes = 0;
  private deletedBytes = 0;
  private maxNeedleEndBytes = 0;
  readonly metrics: NeedleMapMetrics;
  /** `.idx` rows the load announced (expectedEntries) and has not applied yet; see applyIndexRow. */
  private loadRowsLeft: number;
  /** Header plus checksum (and timestamp for v3): actualSize() minus body and padding. */
  private readonly fixedRecordBytes: number;

  constructor(
    readonly version: NeedleVersion,
    expectedEntries = 0,
    /** A map loaded elsewhere (fromImage); a fresh one otherwise. */
    loaded?: CompactNeedleMap,
  ) {
    const rows = loaded === undefined ? Math.max(0, Math.floor(expectedEntries)) : 0;
    this.map = loaded ?? new CompactNeedleMap(rows);
    this.loadRowsLeft = rows;
    this.fixedRecordBytes = FIXED_RECORD_BYTES_V1_V2 + (version === 3 ? TIMESTAMP_SIZE_BYTES : 0);
    // Counters live in plain fields, updated per row at load; `metrics` reads them through
    // getters. (Accessors on the object the hot path writes would make every update slow, and
    // maxFileKey as a stored BigInt would mean one allocation per row for increasing ids.)
    const self = this;
    this.metrics = {
      get fileCount() {
        return self.fileCount;
      },
      get deletedCount() {
        return self.deletedCount + self.map.loadDeletions.count;
      },
      get fileBytes() {
        return self.fileBytes;
      },
      get deletedBytes() {
        return self.deletedBytes + self.map.loadDeletions.bytes;
      },
      get maxFileKey() {
        return (BigInt(self.maxKeyHi) << 32n) | BigInt(self.maxKeyLo);
      },
      get maxNeedleEndBytes() {
        return self.maxNeedleEndBytes;
      },
    };
  }

  get length(): number {
    return this.map.length;
  }

  get(key: bigint): NeedleValue | undefined {
    return this.map.get(key);
  }

  /**
   * actualSize(size, version), inlined: the load calls it per row, and the imported function
   * costs as much as the map insert. test/unit/needle-map.test.ts checks they agree.
   */
  recordBytes(size: number): number {
    const unpadded = this.fixedRecordBytes + (size === TOMBSTONE_FILE_SIZE || size < 0 ? 0 : size);
    return unpadded + NEEDLE_PADDING_SIZE_BYTES - (unpadded % NEEDLE_PADDING_SIZE_BYTES);
  }

  private noteKey(hi: number, lo: number): void {
    if (hi > this.maxKeyHi || (hi === this.maxKeyHi && lo > this.maxKeyLo)) {
      this.maxKeyHi = hi;
      this.maxKeyLo = lo;
    }
  }

  /**
   * Applies one `.idx` row with upstream's load rule (doLoading). The map resolves rows against
   * earlier ones lazily (see CompactNeedleMap.applyLoadRow), so the deletions they cause reach
   * `metrics` through the map rather than being counted here.
   */
  applyIndexRow(hi: number, lo: number, offsetUnits: number, size: number): void {
    this.noteKey(hi, lo);
    const end = offsetUnits * NEEDLE_PADDING_SIZE_BYTES + this.recordBytes(size);
    if (offsetUnits !== 0 && end > this.maxNeedleEndBytes) this.maxNeedleEndBytes = end;
    if (offsetUnits !== 0 && size >= 0) {
      this.fileCount++;
      this.fileBytes += size;
    } else {
      this.deletedCount++;
    }
    this.map.applyLoadRow(hi, lo, offsetUnits, size);
    // The volume load sizes the map with the .idx's row count and applies every row: after the
    // last one the load is over, and the map can pack itself (see finishLoad).
    if (this.loadRowsLeft > 0 && --this.loadRowsLeft === 0) this.finishLoad();
  }

  /** The map once its load is over, for a worker thread to hand over; this map must not be used afterwards. */
  image(): NeedleMapImage {
    this.finishLoad();
    return {
      version: this.version,
      map: this.map.image(),
      maxKeyHi: this.maxKeyHi,
      maxKeyLo: this.maxKeyLo,
      fileCount: this.fileCount,
      deletedCount: this.deletedCount,
      fileBytes: this.fileBytes,
      deletedBytes: this.deletedBytes,
      maxNeedleEndBytes: this.maxNeedleEndBytes,
    };
  }

  static fromImage(image: NeedleMapImage): NeedleMap {
    const needleMap = new NeedleMap(image.version, 0, CompactNeedleMap.fromImage(image.map));
    needleMap.maxKeyHi = image.maxKeyHi;
    needleMap.maxKeyLo = image.maxKeyLo;
    needleMap.fileCount = image.fileCount;
    needleMap.deletedCount = image.deletedCount;
    needleMap.fileBytes = image.fileBytes;
    needleMap.deletedBytes = image.deletedBytes;
    needleMap.maxNeedleEndBytes = image.maxNeedleEndBytes;
    return needleMap;
  }

  /** Packs the map once a load is complete (runs by itself after the announced rows). */
  finishLoad(): void {
    this.loadRowsLeft = 0;
    this.map.compact();
  }

  /** Loads rows from an `.idx` image; returns the number of complete rows. */
  loadIndexBytes(bytes: Uint8Array, width: OffsetWidth): number {
    return walkIndexRows(bytes, width, (hi, lo, offsetUnits, size) => this.applyIndexRow(hi, lo, offsetUnits, size));
  }

  /** A put at runtime (the caller appends the `.idx` row). */
  put(key: bigint, offsetUnits: number, size: number): void {
    const hi = Number(key >> 32n);
    const lo = Number(key & 0xffff_ffffn);
    this.noteKey(hi, lo);
    const previous = this.map.setRaw(hi, lo, offsetUnits, size);
    this.fileCount++;
    this.fileBytes += size;
    if (previous !== undefined && previous.size > 0) {
      this.deletedCount++;
      this.deletedBytes += previous.size;
    }
    const end = offsetUnits * NEEDLE_PADDING_SIZE_BYTES + this.recordBytes(size);
    if (end > this.maxNeedleEndBytes) this.maxNeedleEndBytes = end;
  }

  /** A delete at runtime; returns the size the needle had (0 if it was not live). */
  delete(key: bigint, tombstoneOffsetUnits: number): number {
    const oldSize = this.map.delete(key);
    if (oldSize > 0) {
      this.deletedCount++;
      this.deletedBytes += oldSize;
    }
    const end = tombstoneOffsetUnits * NEEDLE_PADDING_SIZE_BYTES + this.recordBytes(0);
    if (tombstoneOffsetUnits !== 0 && end > this.maxNeedleEndBytes) this.maxNeedleEndBytes = end;
    return oldSize;
  }
}
