// The `.ecsum` sidecar (file format, protobuf bytes, checksums, layout conflicts, decode-time
// verification), `.ecj` repair and compaction at mount, and the FULL / READS scrub walk.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  computeBitrotProtection,
  decodeBitrotSidecar,
  encodeBitrotProtection,
  encodeBitrotSidecar,
  readBitrotSidecar,
  resolveBitrot,
  verifyDataShards,
  writeBitrotSidecar,
} from '../../../src/ec/ec-bitrot.ts';
import { encodeDatFile } from '../../../src/ec/ec-encoder.ts';
import { writeSortedEcxFromIdx } from '../../../src/ec/ec-index.ts';
import { shardExt } from '../../../src/ec/ec-layout.ts';
import { reconstructInterval } from '../../../src/ec/ec-needle-reader.ts';
import { scrubEcReads } from '../../../src/ec/ec-scrub.ts';
import { ECJ_COMPACT_TMP_EXT, EcVolume } from '../../../src/ec/ec-volume.ts';
import { newNeedle } from '../../../src/storage/needle/needle.ts';
import { newSuperBlock } from '../../../src/storage/super-block.ts';
import { Volume } from '../../../src/storage/volume.ts';
import { volumeFilePath } from '../../../src/storage/volume-files.ts';
import { newVolumeInfo, writeVolumeInfoFile } from '../../../src/storage/volume-info.ts';
import { inThreadCoder } from '../../support/in-thread-coder.ts';

const MiB = 1024 * 1024;
const RATIO = { dataShards: 10, parityShards: 4 };

const coder = inThreadCoder();

/** A small volume encoded uniform with a sidecar, as VolumeEcShardsGenerate leaves it. */
async function encodedVolume(
  dir: string,
  volumeId: number,
): Promise<{ shardPaths: string[]; base: string; blockSizeBytes: number }> {
  const location = { dir, collection: '', volumeId };
  const volume = await Volume.open({ location, offsetWidth: 4, create: newSuperBlock({ version: 3 }) });
  for (let id = 1; id <= 5; id++)
    await volume.write(newNeedle({ cookie: id, id: BigInt(id), data: Buffer.alloc(id * 50_000, id) }));
  await volume.sync();
  const datSizeBytes = volume.stats().datSizeBytes;
  await writeSortedEcxFromIdx(volumeFilePath(location, 'idx'), volumeFilePath(location, 'ecx'), 4);
  const shardPaths = Array.from({ length: 14 }, (_, i) => volumeFilePath(location, shardExt(i)));
  const blockSizeBytes = await encodeDatFile(volumeFilePath(location, 'dat'), datSizeBytes, shardPaths, RATIO, coder);
  await volume.close();
  await writeVolumeInfoFile(
    volumeFilePath(location, 'vif'),
    newVolumeInfo({
      version: 3,
      datFileSize: BigInt(datSizeBytes),
      ecShardConfig: { ...RATIO, encodeTsNs: 3n, blockSizeBytes },
    }),
  );
  const base = String(volumeId);
  await writeBitrotSidecar(
    path.join(dir, `${base}.ecsum`),
    await computeBitrotProtection(shardPaths, { ...RATIO, encodeTsNs: 0n, blockSizeBytes }),
  );
  return { shardPaths, base, blockSizeBytes };
}

