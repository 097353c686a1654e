// Verifies a volume's files without changing them: every record in `.dat` is read in order and
// its CRC checked, and every live `.idx` entry is matched to the record it points at (id, size,
// checksum). Per volume it counts:
//   good      live entries whose record is there, whole, with a matching checksum;
//   corrupt   live entries whose record is there but fails its checksum, size or decoding;
//   dangling  live entries with no record of theirs at their offset (past the end, or another
//             needle's bytes);
//   orphaned  records newer than anything the index says about their key: data (or a deletion)
//             a crash left unindexed. Superseded versions and deleted needles are garbage, not
//             orphans.
import type { PositionalReader } from '../backend/data-file.ts';
import { scanDat } from '../dat-scanner.ts';
import { isStorageError } from '../errors.ts';
import { walkIndexRows } from '../idx/entry.ts';
import { checksumMatches, crc32c } from '../needle/crc.ts';
import { decodeNeedle, decodeNeedleHeader } from '../needle/needle.ts';
import { type NeedleVersion, actualSize } from '../needle/version.ts';
import { superBlockSizeBytes } from '../super-block.ts';
import { NEEDLE_HEADER_SIZE_BYTES, NEEDLE_PADDING_SIZE_BYTES, type OffsetWidth } from '../types.ts';
import type { VolumeLocation } from '../volume-files.ts';
import { readSuperBlock } from '../volume-load.ts';
import type { AgentProgress } from './agent-progress.ts';
import { openLocalDat, readLocalIdx } from './local-files.ts';
import { RecordTable, compareKeys } from './record-table.ts';
import type { VolumeLease } from './volume-lease.ts';

/** Findings listed one by one in a report; the counts cover all of them. */
export const MAX_LISTED_FINDINGS = 100;
const LEASE_CHECK_EVERY_BYTES = 64 * 1024 * 1024;
const CHECKSUM_FAILED = 1;
const UNDECODABLE = 2;

export type FindingKind = 'corrupt' | 'dangling' | 'orphaned';

export interface VerifyFinding {
  kind: FindingKind;
  /** Needle id in hex, as fids print it. */
  needleId: string;
  offsetBytes: number;
  detail: string;
}

export interface VerifyReport {
  volumeId: number;
  datSizeBytes: number;
  idxRows: number;
  recordsScanned: number;
  bytesScanned: number;
  good: number;
  corrupt: number;
  orphaned: number;
  dangling: number;
  /** Keys whose last index entry deletes them. */
  deleted: number;
  /** Where the record walk could not go on (garbage with no sane header); null at the end. */
  stoppedAt: { offsetBytes: number; reason: string } | null;
  findings: VerifyFinding[];
  findingsNotListed: number;
}

export interface VerifyOptions {
  offsetWidth: OffsetWidth;
  progress?: AgentProgress;
  lease?: VolumeLease;
  /**
   * Verify only this much of each file: a mounted volume's sizes taken between write batches, so
   * that records appended meanwhile (and their rows, written after them) are left out together.
   */
  sizes?: { datSizeBytes: number; idxSizeBytes: number };
}

class Findings {
  readonly listed: VerifyFinding[] = [];
  notListed = 0;
  readonly counts = { corrupt: 0, dangling: 0, orphaned: 0 };

  add(kind: FindingKind, key: bigint, offsetBytes: number, detail: string): void {
    this.counts[kind]++;
    if (this.listed.length < MAX_LISTED_FINDINGS)
      this.listed.push({ kind, needleId: key.toString(16), offsetBytes, detail });
    else this.notListed++;
  }
}

