// A tiered volume reloaded from disk, served: the real tier RPC moves `.dat` to a fake in-memory
// backend, the volume is remounted without its `.dat`, and every read path that reads `.dat`
// answers from the remote copy (HTTP GET and ranges, ReadNeedleBlob, ReadNeedleMeta,
// ReadAllNeedles, VolumeCopy to another server); the move back still works. Last, the whole
// server as `needlework volume` starts it: the master's storage backends are registered before
// any volume loads, so a tiered volume is served right after a restart.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { parseVolumeFlags } from '../../src/cli/flags.ts';
import { startVolumeServer } from '../../src/cli/volume-server.ts';
import { emptySecurityConfig } from '../../src/security/security-config.ts';
import type { ClientResponseOf } from '../../src/server/grpc/context.ts';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { masterClientConstructor } from '../../src/proto/loader.ts';
import { listenHttpServers, type HttpServers } from '../../src/server/http/index.ts';
import { findBackendStorage, setBackendStorageForTest } from '../../src/storage/backend/backend.ts';
import { S3BackendStorage } from '../../src/remote/s3-backend.ts';
import { formatNeedleIdCookie } from '../../src/storage/needle/file-id.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { actualSize } from '../../src/storage/needle/version.ts';
import { pathExists } from '../../src/storage/path-exists.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { Store } from '../../src/store/store.ts';
import { freePort } from '../interop/peers.ts';
import { type FakeS3, startFakeS3 } from './fake-s3.ts';
import { allMessages, startTestGrpcServer, type TestGrpcServer, volumeCopyMessages } from './grpc-test-context.ts';
import { send } from './http-fixture.ts';
import { MemoryBackend } from './memory-backend.ts';
import { suiteScope } from './suite-scope.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { linesLogger } from './lines-logger.ts';

const VOLUME_ID = 41;
const COOKIE = 0x0badcafe;
/** Around the inline IO limit and the 256 KiB stream chunk, and one several chunks long. */
const SIZES_BYTES = [1, 1000, 256 * 1024 - 7, 900 * 1024];

interface Written {
  id: bigint;
  data: Buffer;
  offsetBytes: number;
  size: number;
}

