// ScrubEcVolume in CHECKSUM mode through the gRPC handlers (no listening port): shards our
// VolumeEcShardsGenerate wrote, a rotted parity shard, a legacy volume without a sidecar, and
// ScrubVolume refusing the mode for a normal volume with upstream's error.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import type { GrpcContext, RequestOf, ResponseOf, VolumeServerMethod } from '../../src/server/grpc/context.ts';
import { erasureCodingHandlers } from '../../src/server/grpc/handlers/erasure-coding.ts';
import { scrubQueryHandlers } from '../../src/server/grpc/handlers/scrub-query.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { testGrpcContext } from '../support/grpc-test-context.ts';
import { suiteScope } from '../support/suite-scope.ts';
import { flipByte } from '../support/flip-byte.ts';

const TOTAL_SHARDS = 14;
const ALL_SHARDS = Array.from({ length: TOTAL_SHARDS }, (_, i) => i);
const LEGACY_FIXTURE_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'ec-legacy-444');
const CHECKSUM = 'CHECKSUM' as const;

type UnaryOf<K extends VolumeServerMethod> = grpc.handleUnaryCall<RequestOf<K>, ResponseOf<K>>;

/** Calls a unary handler as grpc-js would, without a server. */
function call<K extends VolumeServerMethod>(handler: unknown, request: RequestOf<K>): Promise<ResponseOf<K>> {
  assert.equal(typeof handler, 'function');
  const unary = handler as UnaryOf<K>;
  return new Promise((resolve, reject) => {
    unary({ request } as grpc.ServerUnaryCall<RequestOf<K>, ResponseOf<K>>, (err, response) =>
      err ? reject(err) : resolve(response as ResponseOf<K>),
    );
  });
}

async function rejectsWith(promise: Promise<unknown>, code: grpc.status, details: string): Promise<void> {
  await assert.rejects(promise, (err: { code: grpc.status; details: string }) => {
    assert.equal(err.code, code);
    assert.equal(err.details, details);
    return true;
  });
}

function scrubEc(
  ctx: GrpcContext,
  volumeIds: number[],
  mode: RequestOf<'ScrubEcVolume'>['mode'] = CHECKSUM,
): Promise<ResponseOf<'ScrubEcVolume'>> {
  return call<'ScrubEcVolume'>(scrubQueryHandlers(ctx).ScrubEcVolume, {
    mode,
    volume_ids: volumeIds,
    force_deleted_needles_check: false,
  });
}

function scrubVolume(
  ctx: GrpcContext,
  volumeIds: number[],
  mode: RequestOf<'ScrubVolume'>['mode'],
): Promise<ResponseOf<'ScrubVolume'>> {
  return call<'ScrubVolume'>(scrubQueryHandlers(ctx).ScrubVolume, {
    mode,
    volume_ids: volumeIds,
    mark_broken_volumes_readonly: false,
  });
}

