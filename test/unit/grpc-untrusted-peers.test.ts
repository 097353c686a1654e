// SeaweedFS 4.53's gate on caller-supplied peers: VolumeCopy and VolumeEcShardsCopy
// (source_data_node) and VolumeTailReceiver (source_volume_server) refuse loopback, link-local
// (metadata service), unspecified and malformed addresses before dialing, unless
// -volume.allowUntrustedRemoteEndpoints; and VolumeEcShardsCopy paces its files at the caller's
// rate, else -maintenanceMBps.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  EndpointRejected,
  checkPeerSource,
  splitHostPort,
  validateReplicaTarget,
} from '../../src/remote/endpoint-guard.ts';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { type TestGrpcServer, startTestGrpcServer, volumeCopyMessages } from '../support/grpc-test-context.ts';
import { suiteScope } from '../support/suite-scope.ts';

function refusedWith(message: string) {
  return (err: grpc.ServiceError) => {
    assert.equal(err.code, grpc.status.UNKNOWN);
    assert.equal(err.details, message);
    return true;
  };
}

describe('splitHostPort (Go net.SplitHostPort rules)', () => {
  it('splits host:port, [v6]:port and the host:port.grpcPort form', () => {
    assert.deepEqual(splitHostPort('10.0.0.1:8080'), { host: '10.0.0.1' });
    assert.deepEqual(splitHostPort('10.0.0.1:8080.18080'), { host: '10.0.0.1' });
    assert.deepEqual(splitHostPort('[fd00::1]:8080'), { host: 'fd00::1' });
    assert.deepEqual(splitHostPort(':8080'), { host: '' });
  });

  it("words a malformed address as Go's AddrError", () => {
    assert.deepEqual(splitHostPort('volume1'), { error: 'address volume1: missing port in address' });
    assert.deepEqual(splitHostPort('::1:8080'), { error: 'address ::1:8080: too many colons in address' });
    assert.deepEqual(splitHostPort('[::1]'), { error: 'address [::1]: missing port in address' });
    assert.deepEqual(splitHostPort('[::1:8080'), { error: "address [::1:8080: missing ']' in address" });
    assert.deepEqual(splitHostPort('[::1]::8080'), { error: 'address [::1]::8080: too many colons in address' });
    assert.deepEqual(splitHostPort('a]:8080'), { error: "address a]:8080: unexpected ']' in address" });
  });
});

describe('validateReplicaTarget / checkPeerSource', () => {
  it('refuses loopback, metadata, unspecified and malformed peers; allows private ones', async () => {
    await assert.rejects(validateReplicaTarget('127.0.0.1:8080'), {
      message: 'remote endpoint "127.0.0.1:8080" resolves to loopback address 127.0.0.1',
    });
    await assert.rejects(validateReplicaTarget('[::1]:8080'), {
      message: 'remote endpoint "[::1]:8080" resolves to loopback address ::1',
    });
    await assert.rejects(validateReplicaTarget('169.254.169.254:80'), {
      message: 'remote endpoint "169.254.169.254:80" targets instance metadata service 169.254.169.254',
    });
    await assert.rejects(validateReplicaTarget('0.0.0.0:80'), /unspecified address/);
    await assert.rejects(validateReplicaTarget('metadata:80'), {
      message: 'replica target "metadata:80" targets instance metadata service',
    });
    await assert.rejects(validateReplicaTarget('::1:8080'), {
      message: 'replica target "::1:8080" must be a bare host:port: address ::1:8080: too many colons in address',
    });
    await assert.rejects(validateReplicaTarget('volume1'), {
      message: 'replica target "volume1" must be a bare host:port: address volume1: missing port in address',
    });
    await assert.rejects(validateReplicaTarget(''), EndpointRejected);
    // Cluster peers sit on private and CGNAT networks.
    await validateReplicaTarget('10.1.2.3:8080.18080');
    await validateReplicaTarget('192.168.1.9:8080');
    await validateReplicaTarget('100.64.0.1:8080');
  });

  it('prefixes the refusal as upstream, and lets anything through when untrusted peers are allowed', async () => {
    await assert.rejects(checkPeerSource('127.0.0.1:1.2', false, 'invalid source data node'), {
      message:
        'invalid source data node 127.0.0.1:1.2: remote endpoint "127.0.0.1:1.2" resolves to loopback address 127.0.0.1',
    });
    await checkPeerSource('127.0.0.1:1.2', true, 'invalid source data node');
  });
});

