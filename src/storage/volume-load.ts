// Opening a volume: super block, `.vif`, the needle map from `.idx`, and crash repair.
//
// Upstream marks a volume whose `.idx` and `.dat` disagree read-only and leaves repair to an
// operator. We repair what a crash can cause and say what we did:
// - a torn trailing `.idx` row is cut off;
// - `.idx` rows at the tail that point past the end of `.dat` (index ahead of data) are dropped;
// - needles in `.dat` after the last indexed one (index behind data) are indexed from a scan;
// - a torn final needle (incomplete, or failing its checksum at the very end) is cut off;
// - a missing `.idx` is rebuilt from the whole `.dat`.
// Anything that does not look like crash damage (garbage followed by more data, rows pointing
// past the end in the middle of the index) leaves the volume read-only, with the reason.
//
// A tiered volume (its `.vif` lists a remote `.dat`) whose local `.dat` is gone loads with the
// remote file instead, read-only and without any of the repairs above: see loadTieredVolume.
import { constants as fsConstants } from 'node:fs';
import { findBackendStorage } from './backend/backend.ts';
import type { DataFile, PositionalReader } from './backend/data-file.ts';
import { LocalDataFile } from './backend/local-data-file.ts';
import { RemoteDataFile } from './backend/remote-data-file.ts';
import { readRemoteSuperBlock } from './backend/remote-super-block.ts';
import { isZeroTail, scanDat } from './dat-scanner.ts';
import { StorageError } from './errors.ts';
import { nodeVolumeIo } from './io/node-volume-io.ts';
import type { VolumeFile, VolumeIo } from './io/volume-io.ts';
import { encodeIndexEntry } from './idx/entry.ts';
import { type IndexScan, scanIndexFile } from './index-scan.ts';
import { indexLoadPool } from './index-load-pool.ts';
import type { NeedleMap } from './needle-map/needle-map.ts';
import { decodeNeedleHeader } from './needle/needle.ts';
import { type NeedleVersion, isSupportedVersion } from './needle/version.ts';
import { pathExists } from './path-exists.ts';
import {
  type SuperBlock,
  SUPER_BLOCK_SIZE_BYTES,
  decodeSuperBlock,
  decodeSuperBlockHeader,
  encodeSuperBlock,
  newSuperBlock,
  superBlockSizeBytes,
} from './super-block.ts';
import {
  type OffsetWidth,
  NEEDLE_HEADER_SIZE_BYTES,
  NEEDLE_PADDING_SIZE_BYTES,
  TOMBSTONE_FILE_SIZE,
  indexEntrySizeBytes,
  maxVolumeSizeBytes,
} from './types.ts';
import {
  type RemoteFile,
  type VolumeInfo,
  newVolumeInfo,
  readVolumeInfoFile,
  remoteFileBackendName,
  writeVolumeInfoFile,
} from './volume-info.ts';
import { type VolumeLocation, volumeFilePath } from './volume-files.ts';
import { ttlSeconds } from './needle/ttl.ts';
import { parseReplicaPlacement } from './replica-placement.ts';
import { reconcileCompactState } from './compaction.ts';
import type { Logger } from '../log/logger.ts';

/** What loading found and did; shown in the volume's status. */
export interface LoadReport {
  indexRebuiltFromScratch: boolean;
  indexRowsRecovered: number;
  indexRowsDropped: number;
  partialIndexBytesDropped: number;
  datBytesTruncated: number;
  notes: string[];
}

export interface LoadedVolume {
  superBlock: SuperBlock;
  volumeInfo: VolumeInfo;
  /** The local `.dat`, or the remote one of a tiered volume. */
  dat: DataFile;
  idx: VolumeFile;
  datSizeBytes: number;
  idxSizeBytes: number;
  needleMap: NeedleMap;
  lastAppendAtNs: bigint;
  lastModifiedTsSeconds: number;
  /** Non-empty when the volume must not take writes because of damage we would not repair. */
  damage: string[];
  report: LoadReport;
}

export interface CreateOptions {
  superBlock: SuperBlock;
}

const RECOVERED_ROWS_PER_WRITE = 1 << 16;

async function openOrCreate(io: VolumeIo, path: string, create: boolean): Promise<VolumeFile | null> {
  try {
    return await io.open(path, fsConstants.O_RDWR);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !create) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
  return io.open(path, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o644);
}

