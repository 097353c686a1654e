// VolumeTailReceiver between two of our servers: the receiver follows the source's
// VolumeTailSender until it goes idle and ends with the same live needles (a record larger than
// one stream chunk reassembled, deletes applied as tombstones), or fails naming what is missing.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { type TestGrpcServer, startTestGrpcServer } from '../support/grpc-test-context.ts';
import { allocateTestVolume } from '../support/helpers.ts';
import { suiteScope } from '../support/suite-scope.ts';

const VOLUME_ID = 61;
const COOKIE = 0x7a11;
/** Over the sender's 2 MiB chunk: this record travels in two messages. */
const LARGE_BYTES = 2 * 1024 * 1024 + 4096;
const dataOf = (id: number) => Buffer.alloc(id === 4 ? LARGE_BYTES : 1000 + id, id);

describe('VolumeTailReceiver', () => {
  const scope = suiteScope();
  let source: TestGrpcServer;
  let receiver: TestGrpcServer;
  /** The receiver follows the source's volume until the source has nothing new for a second. */
  const receive = (volumeId: number) =>
    unaryCall(receiver.client, 'VolumeTailReceiver', {
      volume_id: volumeId,
      since_ns: '0',
      idle_timeout_seconds: 1,
      source_volume_server: source.address,
    });
  const receiverJob = (name: string) => {
    const job = receiver.ctx.store.jobs.snapshots().find((j) => j.name.startsWith(`${name}#`));
    assert.ok(job !== undefined, `job ${name} is listed`);
    return job;
  };

  before(async () => {
    // A short poll: the sender notices it is idle within a fraction of a second.
    source = await startTestGrpcServer(scope, 'nw-tail-source-', {}, { streamLimits: { tailPollMs: 50 } });
    receiver = await startTestGrpcServer(scope, 'nw-tail-receiver-');
    const volume = await allocateTestVolume(source.ctx.store, VOLUME_ID);
    for (let id = 1; id <= 4; id++) await volume.write(newNeedle({ cookie: COOKIE, id: BigInt(id), data: dataOf(id) }));
    await volume.delete(2n, COOKIE);
    await allocateTestVolume(receiver.ctx.store, VOLUME_ID);
  });

  it('copies what the source holds: live needles byte for byte, the deleted one deleted', async () => {
    await receive(VOLUME_ID);
    const copy = receiver.ctx.store.findVolume(VOLUME_ID)!;
    for (const id of [1, 3, 4]) {
      const needle = await copy.read(BigInt(id));
      assert.deepEqual(Buffer.from(needle.data), dataOf(id), `needle ${id}`);
      assert.equal(needle.cookie, COOKIE);
    }
    await assert.rejects(copy.read(2n), 'the tombstone was applied');
    assert.equal(copy.stats().fileCount, source.ctx.store.findVolume(VOLUME_ID)!.stats().fileCount);
    const job = receiverJob(`tail-receiver/volume-${VOLUME_ID}`);
    assert.equal(job.current, 'Stopped', 'the receive is a finished job');
    assert.equal(job.status.lastError, null);
    assert.equal(job.status.counters.records, 5, 'four writes and a delete');
  });

  it('fails for a volume the receiver does not have, or the source does not', async () => {
    await assert.rejects(receive(62), (err: grpc.ServiceError) => err.details === 'receiver not found volume id 62');
    await allocateTestVolume(receiver.ctx.store, 63);
    await assert.rejects(receive(63), (err: grpc.ServiceError) => /not found volume id 63/.test(err.details));
    assert.match(receiverJob('tail-receiver/volume-63').status.lastError?.message ?? '', /not found volume id 63/);
  });
});
