// Remote storage and the .dat tier without weed: the endpoint guard, backend names, the ranged
// remote read, FetchAndWriteNeedle and a tier move to and back from an in-process fake S3.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  blockedAddressReason,
  validateRemoteEndpoint,
  validateReplicaTarget,
} from '../../src/remote/endpoint-guard.ts';
import { RemoteObjectNotFound, buildRemoteStorageClient, formatLocation } from '../../src/remote/remote-storage.ts';
import {
  backendNameToTypeId,
  findBackendStorage,
  goStringList,
  loadFromPbStorageBackends,
  registerBackendType,
  setBackendStorageForTest,
} from '../../src/storage/backend/backend.ts';
import { S3BackendStorage, registerS3BackendType, uploadPartSizeBytes } from '../../src/remote/s3-backend.ts';
import type { GrpcContext } from '../../src/server/grpc/context.ts';
import { newPeerClient, unaryCall, type VolumeServerPeer } from '../../src/cluster/peer-client.ts';
import { startGrpcServer } from '../../src/server/grpc/server.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { pathExists } from '../../src/storage/path-exists.ts';
import { type FakeS3, startFakeS3 } from './fake-s3.ts';
import { allMessages, testGrpcContext } from './grpc-test-context.ts';
import { MemoryBackend } from './memory-backend.ts';
import { textNeedle } from './helpers.ts';
import { suiteScope } from './suite-scope.ts';
import { linesLogger } from './lines-logger.ts';

describe('remote endpoint guard', () => {
  it('blocks loopback, link-local, metadata, unspecified; private only for remotes', () => {
    assert.match(blockedAddressReason('127.0.0.1', true)!, /loopback/);
    assert.match(blockedAddressReason('::1', true)!, /loopback/);
    assert.match(blockedAddressReason('169.254.169.254', true)!, /metadata/);
    assert.match(blockedAddressReason('fe80::1', true)!, /link-local/);
    assert.match(blockedAddressReason('0.0.0.0', true)!, /unspecified/);
    assert.match(blockedAddressReason('::', true)!, /unspecified/);
    assert.match(blockedAddressReason('::ffff:127.0.0.1', true)!, /loopback/);
    assert.match(blockedAddressReason('10.1.2.3', false)!, /private/);
    assert.match(blockedAddressReason('100.64.0.1', false)!, /CGNAT/);
    assert.match(blockedAddressReason('fd00::1', false)!, /private/);
    assert.equal(blockedAddressReason('10.1.2.3', true), null);
    assert.equal(blockedAddressReason('8.8.8.8', false), null);
    assert.equal(blockedAddressReason('2001:4860::8888', false), null);
  });

  it('checks the IPv4 inside transition addresses', () => {
    assert.match(blockedAddressReason('64:ff9b::7f00:1', false)!, /loopback/);
    assert.match(blockedAddressReason('2002:7f00:1::', false)!, /loopback/);
    assert.match(blockedAddressReason('64:ff9b::a9fe:a9fe', false)!, /metadata/);
  });

  it('validates remote endpoints and replica targets with upstream texts', async () => {
    await assert.rejects(validateRemoteEndpoint(''), /remote endpoint is empty/);
    await assert.rejects(validateRemoteEndpoint('ftp://example.com'), /must use http or https/);
    await assert.rejects(validateRemoteEndpoint('http://127.0.0.1:9000'), /resolves to loopback address 127\.0\.0\.1/);
    await assert.rejects(validateRemoteEndpoint('http://metadata.google.internal'), /instance metadata service/);
    await assert.rejects(validateRemoteEndpoint('http://[::1]:8333'), /loopback/);
    await validateRemoteEndpoint('https://8.8.8.8');
    await assert.rejects(validateReplicaTarget('http://10.0.0.1:8080'), /must be a bare host:port/);
    await assert.rejects(validateReplicaTarget('127.0.0.1:8080'), /loopback/);
    await validateReplicaTarget('10.0.0.1:8080');
  });
});