describe('a reloaded tiered volume over HTTP and gRPC', () => {
  const scope = suiteScope();
  const backend = new MemoryBackend();
  let server: TestGrpcServer;
  let http: HttpServers;
  let written: Written[];
  let datBefore: Buffer;

  before(async () => {
    setBackendStorageForTest('s3.default', backend);
    scope.defer(() => setBackendStorageForTest(undefined));
    server = await startTestGrpcServer(scope, 'needlework-tier-serve-');
    http = await listenHttpServers(
      {
        store: server.ctx.store,
        serverVersion: '30GB 4.53 needlework',
        fileSizeLimitBytes: 8 * 1024 * 1024,
        isHealthy: () => true,
        log: silentLogger,
      },
      { host: '127.0.0.1', port: 0, closeGraceMs: 100 },
    );
    scope.defer(() => http.close());

    const volume = await server.ctx.store.allocateVolume({
      volumeId: VOLUME_ID,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    written = [];
    for (const [i, sizeBytes] of SIZES_BYTES.entries()) {
      const id = BigInt(i + 1);
      const data = randomBytes(sizeBytes);
      const result = await volume.write(newNeedle({ id, cookie: COOKIE, data }));
      written.push({ id, data, offsetBytes: result.offsetBytes, size: result.size });
    }
    await volume.sync();
    datBefore = await fs.readFile(volumeFilePath(volume.location, 'dat'));

    await allMessages(
      server.client.VolumeTierMoveDatToRemote({
        volume_id: VOLUME_ID,
        collection: '',
        destination_backend_name: 's3.default',
        keep_local_dat_file: false,
      }),
    );
    assert.equal(await pathExists(volumeFilePath(volume.location, 'dat')), false);
    // What a restart does to the volume: open it again from its files.
    await server.ctx.store.unmountVolume(VOLUME_ID);
    const reloaded = await server.ctx.store.mountVolume(VOLUME_ID);
    assert.equal(reloaded.readsRemoteDat, true);
  });

  it('serves HTTP GETs and ranges from the remote copy', async () => {
    for (const w of written) {
      const path = `/${VOLUME_ID},${formatNeedleIdCookie(w.id, COOKIE)}`;
      const whole = await send(http.adminPort, 'GET', path);
      assert.equal(whole.status, 200, `GET ${path}`);
      assert.ok(whole.body.equals(w.data), `GET ${path} body`);
      if (w.data.length > 10) {
        const part = await send(http.adminPort, 'GET', path, { range: 'bytes=3-9' });
        assert.equal(part.status, 206);
        assert.ok(part.body.equals(w.data.subarray(3, 10)));
      }
    }
  });

  it('refuses an HTTP upload to the tiered volume', async () => {
    const reply = await send(
      http.adminPort,
      'POST',
      `/${VOLUME_ID},${formatNeedleIdCookie(99n, COOKIE)}`,
      { 'content-type': 'application/octet-stream' },
      'x',
    );
    assert.ok(reply.status >= 400, `status ${reply.status}`);
  });

  it('answers ReadNeedleBlob, ReadNeedleMeta and ReadAllNeedles from the remote copy', async () => {
    for (const w of written) {
      const recordBytes = actualSize(w.size, 3);
      const blob = await unaryCall(server.client, 'ReadNeedleBlob', {
        volume_id: VOLUME_ID,
        offset: String(w.offsetBytes),
        size: w.size,
      });
      assert.ok(
        Buffer.from(blob.needle_blob).equals(datBefore.subarray(w.offsetBytes, w.offsetBytes + recordBytes)),
        `blob ${w.id}`,
      );
      const meta = await unaryCall(server.client, 'ReadNeedleMeta', {
        volume_id: VOLUME_ID,
        needle_id: String(w.id),
        offset: String(w.offsetBytes),
        size: w.size,
      });
      assert.equal(meta.cookie, COOKIE);
    }
    const all: ClientResponseOf<'ReadAllNeedles'>[] = await allMessages(
      server.client.ReadAllNeedles({ volume_ids: [VOLUME_ID] }),
    );
    assert.deepEqual(
      all.map((m) => m.needle_id),
      written.map((w) => String(w.id)),
    );
    all.forEach((m, i) => {
      assert.ok(Buffer.from(m.needle_blob).equals(written[i]!.data));
    });
  });

  it('CopyFile of the absent .dat answers as upstream: nothing when allowed, else an error', async () => {
    const request = {
      volume_id: VOLUME_ID,
      collection: '',
      ext: '.dat',
      compaction_revision: 0xffff_ffff,
      stop_offset: String(datBefore.length),
    };
    assert.deepEqual(await allMessages(server.client.CopyFile({ ...request, ignore_source_file_not_found: true })), []);
    await assert.rejects(allMessages(server.client.CopyFile({ ...request, ignore_source_file_not_found: false })));
  });

  it('VolumeCopy of the tiered volume brings .idx and .vif; the copy reads the same remote object', async () => {
    const target = await startTestGrpcServer(scope, 'needlework-tier-serve-target-');
    await volumeCopyMessages(target.client, { volume_id: VOLUME_ID, collection: '', source_data_node: server.address });
    const copy = target.ctx.store.findVolume(VOLUME_ID);
    assert.ok(copy !== undefined);
    assert.equal(copy.readsRemoteDat, true);
    assert.equal(await pathExists(volumeFilePath(copy.location, 'dat')), false);
    for (const w of written) assert.ok(Buffer.from((await copy.read(w.id)).data).equals(w.data));
  });

  it('moves the reloaded volume back: the local .dat is the original and takes writes again', async () => {
    const key = server.ctx.store.findVolume(VOLUME_ID)!.volumeInfo.files[0]!.key;
    // The copy made above shares the object; this move deletes it, as the last replica's would.
    await allMessages(
      server.client.VolumeTierMoveDatFromRemote({ volume_id: VOLUME_ID, collection: '', keep_remote_dat_file: false }),
    );
    const local = server.ctx.store.findVolume(VOLUME_ID)!;
    assert.equal(local.readsRemoteDat, false);
    assert.equal(local.hasRemoteFile, false);
    assert.equal(local.isReadOnly, false);
    assert.ok((await fs.readFile(volumeFilePath(local.location, 'dat'))).equals(datBefore));
    assert.equal(backend.objects.has(key), false);
    for (const w of written) assert.ok(Buffer.from((await local.read(w.id)).data).equals(w.data));
    await local.write(newNeedle({ id: 100n, cookie: COOKIE, data: Buffer.from('local again') }));
  });
});

describe('needlework volume starting with a tiered volume on disk', () => {
  const scope = suiteScope();
  let s3: FakeS3;
  let master: grpc.Server;
  let masterGrpcPort: number;
  let configurationCalls = 0;
  const bucket = 'tier-start';
  const s3Properties = () => ({
    bucket,
    endpoint: s3.endpoint,
    region: 'us-east-1',
    aws_access_key_id: 'k',
    aws_secret_access_key: 's',
  });

  before(async () => {
    s3 = await startFakeS3();
    scope.defer(() => s3.close());
    // A master that answers GetMasterConfiguration only (the heartbeat gets UNIMPLEMENTED and retries).
    master = new grpc.Server();
    const service = (masterClientConstructor() as unknown as { service: grpc.ServiceDefinition }).service;
    master.addService(service, {
      GetMasterConfiguration: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
        configurationCalls++;
        callback(null, { storage_backends: [{ type: 's3', id: 'default', properties: s3Properties() }] });
      },
    });
    masterGrpcPort = await new Promise<number>((resolve, reject) =>
      master.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    scope.defer(() => new Promise<void>((resolve) => master.tryShutdown(() => resolve())));
  });
  after(() => setBackendStorageForTest(undefined));

  it('registers the master backends before loading, so the tiered volume serves reads', async () => {
    const dir = await scope.tempDir('needlework-tier-start-');
    const data = randomBytes(300 * 1024);
    {
      setBackendStorageForTest('s3.default', new S3BackendStorage(s3Properties(), 'default'));
      const store = new Store([{ dir, maxVolumeCount: 4, diskType: '', diskId: 0 }], 4, silentLogger);
      await store.load();
      const volume = await store.allocateVolume({
        volumeId: VOLUME_ID,
        collection: '',
        replication: '000',
        ttl: '',
        diskType: '',
        version: 3,
      });
      await volume.write(newNeedle({ id: 7n, cookie: COOKIE, data }));
      await volume.sync();
      const datPath = volumeFilePath(volume.location, 'dat');
      const copied = await findBackendStorage('s3.default')!.copyFile(datPath, async () => {}, 0);
      volume.volumeInfo = {
        ...volume.volumeInfo,
        files: [
          {
            backendType: 's3',
            backendId: 'default',
            key: copied.key,
            offset: 0n,
            fileSize: BigInt(copied.sizeBytes),
            modifiedTime: 1_700_000_000n,
            extension: '.dat',
          },
        ],
      };
      await volume.saveVolumeInfo();
      await store.close();
      await fs.rm(datPath);
      // Only the master can name the backend now.
      setBackendStorageForTest(undefined);
    }

    const httpPort = await freePort();
    const grpcPort = await freePort();
    const config = parseVolumeFlags([
      `-dir=${dir}`,
      '-ip=127.0.0.1',
      `-port=${httpPort}`,
      `-port.grpc=${grpcPort}`,
      `-master=127.0.0.1:1.${masterGrpcPort}`,
      '-preStopSeconds=0',
      '-max=4',
    ]);
    const logs: string[] = [];
    const running = await startVolumeServer(config, emptySecurityConfig(), linesLogger(logs));
    try {
      assert.ok(configurationCalls >= 1);
      assert.ok(!logs.some((m) => /failed to load/.test(m)), logs.join('\n'));
      const reply = await send(httpPort, 'GET', `/${VOLUME_ID},${formatNeedleIdCookie(7n, COOKIE)}`);
      assert.equal(reply.status, 200);
      assert.ok(reply.body.equals(data));
      assert.ok(
        s3.requests.some((r) => r.method === 'GET' && r.range !== undefined),
        'read with ranged GETs',
      );
    } finally {
      await running.stop('test');
    }
  });
});