export async function loadVolume(
  loc: VolumeLocation,
  width: OffsetWidth,
  create: CreateOptions | null,
  log: Logger,
  io: VolumeIo = nodeVolumeIo,
): Promise<LoadedVolume> {
  const report: LoadReport = {
    indexRebuiltFromScratch: false,
    indexRowsRecovered: 0,
    indexRowsDropped: 0,
    partialIndexBytesDropped: 0,
    datBytesTruncated: 0,
    notes: [],
  };
  const note = (message: string): void => {
    report.notes.push(message);
    log.info(`volume ${loc.volumeId}: ${message}`, { volumeId: loc.volumeId });
  };

  await reconcileCompactState(loc, note, io);
  const vifPath = volumeFilePath(loc, 'vif');
  const existingInfo = await readVolumeInfoFile(vifPath, io);
  if (
    existingInfo !== null &&
    existingInfo.files.length === 0 &&
    existingInfo.bytesOffset !== 0 &&
    existingInfo.bytesOffset !== width
  ) {
    throw new StorageError(
      'offset_width_mismatch',
      `volume ${loc.volumeId}: .vif says ${existingInfo.bytesOffset}-byte offsets, this server uses ${width}`,
    );
  }

  const datPath = volumeFilePath(loc, 'dat');
  const tier = existingInfo?.files[0];
  // A kept local `.dat` (keep_local_dat_file) holds the same bytes as the remote one: read it.
  if (existingInfo !== null && tier !== undefined && create === null && !(await io.exists(datPath))) {
    return loadTieredVolume(loc, width, existingInfo, tier, report, note, io);
  }
  const datHandle = await openOrCreate(io, datPath, create !== null);
  if (datHandle === null) throw new StorageError('not_found', `volume ${loc.volumeId}: ${datPath} does not exist`);
  const dat = new LocalDataFile(datHandle, datPath);
  let idx: VolumeFile | null = null;
  try {
    let datSizeBytes = (await dat.stat()).sizeBytes;
    let superBlock: SuperBlock;
    if (datSizeBytes === 0) {
      if (create === null) throw new StorageError('invalid_super_block', `volume ${loc.volumeId}: empty .dat`);
      const bytes = encodeSuperBlock(create.superBlock);
      await dat.write(bytes, 0, bytes.length, 0);
      await dat.sync();
      superBlock = create.superBlock;
      datSizeBytes = bytes.length;
    } else {
      superBlock = await readSuperBlock(dat, datSizeBytes, loc.volumeId);
    }
    if (existingInfo !== null && existingInfo.replication !== '') {
      // `.vif` replication overrides the super block byte (it is what VolumeConfigure changes).
      superBlock = { ...superBlock, replicaPlacement: parseReplicaPlacement(existingInfo.replication) };
    }
    const version = superBlock.version;
    const firstNeedleOffset = superBlockSizeBytes(superBlock);

    const idxPath = volumeFilePath(loc, 'idx');
    idx = await openOrCreate(io, idxPath, false);
    let rebuildAll = false;
    if (idx === null) {
      idx = await io.open(idxPath, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o644);
      if (datSizeBytes > firstNeedleOffset) {
        rebuildAll = true;
        report.indexRebuiltFromScratch = true;
        note(`.idx missing: rebuilding it from ${datSizeBytes} bytes of .dat`);
      }
    }

    const entrySize = indexEntrySizeBytes(width);
    let idxSizeBytes = (await idx.stat()).size;
    const partial = idxSizeBytes % entrySize;
    if (partial !== 0) {
      idxSizeBytes -= partial;
      await idx.truncate(idxSizeBytes);
      report.partialIndexBytesDropped = partial;
      note(`cut a torn trailing .idx row of ${partial} bytes`);
    }

    let needleMap = await readIndex(idx, idxSizeBytes, width, version, datSizeBytes, { path: idxPath, io });
    const damage: string[] = [];
    if (needleMap.firstRowPastDat >= 0) {
      if (needleMap.lastRowWithinDat < needleMap.firstRowPastDat) {
        const keepRows = needleMap.firstRowPastDat;
        const dropped = idxSizeBytes / entrySize - keepRows;
        idxSizeBytes = keepRows * entrySize;
        await idx.truncate(idxSizeBytes);
        await idx.sync();
        report.indexRowsDropped = dropped;
        note(`.idx was ahead of .dat: dropped ${dropped} trailing rows that pointed past its end`);
        needleMap = await readIndex(idx, idxSizeBytes, width, version, datSizeBytes, { path: idxPath, io });
      } else {
        damage.push('.idx rows in the middle of the index point past the end of .dat');
        note(damage[damage.length - 1] as string);
      }
    }

    // The last indexed record must be where the index says, or the index is not ours to extend.
    let scanFrom = Math.max(firstNeedleOffset, needleMap.map.metrics.maxNeedleEndBytes);
    let lastAppendAtNs = 0n;
    if (needleMap.tail !== null && damage.length === 0) {
      const tail = needleMap.tail;
      const header = await readHeaderAt(dat, tail.offsetBytes, datSizeBytes);
      const expectedSize = Math.max(tail.size, 0);
      if (header === null || header.id !== tail.key || header.size !== expectedSize) {
        damage.push(`the last indexed needle at offset ${tail.offsetBytes} does not match its .idx row`);
        note(damage[damage.length - 1] as string);
      } else if (version === 3) {
        lastAppendAtNs = await readAppendAtNs(dat, tail.offsetBytes, expectedSize);
      }
    }

    if (rebuildAll) scanFrom = firstNeedleOffset;
    if (damage.length === 0 && datSizeBytes > scanFrom) {
      const outcome = await indexUnindexedTail(
        dat,
        idx,
        needleMap.map,
        version,
        width,
        scanFrom,
        datSizeBytes,
        idxSizeBytes,
      );
      idxSizeBytes = outcome.idxSizeBytes;
      report.indexRowsRecovered = outcome.rowsAppended;
      if (outcome.rowsAppended > 0)
        note(`indexed ${outcome.rowsAppended} needles found in .dat after the last .idx row`);
      if (outcome.lastAppendAtNs > lastAppendAtNs) lastAppendAtNs = outcome.lastAppendAtNs;
      if (outcome.truncateAt !== null) {
        report.datBytesTruncated = datSizeBytes - outcome.truncateAt;
        note(
          `cut a torn final needle: ${report.datBytesTruncated} bytes at offset ${outcome.truncateAt} (${outcome.reason})`,
        );
        await dat.truncate(outcome.truncateAt);
        await dat.sync();
        datSizeBytes = outcome.truncateAt;
      } else if (outcome.reason !== null) {
        damage.push(`unreadable needle at offset ${outcome.stoppedAt} followed by more data: ${outcome.reason}`);
        note(damage[damage.length - 1] as string);
      }
    }
    if (datSizeBytes % NEEDLE_PADDING_SIZE_BYTES !== 0 && damage.length === 0) {
      damage.push(`.dat size ${datSizeBytes} is not a multiple of ${NEEDLE_PADDING_SIZE_BYTES}`);
      note(damage[damage.length - 1] as string);
    }

    let volumeInfo = existingInfo;
    if (volumeInfo === null) {
      volumeInfo = newVolumeInfo({ version, bytesOffset: width });
      if (ttlSeconds(superBlock.ttl) > 0) {
        volumeInfo.expireAtSec = BigInt(Math.floor(Date.now() / 1000) + ttlSeconds(superBlock.ttl));
      }
      await writeVolumeInfoFile(vifPath, volumeInfo, io);
    }

    const mtimeMs = (await dat.stat()).modifiedTimeMs;
    return {
      superBlock,
      volumeInfo,
      dat,
      idx,
      datSizeBytes,
      idxSizeBytes,
      needleMap: needleMap.map,
      lastAppendAtNs,
      lastModifiedTsSeconds: Math.floor(mtimeMs / 1000),
      damage,
      report,
    };
  } catch (err) {
    await dat.close();
    if (idx !== null) await idx.close();
    throw err;
  }
}

