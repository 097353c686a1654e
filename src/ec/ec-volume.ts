// An EC volume on one disk location: its `.ecx` index, `.ecj` deletion journal, `.vif` settings
// (ratio and block layout, else from the `.ecsum` sidecar), the bitrot protection, and the
// shards mounted here. Needle lookups, deletes, and where a needle's bytes sit.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { type NeedleVersion, actualSize, isSupportedVersion } from '../storage/needle/version.ts';
import { StorageError } from '../storage/errors.ts';
import { IoErrorTracker } from '../storage/io/io-error-tracker.ts';
import {
  type OffsetWidth,
  NEEDLE_ID_SIZE_BYTES,
  TOMBSTONE_FILE_SIZE,
  assert,
  indexEntrySizeBytes,
} from '../storage/types.ts';
import { type VolumeInfo, readVolumeInfoFile } from '../storage/volume-info.ts';
import { volumeBaseName } from '../storage/volume-files.ts';
import {
  type EcRatio,
  type ShardInterval,
  DEFAULT_EC_RATIO,
  MAX_SHARD_COUNT,
  blockSizeProblem,
  ecRatioOf,
  locateData,
  shardExt,
} from './ec-layout.ts';
import { type EcxEntry, readEcjIds, searchEcx } from './ec-index.ts';
import {
  type ResolvedBitrot,
  findBitrotSidecar,
  readBitrotSidecar,
  resolveBitrot,
  sidecarConfigProblem,
} from './ec-bitrot.ts';
import { EcShard } from './ec-shard.ts';

export interface EcVolumeOpenOptions {
  /** Directory of the shards and `.vif`. */
  dir: string;
  /** -dir.idx, where `.ecx`/`.ecj` normally live; defaults to `dir`. */
  idxDir?: string;
  collection: string;
  volumeId: number;
  diskType: string;
  offsetWidth: OffsetWidth;
}

async function sizeIfFile(filePath: string): Promise<number | null> {
  try {
    const stat = await fs.stat(filePath);
    return stat.isFile() ? stat.size : null;
  } catch {
    return null;
  }
}

/** Where the `.ecx` of a volume is: a non-empty one beside the shards first, then in the index dir. */
export async function findEcxDir(dir: string, idxDir: string | undefined, base: string): Promise<string | null> {
  const local = await sizeIfFile(path.join(dir, `${base}.ecx`));
  const shared = idxDir !== undefined && idxDir !== dir ? await sizeIfFile(path.join(idxDir, `${base}.ecx`)) : null;
  if (local !== null && local > 0) return dir;
  if (shared !== null && shared > 0) return idxDir as string;
  if (local !== null) return dir;
  if (shared !== null) return idxDir as string;
  return null;
}

/** Staging name of a compacted `.ecj`; removed with the other EC index files. */
export const ECJ_COMPACT_TMP_EXT = '.ecj.compact.tmp';
/** A journal below this is never rewritten: the duplication costs nothing. */
const ECJ_COMPACT_MIN_BYTES = 1024 * 1024;
/** Rewrite when the journal is this many times the set it encodes (upstream's rule). */
const ECJ_COMPACT_RATIO = 4;
/** Consecutive EIO read errors after which a volume's disk is treated as failing (upstream's). */

/** Open EC volumes per `.ecj` path: a journal another volume appends to is never replaced. */
const ecjHolders = new Map<string, number>();

function holdEcj(ecjPath: string): void {
  ecjHolders.set(ecjPath, (ecjHolders.get(ecjPath) ?? 0) + 1);
}

function releaseEcj(ecjPath: string): void {
  const left = (ecjHolders.get(ecjPath) ?? 0) - 1;
  if (left <= 0) ecjHolders.delete(ecjPath);
  else ecjHolders.set(ecjPath, left);
}

