// A volume's scans for copies, tails and incremental backups (upstream's volume_backup.go): the
// live records of a full copy, every record from an offset on, and where records after a time
// begin.
import { decodeIndexEntry } from './idx/entry.ts';
import { StorageError } from './errors.ts';
import type { Needle } from './needle/needle.ts';
import { scanDat } from './dat-scanner.ts';
import { NEEDLE_HEADER_SIZE_BYTES, NEEDLE_PADDING_SIZE_BYTES, indexEntrySizeBytes } from './types.ts';
import { VolumeWrites } from './volume-write.ts';

export abstract class VolumeBackupScans extends VolumeWrites {
  /**
   * Records in `.dat` order whose index entry points at exactly that record and is live: what a
   * full copy of the volume consists of (superseded versions and deletions are skipped).
   */
  async *liveRecords(): AsyncGenerator<{ offsetBytes: number; needle: Needle }> {
    this.ensureOpen();
    for await (const record of scanDat(this.dat, this.version, this.firstNeedleOffsetBytes, this.datSizeBytes)) {
      if (record.kind === 'invalid')
        throw new StorageError('corrupted', `volume ${this.id}: ${record.reason} at offset ${record.offsetBytes}`);
      const entry = this.nm.get(record.needle.id);
      if (entry === undefined || entry.size < 0 || entry.offsetUnits * NEEDLE_PADDING_SIZE_BYTES !== record.offsetBytes)
        continue;
      yield { offsetBytes: record.offsetBytes, needle: record.needle };
    }
  }

  /** Every record from `fromOffsetBytes` to the current end, in `.dat` order (tails, backups). */
  async *recordsFrom(
    fromOffsetBytes: number,
  ): AsyncGenerator<{ offsetBytes: number; sizeBytes: number; appendAtNs: bigint }> {
    this.ensureOpen();
    const endBytes = this.datSizeBytes;
    for await (const record of scanDat(this.dat, this.version, fromOffsetBytes, endBytes, { verifyChecksum: false })) {
      if (record.kind === 'invalid')
        throw new StorageError('corrupted', `volume ${this.id}: ${record.reason} at offset ${record.offsetBytes}`);
      yield { offsetBytes: record.offsetBytes, sizeBytes: record.sizeBytes, appendAtNs: record.needle.appendAtNs };
    }
  }

  /**
   * The `.dat` offset of the first record appended after `sinceNs`, found by binary search over
   * `.idx` rows (which are in append order), or null when there is none. Version 3 only (older
   * records carry no append time: everything counts as new).
   */
  async firstOffsetAppendedAfter(sinceNs: bigint): Promise<number | null> {
    this.ensureOpen();
    const entrySize = indexEntrySizeBytes(this.offsetWidth);
    const rows = Math.floor(this.idxSizeBytes / entrySize);
    const row = Buffer.alloc(entrySize);
    const entryAt = async (i: number) => {
      await this.idx.read(row, 0, entrySize, i * entrySize);
      return decodeIndexEntry(row, this.offsetWidth);
    };
    if (this.version !== 3) return rows === 0 ? null : (await entryAt(0)).offset;
    let lo = 0;
    let hi = rows;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const entry = await entryAt(mid);
      const bodySize = Math.max(entry.size, 0);
      const stamp = await this.readBytes(entry.offset + NEEDLE_HEADER_SIZE_BYTES + bodySize + 4, 8);
      if (stamp.readBigUInt64BE(0) <= sinceNs) lo = mid + 1;
      else hi = mid;
    }
    return lo === rows ? null : (await entryAt(lo)).offset;
  }
}
