// VolumeMarkReadonly as a transition that cannot be half-applied: with the master unreachable it
// is refused and the volume stays writable, untouched; a refused drain answers DEADLINE_EXCEEDED.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { statusCodeOf } from '../../src/server/grpc/context.ts';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { StorageError } from '../../src/storage/errors.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { startTestGrpcServer } from '../support/grpc-test-context.ts';
import { textNeedle } from '../support/helpers.ts';
import { suiteScope } from '../support/suite-scope.ts';

/** An address nothing listens on: a port taken from the kernel, then released. */
async function deadAddress(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

describe('VolumeMarkReadonly: no half-applied transition', () => {
  const scope = suiteScope();

  it('with the master unreachable, the mark is refused and the volume stays writable and unchanged', async () => {
    const master = await deadAddress();
    const { ctx, client } = await startTestGrpcServer(scope, 'needlework-mark-readonly-', {
      masters: [master],
      currentMaster: () => master,
    });
    const volume = await ctx.store.allocateVolume({
      volumeId: 31,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    await volume.write(textNeedle(1n, 'before the mark'));
    const vifBefore = await readFile(volumeFilePath(volume.location, 'vif')).catch(() => null);
    await assert.rejects(
      unaryCall(client, 'VolumeMarkReadonly', { volume_id: 31, persist: true }),
      (err: grpc.ServiceError) => {
        assert.match(err.details, /VolumeMarkReadonly with master/);
        return true;
      },
    );
    assert.equal(volume.isReadOnly, false);
    assert.equal(volume.volumeInfo.readOnly, false);
    assert.deepEqual(await readFile(volumeFilePath(volume.location, 'vif')).catch(() => null), vifBefore);
    assert.equal(volume.drainStats.drainsTotal, 0, 'the barrier was never entered');
    await volume.write(textNeedle(2n, 'still writable'));
    assert.equal(Buffer.from((await volume.read(2n)).data).toString(), 'still writable');
  });

  it('a drain past its bound is DEADLINE_EXCEEDED (retryable), not UNKNOWN', () => {
    assert.equal(
      statusCodeOf(new StorageError('drain_timeout', 'volume 1: mark read-only refused')),
      grpc.status.DEADLINE_EXCEEDED,
    );
    assert.equal(statusCodeOf(new StorageError('read_only', 'volume 1 is read only')), grpc.status.UNKNOWN);
  });
});
