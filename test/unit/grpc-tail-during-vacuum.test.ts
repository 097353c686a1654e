// VolumeTailSender across a vacuum commit. Found by the soak run: a tail round streaming old
// offsets while the commit swapped in the compacted files read past the new end ("streamFollow:
// .dat ends at …") and could read another record's bytes. The round now starts over from the
// last record sent, found again by time, and every live needle arrives whole.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ClientResponseOf } from '../../src/server/grpc/context.ts';
import { decodeNeedle, newNeedle } from '../../src/storage/needle/needle.ts';
import { type TestGrpcServer, startTestGrpcServer } from '../support/grpc-test-context.ts';
import { suiteScope } from '../support/suite-scope.ts';

const VOLUME_ID = 21;
const NEEDLES = 60;
const DATA_BYTES = 64 * 1024;

function dataOf(id: number): Buffer {
  return Buffer.alloc(DATA_BYTES, id);
}

describe('tailing a volume while it is vacuumed', () => {
  const scope = suiteScope();
  let server: TestGrpcServer;

  before(async () => {
    server = await startTestGrpcServer(scope, 'nw-tail-vacuum-');
    const volume = await server.ctx.store.allocateVolume({
      volumeId: VOLUME_ID,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    for (let id = 1; id <= NEEDLES; id++)
      await volume.write(newNeedle({ cookie: 5, id: BigInt(id), data: dataOf(id) }));
    // Half deleted: the compacted file is much shorter and its offsets all move.
    for (let id = 1; id <= NEEDLES / 2; id++) await volume.delete(BigInt(id), 5);
  });

  it('delivers every live needle whole, with the stream ending cleanly', async () => {
    const volume = server.ctx.store.findVolume(VOLUME_ID);
    assert.ok(volume);
    const stream = server.client.VolumeTailSender({ volume_id: VOLUME_ID, since_ns: 0, idle_timeout_seconds: 1 });
    const messages: ClientResponseOf<'VolumeTailSender'>[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('data', (m: ClientResponseOf<'VolumeTailSender'>) => messages.push(m));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    // Not reading: flow control holds the sender inside its first round.
    stream.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await volume.compact();
    await volume.commitCompact();
    stream.resume();
    await ended;

    const received = new Map<bigint, Buffer>();
    let parts: Buffer[] = [];
    for (const m of messages) {
      if (m.needle_header.length === 0) continue;
      if (parts.length === 0) parts.push(m.needle_header);
      parts.push(m.needle_body);
      if (!m.is_last_chunk) continue;
      const needle = decodeNeedle(Buffer.concat(parts), 3);
      if (needle.size > 0) received.set(needle.id, Buffer.from(needle.data));
      parts = [];
    }
    for (let id = NEEDLES / 2 + 1; id <= NEEDLES; id++) {
      assert.ok(received.get(BigInt(id))?.equals(dataOf(id)), `needle ${id} arrived whole`);
    }
  });
});
