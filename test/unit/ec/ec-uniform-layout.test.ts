// 4.53's uniform EC layout next to the legacy one: the block size rule, where `.dat` bytes land,
// a volume encoded uniform reads back (directly and rebuilt from parity) and decodes to a loadable
// volume, and shards written in the 4.44 layout (test/fixtures/ec-legacy-444) still read back.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { encodeDatFile } from '../../../src/ec/ec-encoder.ts';
import { foldEcjIntoEcx, writeSortedEcxFromIdx } from '../../../src/ec/ec-index.ts';
import {
  SMALL_BLOCK_SIZE_BYTES,
  blockSizeProblem,
  locateData,
  shardExt,
  shardFileSizeBytes,
  uniformBlockSizeBytes,
} from '../../../src/ec/ec-layout.ts';
import { readEcNeedle } from '../../../src/ec/ec-needle-reader.ts';
import { decodeEcToVolume } from '../../../src/ec/ec-to-volume.ts';
import { EcVolume } from '../../../src/ec/ec-volume.ts';
import { newNeedle } from '../../../src/storage/needle/needle.ts';
import { newSuperBlock } from '../../../src/storage/super-block.ts';
import { Volume } from '../../../src/storage/volume.ts';
import { volumeFilePath } from '../../../src/storage/volume-files.ts';
import {
  decodeVolumeInfo,
  encodeVolumeInfo,
  newVolumeInfo,
  readVolumeInfoFile,
  writeVolumeInfoFile,
} from '../../../src/storage/volume-info.ts';
import { inThreadCoder } from './in-thread-coder.ts';
import { silentLogger } from '../../../src/log/logger.ts';

const MiB = 1024 * 1024;
const FIXTURE_DIR = path.join(import.meta.dirname, '..', '..', 'fixtures', 'ec-legacy-444');

const coder = inThreadCoder();

/** The payload the fixture generator wrote for a needle. */
function fixturePayload(n: { fill: number; sizeBytes: number }): Buffer {
  const data = Buffer.alloc(n.sizeBytes, n.fill);
  for (let i = 0; i < data.length; i += 4096) data[i] = i & 0xff;
  return data;
}

describe('uniform layout rules', () => {
  it('sizes the block as ceil(dat / data shards) in whole MiB, equal to the legacy shard size', () => {
    assert.equal(uniformBlockSizeBytes(0, 10), MiB);
    assert.equal(uniformBlockSizeBytes(1, 10), MiB);
    assert.equal(uniformBlockSizeBytes(10 * MiB, 10), MiB);
    assert.equal(uniformBlockSizeBytes(10 * MiB + 1, 10), 2 * MiB);
    for (const [size, d] of [
      [25_000_000_000, 10],
      [10_564_048, 10],
      [7 * MiB + 3, 6],
      [30 * 1024 * MiB, 10],
    ] as const) {
      assert.equal(uniformBlockSizeBytes(size, d), shardFileSizeBytes(size, d), `${size}/${d}`);
    }
  });

  it('accepts 0 (legacy) and whole MiB blocks only', () => {
    assert.equal(blockSizeProblem(0), null);
    assert.equal(blockSizeProblem(3 * MiB), null);
    assert.match(blockSizeProblem(MiB + 1) ?? '', /invalid shard block size/);
    assert.match(blockSizeProblem(-MiB) ?? '', /invalid shard block size/);
  });

  it('places .dat bytes in one contiguous block per shard', () => {
    const block = 3 * MiB;
    assert.deepEqual(locateData(0, 10, 5, 100, block), [{ shardId: 0, shardOffsetBytes: 5, sizeBytes: 100 }]);
    assert.deepEqual(locateData(0, 10, 2 * block - 10, 30, block), [
      { shardId: 1, shardOffsetBytes: block - 10, sizeBytes: 10 },
      { shardId: 2, shardOffsetBytes: 0, sizeBytes: 20 },
    ]);
    // The legacy layout puts the same byte in the second 1 MiB row instead.
    assert.deepEqual(locateData((23 * MiB) / 10, 10, 10 * MiB + 7, 1), [
      { shardId: 0, shardOffsetBytes: MiB + 7, sizeBytes: 1 },
    ]);
    assert.deepEqual(locateData(0, 10, 10 * MiB + 7, 1, block), [
      { shardId: 3, shardOffsetBytes: MiB + 7, sizeBytes: 1 },
    ]);
    assert.throws(() => locateData(0, 10, 10 * block, 1, block), /past 10 shards/);
  });

  it('writes blockSize in .vif as Go protojson does, and reads it back', () => {
    const info = newVolumeInfo({
      version: 3,
      datFileSize: 5n,
      ecShardConfig: { dataShards: 10, parityShards: 4, encodeTsNs: 7n, blockSizeBytes: 2 * MiB },
    });
    const text = encodeVolumeInfo(info);
    assert.match(text, /"encodeTsNs": "7",\n\s+"blockSize": "2097152"/);
    assert.deepEqual(decodeVolumeInfo(text), info);
    const legacy = decodeVolumeInfo(
      '{"ecShardConfig": {"dataShards": 10, "parityShards": 4, "encodeTsNs": "1", "blockSize": "0"}}',
    );
    assert.equal(legacy.ecShardConfig?.blockSizeBytes, undefined);
    assert.equal(decodeVolumeInfo('{"ec_shard_config": {"block_size": 1048576}}').ecShardConfig?.blockSizeBytes, MiB);
  });
});