/** The layout recorded for a volume: `.vif` first, then the sidecar, then the 10+4 legacy defaults. */
async function resolveLayout(
  info: VolumeInfo | null,
  sidecarDirs: string[],
  base: string,
  volumeId: number,
): Promise<{ ratio: EcRatio; blockSizeBytes: number; encodeTsNs: bigint }> {
  const config = info?.ecShardConfig ?? null;
  if (config !== null) {
    const blockSizeBytes = config.blockSizeBytes ?? 0;
    const problem = blockSizeProblem(blockSizeBytes);
    if (problem !== null) throw new StorageError('corrupted', `ec volume ${volumeId}: .vif: ${problem}`);
    return { ratio: ecRatioOf(info), blockSizeBytes, encodeTsNs: config.encodeTsNs };
  }
  // No config in a .vif (or no .vif): the sidecar records the same layout at encode time.
  const sidecarPath = await findBitrotSidecar(sidecarDirs, base);
  if (sidecarPath === null) return { ratio: DEFAULT_EC_RATIO, blockSizeBytes: 0, encodeTsNs: 0n };
  let problem: string | null;
  let prot;
  try {
    prot = await readBitrotSidecar(sidecarPath);
    problem = sidecarConfigProblem(prot);
  } catch (err) {
    problem = (err as Error).message;
  }
  // The one surviving record of the layout is unusable: guessing legacy would serve wrong bytes.
  if (problem !== null || prot?.ecShardConfig == null) {
    throw new StorageError(
      'corrupted',
      `ec volume ${volumeId}: no EC config in .vif and the bitrot sidecar cannot establish the layout: ${problem}`,
    );
  }
  const c = prot.ecShardConfig;
  return {
    ratio: { dataShards: c.dataShards, parityShards: c.parityShards },
    blockSizeBytes: c.blockSizeBytes,
    encodeTsNs: c.encodeTsNs,
  };
}

export class EcVolume {
  readonly shards = new Map<number, EcShard>();
  readonly deleted = new Set<bigint>();
  diskType: string;
  private closed = false;
  /** Serializes journal appends so each id is written once. */
  private journalTail: Promise<void> = Promise.resolve();
  /**
   * Set while the shards are decoded back into a normal volume: the decode reads `.ecj` once, so
   * a delete journaled after that would be lost when the new volume is mounted. Such deletes are
   * refused as read-only instead; the client retries on the mounted volume.
   */
  private deletesRefusedReason: string | null = null;
  /** Called once when consecutive EIO errors quarantine this volume. */
  onQuarantine: (() => void) | null = null;
  private readonly ioErrors = new IoErrorTracker();
  /** The `.ecsum` protection resolved at open (or by reloadBitrot). */
  bitrot: ResolvedBitrot = { status: 'off', protection: null, sidecarPath: null };

  private constructor(
    readonly options: EcVolumeOpenOptions,
    readonly ecxDir: string,
    private readonly ecx: FileHandle,
    readonly ecxSizeBytes: number,
    readonly ecxCreatedAtMs: number,
    private ecj: FileHandle,
    private ecjSizeBytes: number,
    readonly version: NeedleVersion,
    readonly datFileSizeBytes: number,
    readonly expireAtSec: bigint,
    readonly ratio: EcRatio,
    readonly encodeTsNs: bigint,
    /** Uniform-layout block size; 0 = the legacy 1 GiB / 1 MiB rows. */
    readonly blockSizeBytes: number,
  ) {
    this.diskType = options.diskType;
  }

  /**
   * Opens `.ecx` (required), creates `.ecj` if absent (a torn tail is cut off), reads `.vif`
   * (defaults when absent) and the bitrot sidecar. A sidecar recording another layout than the
   * `.vif` fails the open.
   */
  static async open(options: EcVolumeOpenOptions): Promise<EcVolume> {
    const base = volumeBaseName(options.collection, options.volumeId);
    const ecxDir = await findEcxDir(options.dir, options.idxDir, base);
    if (ecxDir === null)
      throw new StorageError(
        'not_found',
        `cannot open ec volume index ${path.join(options.dir, base)}.ecx: no such file`,
      );
    let vifPath = path.join(options.dir, `${base}.vif`);
    if (
      options.idxDir !== undefined &&
      (await sizeIfFile(vifPath)) === null &&
      (await sizeIfFile(path.join(options.idxDir, `${base}.vif`))) !== null
    ) {
      vifPath = path.join(options.idxDir, `${base}.vif`);
    }
    // No readable .vif (null): the layout falls back to the sidecar files and the defaults.
    const info = await readVolumeInfoFile(vifPath).catch(() => null);
    const sidecarDirs = [options.dir, options.idxDir ?? options.dir, ecxDir];
    const layout = await resolveLayout(info, sidecarDirs, base, options.volumeId);
    const bitrot = await resolveBitrot(sidecarDirs, base, options.volumeId, {
      ...layout.ratio,
      blockSizeBytes: layout.blockSizeBytes,
    });
    const version = info !== null && isSupportedVersion(info.version) ? info.version : 3;

    const ecx = await fs.open(path.join(ecxDir, `${base}.ecx`), 'r');
    const ecjPath = path.join(ecxDir, `${base}.ecj`);
    let ecj: FileHandle | null = null;
    try {
      const ecxStat = await ecx.stat();
      ecj = await fs.open(ecjPath, 'a+');
      let ecjSizeBytes = (await ecj.stat()).size;
      // Appends land at the physical end: a partial record would misalign every later one.
      const ragged = ecjSizeBytes % NEEDLE_ID_SIZE_BYTES;
      if (ragged !== 0) {
        ecjSizeBytes -= ragged;
        await ecj.truncate(ecjSizeBytes);
        await ecj.sync();
      }
      const volume = new EcVolume(
        options,
        ecxDir,
        ecx,
        ecxStat.size,
        ecxStat.mtimeMs,
        ecj,
        ecjSizeBytes,
        version,
        info !== null ? Number(info.datFileSize) : 0,
        info?.expireAtSec ?? 0n,
        layout.ratio,
        layout.encodeTsNs,
        layout.blockSizeBytes,
      );
      volume.bitrot = bitrot;
      for (const id of await readEcjIds(ecjPath)) volume.deleted.add(id);
      holdEcj(ecjPath);
      await volume.maybeCompactEcj();
      return volume;
    } catch (err) {
      await ecj?.close();
      await ecx.close();
      throw err;
    }
  }

