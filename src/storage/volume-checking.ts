// A volume checked against its files (upstream's volume_checking.go): the index rows against
// `.dat`, and optionally every live needle read back and verified.
import { decodeIndexEntry } from './idx/entry.ts';
import { actualSize } from './needle/version.ts';
import { indexEntrySizeBytes } from './types.ts';
import { VolumeBackupScans } from './volume-backup.ts';

export abstract class VolumeChecks extends VolumeBackupScans {
  /**
   * Checks the volume against its files as they are on disk now. Index: `.idx` whole rows, every
   * row within `.dat`. Full: also reads every live needle and verifies header and checksum.
   * Returns the number of index rows walked and what is wrong (empty when healthy).
   */
  async scrub(full: boolean): Promise<{ files: number; errors: string[] }> {
    this.ensureOpen();
    const errors: string[] = [];
    const entrySize = indexEntrySizeBytes(this.offsetWidth);
    const idxBytes = (await this.idx.stat()).size;
    const datBytes = (await this.dat.stat()).sizeBytes;
    if (idxBytes % entrySize !== 0)
      errors.push(`volume ${this.id}: index file size ${idxBytes} is not a multiple of ${entrySize}`);
    const rows = Math.floor(idxBytes / entrySize);
    const chunkRows = 65_536;
    const buf = Buffer.allocUnsafe(Math.min(rows, chunkRows) * entrySize);
    const latest = new Map<bigint, { offsetBytes: number; size: number }>();
    for (let first = 0; first < rows; first += chunkRows) {
      const count = Math.min(chunkRows, rows - first);
      await this.idx.read(buf, 0, count * entrySize, first * entrySize);
      for (let i = 0; i < count; i++) {
        const entry = decodeIndexEntry(buf, this.offsetWidth, i * entrySize);
        if (entry.offset === 0) continue;
        const end = entry.offset + actualSize(entry.size, this.version);
        if (end > datBytes) {
          errors.push(
            `volume ${this.id}: index row ${first + i} (needle ${entry.key.toString(16)}) ends at ${end}, past .dat size ${datBytes}`,
          );
          continue;
        }
        if (full) latest.set(entry.key, { offsetBytes: entry.offset, size: entry.size });
      }
    }
    if (full) {
      for (const [key, entry] of latest) {
        if (entry.size < 0) continue;
        try {
          const n = await this.readRecord(entry.offsetBytes, entry.size);
          if (n.id !== key)
            errors.push(
              `volume ${this.id}: needle ${key.toString(16)} at ${entry.offsetBytes} holds id ${n.id.toString(16)}`,
            );
        } catch (err) {
          errors.push(
            `volume ${this.id}: needle ${key.toString(16)} at ${entry.offsetBytes}: ${(err as Error).message}`,
          );
        }
      }
    }
    return { files: rows, errors };
  }

  /**
   * `.dat` and `.idx` sizes taken between write batches: every record below the first has its
   * row below the second. What a verify of a mounted volume reads up to.
   */
  fileSizesBetweenBatches(): Promise<{ datSizeBytes: number; idxSizeBytes: number }> {
    this.ensureOpen();
    return this.appends.exclusive(async () => ({ datSizeBytes: this.datSizeBytes, idxSizeBytes: this.idxSizeBytes }));
  }
}
