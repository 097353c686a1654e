// EC shards of one volume spread over two disk locations: loaded at start with the `.ecx` found
// on the sibling disk, reported per disk to the master, read across disks, unmounted cleanly.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { encodeDatFile } from '../../../src/ec/ec-encoder.ts';
import { shardExt } from '../../../src/ec/ec-layout.ts';
import { writeSortedEcxFromIdx } from '../../../src/ec/ec-index.ts';
import { newNeedle } from '../../../src/storage/needle/needle.ts';
import { newSuperBlock } from '../../../src/storage/super-block.ts';
import { Volume } from '../../../src/storage/volume.ts';
import { volumeFilePath } from '../../../src/storage/volume-files.ts';
import { newVolumeInfo, writeVolumeInfoFile } from '../../../src/storage/volume-info.ts';
import { Store } from '../../../src/store/store.ts';
import type { EcShardMessage } from '../../../src/store/ec-shard-store.ts';
import { silentLogger } from '../../../src/log/logger.ts';

test('shards split over two disks load, report, read and unmount', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'nw-ec-disks-'));
  const diskA = path.join(root, 'a');
  const diskB = path.join(root, 'b');
  await fs.mkdir(diskA);
  await fs.mkdir(diskB);
  try {
    const location = { dir: diskA, collection: 'pics', volumeId: 9 };
    const volume = await Volume.open({ location, offsetWidth: 4, create: newSuperBlock({ version: 3 }) });
    for (let i = 1; i <= 12; i++)
      await volume.write(newNeedle({ cookie: 7, id: BigInt(i), data: Buffer.alloc(70_000 + i, i) }));
    await volume.sync();
    const datSizeBytes = volume.stats().datSizeBytes;
    await writeSortedEcxFromIdx(volumeFilePath(location, 'idx'), volumeFilePath(location, 'ecx'), 4);
    const shardPaths = Array.from({ length: 14 }, (_, i) => volumeFilePath(location, shardExt(i)));
    const { createCodingPool } = await import('../../../src/ec/codec/coding-pool.ts');
    const pool = createCodingPool({ threads: 1 });
    await encodeDatFile(
      volumeFilePath(location, 'dat'),
      datSizeBytes,
      shardPaths,
      { dataShards: 10, parityShards: 4 },
      pool,
    );
    await pool.close();
    await writeVolumeInfoFile(
      volumeFilePath(location, 'vif'),
      newVolumeInfo({
        version: 3,
        datFileSize: BigInt(datSizeBytes),
        ecShardConfig: { dataShards: 10, parityShards: 4, encodeTsNs: 5n },
      }),
    );
    await volume.destroy({ keepVif: true });
    // Shards 7..13 live on the second disk, which has no .ecx of its own.
    for (let id = 7; id < 14; id++)
      await fs.rename(shardPaths[id] as string, path.join(diskB, path.basename(shardPaths[id] as string)));

    const store = new Store(
      [
        { dir: diskA, maxVolumeCount: 4, diskType: '', diskId: 0 },
        { dir: diskB, maxVolumeCount: 4, diskType: '', diskId: 1 },
      ],
      4,
      silentLogger,
    );
    await store.load();
    try {
      const messages = store.ec.heartbeatMessages().sort((a, b) => a.disk_id - b.disk_id);
      assert.deepEqual(
        messages.map((m) => [m.disk_id, m.ec_index_bits, m.collection, m.encode_ts_ns]),
        [
          [0, 0b0000000_1111111, 'pics', '5'],
          [1, 0b1111111_0000000, 'pics', '5'],
        ],
      );
      for (let i = 1; i <= 12; i++) {
        const n = await store.ec.readNeedle(9, BigInt(i));
        assert.deepEqual(Buffer.from(n!.data), Buffer.alloc(70_000 + i, i), `needle ${i} read across disks`);
      }
      const changes: Array<['added' | 'removed', EcShardMessage]> = [];
      store.ec.addListener({ ecShardsChanged: (change, message) => changes.push([change, message]) });
      await store.ec.unmount(9, 8);
      assert.equal(changes.length, 1);
      assert.equal(changes[0]![0], 'removed');
      assert.equal(changes[0]![1].disk_id, 1);
      assert.equal(changes[0]![1].ec_index_bits, 1 << 8);
      await store.ec.mount('pics', 9, 8);
      assert.equal(changes.at(-1)![0], 'added');
      await assert.rejects(store.ec.mount('pics', 9, 20), /not found on disk|no \.ecx/);
      assert.ok((await store.ec.targetLocation('pics', 9)) !== undefined);
    } finally {
      await store.close();
    }
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