describe('EC volumes on disk', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nw-ec-uniform-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('encodes uniform, reads every needle (also rebuilt from parity) and decodes to a loadable volume', async () => {
    const location = { dir, collection: 'u', volumeId: 9 };
    const volume = await Volume.open({ location, offsetWidth: 4, create: newSuperBlock({ version: 3 }) });
    const payloads = new Map<bigint, Buffer>();
    // A 10 MiB needle pushes the rest past the first legacy row, where the layouts differ.
    for (const [id, size] of [
      [1n, 5000],
      [2n, 10 * MiB],
      [3n, 300_000],
      [4n, 77],
    ] as const) {
      const data = Buffer.alloc(size, Number(id) * 17);
      data.writeUInt32BE(Number(id), 0);
      payloads.set(id, data);
      await volume.write(newNeedle({ cookie: 0x5000 + Number(id), id, data }));
    }
    await volume.sync();
    const datSizeBytes = volume.stats().datSizeBytes;
    const dat = await fs.readFile(volumeFilePath(location, 'dat'));
    await writeSortedEcxFromIdx(volumeFilePath(location, 'idx'), volumeFilePath(location, 'ecx'), 4);
    const shardPaths = Array.from({ length: 14 }, (_, i) => volumeFilePath(location, shardExt(i)));
    const blockSizeBytes = await encodeDatFile(
      volumeFilePath(location, 'dat'),
      datSizeBytes,
      shardPaths,
      { dataShards: 10, parityShards: 4 },
      coder,
    );
    await volume.close();
    assert.equal(blockSizeBytes, 2 * MiB);
    assert.ok(
      (await fs.readFile(shardPaths[3] as string)).equals(dat.subarray(3 * blockSizeBytes, 4 * blockSizeBytes)),
      'shard 3 is .dat block 3',
    );
    await writeVolumeInfoFile(
      volumeFilePath(location, 'vif'),
      newVolumeInfo({
        version: 3,
        datFileSize: BigInt(datSizeBytes),
        ecShardConfig: { dataShards: 10, parityShards: 4, encodeTsNs: 1n, blockSizeBytes },
      }),
    );

    const ec = await EcVolume.open({ ...location, diskType: '', offsetWidth: 4 });
    try {
      assert.equal(ec.blockSizeBytes, blockSizeBytes);
      for (let id = 0; id < 14; id++) await ec.addShard(id);
      const all = { localShard: (id: number) => ec.shards.get(id), remote: null, coder: () => coder };
      const withoutFirstFour = { ...all, localShard: (id: number) => (id < 4 ? undefined : ec.shards.get(id)) };
      for (const [key, payload] of payloads) {
        assert.ok(Buffer.from((await readEcNeedle(ec, key, all)).data).equals(payload), `needle ${key}`);
        assert.ok(
          Buffer.from((await readEcNeedle(ec, key, withoutFirstFour)).data).equals(payload),
          `needle ${key} from parity`,
        );
      }
    } finally {
      await ec.close();
    }

    await fs.rm(volumeFilePath(location, 'dat'));
    await fs.rm(volumeFilePath(location, 'idx'));
    const ecxPath = volumeFilePath(location, 'ecx');
    const ecjPath = volumeFilePath(location, 'ecj');
    await foldEcjIntoEcx(ecxPath, ecjPath, 4);
    await decodeEcToVolume({
      ecxPath,
      ecjPath,
      dataShardPaths: shardPaths.slice(0, 10),
      encodedDatSizeBytes: datSizeBytes,
      blockSizeBytes,
      location,
      offsetWidth: 4,
      log: silentLogger,
    });
    const decoded = await Volume.open({ location, offsetWidth: 4 });
    try {
      for (const [key, payload] of payloads)
        assert.ok(Buffer.from((await decoded.read(key)).data).equals(payload), `decoded needle ${key}`);
    } finally {
      await decoded.close();
    }
  });

  it('reads and decodes shards written in the 4.44 (legacy) layout', async () => {
    const fixtureDir = path.join(dir, 'legacy');
    await fs.mkdir(fixtureDir);
    for (const name of await fs.readdir(FIXTURE_DIR)) {
      const from = path.join(FIXTURE_DIR, name);
      if (name.endsWith('.gz'))
        await fs.writeFile(path.join(fixtureDir, name.slice(0, -3)), gunzipSync(await fs.readFile(from)));
      else if (name.endsWith('.vif')) await fs.copyFile(from, path.join(fixtureDir, name));
    }
    const manifest = JSON.parse(await fs.readFile(path.join(FIXTURE_DIR, 'needles.json'), 'utf8')) as {
      datSizeBytes: number;
      needles: { id: number; cookie: number; fill: number; sizeBytes: number }[];
    };
    assert.ok(manifest.datSizeBytes > 10 * MiB, 'the fixture spans more than one legacy row');
    assert.equal((await readVolumeInfoFile(path.join(fixtureDir, '3.vif')))?.ecShardConfig?.blockSizeBytes, undefined);

    const ec = await EcVolume.open({ dir: fixtureDir, collection: '', volumeId: 3, diskType: '', offsetWidth: 4 });
    try {
      assert.equal(ec.blockSizeBytes, 0, 'no blockSize recorded: legacy');
      for (let id = 0; id < 14; id++) await ec.addShard(id);
      const all = { localShard: (id: number) => ec.shards.get(id), remote: null, coder: () => coder };
      const withoutShard0 = { ...all, localShard: (id: number) => (id === 0 ? undefined : ec.shards.get(id)) };
      for (const n of manifest.needles) {
        const needle = await readEcNeedle(ec, BigInt(n.id), all);
        assert.equal(needle.cookie, n.cookie);
        assert.ok(Buffer.from(needle.data).equals(fixturePayload(n)), `needle ${n.id}`);
        assert.ok(
          Buffer.from((await readEcNeedle(ec, BigInt(n.id), withoutShard0)).data).equals(fixturePayload(n)),
          `needle ${n.id} from parity`,
        );
      }
    } finally {
      await ec.close();
    }

    const location = { dir: fixtureDir, collection: '', volumeId: 3 };
    const dataShardPaths = Array.from({ length: 10 }, (_, i) => volumeFilePath(location, shardExt(i)));
    const ecxPath = volumeFilePath(location, 'ecx');
    const ecjPath = volumeFilePath(location, 'ecj');
    await decodeEcToVolume({
      ecxPath,
      ecjPath,
      dataShardPaths,
      encodedDatSizeBytes: manifest.datSizeBytes,
      blockSizeBytes: 0,
      location,
      offsetWidth: 4,
      log: silentLogger,
    });
    const decoded = await Volume.open({ location, offsetWidth: 4 });
    try {
      for (const n of manifest.needles)
        assert.ok(
          Buffer.from((await decoded.read(BigInt(n.id))).data).equals(fixturePayload(n)),
          `decoded needle ${n.id}`,
        );
    } finally {
      await decoded.close();
    }
  });

  it('refuses a .vif block size no encoder could have written', async () => {
    const location = { dir, collection: 'bad', volumeId: 4 };
    await fs.writeFile(volumeFilePath(location, 'ecx'), Buffer.alloc(0));
    await writeVolumeInfoFile(
      volumeFilePath(location, 'vif'),
      newVolumeInfo({
        version: 3,
        ecShardConfig: {
          dataShards: 10,
          parityShards: 4,
          encodeTsNs: 1n,
          blockSizeBytes: SMALL_BLOCK_SIZE_BYTES + 512,
        },
      }),
    );
    await assert.rejects(EcVolume.open({ ...location, diskType: '', offsetWidth: 4 }), /invalid shard block size/);
  });
});
