// Vacuum: copying a volume's live needles into `.cpd`/`.cpx`, carrying over what was written
// meanwhile, and the crash-safe swap (`.cpc` marker) that upstream uses, so files stay compatible.
import { constants as fsConstants } from 'node:fs';
import { StorageError } from './errors.ts';
import { nodeVolumeIo } from './io/node-volume-io.ts';
import type { VolumeFile, VolumeIo } from './io/volume-io.ts';
import { decodeIndexEntry, encodeIndexEntry } from './idx/entry.ts';
import { NeedleFlag, decodeNeedle, encodeNeedle, hasFlag, newTombstone } from './needle/needle.ts';
import { ttlMinutes } from './needle/ttl.ts';
import { type NeedleVersion, actualSize } from './needle/version.ts';
import { type SuperBlock, encodeSuperBlock } from './super-block.ts';
import { type OffsetWidth, NEEDLE_PADDING_SIZE_BYTES, TOMBSTONE_FILE_SIZE, indexEntrySizeBytes } from './types.ts';
import { type VolumeLocation, volumeFilePath } from './volume-files.ts';
import type { Logger } from '../log/logger.ts';

const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;
export const PROGRESS_EVERY_BYTES = 128 * 1024 * 1024;
/** Cookie upstream gives the tombstones it writes while carrying deletes over. */
const CARRY_OVER_TOMBSTONE_COOKIE = 0x12345678;

export interface CompactInput {
  /** Default node:fs. */
  io?: VolumeIo;
  dat: VolumeFile;
  version: NeedleVersion;
  width: OffsetWidth;
  /** The new super block (compaction revision already advanced). */
  superBlock: SuperBlock;
  /** Live entries at the snapshot, ascending by key (upstream's order). */
  entries: Array<{ key: bigint; offsetUnits: number; size: number }>;
  location: VolumeLocation;
  nowNs: bigint;
  /** 0 means unthrottled. */
  bytesPerSecond: number;
  onProgress: (processedBytes: number) => Promise<void>;
  log: Logger;
}

/** Appends buffered bytes to a file, flushing every few MiB, optionally throttled. */
class BufferedAppender {
  private chunks: Buffer[] = [];
  private pendingBytes = 0;
  positionBytes: number;
  private readonly started = Date.now();
  private writtenBytes = 0;

  constructor(
    private readonly handle: VolumeFile,
    startBytes: number,
    private readonly bytesPerSecond = 0,
  ) {
    this.positionBytes = startBytes;
  }

  async append(bytes: Buffer): Promise<number> {
    const at = this.positionBytes;
    this.chunks.push(bytes);
    this.pendingBytes += bytes.length;
    this.positionBytes += bytes.length;
    if (this.pendingBytes >= WRITE_BUFFER_BYTES) await this.flush();
    return at;
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const bytes = Buffer.concat(this.chunks, this.pendingBytes);
    const at = this.positionBytes - this.pendingBytes;
    this.chunks = [];
    this.pendingBytes = 0;
    let done = 0;
    while (done < bytes.length)
      done += (await this.handle.write(bytes, done, bytes.length - done, at + done)).bytesWritten;
    this.writtenBytes += bytes.length;
    if (this.bytesPerSecond > 0) {
      const aheadMs = (this.writtenBytes / this.bytesPerSecond) * 1000 - (Date.now() - this.started);
      if (aheadMs > 0) await new Promise((resolve) => setTimeout(resolve, aheadMs));
    }
  }
}

function expired(
  n: { flags: number; ttl: { count: number; unit: number }; appendAtNs: bigint },
  nowNs: bigint,
): boolean {
  if (!hasFlag(n, NeedleFlag.HasTtl)) return false;
  const minutes = ttlMinutes(n.ttl);
  return minutes > 0 && nowNs >= n.appendAtNs + BigInt(minutes) * 60_000_000_000n;
}

/** Writes `.cpd` and `.cpx` from the snapshot. Unreadable or expired needles are left out. */
export async function writeCompactedCopy(
  input: CompactInput,
): Promise<{ cpdSizeBytes: number; kept: number; dropped: number }> {
  const io = input.io ?? nodeVolumeIo;
  const cpd = await io.open(volumeFilePath(input.location, 'cpd'), 'w');
  const cpx = await io.open(volumeFilePath(input.location, 'cpx'), 'w');
  try {
    const data = new BufferedAppender(cpd, 0, input.bytesPerSecond);
    const index = new BufferedAppender(cpx, 0);
    await data.append(encodeSuperBlock(input.superBlock));
    let kept = 0;
    let dropped = 0;
    let processed = 0;
    let nextProgress = PROGRESS_EVERY_BYTES;
    for (const entry of input.entries) {
      const offsetBytes = entry.offsetUnits * NEEDLE_PADDING_SIZE_BYTES;
      const length = actualSize(entry.size, input.version);
      const bytes = Buffer.allocUnsafe(length);
      const { bytesRead } = await input.dat.read(bytes, 0, length, offsetBytes);
      processed += length;
      let needle;
      try {
        if (bytesRead !== length) throw new StorageError('corrupted', `short read at ${offsetBytes}`);
        needle = decodeNeedle(bytes, input.version, entry.size);
      } catch (err) {
        if (!(err instanceof StorageError)) throw err;
        dropped++;
        input.log.warn(
          `compaction of volume ${input.location.volumeId}: dropping needle ${entry.key.toString(16)} at ${offsetBytes}: ${err.message}`,
          { volumeId: input.location.volumeId, error: err.message },
        );
        continue;
      }
      if (expired(needle, input.nowNs)) {
        dropped++;
        continue;
      }
      const newOffset = await data.append(encodeNeedle(needle, input.version));
      await index.append(encodeIndexEntry({ key: entry.key, offset: newOffset, size: needle.size }, input.width));
      kept++;
      if (processed >= nextProgress) {
        nextProgress += PROGRESS_EVERY_BYTES;
        await input.onProgress(processed);
      }
    }
    await data.flush();
    await index.flush();
    await cpd.sync();
    await cpx.sync();
    return { cpdSizeBytes: data.positionBytes, kept, dropped };
  } finally {
    await cpd.close();
    await cpx.close();
  }
}