/**
 * Loads a tiered volume whose local `.dat` is gone (upstream's LoadRemoteFile): reads go to the
 * backend its `.vif` names, the needle map comes from the local `.idx`, and the volume takes no
 * writes. No file is changed and nothing of `.dat` is scanned: a scan or a tail check would
 * download the object. The index is checked against the size the `.vif` recorded instead, which
 * the index walk does for free.
 */
async function loadTieredVolume(
  loc: VolumeLocation,
  width: OffsetWidth,
  info: VolumeInfo,
  tier: RemoteFile,
  report: LoadReport,
  note: (message: string) => void,
  io: VolumeIo,
): Promise<LoadedVolume> {
  const backendName = remoteFileBackendName(tier);
  const backend = findBackendStorage(backendName);
  // As upstream, the volume is not loaded (the server starts without it) while its backend is unknown.
  if (backend === undefined) {
    throw new StorageError(
      'not_found',
      `volume ${loc.volumeId}: load remote file ${tier.key}: backend storage ${backendName} not found`,
    );
  }
  const recordedSizeBytes = tier.fileSize > 0n ? tier.fileSize : info.datFileSize;
  if (recordedSizeBytes <= 0n || recordedSizeBytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new StorageError(
      'invalid_volume_info',
      `volume ${loc.volumeId}: remote file ${tier.key} has no usable size (${recordedSizeBytes})`,
    );
  }
  // The upload's time stands for the data's (upstream), else the `.vif`'s, so TTL volumes do not expire at start.
  const modifiedTimeSeconds =
    tier.modifiedTime > 0n
      ? Number(tier.modifiedTime)
      : Math.floor((await io.stat(volumeFilePath(loc, 'vif'))).mtimeMs / 1000);
  const dat = new RemoteDataFile({
    backend,
    backendName,
    key: tier.key,
    sizeBytes: Number(recordedSizeBytes),
    modifiedTimeMs: modifiedTimeSeconds * 1000,
  });
  const datSizeBytes = dat.sizeBytes;
  note(`tiered to ${backendName} as ${dat.key} (${datSizeBytes} bytes): reading it remotely, read only`);

  const idxPath = volumeFilePath(loc, 'idx');
  const idx = await openOrCreate(io, idxPath, false);
  // Rebuilding would read the whole object; upstream skips such a volume too.
  if (idx === null)
    throw new StorageError(
      'not_found',
      `volume ${loc.volumeId}: check volume idx file ${idxPath}: it does not exist (a tiered volume's index is not rebuilt)`,
    );
  try {
    let superBlock: SuperBlock;
    try {
      superBlock = await readRemoteSuperBlock(backendName, () => readSuperBlock(dat, datSizeBytes, loc.volumeId));
    } catch (err) {
      // Maybe a passing network problem: upstream loads the volume all the same.
      superBlock = newSuperBlock({ version: isSupportedVersion(info.version) ? info.version : 3 });
      note(`remote super block unreadable (${(err as Error).message}): using the .vif's version ${superBlock.version}`);
    }
    if (info.replication !== '')
      superBlock = { ...superBlock, replicaPlacement: parseReplicaPlacement(info.replication) };

    const entrySize = indexEntrySizeBytes(width);
    const idxFileSizeBytes = (await idx.stat()).size;
    const partial = idxFileSizeBytes % entrySize;
    const idxSizeBytes = idxFileSizeBytes - partial;
    if (partial !== 0) note(`ignored a torn trailing .idx row of ${partial} bytes`);
    const scan = await readIndex(idx, idxSizeBytes, width, superBlock.version, datSizeBytes, { path: idxPath, io });
    const damage: string[] = [];
    if (scan.rowsPastDat > 0) {
      // Not dropped: the rows are all there is of those needles, and the object may be the wrong one.
      damage.push(
        `${scan.rowsPastDat} .idx rows point past the end of the remote .dat (${datSizeBytes} bytes); those needles cannot be read`,
      );
      note(damage[damage.length - 1] as string);
    }
    return {
      superBlock,
      volumeInfo: info,
      dat,
      idx,
      datSizeBytes,
      idxSizeBytes,
      needleMap: scan.map,
      // Known only from the last record, which is remote; upstream leaves it unset too.
      lastAppendAtNs: 0n,
      lastModifiedTsSeconds: modifiedTimeSeconds,
      damage,
      report,
    };
  } catch (err) {
    await idx.close();
    throw err;
  }
}

