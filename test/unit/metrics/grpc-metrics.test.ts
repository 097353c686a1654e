// Metrics taken from gRPC calls by the interceptor: vacuum counts and timings, scrub results,
// and needle-blob failures, against our real gRPC server.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import { grpcMetricsInterceptor } from '../../../src/server/metrics/grpc-interceptor.ts';
import { VolumeServerMetrics } from '../../../src/server/metrics/registry.ts';
import { registerStoreGauges } from '../../../src/server/metrics/store-gauges.ts';
import { newPeerClient, unaryCall, type VolumeServerPeer } from '../../../src/cluster/peer-client.ts';
import { startGrpcServer } from '../../../src/server/grpc/server.ts';
import { suiteScope } from '../suite-scope.ts';
import { testGrpcContext } from '../grpc-test-context.ts';
import { sample } from './prom-text.ts';

const P = 'SeaweedFS_volumeServer_';

function drain(stream: grpc.ClientReadableStream<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('data', () => {});
    stream.on('end', resolve);
    stream.on('error', reject);
  });
}

describe('gRPC call metrics', () => {
  const scope = suiteScope();
  let metrics: VolumeServerMetrics;
  let client: VolumeServerPeer;
  let dataDir: string;

  before(async () => {
    const ctx = await testGrpcContext(scope, 'needlework-grpc-metrics-');
    const store = ctx.store;
    dataDir = ctx.dir;
    await store.allocateVolume({ volumeId: 5, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });
    await store.allocateVolume({
      volumeId: 6,
      collection: 'ec',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    metrics = new VolumeServerMetrics({
      concurrentDownloadLimitBytes: 0,
      concurrentUploadLimitBytes: 0,
      processMetrics: false,
    });
    registerStoreGauges(metrics.registry, { locations: store.locations });
    const server = await startGrpcServer(ctx, '127.0.0.1', 0, { interceptors: [grpcMetricsInterceptor(metrics)] });
    client = newPeerClient(`127.0.0.1:1.${server.port}`);
    scope.defer(async () => {
      client.close();
      await server.close();
    });
  });

  it('times and counts vacuum compact and commit, by success', async () => {
    await drain(client.VacuumVolumeCompact({ volume_id: 5 }));
    await unaryCall(client, 'VacuumVolumeCommit', { volume_id: 5 });
    await assert.rejects(drain(client.VacuumVolumeCompact({ volume_id: 404 })));
    const text = (await metrics.scrape()).body;
    assert.equal(sample(text, `${P}vacuuming_compact_count`, { success: 'true' }), 1);
    assert.equal(sample(text, `${P}vacuuming_compact_count`, { success: 'false' }), 1);
    assert.equal(sample(text, `${P}vacuuming_commit_count`, { success: 'true' }), 1);
    assert.equal(sample(text, `${P}vacuuming_seconds_count`, { type: 'compact' }), 2);
    assert.equal(sample(text, `${P}vacuuming_seconds_count`, { type: 'commit' }), 1);
  });

  it('records scrubs by mode', async () => {
    await unaryCall(client, 'ScrubVolume', { mode: 'INDEX', volume_ids: [5] });
    const text = (await metrics.scrape()).body;
    assert.ok(Math.abs((sample(text, `${P}scrub_last_time_seconds`, { mode: 'INDEX' }) ?? 0) - Date.now() / 1000) < 60);
    assert.equal(sample(text, `${P}scrub_volume_failures`, { mode: 'INDEX' }), 0);
  });

  it('counts failed needle blob reads', async () => {
    await assert.rejects(unaryCall(client, 'ReadNeedleBlob', { volume_id: 404, offset: '8', size: 10 }));
    assert.equal(sample((await metrics.scrape()).body, `${P}file_read_failures`), 1);
  });

  it('counts EC shards and sizes per collection, and times shard rebuilds', async () => {
    await unaryCall(client, 'VolumeEcShardsGenerate', { volume_id: 6, collection: 'ec' });
    const allShards = Array.from({ length: 14 }, (_, i) => i);
    await unaryCall(client, 'VolumeEcShardsMount', { volume_id: 6, collection: 'ec', shard_ids: allShards });
    let text = (await metrics.scrape()).body;
    assert.equal(sample(text, `${P}volumes`, { collection: 'ec', type: 'ec_shards' }), 14);
    assert.ok((sample(text, `${P}total_disk_size`, { collection: 'ec', type: 'ec' }) ?? -1) >= 0);

    await unaryCall(client, 'VolumeEcShardsUnmount', { volume_id: 6, shard_ids: [3] });
    await rm(path.join(dataDir, 'ec_6.ec03'));
    const rebuilt = await unaryCall(client, 'VolumeEcShardsRebuild', { volume_id: 6, collection: 'ec' });
    assert.deepEqual(rebuilt.rebuilt_shard_ids, [3]);
    text = (await metrics.scrape()).body;
    assert.equal(sample(text, `${P}volumes`, { collection: 'ec', type: 'ec_shards' }), 13);
    assert.equal(sample(text, `${P}ec_rebuild_total`, { result: 'success' }), 1);
    assert.equal(sample(text, `${P}ec_rebuild_seconds_count`, { result: 'success' }), 1);
  });
});
