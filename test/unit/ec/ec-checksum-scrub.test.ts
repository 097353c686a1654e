// The CHECKSUM scrub of EC volumes: block scans against the `.ecsum` sidecar in bounded chunks,
// Reed-Solomon arbitration of mismatches, the stale-sidecar guards, length drift, legacy volumes
// without a sidecar, and protection taken from whichever disk holds the sidecar.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  BITROT_READ_CHUNK_BYTES,
  type BitrotProtection,
  type ShardByteReader,
  checksumShardFile,
  readBitrotSidecar,
  scanShardBlocks,
  writeBitrotSidecar,
} from '../../../src/ec/ec-bitrot.ts';
import { encodeDatFile } from '../../../src/ec/ec-encoder.ts';
import { writeSortedEcxFromIdx } from '../../../src/ec/ec-index.ts';
import { shardExt } from '../../../src/ec/ec-layout.ts';
import { mergeEcRuntimes } from '../../../src/ec/ec-merged-runtimes.ts';
import { type EcChecksumScrubResult, scrubEcChecksum } from '../../../src/ec/ec-scrub.ts';
import { EcVolume } from '../../../src/ec/ec-volume.ts';
import { newNeedle } from '../../../src/storage/needle/needle.ts';
import { newSuperBlock } from '../../../src/storage/super-block.ts';
import { Volume } from '../../../src/storage/volume.ts';
import { volumeFilePath } from '../../../src/storage/volume-files.ts';
import { newVolumeInfo, writeVolumeInfoFile } from '../../../src/storage/volume-info.ts';
import { suiteScope } from '../../support/suite-scope.ts';
import { flipByte } from '../../support/flip-byte.ts';
import { inThreadCoder } from '../../support/in-thread-coder.ts';

const MiB = 1024 * 1024;
const RATIO = { dataShards: 10, parityShards: 4 };
const TOTAL_SHARDS = 14;
const COLLECTION = 'c';
/** Small enough that each 2 MiB shard spans two checksum blocks. */
const CHECKSUM_BLOCK_BYTES = MiB;
const ENCODE_TS_NS = 7n;
const LEGACY_FIXTURE_DIR = path.join(import.meta.dirname, '..', '..', 'fixtures', 'ec-legacy-444');

/** Real Reed-Solomon in this thread; counts reconstructs so a test can tell arbitration ran. */
const coderCalls = { reconstruct: 0 };
const coder = inThreadCoder(coderCalls);

interface Encoded {
  dir: string;
  volumeId: number;
  shardPaths: string[];
  sidecarPath: string;
  shardSizeBytes: number;
}

/**
 * A volume just over 10 MiB encoded uniform (2 MiB shards) with a `.vif` and a sidecar of 1 MiB
 * checksum blocks, as VolumeEcShardsGenerate leaves it (bar the block size).
 */
async function encodeVolume(dir: string, volumeId: number): Promise<Encoded> {
  const location = { dir, collection: COLLECTION, volumeId };
  const volume = await Volume.open({ location, offsetWidth: 4, create: newSuperBlock({ version: 3 }) });
  for (let id = 1; id <= 11; id++)
    await volume.write(newNeedle({ cookie: id, id: BigInt(id), data: Buffer.alloc(MiB - 1000 * id, id) }));
  await volume.sync();
  const datSizeBytes = volume.stats().datSizeBytes;
  await writeSortedEcxFromIdx(volumeFilePath(location, 'idx'), volumeFilePath(location, 'ecx'), 4);
  const shardPaths = Array.from({ length: TOTAL_SHARDS }, (_, i) => volumeFilePath(location, shardExt(i)));
  const blockSizeBytes = await encodeDatFile(volumeFilePath(location, 'dat'), datSizeBytes, shardPaths, RATIO, coder);
  await volume.close();
  await fs.rm(volumeFilePath(location, 'dat'));
  await fs.rm(volumeFilePath(location, 'idx'));
  await writeVolumeInfoFile(
    volumeFilePath(location, 'vif'),
    newVolumeInfo({
      version: 3,
      datFileSize: BigInt(datSizeBytes),
      ecShardConfig: { ...RATIO, encodeTsNs: ENCODE_TS_NS, blockSizeBytes },
    }),
  );
  const shards = [];
  for (const [shardId, shardPath] of shardPaths.entries())
    shards.push({ shardId, ...(await checksumShardFile(shardPath, CHECKSUM_BLOCK_BYTES)) });
  const prot: BitrotProtection = {
    algorithm: 1,
    checksumBlockSizeBytes: CHECKSUM_BLOCK_BYTES,
    generation: 0,
    ecShardConfig: { ...RATIO, encodeTsNs: 0n, blockSizeBytes },
    shards,
    encodeUuid: Buffer.alloc(16, 1),
  };
  const sidecarPath = volumeFilePath(location, 'ecsum');
  await writeBitrotSidecar(sidecarPath, prot);
  const shardSizeBytes = (await fs.stat(shardPaths[0] as string)).size;
  assert.equal(shardSizeBytes, 2 * MiB, 'fixture shards span two checksum blocks');
  return { dir, volumeId, shardPaths, sidecarPath, shardSizeBytes };
}

