// Encode a real volume into shards, read needles back through the EC index and shards, journal
// deletes, and decode back to a volume that loads: all against files on disk.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { type ParityCoder, encodeDatFile } from '../../../src/ec/ec-encoder.ts';
import { SMALL_BLOCK_SIZE_BYTES, shardExt } from '../../../src/ec/ec-layout.ts';
import { foldEcjIntoEcx, hasLiveNeedles, readEcjIds, writeSortedEcxFromIdx } from '../../../src/ec/ec-index.ts';
import { readEcNeedle } from '../../../src/ec/ec-needle-reader.ts';
import { decodeEcToVolume } from '../../../src/ec/ec-to-volume.ts';
import { EcVolume } from '../../../src/ec/ec-volume.ts';
import { scrubEcIndex, scrubEcLocal } from '../../../src/ec/ec-scrub.ts';
import { newNeedle } from '../../../src/storage/needle/needle.ts';
import { newSuperBlock } from '../../../src/storage/super-block.ts';
import { Volume } from '../../../src/storage/volume.ts';
import { volumeFilePath } from '../../../src/storage/volume-files.ts';
import { newVolumeInfo, writeVolumeInfoFile } from '../../../src/storage/volume-info.ts';
import { silentLogger } from '../../../src/log/logger.ts';

/** Parity is not what these tests check (the codec has its own golden tests): all zeros. */
const zeroParity: ParityCoder = {
  async encodeParity(_d, parityShards, data) {
    return Array.from({ length: parityShards }, () => new Uint8Array((data[0] as Uint8Array).length));
  },
  async reconstruct() {
    throw new Error('not used');
  },
};

async function makeVolume(dir: string, count: number): Promise<{ volume: Volume; payloads: Map<bigint, Buffer> }> {
  const location = { dir, collection: 'c', volumeId: 7 };
  const volume = await Volume.open({ location, offsetWidth: 4, create: newSuperBlock({ version: 3 }) });
  const payloads = new Map<bigint, Buffer>();
  for (let i = 1; i <= count; i++) {
    // Sizes spread records over several 1 MiB blocks so some needles straddle shards.
    const data = Buffer.alloc(1000 + ((i * 7919) % 300_000), i & 0xff);
    payloads.set(BigInt(i), data);
    await volume.write(newNeedle({ cookie: 0x1000 + i, id: BigInt(i), data }));
  }
  return { volume, payloads };
}

async function encode(_dir: string, volume: Volume): Promise<string[]> {
  const loc = volume.location;
  await volume.sync();
  await writeSortedEcxFromIdx(volumeFilePath(loc, 'idx'), volumeFilePath(loc, 'ecx'), 4);
  const datSizeBytes = volume.stats().datSizeBytes;
  const shardPaths = Array.from({ length: 14 }, (_, i) => volumeFilePath(loc, shardExt(i)));
  const blockSizeBytes = await encodeDatFile(
    volumeFilePath(loc, 'dat'),
    datSizeBytes,
    shardPaths,
    { dataShards: 10, parityShards: 4 },
    zeroParity,
  );
  await writeVolumeInfoFile(
    volumeFilePath(loc, 'vif'),
    newVolumeInfo({
      version: 3,
      datFileSize: BigInt(datSizeBytes),
      ecShardConfig: { dataShards: 10, parityShards: 4, encodeTsNs: 42n, blockSizeBytes },
    }),
  );
  return shardPaths;
}

