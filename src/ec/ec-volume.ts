// An EC volume on one disk location: its `.ecx` index, `.ecj` deletion journal, `.vif` settings
// and the shards mounted here. Needle lookups, deletes, and where a needle's bytes sit.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { type NeedleVersion, actualSize, isSupportedVersion } from '../storage/needle/version.ts';
import { StorageError } from '../storage/errors.ts';
import { type OffsetWidth, NEEDLE_ID_SIZE_BYTES, TOMBSTONE_FILE_SIZE, assert, indexEntrySizeBytes } from '../storage/types.ts';
import { readVolumeInfoFile } from '../storage/volume-info.ts';
import { volumeBaseName } from '../storage/volume-files.ts';
import { type EcRatio, type ShardInterval, MAX_SHARD_COUNT, ecRatioOf, locateData, shardExt } from './ec-layout.ts';
import { type EcxEntry, readEcjIds, searchEcx } from './ec-index.ts';
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

export class EcVolume {
  readonly shards = new Map<number, EcShard>();
  readonly deleted = new Set<bigint>();
  diskType: string;
  private closed = false;
  /** Serializes journal appends so each id is written once. */
  private journalTail: Promise<void> = Promise.resolve();

  private constructor(
    readonly options: EcVolumeOpenOptions,
    readonly ecxDir: string,
    private readonly ecx: FileHandle,
    readonly ecxSizeBytes: number,
    readonly ecxCreatedAtMs: number,
    private readonly ecj: FileHandle,
    private ecjSizeBytes: number,
    readonly version: NeedleVersion,
    readonly datFileSizeBytes: number,
    readonly expireAtSec: bigint,
    readonly ratio: EcRatio,
    readonly encodeTsNs: bigint,
  ) {
    this.diskType = options.diskType;
  }

  /** Opens `.ecx` (required), creates `.ecj` if absent, reads `.vif` (defaults when absent). */
  static async open(options: EcVolumeOpenOptions): Promise<EcVolume> {
    const base = volumeBaseName(options.collection, options.volumeId);
    const ecxDir = await findEcxDir(options.dir, options.idxDir, base);
    if (ecxDir === null) throw new StorageError('not_found', `cannot open ec volume index ${path.join(options.dir, base)}.ecx: no such file`);
    const ecx = await fs.open(path.join(ecxDir, `${base}.ecx`), 'r');
    const ecxStat = await ecx.stat();
    const ecjPath = path.join(ecxDir, `${base}.ecj`);
    const ecj = await fs.open(ecjPath, 'a+');
    const ecjSizeBytes = (await ecj.stat()).size;
    let vifPath = path.join(options.dir, `${base}.vif`);
    if (options.idxDir !== undefined && (await sizeIfFile(vifPath)) === null && (await sizeIfFile(path.join(options.idxDir, `${base}.vif`))) !== null) {
      vifPath = path.join(options.idxDir, `${base}.vif`);
    }
    const info = await readVolumeInfoFile(vifPath).catch(() => null);
    const version = info !== null && isSupportedVersion(info.version) ? info.version : 3;
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
      ecRatioOf(info),
      info?.ecShardConfig?.encodeTsNs ?? 0n,
    );
    for (const id of await readEcjIds(ecjPath)) volume.deleted.add(id);
    return volume;
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
        await this.ecj.truncate(before).catch(() => {});
        throw err;
      }
      this.ecjSizeBytes = before + row.length;
      this.deleted.add(key);
    });
    this.journalTail = run.catch(() => {});
    return run;
  }

  /** Bytes of `.dat` each data shard holds; fixes the number of 1 GiB rows. */
  shardDatSizeBytes(): number {
    if (this.datFileSizeBytes > 0) return Math.floor(this.datFileSizeBytes / this.ratio.dataShards);
    return this.shardSizeBytes() - 1;
  }

  /** Shard intervals holding the whole record of a needle with this `.ecx` offset and size. */
  locateNeedle(entry: EcxEntry): ShardInterval[] {
    return locateData(this.shardDatSizeBytes(), this.ratio.dataShards, entry.offsetBytes, actualSize(entry.size, this.version));
  }

  /** `.ecx` rows (upstream's file count) and `.ecj` deletions (its delete count). */
  fileAndDeleteCounts(): { fileCount: number; deleteCount: number } {
    return { fileCount: Math.floor(this.ecxSizeBytes / indexEntrySizeBytes(this.options.offsetWidth)), deleteCount: this.deleted.size };
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
  }
}