async function openEc(
  dir: string,
  volumeId: number,
  shardIds: number[],
  idxDir?: string,
  collection = COLLECTION,
): Promise<EcVolume> {
  const ec = await EcVolume.open({
    dir,
    ...(idxDir === undefined ? {} : { idxDir }),
    collection,
    volumeId,
    diskType: '',
    offsetWidth: 4,
  });
  for (const id of shardIds) await ec.addShard(id);
  return ec;
}

const ALL_SHARDS = Array.from({ length: TOTAL_SHARDS }, (_, i) => i);

async function checksumScrub(...runtimes: EcVolume[]): Promise<EcChecksumScrubResult> {
  const merged = mergeEcRuntimes(runtimes);
  assert.ok(merged !== null);
  return scrubEcChecksum(merged, () => coder);
}

describe('scanShardBlocks', () => {
  const bytes = Buffer.alloc(3 * MiB + 17);
  for (let i = 0; i < bytes.length; i += 997) bytes[i] = i & 0xff;
  const lengthsRead: number[] = [];
  const reader = (source: Buffer): ShardByteReader => ({
    async readAt(buf, offsetBytes, length = buf.length) {
      lengthsRead.push(length);
      const n = Math.max(0, Math.min(length, source.length - offsetBytes));
      source.copy(buf, 0, offsetBytes, offsetBytes + n);
      return n;
    },
  });
  const entryOf = async (
    dir: string,
    checksumBlockBytes = MiB,
  ): Promise<Awaited<ReturnType<typeof checksumShardFile>> & { shardId: number }> => {
    const file = path.join(dir, 'shard');
    await fs.writeFile(file, bytes);
    return { shardId: 0, ...(await checksumShardFile(file, checksumBlockBytes)) };
  };
  const scope = suiteScope();

  it('reads in chunks, never a whole block, and places a mismatch in its block', async () => {
    const entry = await entryOf(await scope.tempDir('nw-ec-scan-'));
    lengthsRead.length = 0;
    const clean = await scanShardBlocks(reader(bytes), entry, MiB, 64 * 1024);
    assert.deepEqual(clean, { blocksScanned: 4, mismatches: [], readFailure: null });
    assert.equal(Math.max(...lengthsRead), 64 * 1024);
    assert.equal(lengthsRead.length, 3 * 16 + 1, 'sixteen chunks per whole block, one for the 17-byte tail');

    const rotted = Buffer.from(bytes);
    rotted[2 * MiB + 12345] = (rotted[2 * MiB + 12345] as number) ^ 1;
    assert.deepEqual((await scanShardBlocks(reader(rotted), entry, MiB)).mismatches, [
      { blockIndex: 2, offsetBytes: 2 * MiB },
    ]);
    const entry64 = await entryOf(await scope.tempDir('nw-ec-scan-'), 64 * MiB);
    lengthsRead.length = 0;
    assert.deepEqual(await scanShardBlocks(reader(bytes), entry64, 64 * MiB), {
      blocksScanned: 1,
      mismatches: [],
      readFailure: null,
    });
    assert.equal(Math.max(...lengthsRead), BITROT_READ_CHUNK_BYTES, 'a large block is still read a chunk at a time');
  });

  it('stops at a short read or an I/O error, saying where', async () => {
    const entry = await entryOf(await scope.tempDir('nw-ec-scan-'));
    const short = await scanShardBlocks(reader(bytes.subarray(0, MiB + 100)), entry, MiB);
    assert.deepEqual(short, {
      blocksScanned: 1,
      mismatches: [],
      readFailure: { blockIndex: 1, offsetBytes: MiB, gotBytes: 100, wantBytes: MiB, cause: 'EOF' },
    });
    const failing: ShardByteReader = {
      async readAt() {
        throw new Error('EIO: i/o error, read');
      },
    };
    assert.deepEqual((await scanShardBlocks(failing, entry, MiB)).readFailure, {
      blockIndex: 0,
      offsetBytes: 0,
      gotBytes: 0,
      wantBytes: MiB,
      cause: 'EIO: i/o error, read',
    });
  });
});

