// SeaweedFS 4.53 VolumeCopy between two of our servers: staged under copying/ and swapped in, one
// copy per volume at a time (lifecycle RPCs answer UNAVAILABLE meanwhile), a cancelled caller
// leaves nothing mounted, a failed copy leaves the replica it would replace; and
// VolumeIncrementalCopy resuming by index position with its FNV-1a prefix check.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { type VolumeServerPeer, unaryCall } from '../../src/cluster/peer-client.ts';
import { Fnv1a64 } from '../../src/server/grpc/handlers/copy.ts';
import { newThrottle } from '../../src/server/grpc/handlers/volume-copy.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import type { ClientRequestOf, ClientResponseOf, GrpcContext } from '../../src/server/grpc/context.ts';
import { type TestGrpcServer, startTestGrpcServer } from '../support/grpc-test-context.ts';
import { textNeedle } from '../support/helpers.ts';
import { suiteScope } from '../support/suite-scope.ts';
import { eventually } from '../support/eventually.ts';

const allocate = (ctx: GrpcContext, volumeId: number) =>
  ctx.store.allocateVolume({ volumeId, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });

/** Incompressible needles, so a throttled copy has real bytes to hold back. */
async function fill(ctx: GrpcContext, volumeId: number, count: number, bytesEach: number): Promise<void> {
  const volume = ctx.store.findVolume(volumeId) ?? (await allocate(ctx, volumeId));
  for (let i = 1; i <= count; i++)
    await volume.write(newNeedle({ cookie: 0x0a0b0c0d, id: BigInt(i), data: randomBytes(bytesEach) }));
}

type CopyMessage = ClientResponseOf<'VolumeCopy'>;

function copy(
  dest: TestGrpcServer,
  source: TestGrpcServer,
  volumeId: number,
  ioBytePerSecond = 0,
): { call: grpc.ClientReadableStream<CopyMessage>; done: Promise<CopyMessage[]> } {
  const call = dest.client.VolumeCopy({
    volume_id: volumeId,
    source_data_node: source.address,
    io_byte_per_second: String(ioBytePerSecond),
  });
  const done = new Promise<CopyMessage[]>((resolve, reject) => {
    const messages: CopyMessage[] = [];
    call.on('data', (m) => messages.push(m));
    call.on('end', () => resolve(messages));
    call.on('error', reject);
  });
  return { call, done };
}

async function volumeFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const name of await fs.readdir(dir)) if (/^\d+\.(dat|idx|vif|note)$/.test(name)) names.push(name);
  for (const name of await fs.readdir(path.join(dir, 'copying')).catch(() => [] as string[]))
    names.push(`copying/${name}`);
  return names.sort();
}

function incremental(
  client: VolumeServerPeer,
  request: ClientRequestOf<'VolumeIncrementalCopy'>,
): Promise<{ data: Buffer; idx: Buffer }> {
  return new Promise((resolve, reject) => {
    const call = client.VolumeIncrementalCopy(request);
    const data: Buffer[] = [];
    const idx: Buffer[] = [];
    call.on('data', (m) => {
      data.push(m.file_content);
      idx.push(m.idx_content);
    });
    call.on('end', () => resolve({ data: Buffer.concat(data), idx: Buffer.concat(idx) }));
    call.on('error', reject);
  });
}

/** The client's side of a resume: the first `count` rows' key+size hash and the last row. */
function cursorOf(
  idx: Buffer,
  count: number,
): { entry_count: string; last_needle_key: string; last_needle_size: number; entries_hash: string } {
  const hash = new Fnv1a64();
  for (let i = 0; i < count; i++) {
    hash.update(idx, i * 16, i * 16 + 8);
    hash.update(idx, i * 16 + 12, i * 16 + 16);
  }
  const last = (count - 1) * 16;
  return {
    entry_count: String(count),
    last_needle_key: idx.readBigUInt64BE(last).toString(),
    last_needle_size: idx.readInt32BE(last + 12),
    entries_hash: hash.digest().toString(),
  };
}