/** Every record of `.dat` in order, with its checksum checked; undecodable records are stepped over. */
async function scanRecords(
  dat: PositionalReader,
  version: NeedleVersion,
  fromBytes: number,
  endBytes: number,
  options: VerifyOptions,
): Promise<{ records: RecordTable; bytesScanned: number; stoppedAt: VerifyReport['stoppedAt'] }> {
  const records = new RecordTable();
  const header = Buffer.alloc(NEEDLE_HEADER_SIZE_BYTES);
  let bytesScanned = 0;
  let nextLeaseCheck = LEASE_CHECK_EVERY_BYTES;
  let from = fromBytes;
  while (from < endBytes) {
    let resumeAt = -1;
    for await (const record of scanDat(dat, version, from, endBytes, { verifyChecksum: false })) {
      if (record.kind === 'invalid') {
        const stepBytes = record.claimedSizeBytes;
        // A sane header whose body does not decode: note it and step over it by its size.
        if (
          stepBytes > 0 &&
          record.offsetBytes + stepBytes <= endBytes &&
          record.reason !== 'incomplete needle header'
        ) {
          await dat.read(header, 0, header.length, record.offsetBytes);
          const h = decodeNeedleHeader(header);
          records.push(h.id, record.offsetBytes, h.size, UNDECODABLE);
          bytesScanned += stepBytes;
          options.progress?.advance(1, stepBytes);
          resumeAt = record.offsetBytes + stepBytes;
          break;
        }
        return { records, bytesScanned, stoppedAt: { offsetBytes: record.offsetBytes, reason: record.reason } };
      }
      const n = record.needle;
      const ok = n.data.length === 0 || checksumMatches(n.checksum, crc32c(n.data));
      records.push(n.id, record.offsetBytes, n.size, ok ? 0 : CHECKSUM_FAILED);
      bytesScanned += record.sizeBytes;
      options.progress?.advance(1, record.sizeBytes);
      if (bytesScanned >= nextLeaseCheck) {
        nextLeaseCheck += LEASE_CHECK_EVERY_BYTES;
        if (options.lease?.signal.aborted === true) throw options.lease.signal.reason;
      }
    }
    if (resumeAt < 0) break;
    from = resumeAt;
  }
  return { records, bytesScanned, stoppedAt: null };
}

/** What is wrong with the record an entry points at when the walk did not reach it; null if fine. */
async function checkRecordAt(
  dat: PositionalReader,
  version: NeedleVersion,
  key: bigint,
  offsetBytes: number,
  size: number,
  endBytes: number,
): Promise<{ kind: FindingKind; detail: string } | null> {
  const lengthBytes = actualSize(size, version);
  if (offsetBytes + lengthBytes > endBytes)
    return { kind: 'dangling', detail: `record of ${lengthBytes} bytes would end past the .dat end ${endBytes}` };
  const bytes = Buffer.alloc(lengthBytes);
  await dat.read(bytes, 0, lengthBytes, offsetBytes);
  const h = decodeNeedleHeader(bytes);
  if (h.id !== key) return { kind: 'dangling', detail: `the bytes there are needle ${h.id.toString(16)}'s` };
  try {
    decodeNeedle(bytes, version, size);
    return null;
  } catch (err) {
    if (!isStorageError(err)) throw err;
    return { kind: 'corrupt', detail: err.message };
  }
}

export async function verifyVolumeFiles(loc: VolumeLocation, options: VerifyOptions): Promise<VerifyReport> {
  const dat = await openLocalDat(loc);
  try {
    let idxBytes = (await readLocalIdx(loc)) ?? Buffer.alloc(0);
    const datSizeBytes = options.sizes?.datSizeBytes ?? (await dat.stat()).size;
    if (options.sizes !== undefined) idxBytes = idxBytes.subarray(0, options.sizes.idxSizeBytes);
    return await verifyOpenVolume(dat, datSizeBytes, idxBytes, loc.volumeId, options);
  } finally {
    await dat.close();
  }
}