describe('storage backends', () => {
  it('names map to type and id as upstream', () => {
    assert.deepEqual(backendNameToTypeId('s3'), { type: 's3', id: 'default' });
    assert.deepEqual(backendNameToTypeId('s3.cold'), { type: 's3', id: 'cold' });
    assert.deepEqual(backendNameToTypeId('a.b.c'), { type: '', id: '' });
    assert.equal(goStringList(['s3', 's3.default']), '[s3 s3.default]');
    assert.equal(uploadPartSizeBytes(1), 64 * 1024 * 1024);
    assert.equal(uploadPartSizeBytes(64 * 1024 * 1024 * 1000 + 1), 256 * 1024 * 1024);
  });

  it('registers the master backends; default also under the bare type; unknown types skipped', () => {
    setBackendStorageForTest(undefined);
    registerS3BackendType();
    const logged: string[] = [];
    loadFromPbStorageBackends(
      [
        { type: 's3', id: 'default', properties: { bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' } },
        { type: 'rclone', id: 'x', properties: {} },
      ],
      linesLogger(logged),
    );
    const backend = findBackendStorage('s3');
    assert.ok(backend !== undefined);
    assert.equal(findBackendStorage('s3.default'), backend);
    assert.equal(backend.toProperties().storage_class, 'STANDARD_IA');
    assert.equal(backend.toProperties().force_path_style, 'true');
    assert.ok(logged.some((m) => m.includes('storage type rclone not found')));
    assert.ok(backend instanceof S3BackendStorage, 'the s3 type registered from remote/ creates the backend');
    setBackendStorageForTest(undefined);
  });

  it('creates a backend through the factory registered for its type, with the properties and id the master sent', () => {
    setBackendStorageForTest(undefined);
    const made: { properties: Record<string, string>; id: string }[] = [];
    registerBackendType('memtier', (properties, id) => {
      made.push({ properties, id });
      return new MemoryBackend('memtier', id);
    });
    const logged: string[] = [];
    loadFromPbStorageBackends([{ type: 'memtier', id: 'cold', properties: { bucket: 'b' } }], linesLogger(logged));
    assert.deepEqual(made, [{ properties: { bucket: 'b' }, id: 'cold' }]);
    assert.equal(findBackendStorage('memtier.cold')?.id, 'cold');
    assert.equal(findBackendStorage('memtier'), undefined, 'only id "default" is also registered under the bare type');
    assert.deepEqual(logged, ['created backend storage memtier.cold']);
    assert.throws(() => registerBackendType('mem.tier', () => new MemoryBackend()), /without a dot/);
    setBackendStorageForTest(undefined);
  });
});

describe('remote storage client', () => {
  const scope = suiteScope();
  let s3: FakeS3;
  before(async () => {
    s3 = await startFakeS3();
    scope.defer(() => s3.close());
  });
  const conf = () => ({
    type: 's3',
    name: 'r',
    s3_endpoint: s3.endpoint,
    s3_region: 'us-east-1',
    s3_access_key: 'k',
    s3_secret_key: 's',
    s3_force_path_style: true,
  });

  it('reads an exact byte range, in parts', async () => {
    const full = Buffer.alloc(10 * 1024 * 1024, 0);
    for (let i = 0; i < full.length; i++) full[i] = i % 251;
    s3.objects.set('bkt/big.dat', full);
    const client = await buildRemoteStorageClient(conf(), true);
    const got = await client.readFile({ name: 'r', bucket: 'bkt', path: '/big.dat' }, 100, 9 * 1024 * 1024, 2);
    assert.ok(got.equals(full.subarray(100, 100 + 9 * 1024 * 1024)));
    const ranges = s3.requests.filter((r) => r.path === 'bkt/big.dat').map((r) => r.range);
    assert.equal(ranges.length, 3);
  });

  it('a missing key is RemoteObjectNotFound; a short object is an error', async () => {
    const client = await buildRemoteStorageClient(conf(), true);
    await assert.rejects(client.readFile({ name: 'r', bucket: 'bkt', path: '/nope' }, 0, 10), RemoteObjectNotFound);
    s3.objects.set('bkt/small', Buffer.from('abc'));
    await assert.rejects(client.readFile({ name: 'r', bucket: 'bkt', path: '/small' }, 0, 10), /short read/);
  });

  it('rejects unknown types and guarded loopback endpoints with upstream texts', async () => {
    await assert.rejects(
      buildRemoteStorageClient({ type: 'does-not-exist', name: 'x' }, false),
      /get remote client: .*remote storage type does-not-exist not found/,
    );
    await assert.rejects(buildRemoteStorageClient(conf(), false), /reject remote endpoint: .*loopback/);
    assert.equal(formatLocation({ name: 'a', bucket: 'b', path: '/c' }), 'name:"a" bucket:"b" path:"/c"');
  });
});

describe('FetchAndWriteNeedle and tier moves over gRPC', () => {
  const scope = suiteScope();
  let s3: FakeS3;
  let ctx: GrpcContext & { dir: string };
  let client: VolumeServerPeer;

  before(async () => {
    s3 = await startFakeS3();
    scope.defer(() => s3.close());
    ctx = await testGrpcContext(scope, 'needlework-grpc-remote-');
    ctx.allowUntrustedRemoteEndpoints = true;
    const server = await startGrpcServer(ctx, '127.0.0.1', 0);
    client = newPeerClient(`127.0.0.1:1.${server.port}`);
    scope.defer(async () => {
      client.close();
      await server.close();
      setBackendStorageForTest(undefined);
    });
  });

  const remote = () => ({
    type: 's3',
    name: 'r',
    s3_endpoint: s3.endpoint,
    s3_region: 'us-east-1',
    s3_access_key: 'k',
    s3_secret_key: 's',
    s3_force_path_style: true,
  });

  it('writes the remote range as a needle and answers its etag', async () => {
    await ctx.store.allocateVolume({
      volumeId: 31,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    s3.objects.set('bkt/obj', Buffer.from('0123456789abcdefghij'));
    const response = await unaryCall(client, 'FetchAndWriteNeedle', {
      volume_id: 31,
      needle_id: '7',
      cookie: 999,
      offset: '5',
      size: '10',
      remote_conf: remote(),
      remote_location: { name: 'r', bucket: 'bkt', path: '/obj' },
    });
    assert.match(response.e_tag, /^[0-9a-f]{8}$/);
    const n = await ctx.store.findVolume(31)!.read(7n);
    assert.equal(Buffer.from(n.data).toString(), '56789abcde');
    assert.equal(n.cookie, 999);
  });

  it('sends the needle to each replica as a type=replicate upload with the JWT', async () => {
    const seen: Array<{ url: string; auth: string | undefined; body: string }> = [];
    const peer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          url: req.url ?? '',
          auth: req.headers.authorization,
          body: Buffer.concat(chunks).toString('latin1'),
        });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end('{"size":4}');
      });
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const { port } = peer.address() as AddressInfo;
    try {
      s3.objects.set('bkt/rep', Buffer.from('data'));
      await unaryCall(client, 'FetchAndWriteNeedle', {
        volume_id: 31,
        needle_id: '8',
        cookie: 0x1234,
        size: '4',
        auth: 'jwt-token',
        replicas: [{ url: `127.0.0.1:${port}` }],
        remote_conf: remote(),
        remote_location: { name: 'r', bucket: 'bkt', path: '/rep' },
      });
    } finally {
      peer.closeAllConnections();
      peer.close();
    }
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.url, '/31,0800001234?type=replicate');
    assert.equal(seen[0]!.auth, 'BEARER jwt-token');
    assert.match(seen[0]!.body, /\r\n\r\ndata\r\n--/);
  });

  it('answers upstream errors: missing volume, bad type, missing object (NOT_FOUND)', async () => {
    await assert.rejects(
      unaryCall(client, 'FetchAndWriteNeedle', { volume_id: 9999, needle_id: '1' }),
      /not found volume id 9999/,
    );
    await assert.rejects(
      unaryCall(client, 'FetchAndWriteNeedle', {
        volume_id: 31,
        needle_id: '1',
        size: '1',
        remote_conf: { type: 'nope', name: 'x' },
        remote_location: { path: '/t' },
      }),
      /get remote client/,
    );
    await assert.rejects(
      unaryCall(client, 'FetchAndWriteNeedle', {
        volume_id: 31,
        needle_id: '1',
        size: '3',
        remote_conf: remote(),
        remote_location: { name: 'r', bucket: 'bkt', path: '/gone' },
      }),
      (err: grpc.ServiceError) =>
        err.code === grpc.status.NOT_FOUND && /read from remote .*remote object not found/.test(err.details),
    );
  });

  it('tier errors follow upstream', async () => {
    await ctx.store.allocateVolume({
      volumeId: 32,
      collection: 'tc',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    await assert.rejects(
      allMessages(
        client.VolumeTierMoveDatToRemote({ volume_id: 9998, collection: 'tc', destination_backend_name: 'x' }),
      ),
      /volume 9998 not found/,
    );
    await assert.rejects(
      allMessages(
        client.VolumeTierMoveDatToRemote({ volume_id: 32, collection: 'other', destination_backend_name: 'x' }),
      ),
      /unexpected input/,
    );
    await assert.rejects(
      allMessages(
        client.VolumeTierMoveDatToRemote({ volume_id: 32, collection: 'tc', destination_backend_name: 'missing' }),
      ),
      /destination missing not found, supported: \[/,
    );
    await assert.rejects(
      allMessages(client.VolumeTierMoveDatFromRemote({ volume_id: 32, collection: 'tc' })),
      /already on local disk/,
    );
  });

  it('moves a .dat to the s3 tier and back', async () => {
    setBackendStorageForTest(
      's3.default',
      new S3BackendStorage(
        {
          bucket: 'tier',
          endpoint: s3.endpoint,
          region: 'us-east-1',
          aws_access_key_id: 'k',
          aws_secret_access_key: 's',
        },
        'default',
      ),
    );
    const volume = await ctx.store.allocateVolume({
      volumeId: 33,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    await volume.write(textNeedle(1n, 'hello tier'));
    const datPath = volumeFilePath(volume.location, 'dat');
    const original = await fs.readFile(datPath);

    await allMessages(
      client.VolumeTierMoveDatToRemote({
        volume_id: 33,
        collection: '',
        destination_backend_name: 's3.default',
        keep_local_dat_file: false,
      }),
    );
    assert.equal(await pathExists(datPath), false);
    const [file] = volume.volumeInfo.files;
    assert.ok(file !== undefined);
    assert.equal(file.backendType, 's3');
    assert.equal(file.fileSize, BigInt(original.length));
    assert.ok(s3.objects.get(`tier/${file.key}`)?.equals(original));
    // The upload is a job in the service status, with its bytes.
    const upload = ctx.store.jobs.snapshots().find((job) => job.name.startsWith('tier-upload/volume-33#'));
    assert.equal(upload?.current, 'Stopped');
    assert.equal(upload?.status.lastError, null);
    assert.equal(upload?.status.progress?.doneBytes, original.length);
    assert.equal(upload?.status.progress?.totalBytes, original.length);
    assert.ok(volume.isReadOnly);
    assert.equal(Buffer.from((await volume.read(1n)).data).toString(), 'hello tier');
    // Already moved: upstream answers an empty stream.
    assert.deepEqual(
      await allMessages(
        client.VolumeTierMoveDatToRemote({ volume_id: 33, collection: '', destination_backend_name: 's3.default' }),
      ),
      [],
    );

    await allMessages(
      client.VolumeTierMoveDatFromRemote({ volume_id: 33, collection: '', keep_remote_dat_file: false }),
    );
    assert.ok((await fs.readFile(datPath)).equals(original));
    assert.equal(s3.objects.has(`tier/${file.key}`), false);
    const reloaded = ctx.store.findVolume(33)!;
    assert.equal(reloaded.volumeInfo.files.length, 0);
    assert.equal(reloaded.isReadOnly, false);
    assert.equal(Buffer.from((await reloaded.read(1n)).data).toString(), 'hello tier');
  });
});