describe('CHECKSUM scrub of an EC volume', () => {
  const scope = suiteScope();
  let nextVolumeId = 100;
  /** A fresh encoded volume in its own directory, all shards mounted; closed with the suite. */
  async function fresh(shardIds = ALL_SHARDS): Promise<{ enc: Encoded; ec: EcVolume }> {
    const enc = await encodeVolume(await scope.tempDir('nw-ec-checksum-'), nextVolumeId++);
    const ec = await openEc(enc.dir, enc.volumeId, shardIds);
    scope.defer(() => ec.close());
    return { enc, ec };
  }

  it('is clean on a freshly encoded volume, having read every block of every shard', async () => {
    const { ec } = await fresh();
    assert.equal(ec.bitrot.status, 'on');
    assert.deepEqual(await checksumScrub(ec), { blocksScanned: 2 * TOTAL_SHARDS, brokenShards: [], errors: [] });
  });

  it('reports a parity shard with a flipped byte, confirmed by Reed-Solomon', async () => {
    const { enc, ec } = await fresh();
    await flipByte(enc.shardPaths[12] as string, MiB + 5);
    const before = coderCalls.reconstruct;
    const result = await checksumScrub(ec);
    assert.deepEqual(result.errors, [
      `ec volume ${enc.volumeId} shard 12: checksum mismatch at block 1 (offset ${MiB})`,
    ]);
    assert.deepEqual(result.brokenShards, [
      { volumeId: enc.volumeId, shardId: 12, collection: COLLECTION, sizeBytes: enc.shardSizeBytes },
    ]);
    assert.ok(coderCalls.reconstruct > before, 'arbitration rebuilt the shard');
    // Read-only: the byte is still flipped, nothing was rewritten.
    await flipByte(enc.shardPaths[12] as string, MiB + 5);
    assert.deepEqual((await checksumScrub(ec)).brokenShards, []);
  });

  it('reports without arbitration when fewer than dataShards clean shards are local', async () => {
    const { enc, ec } = await fresh([0, 1, 2, 3, 4, 5, 6, 7, 8, 11]);
    await flipByte(enc.shardPaths[11] as string, 9);
    const before = coderCalls.reconstruct;
    const result = await checksumScrub(ec);
    assert.equal(coderCalls.reconstruct, before);
    assert.deepEqual(result.errors, [`ec volume ${enc.volumeId} shard 11: checksum mismatch at block 0 (offset 0)`]);
    assert.deepEqual(
      result.brokenShards.map((b) => b.shardId),
      [11],
    );
  });

  it('does not flag a shard whose bytes Reed-Solomon vouches for (stale sidecar block)', async () => {
    const { enc } = await fresh();
    const prot = await readBitrotSidecar(enc.sidecarPath);
    const entry = prot.shards.find((s) => s.shardId === 3);
    assert.ok(entry !== undefined);
    entry.blockCrc32c.writeUInt32LE((entry.blockCrc32c.readUInt32LE(0) ^ 1) >>> 0, 0);
    await writeBitrotSidecar(enc.sidecarPath, prot);
    const ec = await openEc(enc.dir, enc.volumeId, ALL_SHARDS);
    scope.defer(() => ec.close());
    const result = await checksumScrub(ec);
    assert.deepEqual(result.brokenShards, []);
    assert.deepEqual(result.errors, [
      `ec volume ${enc.volumeId} shard 3: checksum mismatch at block 0 (offset 0)`,
      `ec volume ${enc.volumeId} shard 3: sidecar mismatch but Reed-Solomon confirms the bytes are correct: stale sidecar, not flagging shard`,
    ]);
  });

  it('reports a shard shorter than the sidecar covers (truncated before mount)', async () => {
    const { enc } = await fresh();
    const truncatedBytes = MiB + 3;
    await fs.truncate(enc.shardPaths[5] as string, truncatedBytes);
    const ec = await openEc(enc.dir, enc.volumeId, ALL_SHARDS);
    scope.defer(() => ec.close());
    const result = await checksumScrub(ec);
    assert.deepEqual(result.errors, [
      `ec volume ${enc.volumeId} shard 5: size ${truncatedBytes} != covered_size ${2 * MiB} (truncated or extended)`,
    ]);
    assert.deepEqual(result.brokenShards, [
      { volumeId: enc.volumeId, shardId: 5, collection: COLLECTION, sizeBytes: truncatedBytes },
    ]);
  });

  it('reports a shard truncated while mounted, at the block it ends in', async () => {
    const { enc, ec } = await fresh();
    await fs.truncate(enc.shardPaths[13] as string, MiB + 100);
    const result = await checksumScrub(ec);
    assert.deepEqual(result.errors, [
      `ec volume ${enc.volumeId} shard 13: read block 1 at ${MiB}: EOF (got 100/${MiB})`,
      `ec volume ${enc.volumeId} shard 13: RS arbitration failed: read target shard 13 at ${MiB}: EOF`,
    ]);
    assert.deepEqual(result.brokenShards, [
      { volumeId: enc.volumeId, shardId: 13, collection: COLLECTION, sizeBytes: 2 * MiB },
    ]);
  });

  it('blames the sidecar, not the shards, when more shards mismatch than parity could mask', async () => {
    const { enc, ec } = await fresh();
    for (const id of [0, 2, 4, 6, 10]) await flipByte(enc.shardPaths[id] as string, 77);
    const result = await checksumScrub(ec);
    assert.deepEqual(result.brokenShards, []);
    assert.deepEqual(result.errors, [
      `ec volume ${enc.volumeId}: 5/14 local shards mismatch (> parity 4): suspect stale sidecar, not flagging shard corruption`,
    ]);
  });

  it('reports a malformed sidecar as a sidecar-integrity error and checks nothing', async () => {
    const { enc } = await fresh();
    await fs.writeFile(enc.sidecarPath, 'not a sidecar');
    const ec = await openEc(enc.dir, enc.volumeId, ALL_SHARDS);
    scope.defer(() => ec.close());
    assert.equal(ec.bitrot.status, 'invalid');
    assert.deepEqual(await checksumScrub(ec), {
      blocksScanned: 0,
      brokenShards: [],
      errors: [`ec volume ${enc.volumeId}: bitrot sidecar is malformed/unverifiable (sidecar integrity)`],
    });
  });

  it('scrubs a legacy (4.44) volume without a sidecar clean, checking nothing', async () => {
    const dir = await scope.tempDir('nw-ec-checksum-legacy-');
    for (const name of await fs.readdir(LEGACY_FIXTURE_DIR)) {
      if (name.endsWith('.gz'))
        await fs.writeFile(
          path.join(dir, name.slice(0, -3)),
          gunzipSync(await fs.readFile(path.join(LEGACY_FIXTURE_DIR, name))),
        );
      else if (name.endsWith('.vif')) await fs.copyFile(path.join(LEGACY_FIXTURE_DIR, name), path.join(dir, name));
    }
    const ec = await openEc(dir, 3, ALL_SHARDS, undefined, '');
    scope.defer(() => ec.close());
    assert.equal(ec.bitrot.status, 'off');
    assert.equal(ec.shards.size, TOTAL_SHARDS);
    // Even a rotted shard goes unnoticed: there is nothing to compare it with.
    await flipByte(path.join(dir, '3.ec12'), 3);
    assert.deepEqual(await checksumScrub(ec), { blocksScanned: 0, brokenShards: [], errors: [] });
  });
});