/**
 * Whether a volume found on disk has data to load: its `.dat`, or a `.vif` naming a remote one
 * (a tiered volume keeps only `.idx` and `.vif` here). A `.vif` that cannot be read names nothing.
 */
export async function hasVolumeData(loc: VolumeLocation): Promise<boolean> {
  if (await pathExists(volumeFilePath(loc, 'dat'))) return true;
  try {
    return ((await readVolumeInfoFile(volumeFilePath(loc, 'vif')))?.files.length ?? 0) > 0;
  } catch {
    return false;
  }
}

/** The super block at the start of an open `.dat`, its extra bytes included. */
export async function readSuperBlock(
  dat: PositionalReader,
  datSizeBytes: number,
  volumeId: number,
): Promise<SuperBlock> {
  if (datSizeBytes < SUPER_BLOCK_SIZE_BYTES) {
    throw new StorageError(
      'invalid_super_block',
      `volume ${volumeId}: .dat of ${datSizeBytes} bytes has no whole super block`,
    );
  }
  const head = Buffer.alloc(SUPER_BLOCK_SIZE_BYTES);
  await dat.read(head, 0, SUPER_BLOCK_SIZE_BYTES, 0);
  const { extraSizeBytes } = decodeSuperBlockHeader(head);
  if (extraSizeBytes === 0) return decodeSuperBlock(head);
  const whole = Buffer.alloc(SUPER_BLOCK_SIZE_BYTES + extraSizeBytes);
  const { bytesRead } = await dat.read(whole, 0, whole.length, 0);
  return decodeSuperBlock(whole.subarray(0, bytesRead));
}

