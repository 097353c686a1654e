// Pins the status every typed storage and store error is answered with, over gRPC and over HTTP,
// as the adapters send them (the upstream parity suite matches codes and texts): a change to the
// error tables has to change this test too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { GrpcStatusError, statusCodeOf } from '../../src/server/grpc/context.ts';
import { volumeStatusError } from '../../src/server/grpc/handlers/volume-admin.ts';
import { StorageError, type StorageErrorCode } from '../../src/storage/errors.ts';
import { StoreError, type StoreErrorCode } from '../../src/store/store-error.ts';
import { type Fixture, send, startFixture } from '../support/http-fixture.ts';

const S = grpc.status;

/** At the edge of every RPC: the code a typed error that ends the call is sent with. */
const GRPC_STORAGE: Record<StorageErrorCode, grpc.status> = {
  invalid_file_id: S.UNKNOWN,
  invalid_ttl: S.UNKNOWN,
  invalid_replica_placement: S.UNKNOWN,
  invalid_super_block: S.UNKNOWN,
  unsupported_version: S.UNKNOWN,
  size_mismatch: S.UNKNOWN,
  corrupted: S.UNKNOWN,
  crc_mismatch: S.UNKNOWN,
  not_found: S.UNKNOWN,
  deleted: S.UNKNOWN,
  cookie_mismatch: S.UNKNOWN,
  read_only: S.UNKNOWN,
  volume_full: S.UNKNOWN,
  volume_closed: S.UNKNOWN,
  drain_timeout: S.DEADLINE_EXCEEDED,
  lease_held: S.UNAVAILABLE,
  lease_lost: S.ABORTED,
  invalid_volume_info: S.UNKNOWN,
  offset_width_mismatch: S.UNKNOWN,
  io: S.UNKNOWN,
};

const GRPC_STORE: Record<StoreErrorCode, grpc.status> = {
  already_exists: S.UNKNOWN,
  no_free_space: S.UNKNOWN,
  not_found: S.UNKNOWN,
  not_empty: S.UNKNOWN,
  invalid_argument: S.UNKNOWN,
  invalid_collection: S.INVALID_ARGUMENT,
  no_live_entries: S.FAILED_PRECONDITION,
  io: S.UNKNOWN,
};

/** 4.53's VolumeDelete and DeleteCollection answers: the code, and whether the prefix is kept. */
const GRPC_STORE_ON_DELETE: Record<StoreErrorCode, { status: grpc.status; prefixed: boolean }> = {
  already_exists: { status: S.UNKNOWN, prefixed: true },
  no_free_space: { status: S.RESOURCE_EXHAUSTED, prefixed: true },
  not_found: { status: S.NOT_FOUND, prefixed: true },
  not_empty: { status: S.FAILED_PRECONDITION, prefixed: true },
  invalid_argument: { status: S.UNKNOWN, prefixed: true },
  invalid_collection: { status: S.INVALID_ARGUMENT, prefixed: false },
  no_live_entries: { status: S.UNKNOWN, prefixed: true },
  io: { status: S.UNKNOWN, prefixed: true },
};

/** A needle read that fails with this error: 404 without a body, or 500 with the message. */
const HTTP_READ: Record<StorageErrorCode, 404 | 500> = {
  invalid_file_id: 500,
  invalid_ttl: 500,
  invalid_replica_placement: 500,
  invalid_super_block: 500,
  unsupported_version: 500,
  size_mismatch: 500,
  corrupted: 500,
  crc_mismatch: 500,
  not_found: 404,
  deleted: 404,
  cookie_mismatch: 500,
  read_only: 500,
  volume_full: 500,
  volume_closed: 500,
  drain_timeout: 500,
  lease_held: 500,
  lease_lost: 500,
  invalid_volume_info: 500,
  offset_width_mismatch: 500,
  io: 500,
};

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  assert.fail('expected a throw');
}

