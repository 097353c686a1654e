// The retry queue for deletes that failed on another server: backoff min(1 min × 2^n, 24 h),
// persistence across a restart, a fresh write token per retry, a bound, giving up loudly, and a
// replicated delete whose replica failed reaching it later.
import assert from 'node:assert/strict';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  DeleteRetryQueue,
  MAX_DELETE_ATTEMPTS,
  RETRY_MAX_DELAY_MS,
  retryDelayMs,
} from '../../src/cluster/delete-retry-queue.ts';
import { verifyFidToken } from '../../src/server/http/jwt.ts';
import { replicationHooks } from '../../src/server/http/replication.ts';
import { send, startFixture } from './http-fixture.ts';
import { tempDir } from './helpers.ts';

const MINUTE = 60_000;

function queueAt(
  file: string,
  answers: number[],
  extra: Partial<ConstructorParameters<typeof DeleteRetryQueue>[0]> = {},
) {
  let now = 5_000_000;
  const sent: Array<{ url: string; headers: Record<string, string>; atMs: number }> = [];
  const queue = new DeleteRetryQueue({
    file,
    nowMs: () => now,
    send: async (url, headers) => {
      sent.push({ url, headers, atMs: now });
      return answers.shift() ?? 500;
    },
    ...extra,
  });
  return { queue, sent, advance: (ms: number) => (now += ms), now: () => now };
}

const failed = {
  kind: 'replica' as const,
  url: 'http://10.0.0.2:8080/3,01637037d6?type=replicate',
  fid: '3,01637037d6',
  okStatuses: [200, 202, 204, 404],
  error: 'connect ECONNREFUSED',
};

describe('delete retry queue', () => {
  it('backs off 1, 2, 4, ... minutes, capped at a day', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(retryDelayMs), [MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 16 * MINUTE]);
    assert.equal(retryDelayMs(20), RETRY_MAX_DELAY_MS);
  });

  it('retries on that schedule until the holder takes the delete, then forgets it', async () => {
    const dir = await tempDir();
    const q = queueAt(path.join(dir, 'q.json'), [500, 503, 202]);
    assert.equal(q.queue.enqueue(failed), true);
    q.advance(MINUTE - 1);
    await q.queue.runDue();
    assert.equal(q.sent.length, 0, 'not before a minute');
    for (const waitMs of [1, 2 * MINUTE, 4 * MINUTE]) {
      q.advance(waitMs);
      await q.queue.runDue();
    }
    assert.deepEqual(
      q.sent.map((s) => s.url),
      [failed.url, failed.url, failed.url],
    );
    assert.equal(q.queue.depth, 0);
    const status = q.queue.statusSnapshot();
    assert.deepEqual(
      [status.status.counters.queued, status.status.counters.retried, status.status.counters.delivered],
      [1, 3, 1],
    );
    assert.equal(status.status.detail, 'empty');
  });

  it('survives a restart: the queue is on disk', async () => {
    const file = path.join(await tempDir(), 'q.json');
    const first = queueAt(file, []);
    first.queue.enqueue(failed);
    first.queue.enqueue({ ...failed, kind: 'chunk', url: 'http://10.0.0.3:8080/4,02?cm=false', fid: '4,02' });
    await first.queue.stop();
    const second = queueAt(file, [202, 404]);
    await second.queue.load();
    assert.deepEqual(
      second.queue.pending().map((i) => [i.kind, i.url, i.attempts]),
      [
        ['replica', failed.url, 1],
        ['chunk', 'http://10.0.0.3:8080/4,02?cm=false', 1],
      ],
    );
    const status = second.queue.statusSnapshot();
    assert.equal(status.status.queueDepth, 2);
    assert.match(
      status.status.detail,
      /^oldest: replica delete http:\/\/10\.0\.0\.2:8080\/3,01637037d6\?type=replicate since /,
    );
    second.advance(2 * MINUTE);
    await second.queue.runDue();
    assert.equal(second.queue.depth, 0);
  });

  it('sends each retry with a fresh write token for its fid', async () => {
    const q = queueAt(path.join(await tempDir(), 'q.json'), [202], {
      jwtSigningKey: 'secret',
      jwtExpiresAfterSeconds: 10,
    });
    q.queue.enqueue(failed);
    q.advance(MINUTE);
    await q.queue.runDue();
    const token = q.sent[0]!.headers.authorization!.replace(/^BEARER /, '');
    assert.equal(verifyFidToken(token, 'secret', '3,01637037d6'), true);
    assert.equal(verifyFidToken(token, 'secret', '3,01637037d7'), false);
  });

  it('refuses past its bound, and gives up after its attempts, both counted and shown', async () => {
    const q = queueAt(path.join(await tempDir(), 'q.json'), [], { maxItems: 2 });
    assert.equal(q.queue.enqueue(failed), true);
    assert.equal(q.queue.enqueue(failed), true);
    assert.equal(q.queue.enqueue(failed), false);
    let status = q.queue.statusSnapshot();
    assert.equal(status.status.counters.refused, 1);
    assert.equal(status.current, 'Stopped');
    q.queue.start();
    assert.equal(q.queue.statusSnapshot().current, 'Degraded');
    for (let i = 0; i < MAX_DELETE_ATTEMPTS; i++) {
      q.advance(RETRY_MAX_DELAY_MS);
      await q.queue.runDue();
    }
    status = q.queue.statusSnapshot();
    assert.equal(q.queue.depth, 0);
    assert.equal(status.status.counters.givenUp, 2);
    assert.match(
      status.status.lastError?.message ?? '',
      new RegExp(`gave up the replica delete .* after ${MAX_DELETE_ATTEMPTS} attempts: status 500`),
    );
    await q.queue.stop();
  });
});

