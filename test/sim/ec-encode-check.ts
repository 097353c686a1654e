// The simulator's EC encode: the volume's `.dat` and `.idx` as the running process sees them
// (after a successful sync) are encoded into 10+4 shards and a sorted `.ecx` in a scratch
// directory on the real disk, as VolumeEcShardsGenerate does, then every key is read back
// through the EC read path, with up to four shards missing so some reads reconstruct.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { encodeDatFile } from '../../src/ec/ec-encoder.ts';
import { writeSortedEcxFromIdx } from '../../src/ec/ec-index.ts';
import { shardExt } from '../../src/ec/ec-layout.ts';
import { readEcNeedle } from '../../src/ec/ec-needle-reader.ts';
import { EcVolume } from '../../src/ec/ec-volume.ts';
import { isStorageError } from '../../src/storage/errors.ts';
import { newVolumeInfo, writeVolumeInfoFile } from '../../src/storage/volume-info.ts';
import { inThreadCoder } from '../unit/ec/in-thread-coder.ts';
import { ABSENT, type NeedleValue } from './volume-model.ts';

const RATIO = { dataShards: 10, parityShards: 4 };
const VOLUME_ID = 7;

/** Encodes the files, mounts every shard but `missing`, and reads `keys` back through EC. */
export async function readBackThroughEc(
  dat: Buffer,
  idx: Buffer,
  keys: readonly bigint[],
  missing: ReadonlySet<number>,
): Promise<Map<bigint, NeedleValue>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'needlework-sim-ec-'));
  try {
    const base = path.join(dir, String(VOLUME_ID));
    await writeFile(`${base}.dat`, dat);
    await writeFile(`${base}.idx`, idx);
    await writeSortedEcxFromIdx(`${base}.idx`, `${base}.ecx`, 4);
    const shardPaths = Array.from(
      { length: RATIO.dataShards + RATIO.parityShards },
      (_, i) => `${base}.${shardExt(i)}`,
    );
    const blockSizeBytes = await encodeDatFile(`${base}.dat`, dat.length, shardPaths, RATIO, inThreadCoder());
    await writeVolumeInfoFile(
      `${base}.vif`,
      newVolumeInfo({
        version: 3,
        datFileSize: BigInt(dat.length),
        ecShardConfig: { ...RATIO, encodeTsNs: 1n, blockSizeBytes },
      }),
    );
    const ec = await EcVolume.open({ dir, collection: '', volumeId: VOLUME_ID, diskType: '', offsetWidth: 4 });
    try {
      for (let id = 0; id < shardPaths.length; id++) if (!missing.has(id)) await ec.addShard(id);
      const values = new Map<bigint, NeedleValue>();
      for (const key of keys) {
        try {
          const n = await readEcNeedle(ec, key, {
            localShard: (id) => ec.shards.get(id),
            remote: null,
            coder: inThreadCoder,
          });
          values.set(key, { kind: 'live', cookie: n.cookie, data: Buffer.from(n.data) });
        } catch (err) {
          if (!isStorageError(err, 'not_found') && !isStorageError(err, 'deleted')) throw err;
          values.set(key, ABSENT);
        }
      }
      return values;
    } finally {
      await ec.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