describe('error statuses over gRPC', () => {
  it('sends each storage error code with its pinned status', () => {
    for (const [code, status] of Object.entries(GRPC_STORAGE)) {
      assert.equal(statusCodeOf(new StorageError(code as StorageErrorCode, 'boom')), status, code);
    }
  });

  it('sends each store error code with its pinned status', () => {
    for (const [code, status] of Object.entries(GRPC_STORE)) {
      assert.equal(statusCodeOf(new StoreError(code as StoreErrorCode, 'boom')), status, code);
    }
  });

  it('keeps an explicit status, and sends an untyped error as UNKNOWN', () => {
    assert.equal(statusCodeOf(new GrpcStatusError(S.PERMISSION_DENIED, 'no')), S.PERMISSION_DENIED);
    assert.equal(statusCodeOf(new Error('plain')), S.UNKNOWN);
    assert.equal(statusCodeOf('text'), S.UNKNOWN);
  });

  it("answers volume deletes with 4.53's codes and messages", () => {
    for (const [code, expected] of Object.entries(GRPC_STORE_ON_DELETE)) {
      const err = thrown(() =>
        volumeStatusError(new StoreError(code as StoreErrorCode, 'boom'), 'delete collection c: '),
      );
      assert.equal(statusCodeOf(err), expected.status, code);
      assert.equal((err as Error).message, expected.prefixed ? 'delete collection c: boom' : 'boom', code);
    }
    const storage = new StorageError('io', 'disk');
    assert.equal(
      thrown(() => volumeStatusError(storage, 'p: ')),
      storage,
      'other errors pass through untouched',
    );
  });
});

describe('error statuses over HTTP', () => {
  let f: Fixture;
  const FID = '7,01e240a1b2c3d4';

  before(async () => {
    f = await startFixture();
    const written = await send(f.admin, 'POST', `/${FID}`, { 'Content-Type': 'application/octet-stream' }, 'payload');
    assert.equal(written.status, 201);
  });

  after(async () => {
    await f.servers.close();
    await f.store.close();
  });

  it('answers a needle read that fails with each storage error code with its pinned status', async () => {
    const volume = f.store.findVolume(7)!;
    try {
      for (const [code, status] of Object.entries(HTTP_READ)) {
        const failure = async (): Promise<never> => {
          throw new StorageError(code as StorageErrorCode, `boom ${code}`);
        };
        Object.assign(volume, { read: failure, locate: failure });
        const get = await send(f.admin, 'GET', `/${FID}`);
        assert.equal(get.status, status, `GET ${code}`);
        if (status === 404) assert.equal(get.body.length, 0, code);
        else assert.deepEqual(JSON.parse(get.body.toString()), { error: `boom ${code}` }, code);
        const head = await send(f.admin, 'HEAD', `/${FID}`);
        assert.equal(head.status, status, `HEAD ${code}`);
      }
    } finally {
      delete (volume as unknown as Record<string, unknown>).read;
      delete (volume as unknown as Record<string, unknown>).locate;
    }
    assert.equal((await send(f.admin, 'GET', `/${FID}`)).status, 200);
  });

  it('answers a refused maintenance start with 404, 409 or 500', async () => {
    const maintenance = f.store.maintenance;
    const cases: Array<[Error, number, string | null]> = [
      [new StoreError('not_found', 'volume 7 not found'), 404, 'volume 7 not found'],
      [new StorageError('lease_held', 'volume 7 is held'), 409, 'volume 7 is held'],
      // A start throws no storage error but a lease's; were one to, it would be answered by the table.
      [new StorageError('deleted', 'already deleted'), 404, 'already deleted'],
      [new StorageError('lease_lost', 'lost'), 500, null],
      [new StoreError('io', 'disk'), 500, null],
      [new Error('plain'), 500, null],
    ];
    try {
      for (const [err, status, message] of cases) {
        Object.assign(maintenance, { start: async () => Promise.reject(err) });
        const r = await send(f.admin, 'POST', '/maintenance/verify?volumeId=7');
        assert.equal(r.status, status, err.message);
        if (message !== null) assert.deepEqual(JSON.parse(r.body.toString()), { error: message });
      }
    } finally {
      delete (maintenance as unknown as Record<string, unknown>).start;
    }
  });
});