describe('ScrubEcVolume CHECKSUM through the handlers', () => {
  const scope = suiteScope();
  let ctx: GrpcContext & { dir: string };
  const volumeId = 9;
  const collection = 'pics';

  before(async () => {
    ctx = await testGrpcContext(scope, 'nw-grpc-scrub-checksum-');
    const volume = await ctx.store.allocateVolume({
      volumeId,
      collection,
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    for (let id = 1; id <= 6; id++)
      await volume.write(newNeedle({ cookie: id, id: BigInt(id), data: Buffer.alloc(40_000 * id, id) }));
    const ec = erasureCodingHandlers(ctx);
    await call<'VolumeEcShardsGenerate'>(ec.VolumeEcShardsGenerate, { volume_id: volumeId, collection });
    await call<'VolumeEcShardsMount'>(ec.VolumeEcShardsMount, {
      volume_id: volumeId,
      collection,
      shard_ids: ALL_SHARDS,
      source_disk_type: '',
      recover_missing_index: false,
    });

    // The legacy volume 3, as 4.44 left it: shards, .ecx and .vif, no .ecsum.
    for (const name of await fs.readdir(LEGACY_FIXTURE_DIR)) {
      if (name.endsWith('.gz'))
        await fs.writeFile(
          path.join(ctx.dir, name.slice(0, -3)),
          gunzipSync(await fs.readFile(path.join(LEGACY_FIXTURE_DIR, name))),
        );
      else if (name.endsWith('.vif')) await fs.copyFile(path.join(LEGACY_FIXTURE_DIR, name), path.join(ctx.dir, name));
    }
    await call<'VolumeEcShardsMount'>(ec.VolumeEcShardsMount, {
      volume_id: 3,
      collection: '',
      shard_ids: ALL_SHARDS,
      source_disk_type: '',
      recover_missing_index: false,
    });
  });

  it('finds the shards our encoder wrote clean, and counts no files', async () => {
    assert.equal(ctx.store.ec.find(volumeId)?.bitrot.status, 'on');
    assert.deepEqual(await scrubEc(ctx, [volumeId]), {
      total_volumes: '1',
      total_files: '0',
      broken_volume_ids: [],
      broken_shard_infos: [],
      details: [],
    });
  });

  it('scrubs a legacy volume without a sidecar clean (nothing to verify), node-wide too', async () => {
    assert.equal(ctx.store.ec.find(3)?.bitrot.status, 'off');
    assert.deepEqual(await scrubEc(ctx, [3]), {
      total_volumes: '1',
      total_files: '0',
      broken_volume_ids: [],
      broken_shard_infos: [],
      details: [],
    });
    const all = await scrubEc(ctx, []);
    assert.equal(all.total_volumes, '2');
    assert.deepEqual(all.broken_volume_ids, []);
  });

  it('reports a rotted parity shard with its shard info and the mismatch detail', async () => {
    const ecVolume = ctx.store.ec.find(volumeId);
    assert.ok(ecVolume !== undefined);
    const shardPath = ecVolume.shardPath(11);
    const sizeBytes = (await fs.stat(shardPath)).size;
    await flipByte(shardPath, 1234);
    try {
      assert.deepEqual(await scrubEc(ctx, [volumeId]), {
        total_volumes: '1',
        total_files: '0',
        broken_volume_ids: [volumeId],
        broken_shard_infos: [{ shard_id: 11, size: String(sizeBytes), collection, volume_id: volumeId }],
        details: [`ec volume ${volumeId} shard 11: checksum mismatch at block 0 (offset 0)`],
      });
      const all = await scrubEc(ctx, []);
      assert.deepEqual([all.total_volumes, all.broken_volume_ids], ['2', [volumeId]]);
    } finally {
      await flipByte(shardPath, 1234);
    }
  });

  it('still refuses a mode it does not know, and a volume that is not there', async () => {
    await rejectsWith(
      scrubEc(ctx, [volumeId], 99 as unknown as RequestOf<'ScrubEcVolume'>['mode']),
      grpc.status.UNKNOWN,
      'unsupported EC volume scrub mode 99',
    );
    await rejectsWith(scrubEc(ctx, [4242]), grpc.status.UNKNOWN, 'EC volume id 4242 not found');
  });

  it('ScrubVolume refuses CHECKSUM for a normal volume, as upstream', async () => {
    await rejectsWith(scrubVolume(ctx, [volumeId], CHECKSUM), grpc.status.UNKNOWN, 'unsupported volume scrub mode 4');
    await rejectsWith(scrubVolume(ctx, [], CHECKSUM), grpc.status.UNKNOWN, 'unsupported volume scrub mode 4');
    // Upstream meets the names in order: a missing volume named first fails as missing.
    await rejectsWith(scrubVolume(ctx, [4242, volumeId], CHECKSUM), grpc.status.UNKNOWN, 'volume id 4242 not found');
    assert.equal((await scrubVolume(ctx, [volumeId], 'INDEX')).total_volumes, '1');
  });

  it('ScrubVolume with CHECKSUM on a node with no normal volumes has nothing to refuse', async () => {
    const empty = await testGrpcContext(scope, 'nw-grpc-scrub-empty-');
    assert.deepEqual(await scrubVolume(empty, [], CHECKSUM), {
      total_volumes: '0',
      total_files: '0',
      broken_volume_ids: [],
      details: [],
    });
  });
});