describe('a replicated delete whose replica failed', () => {
  it('is answered as a failure, queued, and reaches the replica once it is back', async () => {
    let answer = 500;
    const requests: string[] = [];
    const peer = createServer((req: IncomingMessage, res) => {
      requests.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(req.method === 'DELETE' ? answer : 201).end('{}'));
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const peerUrl = `127.0.0.1:${(peer.address() as AddressInfo).port}`;
    let now = 1_000_000;
    const queue = new DeleteRetryQueue({ file: path.join(await tempDir(), 'q.json'), nowMs: () => now });
    const lookup = {
      lookup: async () => [
        { url: 'self.invalid:1', publicUrl: 'self.invalid:1' },
        { url: peerUrl, publicUrl: peerUrl },
      ],
      forget: () => {},
    };
    const f = await startFixture(8 * 1024 * 1024, () =>
      replicationHooks({ lookup, selfAddress: 'self.invalid:1', replicaTimeoutMs: 1500, deleteRetries: queue }),
    );
    try {
      await f.store.allocateVolume({
        volumeId: 9,
        collection: '',
        replication: '001',
        ttl: '',
        diskType: '',
        version: 3,
      });
      assert.equal(
        (await send(f.admin, 'POST', '/9,07a1b2c3d4', { 'Content-Type': 'application/octet-stream' }, 'gone soon'))
          .status,
        201,
      );
      const r = await send(f.admin, 'DELETE', '/9,07a1b2c3d4');
      assert.equal(r.status, 500, 'the client hears of the failure, as upstream answers');
      assert.deepEqual(
        queue.pending().map((i) => i.url),
        [`http://${peerUrl}/9,07a1b2c3d4?type=replicate`],
      );
      answer = 202;
      now += MINUTE;
      await queue.runDue();
      assert.equal(queue.depth, 0);
      assert.deepEqual(
        requests.filter((q) => q.startsWith('DELETE')),
        ['DELETE /9,07a1b2c3d4?type=replicate', 'DELETE /9,07a1b2c3d4?type=replicate'],
      );
    } finally {
      await queue.stop();
      await f.servers.close();
      await f.store.close();
      peer.closeAllConnections();
      await new Promise<void>((resolve) => peer.close(() => resolve()));
    }
  });
});
