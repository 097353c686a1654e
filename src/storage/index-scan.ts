// A volume's `.idx` rows applied to a fresh needle map at load, noting where they point against
// the `.dat`: what the load needs to tell an index that is ahead of its data (rows past the end)
// from one that is damaged, and which record ends the indexed part. The same scan runs on the
// event loop or in the index-load worker thread (index-load-task.ts).
import type { PositionalReader } from './backend/data-file.ts';
import { StorageError } from './errors.ts';
import { walkIndexRows } from './idx/entry.ts';
import { NeedleMap } from './needle-map/needle-map.ts';
import { type NeedleVersion, actualSize } from './needle/version.ts';
import { type OffsetWidth, NEEDLE_PADDING_SIZE_BYTES, assert, indexEntrySizeBytes } from './types.ts';

/** Rows read per call: a bounded buffer whatever the index's size. */
const INDEX_READ_CHUNK_ROWS = 1 << 20;

export interface IndexScan {
  map: NeedleMap;
  /** The row with the highest offset: the record that must end the indexed part of `.dat`. */
  tail: { key: bigint; offsetBytes: number; size: number } | null;
  firstRowPastDat: number;
  lastRowWithinDat: number;
  /** Rows whose record would end past the end of `.dat`. */
  rowsPastDat: number;
}

/** An IndexScan without its map (which travels as an image), as the worker thread posts it. */
export type IndexScanFacts = Omit<IndexScan, 'map'>;

export class IndexScanner {
  readonly map: NeedleMap;
  private readonly entrySizeBytes: number;
  private rowBase = 0;
  private firstRowPastDat = -1;
  private lastRowWithinDat = -1;
  private rowsPastDat = 0;
  private tailOffsetUnits = 0;
  private tailHi = 0;
  private tailLo = 0;
  private tailSize = 0;

  constructor(
    /** Rows the `.idx` holds: sizes the map for the load. */
    readonly totalRows: number,
    private readonly width: OffsetWidth,
    private readonly version: NeedleVersion,
    private readonly datSizeBytes: number,
  ) {
    this.map = new NeedleMap(version, totalRows);
    this.entrySizeBytes = indexEntrySizeBytes(width);
  }

  /** Applies the next whole rows of the `.idx`, in file order. */
  scan(rows: Uint8Array): void {
    assert(rows.length % this.entrySizeBytes === 0, 'whole .idx rows');
    const { map, version, datSizeBytes } = this;
    const base = this.rowBase;
    walkIndexRows(rows, this.width, (hi, lo, offsetUnits, size, row) => {
      map.applyIndexRow(hi, lo, offsetUnits, size);
      if (offsetUnits === 0) return;
      const end = offsetUnits * NEEDLE_PADDING_SIZE_BYTES + actualSize(size, version);
      if (end > datSizeBytes) {
        this.rowsPastDat++;
        if (this.firstRowPastDat < 0) this.firstRowPastDat = base + row;
      } else {
        this.lastRowWithinDat = base + row;
        if (offsetUnits >= this.tailOffsetUnits) {
          this.tailOffsetUnits = offsetUnits;
          this.tailHi = hi;
          this.tailLo = lo;
          this.tailSize = size;
        }
      }
    });
    this.rowBase += rows.length / this.entrySizeBytes;
  }

  /** What the scan found, besides the map. */
  facts(): IndexScanFacts {
    return {
      tail:
        this.tailOffsetUnits > 0
          ? {
              key: (BigInt(this.tailHi) << 32n) | BigInt(this.tailLo),
              offsetBytes: this.tailOffsetUnits * NEEDLE_PADDING_SIZE_BYTES,
              size: this.tailSize,
            }
          : null,
      firstRowPastDat: this.firstRowPastDat,
      lastRowWithinDat: this.lastRowWithinDat,
      rowsPastDat: this.rowsPastDat,
    };
  }

  result(): IndexScan {
    return { map: this.map, ...this.facts() };
  }
}

/** Reads the whole rows `[0, idxSizeBytes)` of an `.idx` in bounded chunks and scans them. */
export async function scanIndexFile(
  idx: PositionalReader,
  idxSizeBytes: number,
  width: OffsetWidth,
  version: NeedleVersion,
  datSizeBytes: number,
): Promise<IndexScanner> {
  const entrySize = indexEntrySizeBytes(width);
  const totalRows = idxSizeBytes / entrySize;
  const scanner = new IndexScanner(totalRows, width, version, datSizeBytes);
  const chunk = Buffer.allocUnsafe(Math.min(totalRows, INDEX_READ_CHUNK_ROWS) * entrySize);
  for (let at = 0; at < idxSizeBytes; ) {
    const want = Math.min(chunk.length, idxSizeBytes - at);
    const { bytesRead } = await idx.read(chunk, 0, want, at);
    if (bytesRead !== want) throw new StorageError('io', `short read of .idx at ${at}`);
    scanner.scan(chunk.subarray(0, bytesRead));
    at += bytesRead;
  }
  return scanner;
}
