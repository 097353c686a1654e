// Deleting from a tiered volume, and deleting the tiered volume itself, as upstream 4.53 does.
// A needle delete is an index-only tombstone: one `.idx` row with offset 0, nothing appended to
// `.dat` (local or remote); the volume refuses writes but takes deletes (noWriteCanDelete), and
// the heartbeat says so. VolumeDelete removes the remote object unless keep_remote_data, and a
// failed remote delete keeps the volume and its local files. The real tier RPC moves `.dat` to a
// fake in-memory backend; a remount stands for a restart.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { volumeInformation } from '../../src/cluster/heartbeat.ts';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { listenHttpServers, type HttpServers } from '../../src/server/http/index.ts';
import { setBackendStorageForTest } from '../../src/storage/backend/backend.ts';
import { isStorageError } from '../../src/storage/errors.ts';
import { formatNeedleIdCookie } from '../../src/storage/needle/file-id.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { pathExists } from '../../src/storage/path-exists.ts';
import type { Volume } from '../../src/storage/volume.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { allMessages, startTestGrpcServer, type TestGrpcServer } from './grpc-test-context.ts';
import { send } from './http-fixture.ts';
import { MemoryBackend } from './memory-backend.ts';
import { type SuiteScope, suiteScope } from './suite-scope.ts';
import { silentLogger } from '../../src/log/logger.ts';

const VOLUME_ID = 43;
const COOKIE = 0x5eed_cafe;
/** The store's `.idx` rows: 8-byte key, 4-byte offset (in 8-byte units), 4-byte size. */
const IDX_ROW_BYTES = 16;
const NEEDLE_BODIES = ['first needle', 'second needle, a little longer', 'third'];

interface TieredServer {
  server: TestGrpcServer;
  http: HttpServers;
  backend: MemoryBackend;
  key: string;
  /** The uploaded `.dat`, to check the remote object never changes. */
  datBytes: Buffer;
  volume(): Volume;
}

function fidPath(id: bigint, cookie = COOKIE): string {
  return `/${VOLUME_ID},${formatNeedleIdCookie(id, cookie)}`;
}

/** Upstream's tombstone row for a tiered volume: the key, offset 0, TombstoneFileSize (-1). */
function tieredTombstoneRow(id: bigint): Buffer {
  const row = Buffer.alloc(IDX_ROW_BYTES);
  row.writeBigUInt64BE(id, 0);
  row.writeUInt32BE(0, 8);
  row.writeInt32BE(-1, 12);
  return row;
}

/**
 * A volume of NEEDLE_BODIES (ids 1..n) moved to the fake backend with the real RPC, local `.dat`
 * removed, then remounted (as after a restart) unless `reload` is false.
 */
async function tieredServer(
  scope: SuiteScope,
  options: { replication?: string; reload?: boolean } = {},
): Promise<TieredServer> {
  const backend = new MemoryBackend();
  setBackendStorageForTest('s3.default', backend);
  const server = await startTestGrpcServer(scope, 'needlework-tier-delete-');
  const http = await listenHttpServers(
    {
      store: server.ctx.store,
      serverVersion: '30GB 4.53 needlework',
      fileSizeLimitBytes: 1024 * 1024,
      isHealthy: () => true,
      log: silentLogger,
    },
    { host: '127.0.0.1', port: 0, closeGraceMs: 100 },
  );
  scope.defer(() => http.close());
  const volume = await server.ctx.store.allocateVolume({
    volumeId: VOLUME_ID,
    collection: '',
    replication: options.replication ?? '000',
    ttl: '',
    diskType: '',
    version: 3,
  });
  for (const [i, body] of NEEDLE_BODIES.entries())
    await volume.write(newNeedle({ id: BigInt(i + 1), cookie: COOKIE, data: Buffer.from(body) }));
  await allMessages(
    server.client.VolumeTierMoveDatToRemote({
      volume_id: VOLUME_ID,
      collection: '',
      destination_backend_name: 's3.default',
      keep_local_dat_file: false,
    }),
  );
  if (options.reload !== false) {
    await server.ctx.store.unmountVolume(VOLUME_ID);
    assert.equal((await server.ctx.store.mountVolume(VOLUME_ID)).readsRemoteDat, true);
  }
  const key = volume.volumeInfo.files[0]!.key;
  return {
    server,
    http,
    backend,
    key,
    datBytes: Buffer.from(backend.objects.get(key)!),
    volume: () => server.ctx.store.findVolume(VOLUME_ID)!,
  };
}