describe('.ecsum sidecar', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nw-ec-bitrot-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('encodes the protobuf as Go does (field order, zero fields left out)', () => {
    const prot = {
      algorithm: 1,
      checksumBlockSizeBytes: 16 * MiB,
      generation: 0,
      ecShardConfig: { dataShards: 10, parityShards: 4, encodeTsNs: 0n, blockSizeBytes: 2 * MiB },
      shards: [{ shardId: 0, coveredSizeBytes: 2 * MiB, blockCrc32c: Buffer.from([1, 2, 3, 4]) }],
      encodeUuid: Buffer.alloc(0),
    };
    const bytes = encodeBitrotProtection(prot);
    assert.equal(
      bytes.toString('hex'),
      '0801' + '1080808008' + '2209080a10042080808001' + '2a0b' + '1080808001' + '1a0401020304',
    );
    assert.deepEqual(decodeBitrotSidecar(encodeBitrotSidecar(prot)), prot);
  });

  it('rejects a damaged sidecar before trusting it', () => {
    const good = encodeBitrotSidecar({
      algorithm: 1,
      checksumBlockSizeBytes: MiB,
      generation: 0,
      ecShardConfig: null,
      shards: [],
      encodeUuid: Buffer.from('x'),
    });
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1]! ^= 1;
    assert.throws(() => decodeBitrotSidecar(flipped), /self-integrity/);
    assert.throws(() => decodeBitrotSidecar(Buffer.from('nope-not-a-sidecar')), /bad magic/);
    assert.throws(() => decodeBitrotSidecar(good.subarray(0, good.length - 1)), /length mismatch/);
  });

  it('finds a corrupt data shard before a decode, and a layout conflict', async () => {
    const { shardPaths, base, blockSizeBytes } = await encodedVolume(dir, 21);
    const geometry = { ...RATIO, blockSizeBytes };
    const resolved = await resolveBitrot([dir], base, 21, geometry);
    assert.equal(resolved.status, 'on');
    await verifyDataShards(resolved, shardPaths.slice(0, 10));
    const shard3 = await fs.readFile(shardPaths[3] as string);
    shard3[0]! ^= 0xff;
    await fs.writeFile(shardPaths[3] as string, shard3);
    await assert.rejects(
      verifyDataShards(resolved, shardPaths.slice(0, 10)),
      /data shard 3 .* fails its bitrot checksum in 1 blocks/,
    );
    await assert.rejects(resolveBitrot([dir], base, 21, { ...geometry, parityShards: 2 }), /refusing to serve/);
    await assert.rejects(resolveBitrot([dir], base, 21, { ...geometry, blockSizeBytes: 0 }), /refusing to serve/);
    assert.equal((await resolveBitrot([path.join(dir, 'nowhere')], base, 21, geometry)).status, 'off');
    await fs.writeFile(path.join(dir, `${base}.ecsum`), 'garbage');
    const invalid = await resolveBitrot([dir], base, 21, geometry);
    assert.equal(invalid.status, 'invalid');
    await assert.rejects(verifyDataShards(invalid, shardPaths.slice(0, 10)), /malformed or unverifiable/);
  });

  it('mounts with the sidecar on, takes the layout from it when the .vif has none, refuses a conflict', async () => {
    const { base, blockSizeBytes } = await encodedVolume(dir, 22);
    const open = () => EcVolume.open({ dir, collection: '', volumeId: 22, diskType: '', offsetWidth: 4 });
    const ec = await open();
    assert.equal(ec.bitrot.status, 'on');
    await ec.close();

    await writeVolumeInfoFile(path.join(dir, `${base}.vif`), newVolumeInfo({ version: 3 }));
    const fromSidecar = await open();
    assert.equal(fromSidecar.blockSizeBytes, blockSizeBytes);
    await fromSidecar.close();

    await writeVolumeInfoFile(
      path.join(dir, `${base}.vif`),
      newVolumeInfo({ version: 3, ecShardConfig: { ...RATIO, encodeTsNs: 3n, blockSizeBytes } }),
    );
    const prot = await readBitrotSidecar(path.join(dir, `${base}.ecsum`));
    await writeBitrotSidecar(path.join(dir, `${base}.ecsum`), {
      ...prot,
      ecShardConfig: { ...prot.ecShardConfig!, parityShards: 2 },
    });
    await assert.rejects(open(), /refusing to serve/);
  });
});

describe('.ecj at mount', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nw-ec-ecj-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('cuts a torn tail so later appends stay aligned', async () => {
    const { base } = await encodedVolume(dir, 31);
    const ecjPath = path.join(dir, `${base}.ecj`);
    const row = Buffer.alloc(8);
    row.writeBigUInt64BE(2n);
    await fs.writeFile(ecjPath, Buffer.concat([row, Buffer.from([9, 9, 9])]));
    const ec = await EcVolume.open({ dir, collection: '', volumeId: 31, diskType: '', offsetWidth: 4 });
    try {
      assert.equal((await fs.stat(ecjPath)).size, 8);
      await ec.deleteNeedle(3n);
      const bytes = await fs.readFile(ecjPath);
      assert.deepEqual([bytes.readBigUInt64BE(0), bytes.readBigUInt64BE(8)], [2n, 3n]);
    } finally {
      await ec.close();
    }
  });

  it('compacts a journal that is mostly repeats, keeps a healthy one', async () => {
    const { base } = await encodedVolume(dir, 32);
    const ecjPath = path.join(dir, `${base}.ecj`);
    const repeated = Buffer.alloc(MiB);
    for (let at = 0; at < repeated.length; at += 8) repeated.writeBigUInt64BE(BigInt(1 + ((at / 8) % 2)), at);
    await fs.writeFile(ecjPath, repeated);
    await fs.writeFile(path.join(dir, `${base}${ECJ_COMPACT_TMP_EXT}`), 'left by a crash');
    const ec = await EcVolume.open({ dir, collection: '', volumeId: 32, diskType: '', offsetWidth: 4 });
    try {
      const bytes = await fs.readFile(ecjPath);
      assert.deepEqual([bytes.length, bytes.readBigUInt64BE(0), bytes.readBigUInt64BE(8)], [16, 1n, 2n]);
      await assert.rejects(fs.stat(path.join(dir, `${base}${ECJ_COMPACT_TMP_EXT}`)), /ENOENT/);
      await ec.deleteNeedle(4n); // the reopened handle appends to the new file
      assert.equal((await fs.readFile(ecjPath)).readBigUInt64BE(16), 4n);
      assert.deepEqual([...ec.deleted].sort(), [1n, 2n, 4n]);
    } finally {
      await ec.close();
    }
    const small = Buffer.concat([repeated.subarray(0, 64)]);
    await fs.writeFile(ecjPath, small);
    const again = await EcVolume.open({ dir, collection: '', volumeId: 32, diskType: '', offsetWidth: 4 });
    await again.close();
    assert.equal((await fs.stat(ecjPath)).size, 64, 'below 1 MiB a journal is left alone');
  });
});

