// Rebuilds a volume's `.idx` from its `.dat`, byte-identical to what upstream's `weed fix`
// writes for the same `.dat`: the last live record of each key and the last deletion record of
// each key (a record of size 0 counts as one, as fix's Size.IsValid does), in `.dat` order, a
// deletion as a tombstone row at the deletion record's offset.
//
// Fast path: a `.idx` the server wrote has one row per record, in `.dat` order, each record
// starting where the previous one ends. When the old rows chain that way from the super block
// on and their last rows match the record headers in `.dat`, they stand for the records they
// cover and only the `.dat` after them is scanned. Anything else falls back to a full scan.
//
// Unlike fix, the scan ends at the first record that is not whole (a torn tail, a zeroed
// pre-extended region): fix would index such a record, or zero headers as needle id 0.
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { PositionalReader } from '../backend/data-file.ts';
import { scanDat } from '../dat-scanner.ts';
import { encodeIndexEntry, walkIndexRows } from '../idx/entry.ts';
import { decodeNeedleHeader } from '../needle/needle.ts';
import { type NeedleVersion, actualSize } from '../needle/version.ts';
import { superBlockSizeBytes } from '../super-block.ts';
import {
  NEEDLE_HEADER_SIZE_BYTES,
  NEEDLE_PADDING_SIZE_BYTES,
  type OffsetWidth,
  TOMBSTONE_FILE_SIZE,
  assert,
  indexEntrySizeBytes,
} from '../types.ts';
import { type VolumeLocation, volumeFilePath } from '../volume-files.ts';
import { readSuperBlock } from '../volume-load.ts';
import type { AgentProgress } from './agent-progress.ts';
import { openLocalDat, readLocalIdx } from './local-files.ts';
import { RecordTable } from './record-table.ts';
import type { VolumeLease } from './volume-lease.ts';

/** Old rows whose record headers are read back before the old index is trusted. */
export const DEFAULT_TAIL_CHECK_ROWS = 16;
/** How often (in scanned bytes) a long scan looks at its lease. */
const LEASE_CHECK_EVERY_BYTES = 64 * 1024 * 1024;

export interface RebuildOptions {
  offsetWidth: OffsetWidth;
  /** Scan the whole `.dat` even when the old index checks out. */
  full?: boolean;
  tailCheckRows?: number;
  progress?: AgentProgress;
  /** Checked during the scan and once more just before the new index replaces the old one. */
  lease?: VolumeLease;
}

export interface RebuildResult {
  mode: 'fast' | 'full';
  /** Why the old index could not be kept (full mode only); null when asked for a full scan. */
  fallbackReason: string | null;
  /** Old rows that stood for their records without a scan. */
  keptRows: number;
  recordsScanned: number;
  bytesScanned: number;
  liveEntries: number;
  deletedEntries: number;
  idxSizeBytes: number;
  /** Where the scan stopped before the end of `.dat`, and why; null when it reached the end. */
  stoppedAt: { offsetBytes: number; reason: string } | null;
}

export interface IndexPlan {
  /** The new index, as fix writes it. */
  idx: Buffer;
  result: RebuildResult;
}

interface Chain {
  rows: RecordTable;
  endBytes: number;
}

/** The old rows as records, when they chain from `firstOffsetBytes` and end within `.dat`. */
function chainOldRows(
  oldIdx: Uint8Array,
  width: OffsetWidth,
  version: NeedleVersion,
  firstOffsetBytes: number,
  datSizeBytes: number,
): Chain | string {
  const rows = new RecordTable();
  let expected = firstOffsetBytes;
  let broken: string | null = null;
  walkIndexRows(oldIdx, width, (keyHi, keyLo, offsetUnits, size, row) => {
    if (broken !== null) return;
    const offsetBytes = offsetUnits * NEEDLE_PADDING_SIZE_BYTES;
    if (offsetBytes !== expected) {
      broken = `old index row ${row} is at offset ${offsetBytes}, the previous record ends at ${expected}`;
      return;
    }
    // A tombstone row points at the deletion record, whose header size is 0.
    rows.pushHalves(keyHi, keyLo, offsetBytes, size);
    expected += actualSize(Math.max(size, 0), version);
  });
  if (broken !== null) return broken;
  if (expected > datSizeBytes) return `old index rows end at ${expected}, past the .dat size ${datSizeBytes}`;
  return { rows, endBytes: expected };
}

/** Reads back the headers of the last rows: each must be the record its row says. */
async function checkLastRows(dat: PositionalReader, rows: RecordTable, count: number): Promise<string | null> {
  const header = Buffer.alloc(NEEDLE_HEADER_SIZE_BYTES);
  for (let row = Math.max(0, rows.length - count); row < rows.length; row++) {
    const offsetBytes = rows.offsetBytes(row);
    const { bytesRead } = await dat.read(header, 0, header.length, offsetBytes);
    if (bytesRead < header.length) return `old index row ${row}: no whole header at ${offsetBytes}`;
    const h = decodeNeedleHeader(header);
    const rowSize = rows.size(row);
    const wantSize = Math.max(rowSize, 0);
    if (h.id !== rows.key(row) || h.size !== wantSize) {
      return `old index row ${row} names needle ${rows.key(row).toString(16)} size ${rowSize}, .dat has ${h.id.toString(16)} size ${h.size} at ${offsetBytes}`;
    }
  }
  return null;
}