/** The needle's stored Size (what a delete answers): its body, not only its data. */
function storedSize(volume: Volume, id: bigint): number {
  return volume.lookup(id)!.size;
}

function heartbeatFlags(t: TieredServer): { read_only: boolean; read_only_can_delete: boolean } {
  const volume = t.volume();
  const message = volumeInformation(volume, t.server.ctx.store.locationOf(volume)!);
  return { read_only: message.read_only === true, read_only_can_delete: message.read_only_can_delete === true };
}

describe('needle deletes on a reloaded tiered volume', () => {
  const scope = suiteScope();
  // A fresh server per test: each one changes the volume.
  let t: TieredServer;
  beforeEach(async () => {
    t = await tieredServer(scope);
  });
  afterEach(() => setBackendStorageForTest(undefined));

  it('HTTP DELETE answers 202 with the size and appends only an offset-0 tombstone row to .idx', async () => {
    const volume = t.volume();
    const idxPath = volumeFilePath(volume.location, 'idx');
    const idxBefore = await fs.readFile(idxPath);
    const statsBefore = volume.stats();
    const sizeBytes = storedSize(volume, 2n);
    assert.ok(sizeBytes > NEEDLE_BODIES[1]!.length);

    const reply = await send(t.http.adminPort, 'DELETE', fidPath(2n));
    assert.equal(reply.status, 202);
    assert.deepEqual(JSON.parse(reply.body.toString()), { size: sizeBytes });

    const idxAfter = await fs.readFile(idxPath);
    assert.ok(idxAfter.subarray(0, idxBefore.length).equals(idxBefore), 'earlier rows unchanged');
    assert.equal(idxAfter.length, idxBefore.length + IDX_ROW_BYTES);
    assert.equal(idxAfter.subarray(idxBefore.length).toString('hex'), tieredTombstoneRow(2n).toString('hex'));
    // Nothing went to .dat: none here, the remote object is the uploaded bytes, the size is the same.
    assert.equal(await pathExists(volumeFilePath(volume.location, 'dat')), false);
    assert.deepEqual([...t.backend.objects.keys()], [t.key]);
    assert.ok(t.backend.objects.get(t.key)!.equals(t.datBytes));
    const stats = volume.stats();
    assert.equal(stats.datSizeBytes, statsBefore.datSizeBytes);
    assert.equal(stats.idxSizeBytes, statsBefore.idxSizeBytes + IDX_ROW_BYTES);
    assert.equal(stats.deletedCount, statsBefore.deletedCount + 1);
    assert.equal(stats.deletedBytes, statsBefore.deletedBytes + sizeBytes);

    assert.equal((await send(t.http.adminPort, 'GET', fidPath(2n))).status, 404);
    assert.equal((await send(t.http.adminPort, 'DELETE', fidPath(2n))).status, 404, 'a second delete finds nothing');
    assert.equal((await send(t.http.adminPort, 'GET', fidPath(1n))).body.toString(), NEEDLE_BODIES[0]);

    // After a restart the .idx row alone makes the needle deleted.
    await t.server.ctx.store.unmountVolume(VOLUME_ID);
    const reloaded = await t.server.ctx.store.mountVolume(VOLUME_ID);
    assert.equal(reloaded.readsRemoteDat, true);
    assert.equal((await send(t.http.adminPort, 'GET', fidPath(2n))).status, 404);
    assert.equal(reloaded.stats().deletedCount, statsBefore.deletedCount + 1);
    assert.equal((await send(t.http.adminPort, 'GET', fidPath(3n))).body.toString(), NEEDLE_BODIES[2]);
  });

  it('BatchDelete answers 202 with the size, then 404 (cookie checked) or 304 (not checked)', async () => {
    const fid = `${VOLUME_ID},${formatNeedleIdCookie(1n, COOKIE)}`;
    const sizeBytes = storedSize(t.volume(), 1n);
    const first = await unaryCall(t.server.client, 'BatchDelete', { file_ids: [fid], skip_cookie_check: false });
    assert.deepEqual(
      first.results.map((r) => [r.status, r.size, r.error]),
      [[202, sizeBytes, '']],
    );
    const again = await unaryCall(t.server.client, 'BatchDelete', { file_ids: [fid], skip_cookie_check: false });
    assert.equal(again.results[0]!.status, 404);
    const unchecked = await unaryCall(t.server.client, 'BatchDelete', { file_ids: [fid], skip_cookie_check: true });
    assert.equal(unchecked.results[0]!.status, 304);
    const idx = await fs.readFile(volumeFilePath(t.volume().location, 'idx'));
    assert.equal(idx.subarray(idx.length - IDX_ROW_BYTES).toString('hex'), tieredTombstoneRow(1n).toString('hex'));
    assert.equal(
      idx.length,
      (NEEDLE_BODIES.length + 1) * IDX_ROW_BYTES,
      'one row for the one delete that found the needle',
    );
  });

  it('still refuses writes and vacuum, and the remote object stays as uploaded', async () => {
    const volume = t.volume();
    await assert.rejects(volume.write(newNeedle({ id: 50n, cookie: COOKIE, data: Buffer.from('new') })), (err) =>
      isStorageError(err, 'read_only'),
    );
    const upload = await send(
      t.http.adminPort,
      'POST',
      fidPath(51n),
      { 'content-type': 'application/octet-stream' },
      'x',
    );
    assert.ok(upload.status >= 400, `upload status ${upload.status}`);
    await assert.rejects(volume.compact(), /volume 43 is tiered to remote storage, cannot compact/);
    const sizeBytes = storedSize(volume, 3n);
    assert.equal(await volume.delete(3n, COOKIE), sizeBytes);
    assert.ok(t.backend.objects.get(t.key)!.equals(t.datBytes));
  });

  it('reports read_only and read_only_can_delete as upstream through marks and VolumeMarkWritable', async () => {
    assert.deepEqual(heartbeatFlags(t), { read_only: true, read_only_can_delete: true });
    assert.equal((await unaryCall(t.server.client, 'VolumeStatus', { volume_id: VOLUME_ID })).is_read_only, true);

    // Marked read-only without deletes: deletes refused, yet upstream keeps the derived can-delete flag.
    await unaryCall(t.server.client, 'VolumeMarkReadonly', { volume_id: VOLUME_ID, persist: false, can_delete: false });
    await assert.rejects(
      t.volume().delete(1n, COOKIE),
      (err) => isStorageError(err, 'read_only') && err.message === `volume ${VOLUME_ID} is read only`,
    );
    const refused = await send(t.http.adminPort, 'DELETE', fidPath(1n));
    assert.equal(refused.status, 500);
    assert.match(refused.body.toString(), new RegExp(`Deletion Failed: volume ${VOLUME_ID} is read only`));
    assert.deepEqual(heartbeatFlags(t), { read_only: true, read_only_can_delete: true });

    // "Writable" is delete-only for a tiered volume.
    await unaryCall(t.server.client, 'VolumeMarkWritable', { volume_id: VOLUME_ID });
    assert.deepEqual(heartbeatFlags(t), { read_only: true, read_only_can_delete: true });
    assert.equal((await unaryCall(t.server.client, 'VolumeStatus', { volume_id: VOLUME_ID })).is_read_only, true);
    assert.equal((await send(t.http.adminPort, 'DELETE', fidPath(1n))).status, 202);
    await assert.rejects(t.volume().write(newNeedle({ id: 60n, cookie: COOKIE, data: Buffer.from('no') })), (err) =>
      isStorageError(err, 'read_only'),
    );
  });

  it('a persisted read-only mark does not stop deletes after a restart (upstream ignores it for a tiered volume)', async () => {
    await unaryCall(t.server.client, 'VolumeMarkReadonly', { volume_id: VOLUME_ID, persist: true, can_delete: false });
    assert.equal(t.volume().canDelete, false);
    await t.server.ctx.store.unmountVolume(VOLUME_ID);
    const reloaded = await t.server.ctx.store.mountVolume(VOLUME_ID);
    assert.equal(reloaded.volumeInfo.readOnly, true);
    assert.equal(reloaded.canDelete, true);
    assert.equal((await send(t.http.adminPort, 'DELETE', fidPath(3n))).status, 202);
  });

  it('a tiered volume with a kept local .dat tombstones in .idx only too, leaving the .dat as it was', async () => {
    // Same volume, but with the .dat put back beside the .vif (keep_local_dat_file).
    const volume = t.volume();
    const datPath = volumeFilePath(volume.location, 'dat');
    await t.server.ctx.store.unmountVolume(VOLUME_ID);
    await fs.writeFile(datPath, t.datBytes);
    const kept = await t.server.ctx.store.mountVolume(VOLUME_ID);
    assert.equal(kept.readsRemoteDat, false);
    const sizeBytes = storedSize(kept, 1n);
    assert.equal(await kept.delete(1n, COOKIE), sizeBytes);
    assert.ok((await fs.readFile(datPath)).equals(t.datBytes), '.dat unchanged');
    const idx = await fs.readFile(volumeFilePath(kept.location, 'idx'));
    assert.equal(idx.subarray(idx.length - IDX_ROW_BYTES).toString('hex'), tieredTombstoneRow(1n).toString('hex'));
    await assert.rejects(kept.read(1n));
  });
});