describe('FNV-1a-64', () => {
  it('matches the reference vectors and a BigInt implementation', () => {
    assert.equal(new Fnv1a64().digest(), 0xcbf29ce484222325n);
    assert.equal(new Fnv1a64().update(Buffer.from('a')).digest(), 0xaf63dc4c8601ec8cn);
    assert.equal(new Fnv1a64().update(Buffer.from('foobar')).digest(), 0x85944171f73967e8n);
    const bytes = randomBytes(4096);
    let reference = 0xcbf29ce484222325n;
    for (const byte of bytes) reference = ((reference ^ BigInt(byte)) * 0x100000001b3n) & 0xffff_ffff_ffff_ffffn;
    assert.equal(new Fnv1a64().update(bytes.subarray(0, 1000)).update(bytes, 1000).digest(), reference);
  });
});

describe('copy throttle', () => {
  it('holds the average rate and stops at once on abort', async () => {
    const abort = new AbortController();
    let nowMs = 0;
    const throttle = newThrottle(1000, abort.signal, () => nowMs);
    const started = Date.now();
    await throttle(50); // 50 ms ahead of schedule
    assert.ok(Date.now() - started >= 40);
    nowMs = 10_000; // far behind schedule: no wait
    const quick = Date.now();
    await throttle(100);
    assert.ok(Date.now() - quick < 40);
    nowMs = 0;
    const pending = throttle(100_000);
    abort.abort(new Error('stop'));
    await assert.rejects(pending, /stop/);
  });
});

