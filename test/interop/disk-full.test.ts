// A real full disk: our server's -dir is a small tmpfs, written by 16 clients through a real Go
// master until it fills. Every refused write gets a clear error, nothing acknowledged is lost, the
// server stays up, -minFreeSpace turns the volumes read-only, and once space is freed writes
// resume after the monitor's next pass; then the same after a restart on the full disk.
// Mounting needs root (CI runs as root); elsewhere the suite is skipped with the reason.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type TestContext, describe, it } from 'node:test';
import { tempDir } from '../unit/helpers.ts';
import { assignFids, skipReason, startMaster, startOurVolumeServer } from './peers.ts';

const TMPFS_BYTES = 24 * 1024 * 1024;
const RESERVE = '6MiB';
const RESERVE_BYTES = 6 * 1024 * 1024;
const CHECK_INTERVAL_MS = 200;

/** Mounts a tmpfs at `dir`; returns why it cannot (not root, no mount) or null once mounted. */
function mountTmpfs(dir: string): string | null {
  // Lazy, so a server still closing its files cannot keep the mount (or the temp dir) busy.
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    return `mount -t tmpfs failed: ${(err as Error).message.split('\n')[0]}`;
  }
  return null;
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    // Not mounted any more: nothing to undo.
  }
}

interface Outcome {
  acknowledged: Map<string, string>;
  refused: Array<{ status: number; body: string }>;
  /** Assigns the master answered with an error: it had nowhere writable left. */
  assignsRefused: number;
  lastAssignError?: string;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** 16 writers through the master until each has been refused `refusalsToStop` times in a row. */
async function fillDisk(master: string, refusalsToStop: number): Promise<Outcome> {
  const outcome: Outcome = { acknowledged: new Map(), refused: [], assignsRefused: 0 };
  const writer = async (seed: number): Promise<void> => {
    let inARow = 0;
    for (let i = 0; inARow < refusalsToStop && i < 2_000; i++) {
      const body = randomBytes(64 * 1024 + ((seed * 7919 + i * 104_729) % (192 * 1024)));
      const assign = await fetch(`http://${master}/dir/assign`).then(
        (r) => r.json() as Promise<{ fid?: string; url?: string; error?: string }>,
      );
      if (assign.fid === undefined || assign.url === undefined) {
        // The master has nowhere writable to send it: also a clear answer.
        assert.ok(typeof assign.error === 'string' && assign.error !== '', `assign answered ${JSON.stringify(assign)}`);
        outcome.assignsRefused++;
        outcome.lastAssignError = assign.error;
        inARow++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const form = new FormData();
      form.append('file', new Blob([body]), 'part.bin');
      const response = await fetch(`http://${assign.url}/${assign.fid}`, { method: 'POST', body: form });
      const text = await response.text();
      if (response.status === 201) {
        outcome.acknowledged.set(assign.fid, sha(body));
        inARow = 0;
      } else {
        outcome.refused.push({ status: response.status, body: text });
        inARow++;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, (_, seed) => writer(seed)));
  return outcome;
}

async function readsBack(port: number, acknowledged: Map<string, string>, where: string): Promise<void> {
  for (const [fid, digest] of acknowledged) {
    const response = await fetch(`http://127.0.0.1:${port}/${fid}`);
    assert.equal(response.status, 200, `${where}: ${fid}`);
    assert.equal(sha(new Uint8Array(await response.arrayBuffer())), digest, `${where}: ${fid} bytes`);
  }
}

async function volumesOf(port: number): Promise<Array<{ Id: number; ReadOnly: boolean }>> {
  const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as {
    Volumes?: Array<{ Id: number; ReadOnly: boolean }>;
  };
  return status.Volumes ?? [];
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether a POST of `body` to `fid` was acknowledged. */
async function postCreated(port: number, fid: string, body: string): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/${fid}`, { method: 'POST', body });
  await response.arrayBuffer();
  return response.status === 201;
}

/** A new needle on an existing volume (any cookie is fine for a new key). */
const freshFid = (volumeId: number, n: number) => `${volumeId},${(0xf00000 + n).toString(16)}deadbeef`;

async function fillerFor(dir: string): Promise<string> {
  // Leaves less than the reserve free, so the monitor calls the disk low.
  const s = await statfs(dir);
  const freeBytes = s.bavail * s.bsize;
  const filler = path.join(dir, 'filler.bin');
  await writeFile(filler, Buffer.alloc(Math.max(0, freeBytes - RESERVE_BYTES / 2)));
  return filler;
}

/** Runs `body` with a fresh tmpfs as the data dir, unmounted before the temp dir is removed. */
async function withTmpfs(
  t: TestContext,
  prefix: string,
  body: (work: string, dataDir: string) => Promise<void>,
): Promise<void> {
  const work = await tempDir(prefix);
  const dataDir = path.join(work, 'data');
  await mkdir(dataDir);
  const why = mountTmpfs(dataDir);
  if (why !== null) {
    if (process.env.NEEDLEWORK_REQUIRE_PARITY === '1') throw new Error(`CI must run the disk-full tests: ${why}`);
    t.skip(why);
    return;
  }
  try {
    await body(work, dataDir);
  } finally {
    // The harness's cleanups (the temp dir's removal) run after the test.
    unmount(dataDir);
  }
}

describe('a full disk (tmpfs) under concurrent writes', { skip: skipReason() }, () => {
  it('refuses clearly, loses nothing acknowledged, stays up, turns read-only, and resumes once space is freed (also after a restart)', async (t) => {
    await withTmpfs(t, 'needlework-disk-full-', async (work, dataDir) => {
      // Ballast taken before the fill, so space can be freed afterwards.
      const ballast = path.join(dataDir, 'ballast.bin');
      await writeFile(ballast, Buffer.alloc(8 * 1024 * 1024));
      // Volumes far larger than the disk, so it is the disk that fills, not the volumes.
      const master = await startMaster(work, undefined, 64);
      const args = ['--minFreeSpace', RESERVE, '--minFreeSpace.interval', `${CHECK_INTERVAL_MS}ms`];
      let server = await startOurVolumeServer(work, dataDir, master.address, undefined, args, 8);

      // The master grows volumes on the first assign; writers start once it has some.
      await assignFids(master.address, 1);
      const first = await fillDisk(master.address, 12);
      assert.ok(
        first.acknowledged.size > 20,
        `some writes went through before the disk filled (${first.acknowledged.size}; refusals begin ${JSON.stringify(first.refused.slice(0, 2))})`,
      );
      assert.ok(first.refused.length + first.assignsRefused > 0, 'the disk filled and writes were refused');
      for (const refusal of first.refused) {
        // 409 is 4.53's read-only answer; a write that met ENOSPC itself is a 500 with the error.
        assert.ok(refusal.status === 409 || refusal.status === 500, `refused with ${refusal.status}: ${refusal.body}`);
        assert.match(refusal.body, /\S/, `a refusal says why (${refusal.status})`);
      }
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/status`)).status, 200, 'the server stays up');
      await readsBack(server.port, first.acknowledged, 'after filling the disk');
      const fsNow = await statfs(dataDir);
      t.diagnostic(
        `after filling: free ${fsNow.bavail * fsNow.bsize} bytes; volumes ${JSON.stringify((await volumesOf(server.port)).map((v) => [v.Id, v.ReadOnly]))}`,
      );
      t.diagnostic(
        `acknowledged ${first.acknowledged.size}, refused by the volume server ${first.refused.length} (${[...new Set(first.refused.map((r) => r.status))].join(', ')}), refused by the master ${first.assignsRefused} (${first.lastAssignError ?? ''})`,
      );
      const volumeId = [...first.acknowledged.keys()].map((fid) => Number(fid.split(',')[0]))[0]!;