describe('deletes right after a live tier move (no restart)', () => {
  const scope = suiteScope();
  afterEach(() => setBackendStorageForTest(undefined));

  it('a single-copy volume takes index-only deletes at once (upstream MarkTieredDeletable)', async () => {
    const t = await tieredServer(scope, { reload: false });
    const volume = t.volume();
    assert.equal(volume.readsRemoteDat, false, 'still reading the unlinked local .dat');
    assert.deepEqual(heartbeatFlags(t), { read_only: true, read_only_can_delete: true });
    assert.equal((await send(t.http.adminPort, 'DELETE', fidPath(1n))).status, 202);
    const idx = await fs.readFile(volumeFilePath(volume.location, 'idx'));
    assert.equal(idx.subarray(idx.length - IDX_ROW_BYTES).toString('hex'), tieredTombstoneRow(1n).toString('hex'));
    assert.equal(volume.stats().datSizeBytes, t.datBytes.length);
  });

  it('a replicated volume refuses deletes until it is reloaded', async () => {
    const t = await tieredServer(scope, { replication: '001', reload: false });
    await assert.rejects(t.volume().delete(1n, COOKIE), (err) => isStorageError(err, 'read_only'));
    assert.deepEqual(heartbeatFlags(t), { read_only: true, read_only_can_delete: false });
    await t.server.ctx.store.unmountVolume(VOLUME_ID);
    const reloaded = await t.server.ctx.store.mountVolume(VOLUME_ID);
    const sizeBytes = storedSize(reloaded, 1n);
    assert.equal(await reloaded.delete(1n, COOKIE), sizeBytes);
  });
});