describe('FULL and READS scrub walk', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nw-ec-scrub-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reports a missing shard either way; only READS still verifies its needles from parity', async () => {
    await encodedVolume(dir, 41);
    const ec = await EcVolume.open({ dir, collection: '', volumeId: 41, diskType: '', offsetWidth: 4 });
    try {
      for (let id = 1; id < 14; id++) await ec.addShard(id); // shard 0 is gone
      const readSources = { localShard: (id: number) => ec.shards.get(id), remote: null, coder: () => coder };
      const sources = {
        async local(shardId: number, offsetBytes: number, sizeBytes: number) {
          const shard = ec.shards.get(shardId);
          if (shard === undefined) return null;
          const buf = Buffer.alloc(sizeBytes);
          return (await shard.readAt(buf, offsetBytes)) === sizeBytes ? buf : null;
        },
        async remote() {
          return null;
        },
        reconstruct: (interval: Parameters<typeof reconstructInterval>[2], key: bigint) =>
          reconstructInterval(ec, readSources, interval, key),
      };
      const full = await scrubEcReads(ec, sources, false);
      assert.equal(full.files, 5);
      assert.deepEqual(full.brokenShardIds, [0]);
      assert.ok(
        full.errors.length > 0 && full.errors.every((e) => /failed to read EC shard 0/.test(e)),
        full.errors.join('\n'),
      );
      const reads = await scrubEcReads(ec, sources, true);
      assert.deepEqual(reads.brokenShardIds, [0]);
      assert.deepEqual(reads.errors, []);

      // A rotted byte in a shard that can be read is a needle error, not a broken shard.
      const shard2 = ec.shardPath(2);
      const bytes = await fs.readFile(shard2);
      bytes[100]! ^= 0xff;
      await fs.writeFile(shard2, bytes);
      await ec.removeShard(2);
      await ec.addShard(2);
      const rotted = await scrubEcReads(ec, sources, true);
      assert.deepEqual(rotted.brokenShardIds, [0]);
      assert.ok(
        rotted.errors.some((e) => /needle \d+ on shards/.test(e)),
        rotted.errors.join('\n'),
      );
    } finally {
      await ec.close();
    }
  });
});

describe('EC IO quarantine', () => {
  it('quarantines after 3 consecutive EIO reads; other outcomes reset the count', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nw-ec-eio-'));
    try {
      await encodedVolume(dir, 51);
      const ec = await EcVolume.open({ dir, collection: '', volumeId: 51, diskType: '', offsetWidth: 4 });
      try {
        let told = 0;
        ec.onQuarantine = () => told++;
        const eio = Object.assign(new Error('input/output error'), { code: 'EIO' });
        ec.noteIoResult(eio);
        ec.noteIoResult(eio);
        ec.noteIoResult(null);
        ec.noteIoResult(eio);
        ec.noteIoResult(Object.assign(new Error('gone'), { code: 'ENOENT' }));
        assert.deepEqual({ ...ec.ioErrorState(), lastError: null }, { lastError: null, count: 0, quarantined: false });
        for (let i = 0; i < 4; i++) ec.noteIoResult(eio);
        assert.equal(ec.ioErrorState().quarantined, true);
        assert.equal(told, 1, 'told once');
        // Shard reads feed the same counter.
        await ec.addShard(0);
        const buf = Buffer.alloc(8);
        await ec.shards.get(0)!.readAt(buf, 0);
        assert.equal(ec.ioErrorState().count, 0);
        ec.resetIoErrorState();
        assert.equal(ec.ioErrorState().quarantined, false);
      } finally {
        await ec.close();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
