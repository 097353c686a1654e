// Maintenance agents on a running server, over the admin port: a rebuild unmounts the volume
// (writes refused meanwhile) and mounts it again; a verify reads a mounted volume while writes go
// on; the lease keeps agents, vacuum and command-line runs apart; runs keep their figures.
import assert from 'node:assert/strict';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { whiteListGuard } from '../../src/server/http/white-list.ts';
import { isStorageError } from '../../src/storage/errors.ts';
import { VolumeLease } from '../../src/storage/maintenance/volume-lease.ts';
import type { MaintenanceRun } from '../../src/store/maintenance-runs.ts';
import { type Fixture, send, startFixture } from '../support/http-fixture.ts';
import { textNeedle } from '../support/helpers.ts';

async function withFixture(body: (f: Fixture) => Promise<void>, whiteList: string[] = []): Promise<void> {
  const f = await startFixture(8 * 1024 * 1024, () => ({ guardWrite: whiteListGuard(whiteList) }));
  try {
    await body(f);
  } finally {
    await f.servers.close();
    await f.store.close();
  }
}

async function fill(f: Fixture, count: number): Promise<Map<bigint, number>> {
  const volume = f.store.findVolume(7)!;
  const offsets = new Map<bigint, number>();
  for (let i = 1; i <= count; i++)
    offsets.set(BigInt(i), (await volume.write(textNeedle(BigInt(i), `needle ${i} `.repeat(20)))).offsetBytes);
  return offsets;
}

async function post(f: Fixture, route: string): Promise<{ status: number; json: any }> {
  const reply = await send(f.admin, 'POST', route);
  return { status: reply.status, json: JSON.parse(reply.body.toString()) };
}

async function finished(f: Fixture, id: number): Promise<MaintenanceRun> {
  await f.store.maintenance.settled(id);
  const reply = await send(f.admin, 'GET', `/maintenance/runs/${id}`);
  assert.equal(reply.status, 200);
  return JSON.parse(reply.body.toString()) as MaintenanceRun;
}