describe('CHECKSUM scrub across disks', () => {
  const scope = suiteScope();

  it('takes protection from the disk holding the sidecar and verifies every disk’s shards', async () => {
    const enc = await encodeVolume(await scope.tempDir('nw-ec-checksum-a-'), 200);
    const dirB = await scope.tempDir('nw-ec-checksum-b-');
    // Disk A keeps .ecx/.vif and shards 0-6; disk B has shards 7-13, its own .vif and the sidecar.
    for (let id = 7; id < TOTAL_SHARDS; id++)
      await fs.rename(enc.shardPaths[id] as string, path.join(dirB, path.basename(enc.shardPaths[id] as string)));
    await fs.copyFile(
      volumeFilePath({ dir: enc.dir, collection: COLLECTION, volumeId: 200 }, 'vif'),
      path.join(dirB, `${COLLECTION}_200.vif`),
    );
    await fs.rename(enc.sidecarPath, path.join(dirB, path.basename(enc.sidecarPath)));
    const a = await openEc(enc.dir, 200, [0, 1, 2, 3, 4, 5, 6]);
    scope.defer(() => a.close());
    const b = await openEc(dirB, 200, [7, 8, 9, 10, 11, 12, 13], enc.dir);
    scope.defer(() => b.close());
    assert.deepEqual([a.bitrot.status, b.bitrot.status], ['off', 'on']);

    assert.deepEqual(
      await checksumScrub(a),
      { blocksScanned: 0, brokenShards: [], errors: [] },
      'disk A alone has no protection',
    );
    assert.deepEqual(await checksumScrub(a, b), { blocksScanned: 2 * TOTAL_SHARDS, brokenShards: [], errors: [] });
    await flipByte(enc.shardPaths[2] as string, 2 * MiB - 1);
    const result = await checksumScrub(a, b);
    assert.deepEqual(result.errors, [`ec volume 200 shard 2: checksum mismatch at block 1 (offset ${MiB})`]);
    assert.deepEqual(result.brokenShards, [{ volumeId: 200, shardId: 2, collection: COLLECTION, sizeBytes: 2 * MiB }]);
  });

  it('leaves out, and reports, a disk of an older encode run', async () => {
    const enc = await encodeVolume(await scope.tempDir('nw-ec-checksum-a-'), 201);
    const dirOld = await scope.tempDir('nw-ec-checksum-old-');
    // A stale copy of shard 4 from an earlier encode run, rotted: it must not be blamed.
    const oldShard = path.join(dirOld, path.basename(enc.shardPaths[4] as string));
    await fs.copyFile(enc.shardPaths[4] as string, oldShard);
    await flipByte(oldShard, 0);
    await writeVolumeInfoFile(
      path.join(dirOld, `${COLLECTION}_201.vif`),
      newVolumeInfo({
        version: 3,
        ecShardConfig: { ...RATIO, encodeTsNs: ENCODE_TS_NS - 1n, blockSizeBytes: 2 * MiB },
      }),
    );
    const old = await openEc(dirOld, 201, [4], enc.dir);
    scope.defer(() => old.close());
    const current = await openEc(
      enc.dir,
      201,
      ALL_SHARDS.filter((id) => id !== 4),
    );
    scope.defer(() => current.close());

    const result = await checksumScrub(old, current);
    assert.deepEqual(result.brokenShards, []);
    assert.deepEqual(result.errors, [
      `EC volume 201 shards at ${dirOld} (position 0) belong to encode run ${ENCODE_TS_NS - 1n} but the scrub anchors on ${ENCODE_TS_NS}; they were not verified`,
    ]);
    assert.equal(result.blocksScanned, 2 * (TOTAL_SHARDS - 1));
  });
});