/** Fix's selection: per key the last live and the last deletion record, in `.dat` order. */
export function encodeFixIndex(
  records: RecordTable,
  width: OffsetWidth,
): { idx: Buffer; live: number; deleted: number } {
  const keep = new Uint8Array(records.length);
  const order = records.sortedByKey();
  let live = 0;
  let deleted = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && records.sameKey(order[start]!, order[end]!)) end++;
    let lastLive = -1;
    let lastDeleted = -1;
    for (let i = start; i < end; i++) {
      const row = order[i]!;
      if (records.size(row) > 0) lastLive = row;
      else lastDeleted = row;
    }
    if (lastLive >= 0) {
      keep[lastLive] = 1;
      live++;
    }
    if (lastDeleted >= 0) {
      keep[lastDeleted] = 1;
      deleted++;
    }
    start = end;
  }
  const entrySize = indexEntrySizeBytes(width);
  const idx = Buffer.alloc((live + deleted) * entrySize);
  let at = 0;
  let previousOffset = -1;
  for (let row = 0; row < records.length; row++) {
    if (keep[row] === 0) continue;
    const offsetBytes = records.offsetBytes(row);
    assert(offsetBytes > previousOffset, `records are in .dat order (${offsetBytes} after ${previousOffset})`);
    previousOffset = offsetBytes;
    const size = records.size(row) > 0 ? records.size(row) : TOMBSTONE_FILE_SIZE;
    encodeIndexEntry({ key: records.key(row), offset: offsetBytes, size }, width, idx, at);
    at += entrySize;
  }
  assert(at === idx.length, 'every kept record became one row');
  return { idx, live, deleted };
}

/**
 * Works out the new index for a `.dat` without writing anything: `oldIdx` (may be null or
 * empty) is the index to try to keep.
 */
export async function planIndex(
  dat: PositionalReader,
  datSizeBytes: number,
  volumeId: number,
  oldIdx: Uint8Array | null,
  options: RebuildOptions,
): Promise<IndexPlan> {
  const superBlock = await readSuperBlock(dat, datSizeBytes, volumeId);
  const version = superBlock.version;
  const firstOffsetBytes = superBlockSizeBytes(superBlock);
  let records = new RecordTable();
  let scanFrom = firstOffsetBytes;
  let fallbackReason: string | null = null;
  let keptRows = 0;
  if (options.full !== true) {
    options.progress?.enter('reading-index');
    const chain =
      oldIdx === null || oldIdx.length < indexEntrySizeBytes(options.offsetWidth)
        ? 'there is no old index'
        : chainOldRows(oldIdx, options.offsetWidth, version, firstOffsetBytes, datSizeBytes);
    const mismatch =
      typeof chain === 'string'
        ? chain
        : await checkLastRows(dat, chain.rows, options.tailCheckRows ?? DEFAULT_TAIL_CHECK_ROWS);
    if (typeof chain !== 'string' && mismatch === null) {
      records = chain.rows;
      keptRows = chain.rows.length;
      scanFrom = chain.endBytes;
    } else {
      fallbackReason = typeof chain === 'string' ? chain : mismatch;
    }
  }

  options.progress?.enter('scanning', datSizeBytes - scanFrom);
  let stoppedAt: RebuildResult['stoppedAt'] = null;
  let recordsScanned = 0;
  let bytesScanned = 0;
  let nextLeaseCheck = LEASE_CHECK_EVERY_BYTES;
  for await (const record of scanDat(dat, version, scanFrom, datSizeBytes, { verifyChecksum: false })) {
    if (record.kind === 'invalid') {
      stoppedAt = { offsetBytes: record.offsetBytes, reason: record.reason };
      break;
    }
    records.push(record.needle.id, record.offsetBytes, record.needle.size);
    recordsScanned++;
    bytesScanned += record.sizeBytes;
    options.progress?.advance(1, record.sizeBytes);
    if (bytesScanned >= nextLeaseCheck) {
      nextLeaseCheck += LEASE_CHECK_EVERY_BYTES;
      if (options.lease?.signal.aborted === true) throw options.lease.signal.reason;
    }
  }

  options.progress?.enter('writing');
  const { idx, live, deleted } = encodeFixIndex(records, options.offsetWidth);
  return {
    idx,
    result: {
      mode: keptRows > 0 ? 'fast' : 'full',
      fallbackReason,
      keptRows,
      recordsScanned,
      bytesScanned,
      liveEntries: live,
      deletedEntries: deleted,
      idxSizeBytes: idx.length,
      stoppedAt,
    },
  };
}

/**
 * Rebuilds the `.idx` of the volume at `loc`, whose files nobody else may change meanwhile
 * (the server is stopped, or the volume unmounted). The new index is written beside the old one
 * and synced, the lease checked, and only then renamed over it; a failure or a lost lease
 * leaves the old index as it was. Derived indexes (`.sdx`, `.ldb`) go, as a compaction does.
 */
export async function rebuildIndex(loc: VolumeLocation, options: RebuildOptions): Promise<RebuildResult> {
  const idxPath = volumeFilePath(loc, 'idx');
  const dat = await openLocalDat(loc);
  let plan: IndexPlan;
  try {
    const datSizeBytes = (await dat.stat()).size;
    plan = await planIndex(
      dat,
      datSizeBytes,
      loc.volumeId,
      options.full === true ? null : await readLocalIdx(loc),
      options,
    );
  } finally {
    await dat.close();
  }
  const tmpPath = `${idxPath}.rebuild`;
  try {
    const out = await open(tmpPath, 'w');
    try {
      await out.writeFile(plan.idx);
      await out.sync();
    } finally {
      await out.close();
    }
    await options.lease?.check();
    await rename(tmpPath, idxPath);
  } catch (err) {
    await rm(tmpPath, { force: true });
    throw err;
  }
  for (const ext of ['ldb', 'sdx']) await rm(volumeFilePath(loc, ext), { recursive: true, force: true });
  await syncDir(path.dirname(idxPath));
  return plan.result;
}

/** Makes a rename in `dir` durable. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