describe('VolumeCopy (4.53)', () => {
  const scope = suiteScope();
  let source: TestGrpcServer;
  let dest: TestGrpcServer;

  before(async () => {
    source = await startTestGrpcServer(scope, 'needlework-grpc-copy-');
    dest = await startTestGrpcServer(scope, 'needlework-grpc-copy-');
  });

  it('copies, mounts, and leaves nothing staged', async () => {
    await fill(source.ctx, 3, 5, 1000);
    const messages = await copy(dest, source, 3).done;
    assert.ok(BigInt(messages.at(-1)?.last_append_at_ns ?? '0') > 0n);
    const copied = dest.ctx.store.findVolume(3);
    assert.equal(copied?.stats().fileCount, 5);
    assert.deepEqual((await copied!.read(2n)).data, (await source.ctx.store.findVolume(3)!.read(2n)).data);
    assert.deepEqual(await volumeFiles(dest.ctx.dir), ['3.dat', '3.idx', '3.vif']);
  });

  it('replaces an existing replica and drops the preserved links', async () => {
    const stale = await allocate(dest.ctx, 4);
    await stale.write(textNeedle(99n, 'stale'));
    await fill(source.ctx, 4, 3, 500);
    await copy(dest, source, 4).done;
    const copied = dest.ctx.store.findVolume(4)!;
    assert.equal(copied.stats().fileCount, 3);
    assert.equal(copied.lookup(99n), undefined);
    assert.deepEqual(
      (await volumeFiles(dest.ctx.dir)).filter((name) => name.startsWith('4.') || name.startsWith('copying/')),
      ['4.dat', '4.idx', '4.vif'],
    );
  });

  it('leaves the replica it would replace when the source cannot serve the volume', async () => {
    const kept = await allocate(dest.ctx, 5);
    await kept.write(textNeedle(1n, 'keep me'));
    await assert.rejects(copy(dest, source, 5).done, /read volume file status failed/);
    assert.equal((await dest.ctx.store.findVolume(5)!.read(1n)).data.toString(), 'keep me');
  });

  it('runs one copy per volume, refuses lifecycle RPCs on it meanwhile, and a cancel mounts nothing', async () => {
    await fill(source.ctx, 6, 16, 64 * 1024);
    // 1 MiB at 256 KiB/s: about four seconds of copying.
    const first = copy(dest, source, 6, 256 * 1024);
    first.done.catch(() => {});
    await eventually('the copy to claim the volume', () => dest.ctx.store.isCopying(6));
    await assert.rejects(
      copy(dest, source, 6).done,
      (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE && /already being copied/.test(err.details),
    );
    for (const [method, request] of [
      ['VolumeMount', { volume_id: 6 }],
      ['VolumeUnmount', { volume_id: 6 }],
      ['VolumeDelete', { volume_id: 6 }],
      ['AllocateVolume', { volume_id: 6 }],
      ['VolumeConfigure', { volume_id: 6, replication: '000' }],
    ] as const) {
      await assert.rejects(
        unaryCall(dest.client, method, request),
        (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE && /is being copied/.test(err.details),
        method,
      );
    }
    first.call.cancel();
    await eventually('the cancelled copy to end', () => !dest.ctx.store.isCopying(6));
    assert.equal(dest.ctx.store.findVolume(6), undefined);
    assert.deepEqual(
      (await volumeFiles(dest.ctx.dir)).filter((name) => name.startsWith('6.') || name.startsWith('copying/')),
      [],
    );
    // The claim is gone: the volume can be copied again.
    await copy(dest, source, 6).done;
    assert.equal(dest.ctx.store.findVolume(6)?.stats().fileCount, 16);
  });
});

describe('VolumeIncrementalCopy (4.53)', () => {
  const scope = suiteScope();
  let server: TestGrpcServer;
  let idx: Buffer;
  let dat: Buffer;

  before(async () => {
    server = await startTestGrpcServer(scope, 'needlework-grpc-copy-');
    const volume = await allocate(server.ctx, 8);
    for (let i = 1; i <= 4; i++) await volume.write(textNeedle(BigInt(i), `needle ${i}`));
    await volume.delete(2n, 0x1234_5678);
    await volume.sync();
    idx = await fs.readFile(path.join(server.ctx.dir, '8.idx'));
    dat = await fs.readFile(path.join(server.ctx.dir, '8.dat'));
  });

  it('since_ns 0 sends the whole .dat after the superblock and the whole index', async () => {
    const { data, idx: rows } = await incremental(server.client, { volume_id: 8, since_ns: '0' });
    assert.deepEqual(data, dat.subarray(8));
    assert.deepEqual(rows, idx);
  });

  it('resumes after a verified prefix with the rest of .dat and of the index', async () => {
    const rowCount = idx.length / 16;
    assert.equal(rowCount, 5);
    const cookie = dat.readUInt32BE(idx.readUInt32BE(2 * 16 + 8) * 8);
    const { data, idx: rows } = await incremental(server.client, {
      volume_id: 8,
      since_ns: '0',
      ...cursorOf(idx, 3),
      last_needle_cookie: cookie,
    });
    const nextOffset = idx.readUInt32BE(3 * 16 + 8) * 8;
    assert.deepEqual(data, dat.subarray(nextOffset));
    assert.deepEqual(rows, idx.subarray(3 * 16));
  });

  it('sends nothing when the client holds every row', async () => {
    const lastOffset = idx.readUInt32BE(4 * 16 + 8) * 8;
    const cookie = dat.readUInt32BE(lastOffset);
    const { data, idx: rows } = await incremental(server.client, {
      volume_id: 8,
      since_ns: '0',
      ...cursorOf(idx, 5),
      last_needle_cookie: cookie,
    });
    assert.equal(data.length + rows.length, 0);
  });

  it('answers FAILED_PRECONDITION when the prefix diverged', async () => {
    const cookie = dat.readUInt32BE(idx.readUInt32BE(2 * 16 + 8) * 8);
    const good = { volume_id: 8, since_ns: '0', ...cursorOf(idx, 3), last_needle_cookie: cookie };
    const diverged = (request: object) =>
      assert.rejects(
        incremental(server.client, request),
        (err: grpc.ServiceError) =>
          err.code === grpc.status.FAILED_PRECONDITION && /local copy diverged from the replica/.test(err.details),
      );
    await diverged({ ...good, entries_hash: String(BigInt(good.entries_hash) ^ 1n) });
    await diverged({ ...good, last_needle_cookie: cookie ^ 1 });
    await diverged({ ...good, last_needle_size: good.last_needle_size + 1 });
    await diverged({ ...good, entry_count: '9' });
  });
});