describe('VolumeDelete of a tiered volume', () => {
  const scope = suiteScope();
  afterEach(() => setBackendStorageForTest(undefined));

  async function localFiles(t: TieredServer): Promise<string[]> {
    const present: string[] = [];
    for (const ext of ['dat', 'idx', 'vif'])
      if (await pathExists(volumeFilePath(t.volume().location, ext))) present.push(ext);
    return present;
  }

  it('deletes the remote object and the local files', async () => {
    const t = await tieredServer(scope);
    const location = t.volume().location;
    await unaryCall(t.server.client, 'VolumeDelete', { volume_id: VOLUME_ID });
    assert.equal(t.backend.objects.has(t.key), false);
    assert.equal(t.server.ctx.store.findVolume(VOLUME_ID), undefined);
    for (const ext of ['idx', 'vif']) assert.equal(await pathExists(volumeFilePath(location, ext)), false, ext);
  });

  it('keep_remote_data leaves the remote object', async () => {
    const t = await tieredServer(scope);
    const location = t.volume().location;
    await unaryCall(t.server.client, 'VolumeDelete', { volume_id: VOLUME_ID, keep_remote_data: true });
    assert.ok(t.backend.objects.get(t.key)?.equals(t.datBytes));
    assert.equal(t.server.ctx.store.findVolume(VOLUME_ID), undefined);
    assert.equal(await pathExists(volumeFilePath(location, 'idx')), false);
  });

  it('a failed remote delete keeps the volume and its local files and answers upstream text', async () => {
    const t = await tieredServer(scope);
    t.backend.failDeletesWith = 'AccessDenied: not yours';
    const before = await localFiles(t);
    await assert.rejects(
      unaryCall(t.server.client, 'VolumeDelete', { volume_id: VOLUME_ID }),
      (err: grpc.ServiceError) =>
        err.code === grpc.status.UNKNOWN &&
        err.details ===
          `DeleteVolume ${VOLUME_ID} failed on some disks: volume ${VOLUME_ID} remote object s3.default/${t.key} delete failed: AccessDenied: not yours`,
    );
    assert.deepEqual(await localFiles(t), before);
    assert.deepEqual(before, ['idx', 'vif']);
    assert.ok(t.backend.objects.has(t.key));
    const volume = t.server.ctx.store.findVolume(VOLUME_ID);
    assert.ok(volume !== undefined, 'still registered');
    assert.equal((await send(t.http.adminPort, 'GET', fidPath(1n))).body.toString(), NEEDLE_BODIES[0]);
    // DeleteCollection goes the same way, with upstream's "; " list.
    await assert.rejects(
      unaryCall(t.server.client, 'DeleteCollection', { collection: '' }),
      (err: grpc.ServiceError) =>
        err.details ===
        `delete collection : volume ${VOLUME_ID} remote object s3.default/${t.key} delete failed: AccessDenied: not yours; `,
    );
    assert.ok(t.server.ctx.store.findVolume(VOLUME_ID) !== undefined);

    t.backend.failDeletesWith = null;
    await unaryCall(t.server.client, 'VolumeDelete', { volume_id: VOLUME_ID });
    assert.equal(t.backend.objects.has(t.key), false);
  });

  it('a VolumeCopy over a tiered replica keeps the object the copy still reads', async () => {
    const source = await tieredServer(scope);
    const target = await startTestGrpcServer(scope, 'needlework-tier-delete-target-');
    const copyOnce = () =>
      new Promise<void>((resolve, reject) => {
        const call = target.client.VolumeCopy({
          volume_id: VOLUME_ID,
          collection: '',
          source_data_node: source.server.address,
        });
        call.on('data', () => {});
        call.on('end', () => resolve());
        call.on('error', reject);
      });
    await copyOnce();
    // The second copy replaces the first: the replaced replica is deleted, its object kept.
    await copyOnce();
    assert.ok(source.backend.objects.get(source.key)?.equals(source.datBytes));
    assert.equal(
      Buffer.from((await target.ctx.store.findVolume(VOLUME_ID)!.read(1n)).data).toString(),
      NEEDLE_BODIES[0],
    );
  });
});