async function readIndex(
  idx: VolumeFile,
  idxSizeBytes: number,
  width: OffsetWidth,
  version: NeedleVersion,
  datSizeBytes: number,
  /** The file by path, for the worker thread: only with node's own IO (a test's injected IO stays on this thread). */
  file: { path: string; io: VolumeIo },
): Promise<IndexScan> {
  if (file.io === nodeVolumeIo) {
    const scanned = await indexLoadPool.tryScan({ path: file.path, idxSizeBytes, width, version, datSizeBytes });
    if (scanned !== null) return scanned;
  }
  return (await scanIndexFile(idx, idxSizeBytes, width, version, datSizeBytes)).result();
}

async function readHeaderAt(dat: PositionalReader, offsetBytes: number, datSizeBytes: number) {
  if (offsetBytes + NEEDLE_HEADER_SIZE_BYTES > datSizeBytes) return null;
  const buf = Buffer.alloc(NEEDLE_HEADER_SIZE_BYTES);
  await dat.read(buf, 0, buf.length, offsetBytes);
  return decodeNeedleHeader(buf);
}

async function readAppendAtNs(dat: PositionalReader, offsetBytes: number, size: number): Promise<bigint> {
  const buf = Buffer.alloc(8);
  await dat.read(buf, 0, 8, offsetBytes + NEEDLE_HEADER_SIZE_BYTES + size + 4);
  return buf.readBigUInt64BE(0);
}

interface TailOutcome {
  idxSizeBytes: number;
  rowsAppended: number;
  lastAppendAtNs: bigint;
  /** Where to cut `.dat` (a torn final needle), or null. */
  truncateAt: number | null;
  stoppedAt: number;
  reason: string | null;
}

/** Indexes complete needles after `fromOffsetBytes`; decides what to do with an invalid tail. */
async function indexUnindexedTail(
  dat: PositionalReader,
  idx: VolumeFile,
  map: NeedleMap,
  version: NeedleVersion,
  width: OffsetWidth,
  fromOffsetBytes: number,
  datSizeBytes: number,
  idxSizeBytes: number,
): Promise<TailOutcome> {
  const outcome: TailOutcome = {
    idxSizeBytes,
    rowsAppended: 0,
    lastAppendAtNs: 0n,
    truncateAt: null,
    stoppedAt: datSizeBytes,
    reason: null,
  };
  const entrySize = indexEntrySizeBytes(width);
  let rows: Buffer[] = [];
  const flush = async (): Promise<void> => {
    if (rows.length === 0) return;
    const bytes = Buffer.concat(rows);
    await idx.write(bytes, 0, bytes.length, outcome.idxSizeBytes);
    outcome.idxSizeBytes += rows.length * entrySize;
    outcome.rowsAppended += rows.length;
    rows = [];
  };
  for await (const record of scanDat(dat, version, fromOffsetBytes, datSizeBytes)) {
    if (record.kind === 'invalid') {
      outcome.stoppedAt = record.offsetBytes;
      outcome.reason = record.reason;
      const runsPastEnd = record.offsetBytes + record.claimedSizeBytes >= datSizeBytes;
      if (runsPastEnd || (await isZeroTail(dat, record.offsetBytes, datSizeBytes))) {
        outcome.truncateAt = record.offsetBytes;
      }
      break;
    }
    const { needle, offsetBytes } = record;
    if (offsetBytes >= maxVolumeSizeBytes(width)) {
      outcome.stoppedAt = offsetBytes;
      outcome.reason = `offset ${offsetBytes} does not fit the index`;
      break;
    }
    const offsetUnits = offsetBytes / NEEDLE_PADDING_SIZE_BYTES;
    const existing = map.get(needle.id);
    // A Size-0 record is a tombstone when the key is live (a delete writes nothing otherwise).
    const isTombstone = needle.size === 0 && existing !== undefined && existing.size >= 0 && existing.offsetUnits !== 0;
    const size = isTombstone ? TOMBSTONE_FILE_SIZE : needle.size;
    const row = encodeIndexEntry({ key: needle.id, offset: offsetBytes, size }, width);
    if (isTombstone) map.delete(needle.id, offsetUnits);
    else map.put(needle.id, offsetUnits, size);
    rows.push(row);
    if (rows.length >= RECOVERED_ROWS_PER_WRITE) await flush();
    if (needle.appendAtNs > outcome.lastAppendAtNs) outcome.lastAppendAtNs = needle.appendAtNs;
  }
  await flush();
  if (outcome.rowsAppended > 0) await idx.sync();
  return outcome;
}