export async function verifyOpenVolume(
  dat: PositionalReader,
  datSizeBytes: number,
  idxBytes: Uint8Array,
  volumeId: number,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const superBlock = await readSuperBlock(dat, datSizeBytes, volumeId);
  const version = superBlock.version;
  const firstOffsetBytes = superBlockSizeBytes(superBlock);

  options.progress?.enter('reading-index');
  const rows = new RecordTable();
  const idxRows = walkIndexRows(idxBytes, options.offsetWidth, (keyHi, keyLo, offsetUnits, size) => {
    rows.pushHalves(keyHi, keyLo, offsetUnits * NEEDLE_PADDING_SIZE_BYTES, size);
  });
  const findings = new Findings();

  options.progress?.enter('scanning', Math.max(0, datSizeBytes - firstOffsetBytes));
  const scan = await scanRecords(dat, version, firstOffsetBytes, datSizeBytes, options);
  const { records } = scan;

  options.progress?.enter('checking');
  let good = 0;
  let deleted = 0;
  const rowOrder = rows.sortedByKey();
  const recordOrder = records.sortedByKey();
  let r = 0;
  for (let start = 0; start < rowOrder.length; ) {
    let end = start + 1;
    while (end < rowOrder.length && rows.sameKey(rowOrder[start]!, rowOrder[end]!)) end++;
    const latest = rowOrder[end - 1]!;
    const key = rows.key(latest);
    let newestKnownBytes = 0;
    for (let i = start; i < end; i++) newestKnownBytes = Math.max(newestKnownBytes, rows.offsetBytes(rowOrder[i]!));

    // Records of keys the index never names, then this key's records past what it knows.
    while (r < recordOrder.length && compareKeys(records, recordOrder[r]!, rows, latest) < 0) {
      const rec = recordOrder[r++]!;
      findings.add('orphaned', records.key(rec), records.offsetBytes(rec), 'the index has no entry for this needle');
    }
    while (r < recordOrder.length && compareKeys(records, recordOrder[r]!, rows, latest) === 0) {
      const rec = recordOrder[r++]!;
      if (records.offsetBytes(rec) > newestKnownBytes) {
        findings.add(
          'orphaned',
          key,
          records.offsetBytes(rec),
          `newer than the index's last entry at ${newestKnownBytes}`,
        );
      }
    }

    const size = rows.size(latest);
    const offsetBytes = rows.offsetBytes(latest);
    // Offset 0 is a row with no record (a tiered volume's delete): nothing here to check.
    if (size < 0 || offsetBytes === 0) {
      if (size < 0) deleted++;
      start = end;
      continue;
    }
    const at = records.rowAtOffset(offsetBytes);
    if (at >= 0 && records.key(at) === key) {
      const mark = records.mark(at);
      if (records.size(at) !== size)
        findings.add('corrupt', key, offsetBytes, `index size ${size}, record size ${records.size(at)}`);
      else if (mark === CHECKSUM_FAILED) findings.add('corrupt', key, offsetBytes, 'checksum mismatch');
      else if (mark === UNDECODABLE) findings.add('corrupt', key, offsetBytes, 'the record does not decode');
      else good++;
    } else {
      const problem = await checkRecordAt(dat, version, key, offsetBytes, size, datSizeBytes);
      if (problem === null) good++;
      else findings.add(problem.kind, key, offsetBytes, problem.detail);
    }
    start = end;
  }
  while (r < recordOrder.length) {
    const rec = recordOrder[r++]!;
    findings.add('orphaned', records.key(rec), records.offsetBytes(rec), 'the index has no entry for this needle');
  }
  findings.listed.sort((a, b) => a.offsetBytes - b.offsetBytes);
  return {
    volumeId,
    datSizeBytes,
    idxRows,
    recordsScanned: records.length,
    bytesScanned: scan.bytesScanned,
    good,
    corrupt: findings.counts.corrupt,
    orphaned: findings.counts.orphaned,
    dangling: findings.counts.dangling,
    deleted,
    stoppedAt: scan.stoppedAt,
    findings: findings.listed,
    findingsNotListed: findings.notListed,
  };
}