test('encode → read through shards → delete → decode back to a loadable volume', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nw-ec-'));
  try {
    const { volume, payloads } = await makeVolume(dir, 60);
    // An overwritten and a deleted needle: .ecx keeps only the live row of each key.
    await volume.write(newNeedle({ cookie: 0x1000 + 5, id: 5n, data: Buffer.from('fifth, rewritten') }));
    payloads.set(5n, Buffer.from('fifth, rewritten'));
    await volume.delete(6n, 0x1000 + 6);
    payloads.delete(6n);
    const datSizeBytes = volume.stats().datSizeBytes;
    const shardPaths = await encode(dir, volume);
    await volume.close();

    // Data shards are the .dat cut in 1 MiB blocks, row by row, zero-padded.
    const dat = await fs.readFile(path.join(dir, 'c_7.dat'));
    const ec03 = await fs.readFile(shardPaths[3] as string);
    const rows = Math.ceil(datSizeBytes / (10 * SMALL_BLOCK_SIZE_BYTES));
    assert.equal(ec03.length, rows * SMALL_BLOCK_SIZE_BYTES);
    assert.deepEqual(
      ec03.subarray(0, 1000),
      dat.subarray(3 * SMALL_BLOCK_SIZE_BYTES, 3 * SMALL_BLOCK_SIZE_BYTES + 1000),
    );

    const ec = await EcVolume.open({ dir, collection: 'c', volumeId: 7, diskType: '', offsetWidth: 4 });
    for (let id = 0; id < 10; id++) await ec.addShard(id);
    assert.equal(ec.encodeTsNs, 42n);
    assert.equal(ec.fileAndDeleteCounts().fileCount, 59);
    const sources = { localShard: (id: number) => ec.shards.get(id), remote: null, coder: () => zeroParity };
    for (const [key, payload] of payloads) {
      const n = await readEcNeedle(ec, key, sources);
      assert.deepEqual(Buffer.from(n.data), payload, `needle ${key}`);
      assert.equal(n.cookie, 0x1000 + Number(key));
    }
    await assert.rejects(readEcNeedle(ec, 6n, sources), /not found/);

    assert.deepEqual((await scrubEcIndex(ec)).errors, []);
    const local = await scrubEcLocal(ec);
    assert.deepEqual(local.errors, []);
    assert.equal(local.files, 59);

    // A delete is journaled once, and reads then say deleted.
    await ec.deleteNeedle(9n);
    await ec.deleteNeedle(9n);
    await ec.deleteNeedle(123456n);
    assert.deepEqual(await readEcjIds(ec.ecjPath), [9n]);
    await assert.rejects(readEcNeedle(ec, 9n, sources), /deleted/);
    payloads.delete(9n);
    const dataShardPaths = Array.from({ length: 10 }, (_, i) => ec.shardPath(i));
    const { ecxPath, ecjPath, blockSizeBytes } = ec;
    await ec.close();

    // Decode into a fresh directory's worth of files (the original .dat/.idx removed first).
    await fs.rm(path.join(dir, 'c_7.dat'));
    await fs.rm(path.join(dir, 'c_7.idx'));
    await foldEcjIntoEcx(ecxPath, ecjPath, 4);
    assert.equal(await hasLiveNeedles(ecxPath, 4), true);
    await decodeEcToVolume({
      ecxPath,
      ecjPath,
      dataShardPaths,
      encodedDatSizeBytes: datSizeBytes,
      blockSizeBytes,
      location: { dir, collection: 'c', volumeId: 7 },
      offsetWidth: 4,
      log: silentLogger,
    });
    const decoded = await Volume.open({ location: { dir, collection: 'c', volumeId: 7 }, offsetWidth: 4 });
    try {
      assert.equal(decoded.isReadOnly, false, 'decoded volume loads cleanly');
      assert.equal(decoded.needleCount, payloads.size);
      for (const [key, payload] of payloads) assert.deepEqual(Buffer.from((await decoded.read(key)).data), payload);
      await assert.rejects(decoded.read(9n));
    } finally {
      await decoded.close();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a truncated shard is reported by the local scrub', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nw-ec-'));
  try {
    const { volume } = await makeVolume(dir, 5);
    const shardPaths = await encode(dir, volume);
    await volume.close();
    await fs.truncate(shardPaths[0] as string, 1);
    const ec = await EcVolume.open({ dir, collection: 'c', volumeId: 7, diskType: '', offsetWidth: 4 });
    for (let id = 0; id < 14; id++) await ec.addShard(id);
    const result = await scrubEcLocal(ec);
    assert.deepEqual(result.brokenShardIds, [0]);
    assert.ok(result.errors.length > 0);
    await ec.close();
    // Two stray bytes on the .ecx make the index scrub fail.
    await fs.appendFile(path.join(dir, 'c_7.ecx'), Buffer.from([1, 2]));
    const reopened = await EcVolume.open({ dir, collection: 'c', volumeId: 7, diskType: '', offsetWidth: 4 });
    assert.ok((await scrubEcIndex(reopened)).errors.some((e) => e.includes('index file of size')));
    await reopened.close();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