/**
 * Carries `.idx` rows appended since the snapshot (`fromIdxBytes`) into `.cpd`/`.cpx`: the newest
 * row per key wins; live needles are copied raw from the old `.dat`, deletions become tombstones.
 */
export async function carryOverChanges(input: {
  io: VolumeIo;
  dat: VolumeFile;
  idx: VolumeFile;
  fromIdxBytes: number;
  toIdxBytes: number;
  version: NeedleVersion;
  width: OffsetWidth;
  location: VolumeLocation;
  nowNs: bigint;
}): Promise<number> {
  if (input.toIdxBytes <= input.fromIdxBytes) return 0;
  const entrySize = indexEntrySizeBytes(input.width);
  const rows = Buffer.alloc(input.toIdxBytes - input.fromIdxBytes);
  await input.idx.read(rows, 0, rows.length, input.fromIdxBytes);
  const newest = new Map<bigint, { offset: number; size: number }>();
  for (let at = 0; at + entrySize <= rows.length; at += entrySize) {
    const entry = decodeIndexEntry(rows, input.width, at);
    newest.set(entry.key, { offset: entry.offset, size: entry.size });
  }
  const cpd = await input.io.open(volumeFilePath(input.location, 'cpd'), fsConstants.O_RDWR);
  const cpx = await input.io.open(volumeFilePath(input.location, 'cpx'), fsConstants.O_RDWR);
  try {
    const data = new BufferedAppender(cpd, (await cpd.stat()).size);
    const index = new BufferedAppender(cpx, (await cpx.stat()).size);
    for (const [key, entry] of newest) {
      if (entry.offset !== 0 && entry.size >= 0) {
        const length = actualSize(entry.size, input.version);
        const record = Buffer.allocUnsafe(length);
        const { bytesRead } = await input.dat.read(record, 0, length, entry.offset);
        if (bytesRead !== length)
          throw new StorageError('io', `carry-over: short read of needle ${key.toString(16)} at ${entry.offset}`);
        const at = await data.append(record);
        await index.append(encodeIndexEntry({ key, offset: at, size: entry.size }, input.width));
      } else {
        const tombstone = encodeNeedle(newTombstone(CARRY_OVER_TOMBSTONE_COOKIE, key, 0, input.nowNs), input.version);
        const at = await data.append(tombstone);
        await index.append(encodeIndexEntry({ key, offset: at, size: TOMBSTONE_FILE_SIZE }, input.width));
      }
    }
    await data.flush();
    await index.flush();
    await cpd.sync();
    await cpx.sync();
  } finally {
    await cpd.close();
    await cpx.close();
  }
  return newest.size;
}

/** The swap: `.cpc` marks it in progress, so a crash half way is finished at the next load. */
export async function swapInCompacted(location: VolumeLocation, io: VolumeIo = nodeVolumeIo): Promise<void> {
  const cpc = volumeFilePath(location, 'cpc');
  await (await io.open(cpc, 'w')).close();
  await finishSwap(location, io);
}

async function finishSwap(location: VolumeLocation, io: VolumeIo): Promise<void> {
  const cpd = volumeFilePath(location, 'cpd');
  const cpx = volumeFilePath(location, 'cpx');
  if (await io.exists(cpd)) await io.rename(cpd, volumeFilePath(location, 'dat'));
  if (await io.exists(cpx)) await io.rename(cpx, volumeFilePath(location, 'idx'));
  for (const ext of ['ldb', 'rdb', 'sdx']) await io.remove(volumeFilePath(location, ext));
  await io.remove(volumeFilePath(location, 'cpc'));
}

/** At load: finish an interrupted swap, or drop leftovers of a compaction that never committed. */
export async function reconcileCompactState(
  location: VolumeLocation,
  note: (message: string) => void,
  io: VolumeIo,
): Promise<void> {
  if (await io.exists(volumeFilePath(location, 'cpc'))) {
    note(`volume ${location.volumeId}: finishing a compaction swap interrupted by a crash`);
    await finishSwap(location, io);
    return;
  }
  await removeCompactionLeftovers(location, io);
}

export async function removeCompactionLeftovers(location: VolumeLocation, io: VolumeIo = nodeVolumeIo): Promise<void> {
  if (await io.exists(volumeFilePath(location, 'cpc'))) {
    throw new StorageError('io', `volume ${location.volumeId}: a compaction swap is in progress`);
  }
  for (const ext of ['cpd', 'cpx', 'cpldb']) await io.remove(volumeFilePath(location, ext));
}
