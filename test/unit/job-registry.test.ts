// Long jobs as services: running with progress, then stopped with their outcome; the EC encode
// and rebuild RPCs report through it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { planReconcile } from '../../src/status/reconcile-plan.ts';
import { JobRegistry } from '../../src/status/job-registry.ts';
import { startTestGrpcServer } from '../support/grpc-test-context.ts';
import { textNeedle } from '../support/helpers.ts';
import { suiteScope } from '../support/suite-scope.ts';

describe('job registry', () => {
  it('a job runs with progress and ETA, then stays listed stopped with its outcome', async () => {
    let now = 1_000;
    const jobs = new JobRegistry(() => now);
    const job = jobs.begin('ec-encode', 'volume-3', { collection: 'pics' });
    job.progress(0, 1000);
    now += 1000;
    job.progress(250);
    const [running] = jobs.snapshots();
    assert.equal(running?.name, 'ec-encode/volume-3#1');
    assert.equal(running?.current, 'Running');
    assert.deepEqual(running?.status.progress, {
      doneBytes: 250,
      totalBytes: 1000,
      rateBytesPerSecond: 250,
      etaMs: 3000,
    });
    assert.equal(planReconcile(running!).action, 'none');
    job.finish();
    job.finish(new Error('twice'));
    const [done] = jobs.snapshots();
    assert.equal(done?.current, 'Stopped');
    assert.equal(done?.status.lastError, null);
    assert.equal(done?.status.lastSuccessAtMs, now);
    await assert.rejects(
      jobs.run('volume-copy', 'volume-4', {}, async () => {
        throw new Error('source went away');
      }),
      /source went away/,
    );
    const failed = jobs.snapshots().find((s) => s.name.startsWith('volume-copy/'));
    assert.equal(failed?.status.lastError?.message, 'source went away');
    assert.equal(failed?.status.detail, 'failed');
  });

  it('keeps only the last finished jobs', () => {
    const jobs = new JobRegistry();
    for (let i = 0; i < 40; i++) jobs.begin('tail-sender', `volume-${i}`).finish();
    const names = jobs.snapshots().map((s) => s.name);
    assert.equal(names.length, 16);
    assert.equal(names.at(-1), 'tail-sender/volume-39#40');
  });

  const scope = suiteScope();
  it('the EC encode and rebuild RPCs are jobs', async () => {
    const server = await startTestGrpcServer(scope, 'nw-jobs-');
    {
      const volume = await server.ctx.store.allocateVolume({
        volumeId: 6,
        collection: '',
        replication: '000',
        ttl: '',
        diskType: '',
        version: 3,
      });
      for (let id = 1; id <= 4; id++) await volume.write(textNeedle(BigInt(id), `needle ${id} `.repeat(200)));
      await unaryCall(server.client, 'VolumeEcShardsGenerate', { volume_id: 6, collection: '' });
      // Two shards lost: the rebuild regenerates them and reports the shard bytes it wrote.
      const { promises: fs } = await import('node:fs');
      const shardSize = (await fs.stat(`${server.ctx.dir}/6.ec03`)).size;
      await fs.rm(`${server.ctx.dir}/6.ec03`);
      await fs.rm(`${server.ctx.dir}/6.ec11`);
      await unaryCall(server.client, 'VolumeEcShardsRebuild', { volume_id: 6, collection: '' });
      const jobs = server.ctx.store.jobs.snapshots().map((s) => [s.name, s.current, s.status.lastError]);
      assert.deepEqual(jobs, [
        ['ec-encode/volume-6#1', 'Stopped', null],
        ['ec-rebuild/volume-6#2', 'Stopped', null],
      ]);
      const encode = server.ctx.store.jobs.snapshots()[0]!.status.progress;
      assert.equal(encode?.doneBytes, volume.stats().datSizeBytes, 'the encode reported every .dat byte');
      assert.equal(encode?.totalBytes, volume.stats().datSizeBytes);
      const rebuild = server.ctx.store.jobs.snapshots()[1]!.status.progress;
      assert.deepEqual([rebuild?.doneBytes, rebuild?.totalBytes], [shardSize, shardSize]);
    }
  });
});
