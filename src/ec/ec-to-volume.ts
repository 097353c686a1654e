// Decoding an EC volume back into a normal one (VolumeEcShardsToVolume): fold `.ecj` into
// `.ecx`, rebuild `.dat` from the data shards up to the last live record, write `.idx` from the
// EC index, then compact offline so the result holds live needles only, as upstream leaves it.
import { promises as fs } from 'node:fs';
import { writeCompactedCopy, swapInCompacted } from '../storage/compaction.ts';
import { NeedleMap } from '../storage/needle-map/needle-map.ts';
import { readSuperBlock } from '../storage/volume-load.ts';
import type { OffsetWidth } from '../storage/types.ts';
import { type VolumeLocation, volumeFilePath } from '../storage/volume-files.ts';
import { findDatFileSize, writeIdxFromEcIndex } from './ec-index.ts';
import { writeDatFile } from './ec-decoder.ts';
import { isSupportedVersion } from '../storage/needle/version.ts';
import type { Logger } from '../log/logger.ts';

export interface EcToVolumeInput {
  ecxPath: string;
  ecjPath: string;
  /** Paths of shards 0 … dataShards−1, in order. */
  dataShardPaths: string[];
  /** `.dat` size at encode time from `.vif` (0 when unknown). */
  encodedDatSizeBytes: number;
  /** Uniform-layout block size; 0 = legacy rows. */
  blockSizeBytes: number;
  /** Where the `.dat`/`.idx` go. */
  location: VolumeLocation;
  offsetWidth: OffsetWidth;
  log: Logger;
}

async function superBlockVersionOf(shardPath: string): Promise<number> {
  const handle = await fs.open(shardPath, 'r');
  try {
    const first = Buffer.alloc(1);
    await handle.read(first, 0, 1, 0);
    return first[0] as number;
  } finally {
    await handle.close();
  }
}

export async function decodeEcToVolume(input: EcToVolumeInput): Promise<void> {
  const version = await superBlockVersionOf(input.dataShardPaths[0] as string);
  if (!isSupportedVersion(version))
    throw new Error(`ec shard ${input.dataShardPaths[0]} starts with unsupported version ${version}`);
  const datPath = volumeFilePath(input.location, 'dat');
  const idxPath = volumeFilePath(input.location, 'idx');
  const datSizeBytes = await findDatFileSize(input.ecxPath, input.offsetWidth, version);
  await writeDatFile(datPath, datSizeBytes, input.encodedDatSizeBytes, input.dataShardPaths, input.blockSizeBytes);
  const written = (await fs.stat(datPath)).size;
  if (written !== datSizeBytes) throw new Error(`decoded ${datPath} is ${written} bytes, expected ${datSizeBytes}`);
  await writeIdxFromEcIndex(input.ecxPath, input.ecjPath, idxPath, input.offsetWidth);
  await compactOffline(input.location, input.offsetWidth, input.log);
}

/** Rewrites `.dat`/`.idx` of an unmounted volume with only its live needles. */
async function compactOffline(location: VolumeLocation, width: OffsetWidth, log: Logger): Promise<void> {
  const dat = await fs.open(volumeFilePath(location, 'dat'), 'r');
  try {
    const superBlock = await readSuperBlock(dat, (await dat.stat()).size, location.volumeId);
    const map = new NeedleMap(superBlock.version);
    map.loadIndexBytes(await fs.readFile(volumeFilePath(location, 'idx')), width);
    const entries = map.map.liveSortedEntries();
    await writeCompactedCopy({
      dat,
      version: superBlock.version,
      width,
      superBlock: { ...superBlock, compactionRevision: (superBlock.compactionRevision + 1) & 0xffff },
      entries,
      location,
      nowNs: BigInt(Date.now()) * 1_000_000n,
      bytesPerSecond: 0,
      onProgress: async () => {},
      log,
    });
  } finally {
    await dat.close();
  }
  await swapInCompacted(location);
}
