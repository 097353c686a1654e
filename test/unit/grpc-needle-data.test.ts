// The needle-level RPCs over our gRPC server: VolumeNeedleStatus (from a volume, from EC shards,
// failing a damaged needle), ReadNeedleBlob into WriteNeedleBlob on another volume (as a copy
// does), ReadNeedleMeta, BatchDelete's per-fid statuses, ReadAllNeedles, VacuumVolumeCleanup, and
// an RPC we do not implement answering UNIMPLEMENTED at once.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { unaryCall } from '../../src/cluster/peer-client.ts';
import { legacyChecksumValue } from '../../src/storage/needle/crc.ts';
import { formatFileId } from '../../src/storage/needle/file-id.ts';
import { NeedleFlag, newNeedle } from '../../src/storage/needle/needle.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import type { Volume } from '../../src/storage/volume.ts';
import { flipByte } from '../support/flip-byte.ts';
import { grpcFailure } from '../support/grpc-failure.ts';
import {
  type TestGrpcServer,
  allMessages,
  encodeToMountedShards,
  startTestGrpcServer,
  inMaintenance,
} from '../support/grpc-test-context.ts';
import { allocateTestVolume, textNeedle } from '../support/helpers.ts';
import { suiteScope } from '../support/suite-scope.ts';

const COOKIE = 0x1234_5678;
const SOURCE = 81;
const TARGET = 82;
const textOf = (id: number) => `needle data ${id} `.repeat(20);