describe('maintenance agents on a running server', () => {
  it('rebuild-index: the volume is unmounted meanwhile, mounted again after, every needle still there', async () => {
    await withFixture(async (f) => {
      await fill(f, 40);
      const started = await post(f, '/maintenance/rebuild-index?volumeId=7');
      assert.equal(started.status, 202);
      assert.equal(started.json.agent, 'rebuild-index');
      assert.equal(started.json.state, 'running');
      // Writes and mounts are refused while the index is rebuilt.
      assert.equal(f.store.findVolume(7), undefined);
      const write = await send(
        f.admin,
        'PUT',
        '/7,2a00000000',
        { 'Content-Type': 'application/octet-stream' },
        'refused',
      );
      // Upstream's answer for a write to a volume it does not have: 500 with the reason.
      assert.equal(write.status, 500);
      assert.match(write.body.toString(), /not found/);
      await assert.rejects(f.store.mountVolume(7), (err) => isStorageError(err, 'lease_held'));

      const run = await finished(f, started.json.id);
      assert.equal(run.state, 'done');
      assert.equal((run.result as any).mode, 'fast');
      assert.equal((run.result as any).keptRows, 40);
      assert.equal(run.progress.phase, 'done');
      assert.notEqual(run.progress.finishedAtMs, null);
      const volume = f.store.findVolume(7)!;
      for (let i = 1; i <= 40; i++)
        assert.equal(Buffer.from((await volume.read(BigInt(i))).data).toString(), `needle ${i} `.repeat(20));
      await volume.write(textNeedle(41n, 'after the rebuild'));
      await assert.rejects(readFile(path.join(f.store.locations[0]!.dir, '7.lease')), /ENOENT/);
    });
  });

  it('verify: finds a flipped byte in a mounted volume, with writes going on, and changes nothing', async () => {
    await withFixture(async (f) => {
      const offsets = await fill(f, 30);
      const datPath = path.join(f.store.locations[0]!.dir, '7.dat');
      const handle = await open(datPath, 'r+');
      await handle.write(Buffer.from([0xee]), 0, 1, offsets.get(12n)! + 16 + 4 + 2);
      await handle.close();
      const volume = f.store.findVolume(7)!;
      const started = await post(f, '/maintenance/verify?volumeId=7');
      assert.equal(started.status, 202);
      const writes = Array.from({ length: 16 }, (_, i) => volume.write(textNeedle(BigInt(100 + i), `concurrent ${i}`)));
      await Promise.all(writes);
      const run = await finished(f, started.json.id);
      assert.equal(run.state, 'done');
      const report = run.result as any;
      assert.deepEqual([report.good, report.corrupt, report.orphaned, report.dangling], [29, 1, 0, 0]);
      assert.equal(report.findings[0].needleId, 'c');
      assert.equal(run.progress.bytesScanned, run.progress.totalBytes);
      for (let i = 0; i < 16; i++)
        assert.equal(Buffer.from((await volume.read(BigInt(100 + i))).data).toString(), `concurrent ${i}`);
    });
  });

  it('a held lease refuses agents (409) and vacuum; once released the agent runs', async () => {
    await withFixture(async (f) => {
      await fill(f, 5);
      const volume = f.store.findVolume(7)!;
      const cli = await VolumeLease.acquire(volume.location, { owner: 'cli@elsewhere', agent: 'verify' });
      const refused = await post(f, '/maintenance/rebuild-index?volumeId=7');
      assert.equal(refused.status, 409);
      assert.match(refused.json.error, /held by verify by cli@elsewhere/);
      await assert.rejects(volume.compact(), (err) => isStorageError(err, 'lease_held'));
      assert.equal(volume.isCompacting, false);
      await cli.release();
      const started = await post(f, '/maintenance/verify?volumeId=7');
      assert.equal(started.status, 202);
      assert.equal((await finished(f, started.json.id)).state, 'done');
      await volume.compact();
      await volume.commitCompact();
    });
  });

  it('an agent is refused while vacuum compacts the volume', async () => {
    await withFixture(async (f) => {
      await fill(f, 5);
      const volume = f.store.findVolume(7)!;
      await volume.compact();
      const refused = await post(f, '/maintenance/verify?volumeId=7');
      assert.equal(refused.status, 409);
      assert.match(refused.json.error, /being compacted/);
      await volume.commitCompact();
      await assert.rejects(
        readFile(path.join(f.store.locations[0]!.dir, '7.lease')),
        /ENOENT/,
        'the refused agent gave its lease back',
      );
    });
  });

  it('bad requests get clear errors; runs are listed; the white list applies', async () => {
    await withFixture(async (f) => {
      assert.equal((await post(f, '/maintenance/verify?volumeId=abc')).status, 400);
      assert.equal((await post(f, '/maintenance/verify?volumeId=7&full=maybe')).status, 400);
      const missing = await post(f, '/maintenance/verify?volumeId=99');
      assert.equal(missing.status, 404);
      assert.match(missing.json.error, /volume 99 not found/);
      assert.equal((await post(f, '/maintenance/defrag?volumeId=7')).status, 404);
      assert.equal((await send(f.admin, 'GET', '/maintenance/runs/12345')).status, 404);
      const started = await post(f, '/maintenance/verify?volumeId=7');
      await finished(f, started.json.id);
      const list = JSON.parse((await send(f.admin, 'GET', '/maintenance/runs')).body.toString());
      assert.deepEqual(
        list.runs.map((r: MaintenanceRun) => [r.id, r.agent, r.volumeId, r.state]),
        [[started.json.id, 'verify', 7, 'done']],
      );
    });
    await withFixture(
      async (f) => {
        assert.equal((await send(f.admin, 'POST', '/maintenance/verify?volumeId=7')).status, 401);
        assert.equal((await send(f.admin, 'GET', '/maintenance/runs')).status, 401);
      },
      ['10.1.2.3'],
    );
  });
});
