// Streams that a client could hold open forever are bounded: a VolumeTailSender asked never to
// time out (idle 0) ends after the server's idle cap or when the client cancels, and a ReceiveFile
// that stops sending ends with DEADLINE_EXCEEDED and leaves no partial file. Small limits keep
// the tests quick; they only assert that the stream ended and how.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { ClientRequestOf, ClientResponseOf } from '../../src/server/grpc/context.ts';
import { newPeerClient, type VolumeServerPeer } from '../../src/cluster/peer-client.ts';
import { startGrpcServer } from '../../src/server/grpc/server.ts';
import { pathExists } from '../../src/storage/path-exists.ts';
import { testGrpcContext } from './grpc-test-context.ts';
import { suiteScope, type SuiteScope } from './suite-scope.ts';
import { linesLogger } from './lines-logger.ts';

interface Running {
  client: VolumeServerPeer;
  dir: string;
  logs: string[];
}

async function startServer(
  scope: SuiteScope,
  limits: { tailPollMs: number; tailMaxIdleMs: number; receiveIdleMs: number },
): Promise<Running> {
  const logs: string[] = [];
  const base = await testGrpcContext(scope, 'needlework-grpc-bounds-');
  const ctx = { ...base, log: linesLogger(logs) };
  await ctx.store.allocateVolume({
    volumeId: 5,
    collection: '',
    replication: '000',
    ttl: '',
    diskType: '',
    version: 3,
  });
  const server = await startGrpcServer(ctx, '127.0.0.1', 0, { streamLimits: limits });
  const client = newPeerClient(`127.0.0.1:1.${server.port}`);
  scope.defer(async () => {
    client.close();
    await server.close();
  });
  return { client, dir: base.dir, logs };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function receive(
  client: VolumeServerPeer,
  messages: ClientRequestOf<'ReceiveFile'>[],
  end: boolean,
): Promise<ClientResponseOf<'ReceiveFile'>> {
  return new Promise((resolve, reject) => {
    const call = client.ReceiveFile((err, r) => (err || r === undefined ? reject(err) : resolve(r)));
    for (const message of messages) call.write(message);
    if (end) call.end();
  });
}

const EC_INFO = { info: { volume_id: 77, ext: '.ec00', collection: 'rx', is_ec_volume: true, disk_id: 0 } };

describe('gRPC stream bounds', () => {
  const scope = suiteScope();
  let short: Running;
  let long: Running;

  before(async () => {
    short = await startServer(scope, { tailPollMs: 20, tailMaxIdleMs: 200, receiveIdleMs: 200 });
    long = await startServer(scope, { tailPollMs: 20, tailMaxIdleMs: 600_000, receiveIdleMs: 600_000 });
  });

  it('a tail with idle_timeout_seconds 0 ends at the server idle cap', { timeout: 20_000 }, async () => {
    const stream = short.client.VolumeTailSender({ volume_id: 5, since_ns: '0', idle_timeout_seconds: 0 });
    await new Promise<void>((resolve, reject) => {
      stream.on('data', () => {});
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    assert.ok(
      short.logs.some((line) => /volume 5/.test(line) && /no new data/.test(line)),
      short.logs.join('\n'),
    );
  });

  it('a tail with idle_timeout_seconds 0 stops when the client cancels', { timeout: 20_000 }, async () => {
    const stream = long.client.VolumeTailSender({ volume_id: 5, since_ns: '0', idle_timeout_seconds: 0 });
    stream.on('error', () => {});
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.cancel();
    await waitFor(() => long.logs.some((line) => /tailing volume 5 finished/.test(line)), 'the tail to stop');
  });

  it('a ReceiveFile that stops sending ends with DEADLINE_EXCEEDED and removes the partial file', {
    timeout: 20_000,
  }, async () => {
    await assert.rejects(
      receive(short.client, [EC_INFO, { file_content: Buffer.alloc(1000, 1) }], false),
      (err: unknown) => {
        assert.equal((err as grpc.ServiceError).code, grpc.status.DEADLINE_EXCEEDED, (err as Error).message);
        return true;
      },
    );
    assert.equal(await pathExists(path.join(short.dir, 'rx_77.ec00')), false);
    assert.ok(
      short.logs.some((line) => /ReceiveFile/.test(line) && /no message/.test(line)),
      short.logs.join('\n'),
    );
  });

  it('a ReceiveFile that never sends its file info ends too', { timeout: 20_000 }, async () => {
    await assert.rejects(
      receive(short.client, [], false),
      (err: unknown) => (err as grpc.ServiceError).code === grpc.status.DEADLINE_EXCEEDED,
    );
  });

  it('a ReceiveFile that finishes in time still writes its file', async () => {
    const response = await receive(
      short.client,
      [EC_INFO, { file_content: Buffer.alloc(1000, 1) }, { file_content: Buffer.alloc(24, 2) }],
      true,
    );
    assert.deepEqual(response, { bytes_written: '1024', error: '' });
    assert.equal((await fs.stat(path.join(short.dir, 'rx_77.ec00'))).size, 1024);
    await fs.rm(path.join(short.dir, 'rx_77.ec00'));
  });
});