describe('copy and tail RPCs without -volume.allowUntrustedRemoteEndpoints', () => {
  const scope = suiteScope();
  let guarded: TestGrpcServer;
  let peer: TestGrpcServer;

  before(async () => {
    guarded = await startTestGrpcServer(scope, 'needlework-grpc-untrusted-', { allowUntrustedRemoteEndpoints: false });
    peer = await startTestGrpcServer(scope, 'needlework-grpc-untrusted-', { allowUntrustedRemoteEndpoints: true });
    const volume = await peer.ctx.store.allocateVolume({
      volumeId: 3,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    await volume.write(newNeedle({ cookie: 1, id: 1n, data: Buffer.from('hello') }));
  });

  for (const source of ['127.0.0.1:1.10001', '169.254.169.254:0.80']) {
    const reason = source.startsWith('127.')
      ? `remote endpoint "${source}" resolves to loopback address 127.0.0.1`
      : `remote endpoint "${source}" targets instance metadata service 169.254.169.254`;

    it(`VolumeCopy refuses ${source} before dialing`, async () => {
      await assert.rejects(
        volumeCopyMessages(guarded.client, { volume_id: 9, source_data_node: source }),
        refusedWith(`invalid source data node ${source}: ${reason}`),
      );
      assert.equal(guarded.ctx.store.isCopying(9), false);
    });

    it(`VolumeEcShardsCopy refuses ${source}`, async () => {
      await assert.rejects(
        unaryCall(guarded.client, 'VolumeEcShardsCopy', {
          volume_id: 9,
          shard_ids: [0],
          copy_ecx_file: true,
          source_data_node: source,
        }),
        refusedWith(`invalid source data node ${source}: ${reason}`),
      );
    });

    it(`VolumeTailReceiver refuses ${source}, even for a volume it does not have`, async () => {
      await assert.rejects(
        unaryCall(guarded.client, 'VolumeTailReceiver', {
          volume_id: 404,
          since_ns: '0',
          idle_timeout_seconds: 1,
          source_volume_server: source,
        }),
        refusedWith(`invalid source volume server ${source}: ${reason}`),
      );
    });
  }

  it('refuses a real loopback peer it could otherwise copy from, leaving nothing behind', async () => {
    await assert.rejects(
      volumeCopyMessages(guarded.client, { volume_id: 3, source_data_node: peer.address }),
      /invalid source data node/,
    );
    assert.equal(guarded.ctx.store.findVolume(3), undefined);
  });

  it('the opted-out server copies from the same loopback peer', async () => {
    const other = await startTestGrpcServer(scope, 'needlework-grpc-untrusted-', {
      allowUntrustedRemoteEndpoints: true,
    });
    await volumeCopyMessages(other.client, { volume_id: 3, source_data_node: peer.address });
    assert.equal((await other.ctx.store.findVolume(3)!.read(1n)).data.toString(), 'hello');
  });
});

describe('VolumeEcShardsCopy pacing', () => {
  const scope = suiteScope();
  let source: TestGrpcServer;
  let shardBytes = 0;

  before(async () => {
    source = await startTestGrpcServer(scope, 'needlework-grpc-untrusted-', { allowUntrustedRemoteEndpoints: true });
    const volume = await source.ctx.store.allocateVolume({
      volumeId: 5,
      collection: 'ec',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    for (let i = 1; i <= 8; i++)
      await volume.write(newNeedle({ cookie: 7, id: BigInt(i), data: randomBytes(32 * 1024) }));
    await unaryCall(source.client, 'VolumeEcShardsGenerate', { volume_id: 5, collection: 'ec' });
    for (const id of [0, 1, 2, 3]) shardBytes += (await fs.stat(`${source.ctx.dir}/ec_5.ec0${id}`)).size;
    assert.ok(shardBytes > 64 * 1024, `shards big enough to pace (${shardBytes} bytes)`);
  });

  async function timedCopy(dest: TestGrpcServer, ioBytePerSecond: number): Promise<number> {
    const started = Date.now();
    await unaryCall(dest.client, 'VolumeEcShardsCopy', {
      volume_id: 5,
      collection: 'ec',
      shard_ids: [0, 1, 2, 3],
      source_data_node: source.address,
      io_byte_per_second: String(ioBytePerSecond),
    });
    return Date.now() - started;
  }

  it('copies at full speed when neither the caller nor -maintenanceMBps limits it', async () => {
    const dest = await startTestGrpcServer(scope, 'needlework-grpc-untrusted-', {
      allowUntrustedRemoteEndpoints: true,
    });
    assert.ok((await timedCopy(dest, 0)) < 1000);
    assert.equal(
      (await fs.stat(`${dest.ctx.dir}/ec_5.ec03`)).size,
      (await fs.stat(`${source.ctx.dir}/ec_5.ec03`)).size,
    );
  });

  it('falls back to -maintenanceMBps when the caller names no rate', async () => {
    const rate = Math.ceil(shardBytes / 1.5); // about 1.5 s for the batch
    const dest = await startTestGrpcServer(scope, 'needlework-grpc-untrusted-', {
      allowUntrustedRemoteEndpoints: true,
      maintenanceBytesPerSecond: rate,
    });
    const elapsed = await timedCopy(dest, 0);
    assert.ok(elapsed >= 1200, `paced by -maintenanceMBps: ${elapsed} ms`);
  });

  it("prefers the caller's io_byte_per_second, one budget for the whole batch", async () => {
    const dest = await startTestGrpcServer(scope, 'needlework-grpc-untrusted-', {
      allowUntrustedRemoteEndpoints: true,
      maintenanceBytesPerSecond: 1,
    });
    const rate = Math.ceil(shardBytes / 1.5);
    const elapsed = await timedCopy(dest, rate);
    assert.ok(elapsed >= 1200 && elapsed < 6000, `paced at the caller's rate: ${elapsed} ms`);
  });
});