  /**
   * Rewrites a journal that is mostly repeats (shard copies append a peer's whole journal) as the
   * set it encodes: staged, synced, renamed over, handle reopened. Skipped while another open
   * volume appends to the same path. A failure leaves the old journal in place.
   */
  private async maybeCompactEcj(): Promise<void> {
    const tmpPath = path.join(this.ecxDir, `${this.baseName}${ECJ_COMPACT_TMP_EXT}`);
    if ((ecjHolders.get(this.ecjPath) ?? 0) > 1) return;
    await fs.rm(tmpPath, { force: true }); // left by a crash between the write and the rename
    const setBytes = this.deleted.size * NEEDLE_ID_SIZE_BYTES;
    if (this.ecjSizeBytes < ECJ_COMPACT_MIN_BYTES || this.ecjSizeBytes < ECJ_COMPACT_RATIO * setBytes) return;
    const ids = [...this.deleted].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    try {
      const handle = await fs.open(tmpPath, 'w');
      try {
        const chunkIds = 64 * 1024; // bounded buffer
        for (let at = 0; at < ids.length; at += chunkIds) {
          const part = ids.slice(at, at + chunkIds);
          const buf = Buffer.alloc(part.length * NEEDLE_ID_SIZE_BYTES);
          part.forEach((id, i) => {
            buf.writeBigUInt64BE(id, i * NEEDLE_ID_SIZE_BYTES);
          });
          await handle.write(buf, 0, buf.length, at * NEEDLE_ID_SIZE_BYTES);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmpPath, this.ecjPath);
    } catch {
      await fs.rm(tmpPath, { force: true });
      return;
    }
    const old = this.ecj;
    this.ecj = await fs.open(this.ecjPath, 'a+');
    this.ecjSizeBytes = setBytes;
    await old.close();
  }

  /** Re-reads the sidecar (a shard delivery or rebuild may have brought it); throws on a layout conflict. */
  async reloadBitrot(extraDirs: string[] = []): Promise<ResolvedBitrot> {
    const dirs = [this.options.dir, this.options.idxDir ?? this.options.dir, this.ecxDir, ...extraDirs];
    this.bitrot = await resolveBitrot(dirs, this.baseName, this.volumeId, {
      ...this.ratio,
      blockSizeBytes: this.blockSizeBytes,
    });
    return this.bitrot;
  }

  get volumeId(): number {
    return this.options.volumeId;
  }

  get collection(): string {
    return this.options.collection;
  }

  get baseName(): string {
    return volumeBaseName(this.options.collection, this.options.volumeId);
  }

  get ecxPath(): string {
    return path.join(this.ecxDir, `${this.baseName}.ecx`);
  }

  get ecjPath(): string {
    return path.join(this.ecxDir, `${this.baseName}.ecj`);
  }

  shardPath(shardId: number): string {
    return path.join(this.options.dir, `${this.baseName}.${shardExt(shardId)}`);
  }

  /** Mounts a shard file; false when it was mounted already. Missing file → ENOENT. */
  async addShard(shardId: number): Promise<boolean> {
    assert(shardId >= 0 && shardId < MAX_SHARD_COUNT, `shard id ${shardId}`);
    if (this.shards.has(shardId)) return false;
    const shard = await EcShard.open(shardId, this.shardPath(shardId));
    if (this.shards.has(shardId)) {
      await shard.close();
      return false;
    }
    shard.onIoResult = (err) => this.noteIoResult(err);
    this.shards.set(shardId, shard);
    return true;
  }

  async removeShard(shardId: number): Promise<EcShard | undefined> {
    const shard = this.shards.get(shardId);
    if (shard === undefined) return undefined;
    this.shards.delete(shardId);
    await shard.close();
    return shard;
  }

  /**
   * Counts consecutive EIO errors (media failing); any other outcome resets the count. At
   * IO_ERROR_TOLERANCE the volume is quarantined: it stays in memory for an operator but stops
   * being reported, so the master re-replicates from healthy peers.
   */
  noteIoResult(err: unknown): void {
    this.ioErrors.onQuarantine ??= () => this.onQuarantine?.();
    this.ioErrors.note(err);
  }

  ioErrorState(): { lastError: unknown; count: number; quarantined: boolean } {
    return this.ioErrors.state();
  }

  /** Clears the quarantine (an operator recovered the disk). */
  resetIoErrorState(): void {
    this.ioErrors.reset();
  }

  /** Mounted shard ids, ascending. */
  shardIds(): number[] {
    return [...this.shards.keys()].sort((a, b) => a - b);
  }

  /** Size of any mounted shard (they are all equal), or 0. */
  shardSizeBytes(): number {
    for (const shard of this.shards.values()) return shard.sizeBytes;
    return 0;
  }

  /** The `.ecx` row of a key with `.ecj` deletions applied (size −1), or null. */
  async findNeedle(key: bigint): Promise<EcxEntry | null> {
    this.ensureOpen();
    const found = await searchEcx(this.ecx, this.ecxSizeBytes, this.options.offsetWidth, key);
    if (found === null) return null;
    if (this.deleted.has(key)) return { key, offsetBytes: found.offsetBytes, size: TOMBSTONE_FILE_SIZE };
    return { key, offsetBytes: found.offsetBytes, size: found.size };
  }

  /**
   * Journals a delete in `.ecj` (synced) and remembers it. Keys absent from `.ecx` or already
   * deleted are not journaled.
   */
  deleteNeedle(key: bigint): Promise<void> {
    const run = this.journalTail.then(async () => {
      this.ensureOpen();
      if (this.deletesRefusedReason !== null)
        throw new StorageError('read_only', `ec volume ${this.volumeId} is read only: ${this.deletesRefusedReason}`);
      const found = await searchEcx(this.ecx, this.ecxSizeBytes, this.options.offsetWidth, key);
      if (found === null) return;
      if (found.size < 0 || this.deleted.has(key)) {
        this.deleted.add(key);
        return;
      }
      const row = Buffer.alloc(NEEDLE_ID_SIZE_BYTES);
      row.writeBigUInt64BE(key);
      const before = this.ecjSizeBytes;
      try {
        await this.ecj.write(row, 0, row.length, before);
        await this.ecj.sync();
      } catch (err) {
        // Best effort: the row's append already failed and that error is what the caller gets.
        await this.ecj.truncate(before).catch(() => {});
        throw err;
      }
      this.ecjSizeBytes = before + row.length;
      this.deleted.add(key);
    });
    // The chain only orders the appends; each caller gets its own failure through `run`.
    this.journalTail = run.catch(() => {});
    return run;
  }

  /** Refuses later deletes; resolves once every delete admitted before has been journaled. */
  async refuseDeletes(reason: string): Promise<void> {
    this.deletesRefusedReason = reason;
    await this.journalTail;
  }

  /** Takes deletes again (a decode that failed before the new volume existed). */
  acceptDeletes(): void {
    this.deletesRefusedReason = null;
  }

  /** Bytes of `.dat` each data shard holds; fixes the number of 1 GiB rows (legacy layout). */
  shardDatSizeBytes(): number {
    if (this.datFileSizeBytes > 0) return Math.floor(this.datFileSizeBytes / this.ratio.dataShards);
    return this.shardSizeBytes() - 1;
  }

  /** Shard intervals holding the whole record of a needle with this `.ecx` offset and size. */
  locateNeedle(entry: EcxEntry): ShardInterval[] {
    return locateData(
      this.shardDatSizeBytes(),
      this.ratio.dataShards,
      entry.offsetBytes,
      actualSize(entry.size, this.version),
      this.blockSizeBytes,
    );
  }

  /** `.ecx` rows (upstream's file count) and `.ecj` deletions (its delete count). */
  fileAndDeleteCounts(): { fileCount: number; deleteCount: number } {
    return {
      fileCount: Math.floor(this.ecxSizeBytes / indexEntrySizeBytes(this.options.offsetWidth)),
      deleteCount: this.deleted.size,
    };
  }

  private ensureOpen(): void {
    if (this.closed) throw new StorageError('not_found', `ec volume ${this.volumeId} is closed`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.journalTail;
    for (const shard of this.shards.values()) await shard.close();
    this.shards.clear();
    await this.ecx.close();
    await this.ecj.close();
    releaseEcj(this.ecjPath);
  }
}
