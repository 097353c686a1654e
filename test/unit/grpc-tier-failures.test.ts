// Tier moves over gRPC when the backend misbehaves, against an in-memory backend: a failed upload
// leaves the volume local and writable, a second upload of a kept .dat is refused, a failed
// download leaves the volume tiered and readable with no partial file, a remote copy can be
// kept, and a remote delete that fails after the download is reported.
import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import { setBackendStorageForTest } from '../../src/storage/backend/backend.ts';
import { pathExists } from '../../src/storage/path-exists.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import type { Volume } from '../../src/storage/volume.ts';
import { grpcFailure } from '../support/grpc-failure.ts';
import { type TestGrpcServer, allMessages, startTestGrpcServer } from '../support/grpc-test-context.ts';
import { allocateTestVolume, textNeedle } from '../support/helpers.ts';
import { MemoryBackend } from '../support/memory-backend.ts';
import { suiteScope } from '../support/suite-scope.ts';

const BACKEND = 's3.default';

describe('tier moves when the backend fails', () => {
  const scope = suiteScope();
  let server: TestGrpcServer;
  let backend: MemoryBackend;

  const toRemote = (volumeId: number, keepLocal = false) =>
    allMessages(
      server.client.VolumeTierMoveDatToRemote({
        volume_id: volumeId,
        collection: '',
        destination_backend_name: BACKEND,
        keep_local_dat_file: keepLocal,
      }),
    );
  const fromRemote = (volumeId: number, keepRemote = false) =>
    allMessages(
      server.client.VolumeTierMoveDatFromRemote({
        volume_id: volumeId,
        collection: '',
        keep_remote_dat_file: keepRemote,
      }),
    );
  async function volumeWithNeedle(volumeId: number): Promise<Volume> {
    const volume = await allocateTestVolume(server.ctx.store, volumeId);
    await volume.write(textNeedle(1n, `tiered ${volumeId}`));
    await volume.sync();
    return volume;
  }
  const readBack = async (volumeId: number) =>
    Buffer.from((await server.ctx.store.findVolume(volumeId)!.read(1n)).data).toString();

  before(async () => {
    server = await startTestGrpcServer(scope, 'nw-grpc-tier-failures-');
  });
  afterEach(() => setBackendStorageForTest(undefined));
  const freshBackend = () => {
    backend = new MemoryBackend();
    setBackendStorageForTest(BACKEND, backend);
  };

  it('a failed upload leaves the volume local and writable', async () => {
    freshBackend();
    const volume = await volumeWithNeedle(91);
    backend.failCopiesWith = 'bucket is gone';
    await assert.rejects(toRemote(91), grpcFailure(/^backend s3\.default copy file .*91\.dat: bucket is gone$/));
    assert.deepEqual(volume.volumeInfo.files, []);
    assert.equal(volume.isReadOnly, false);
    assert.ok(await pathExists(volumeFilePath(volume.location, 'dat')));
    await volume.write(textNeedle(2n, 'still writable'));
    await server.ctx.store.deleteVolume(91, false);
  });

  it('a kept local .dat is not uploaded to the same destination twice', async () => {
    freshBackend();
    await volumeWithNeedle(92);
    await toRemote(92, true);
    assert.equal(backend.objects.size, 1);
    await assert.rejects(toRemote(92, true), grpcFailure(/^destination s3\.default already exists$/));
    assert.equal(backend.objects.size, 1, 'no second object');
    await server.ctx.store.deleteVolume(92, false);
  });

  it('a failed download leaves the volume tiered and readable, with no partial file', async () => {
    freshBackend();
    const volume = await volumeWithNeedle(93);
    const datPath = volumeFilePath(volume.location, 'dat');
    await toRemote(93);
    assert.equal(await pathExists(datPath), false);
    backend.failDownloadsWith = 'connection reset';
    await assert.rejects(fromRemote(93), grpcFailure(/^backend s3\.default copy file .*93\.dat: connection reset$/));
    assert.equal(await pathExists(`${datPath}.download`), false, 'the partial download is removed');
    assert.equal(volume.volumeInfo.files.length, 1, 'still tiered');
    assert.equal(await readBack(93), 'tiered 93');

    // Back, keeping the remote copy (surviving replicas may share it).
    backend.failDownloadsWith = null;
    const [remote] = volume.volumeInfo.files;
    await fromRemote(93, true);
    assert.ok(backend.objects.has(remote!.key), 'the remote copy is kept');
    assert.equal(server.ctx.store.findVolume(93)!.volumeInfo.files.length, 0);
    assert.equal(await readBack(93), 'tiered 93');
    await server.ctx.store.deleteVolume(93, false);
  });

  it('a remote delete that fails after the download is reported, the volume local again', async () => {
    freshBackend();
    await volumeWithNeedle(94);
    await toRemote(94);
    backend.failDeletesWith = 'access denied';
    await assert.rejects(fromRemote(94), grpcFailure(/^volume 94 failed to delete remote file .*: access denied$/));
    const local = server.ctx.store.findVolume(94)!;
    assert.equal(local.volumeInfo.files.length, 0, 'the .vif no longer names the remote object');
    assert.ok(await pathExists(volumeFilePath(local.location, 'dat')));
    assert.equal(await readBack(94), 'tiered 94');
    assert.equal(backend.objects.size, 1, 'the object the delete left behind');
  });
});