      // The monitor sees the disk below the reserve: every volume read-only.
      await until('the volumes are read-only', async () => (await volumesOf(server.port)).every((v) => v.ReadOnly));
      assert.equal(
        (await fetch(`http://127.0.0.1:${server.port}/${freshFid(volumeId, 1)}`, { method: 'POST', body: 'refused' }))
          .status,
        409,
      );

      await rm(ballast);
      await until('writes resume after space is freed', () =>
        postCreated(server.port, freshFid(volumeId, 2), 'space is back'),
      );
      assert.equal(
        await (await fetch(`http://127.0.0.1:${server.port}/${freshFid(volumeId, 2)}`)).text(),
        'space is back',
      );

      // Restart on a full disk: it loads, stays read-only, serves every acknowledged write.
      const restartFiller = await fillerFor(dataDir);
      await server.peer.stop();
      server = await startOurVolumeServer(work, dataDir, master.address, undefined, args, 8);
      const volumes = await volumesOf(server.port);
      assert.ok(
        volumes.length > 0 && volumes.every((v) => v.ReadOnly),
        `read-only from the first pass after the restart: ${JSON.stringify(volumes)}`,
      );
      await readsBack(server.port, first.acknowledged, 'after the restart on a full disk');
      assert.equal(
        (await fetch(`http://127.0.0.1:${server.port}/${freshFid(volumeId, 3)}`, { method: 'POST', body: 'refused' }))
          .status,
        409,
      );
      await rm(restartFiller);
      await until('writes resume after the restart once space is freed', () =>
        postCreated(server.port, freshFid(volumeId, 4), 'resumed'),
      );
      await server.peer.stop();
      await master.peer.stop();
    });
  });

  it('with no reserve the disk runs out for real: ENOSPC writes fail with a clear 500, the rest reads back, and the volumes load after a restart', async (t) => {
    await withTmpfs(t, 'needlework-enospc-', async (work, dataDir) => {
      const master = await startMaster(work, undefined, 64);
      // -minFreeSpace 0: the monitor never calls the disk low, so the writes meet ENOSPC themselves.
      const args = ['--minFreeSpace', '0', '--minFreeSpace.interval', `${CHECK_INTERVAL_MS}ms`];
      let server = await startOurVolumeServer(work, dataDir, master.address, undefined, args, 8);
      await assignFids(master.address, 1);
      const outcome = await fillDisk(master.address, 12);
      const statuses = [...new Set(outcome.refused.map((r) => r.status))];
      t.diagnostic(
        `acknowledged ${outcome.acknowledged.size}, refused ${outcome.refused.length} (${statuses.join(', ')}), by the master ${outcome.assignsRefused}`,
      );
      assert.ok(
        outcome.refused.some((r) => r.status === 500 && /no space left|ENOSPC/i.test(r.body)),
        `an ENOSPC write says so: ${JSON.stringify(outcome.refused.slice(0, 2))}`,
      );
      for (const refusal of outcome.refused)
        assert.match(refusal.body, /error/, `a refusal says why (${refusal.status})`);
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/status`)).status, 200, 'the server stays up');
      await readsBack(server.port, outcome.acknowledged, 'on the full disk');
      await server.peer.stop();
      server = await startOurVolumeServer(work, dataDir, master.address, undefined, args, 8);
      await readsBack(server.port, outcome.acknowledged, 'after a restart on the full disk');
      await server.peer.stop();
      await master.peer.stop();
    });
  });
});