describe('needle data RPCs over gRPC', () => {
  const scope = suiteScope();
  let server: TestGrpcServer;
  let source: Volume;
  const fid = (volumeId: number, id: bigint, cookie = COOKIE) => formatFileId({ volumeId, needleId: id, cookie });

  before(async () => {
    server = await startTestGrpcServer(scope, 'nw-grpc-needle-data-');
    source = await allocateTestVolume(server.ctx.store, SOURCE);
    for (let id = 1; id <= 4; id++) await source.write(textNeedle(BigInt(id), textOf(id), COOKIE));
    await source.write(
      newNeedle({ id: 9n, cookie: COOKIE, data: Buffer.from('[]'), flags: NeedleFlag.IsChunkManifest }),
    );
    await allocateTestVolume(server.ctx.store, TARGET);
  });

  it('VolumeNeedleStatus reports a needle as upstream does, and fails a missing volume', async () => {
    const status = await unaryCall(server.client, 'VolumeNeedleStatus', { volume_id: SOURCE, needle_id: '2' });
    const needle = await source.read(2n);
    assert.equal(status.needle_id, '2');
    assert.equal(status.cookie, COOKIE);
    assert.equal(status.size, needle.size);
    assert.equal(status.last_modified, '1700000000');
    assert.equal(status.crc, legacyChecksumValue(needle.checksum));
    assert.equal(status.ttl, '');
    await assert.rejects(
      unaryCall(server.client, 'VolumeNeedleStatus', { volume_id: 404, needle_id: '2' }),
      grpcFailure(/^volume not found 404$/),
    );
  });

  it('ReadNeedleBlob and WriteNeedleBlob copy a record to another volume', async () => {
    const { offsetBytes, size } = source.lookup(3n)!;
    const { needle_blob } = await unaryCall(server.client, 'ReadNeedleBlob', {
      volume_id: SOURCE,
      offset: String(offsetBytes),
      size,
    });
    await unaryCall(server.client, 'WriteNeedleBlob', {
      volume_id: TARGET,
      needle_id: '3',
      size,
      needle_blob,
    });
    const copied = await server.ctx.store.findVolume(TARGET)!.read(3n);
    assert.equal(Buffer.from(copied.data).toString(), textOf(3));
    assert.equal(copied.cookie, COOKIE);

    const meta = await unaryCall(server.client, 'ReadNeedleMeta', {
      volume_id: SOURCE,
      needle_id: '3',
      offset: String(offsetBytes),
      size,
    });
    assert.equal(meta.cookie, COOKIE);
    assert.equal(meta.last_modified, '1700000000');
    assert.equal(meta.crc, copied.checksum);
    assert.ok(BigInt(meta.append_at_ns) > 0n, 'version 3 records carry their append time');

    await assert.rejects(
      unaryCall(server.client, 'ReadNeedleBlob', { volume_id: SOURCE, offset: '-8', size }),
      grpcFailure(/^read needle blob offset -8 size \d+: invalid offset or size$/),
    );
    await assert.rejects(
      unaryCall(server.client, 'ReadNeedleMeta', { volume_id: SOURCE, needle_id: '3', offset: '-8', size }),
      grpcFailure(/^read needle meta: invalid offset -8$/),
    );
    await assert.rejects(
      unaryCall(server.client, 'ReadNeedleMeta', { volume_id: 404, needle_id: '3', offset: '8', size }),
      grpcFailure(/read needle metadata at ec shards is not supported/),
    );
  });

  it('WriteNeedleBlob refuses a read-only volume and maintenance mode', async () => {
    const { offsetBytes, size } = source.lookup(1n)!;
    const { needle_blob } = await unaryCall(server.client, 'ReadNeedleBlob', {
      volume_id: SOURCE,
      offset: String(offsetBytes),
      size,
    });
    const write = () =>
      unaryCall(server.client, 'WriteNeedleBlob', { volume_id: TARGET, needle_id: '1', size, needle_blob });
    await unaryCall(server.client, 'VolumeMarkReadonly', { volume_id: TARGET, persist: false });
    await assert.rejects(
      write(),
      grpcFailure(new RegExp(`^write blob needle 1 size ${size}: volume ${TARGET} is read only$`)),
    );
    await unaryCall(server.client, 'VolumeMarkWritable', { volume_id: TARGET });
    await inMaintenance(server, async () => {
      await assert.rejects(write(), grpcFailure(/maintenance mode/));
    });
    await write();
    assert.equal(Buffer.from((await server.ctx.store.findVolume(TARGET)!.read(1n)).data).toString(), textOf(1));
  });

  it("BatchDelete answers each fid with upstream's status", async () => {
    const { results } = await unaryCall(server.client, 'BatchDelete', {
      file_ids: [
        fid(SOURCE, 4n),
        fid(SOURCE, 4n),
        fid(SOURCE, 1n, COOKIE + 1),
        fid(SOURCE, 9n),
        fid(SOURCE, 77n),
        fid(404, 1n),
        'no-comma',
        `${SOURCE},zz`,
      ],
      skip_cookie_check: false,
    });
    assert.deepEqual(
      results.map((r) => [r.status, r.error]),
      [
        [202, ''],
        [404, results[1]!.error],
        [400, 'File Random Cookie does not match.'],
        [406, 'ChunkManifest: not allowed in batch delete mode.'],
        [404, results[4]!.error],
        [404, 'not found volume id 404'],
        [400, 'Wrong fid format.'],
        [400, results[7]!.error],
      ],
    );
    assert.ok(results[0]!.size > 0, 'the deleted size');
    assert.match(results[1]!.error, /deleted|not found/);
    assert.equal(results[0]!.file_id, fid(SOURCE, 4n));

    // Without the cookie check, any cookie deletes; a second delete changes nothing (304).
    const skipped = await unaryCall(server.client, 'BatchDelete', {
      file_ids: [fid(SOURCE, 1n, 1), fid(SOURCE, 1n, 1)],
      skip_cookie_check: true,
    });
    assert.deepEqual(
      skipped.results.map((r) => r.status),
      [202, 304],
    );
    await assert.rejects(source.read(1n));
  });

  it('ReadAllNeedles streams the live needles of each volume named', async () => {
    const messages = await allMessages(server.client.ReadAllNeedles({ volume_ids: [SOURCE, TARGET] }));
    const seen = messages.map((m) => `${m.volume_id}/${m.needle_id}`);
    assert.deepEqual(seen, [`${SOURCE}/2`, `${SOURCE}/3`, `${SOURCE}/9`, `${TARGET}/3`, `${TARGET}/1`]);
    const two = messages[0]!;
    assert.equal(Buffer.from(two.needle_blob).toString(), textOf(2));
    assert.equal(two.cookie, COOKIE);
    assert.equal(Buffer.from(two.name).toString(), 'file-2.txt');
    assert.equal(Buffer.from(two.mime).toString(), 'text/plain');
    assert.equal(two.needle_blob_compressed, false);
    await assert.rejects(
      allMessages(server.client.ReadAllNeedles({ volume_ids: [404] })),
      grpcFailure(/not found volume id 404/),
    );
  });

  it('VolumeNeedleStatus answers from EC shards, and fails a needle whose bytes are damaged', async () => {
    const ecVolume = 83;
    const volume = await allocateTestVolume(server.ctx.store, ecVolume, { collection: 'nd' });
    await volume.write(textNeedle(5n, textOf(5), COOKIE));
    await volume.sync();
    const fromVolume = await unaryCall(server.client, 'VolumeNeedleStatus', { volume_id: ecVolume, needle_id: '5' });
    await encodeToMountedShards(server.client, ecVolume, 'nd');
    const fromShards = await unaryCall(server.client, 'VolumeNeedleStatus', { volume_id: ecVolume, needle_id: '5' });
    assert.deepEqual(fromShards, fromVolume);

    const datPath = volumeFilePath(source.location, 'dat');
    const at = (await fs.readFile(datPath)).indexOf(textOf(3));
    await flipByte(datPath, at + 3);
    await assert.rejects(
      unaryCall(server.client, 'VolumeNeedleStatus', { volume_id: SOURCE, needle_id: '3' }),
      grpcFailure(/^CRC error! Data On Disk Corrupted/),
    );
  });

  it('VacuumVolumeCleanup drops an uncommitted compaction; an absent volume is NOT_FOUND', async () => {
    await source.compact();
    const cpd = volumeFilePath(source.location, 'cpd');
    await fs.stat(cpd);
    await unaryCall(server.client, 'VacuumVolumeCleanup', { volume_id: SOURCE });
    await assert.rejects(fs.stat(cpd), 'the compacted copy is gone');
    await assert.rejects(
      unaryCall(server.client, 'VacuumVolumeCleanup', { volume_id: 404 }),
      grpcFailure(/^cleanup volume 404: volume id 404 is not found during cleaning up/, grpc.status.NOT_FOUND),
    );
  });

  it('an RPC we do not implement answers UNIMPLEMENTED at once', async () => {
    await assert.rejects(
      unaryCall(server.client, 'VolumeConsolidateIndex', { volume_id: SOURCE }),
      grpcFailure(/VolumeConsolidateIndex is not implemented/, grpc.status.UNIMPLEMENTED),
    );
  });
});
