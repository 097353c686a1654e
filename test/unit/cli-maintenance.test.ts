// `needlework maintenance`: offline on a directory, online against a running server, the exit
// status, the progress bar and the refusals.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { open, readFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { runMaintenanceCommand } from '../../src/cli/maintenance-command.ts';
import { VolumeLease } from '../../src/storage/maintenance/volume-lease.ts';
import { startFixture } from '../support/http-fixture.ts';
import { openTestVolume, tempDir, textNeedle } from '../support/helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    output: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), isTty: false },
  };
}

async function volumeDir(count: number, volumeId = 3, collection = '') {
  const dir = await tempDir();
  const v = await openTestVolume({ dir, volumeId, collection });
  const offsets: number[] = [];
  for (let i = 1; i <= count; i++) offsets.push((await v.write(textNeedle(BigInt(i), `needle ${i}`))).offsetBytes);
  await v.close();
  return { dir, offsets };
}

describe('needlework maintenance', () => {
  it('offline verify prints the counts and exits 0 on a healthy volume, 1 on a damaged one', async () => {
    const { dir, offsets } = await volumeDir(12);
    const ok = captured();
    assert.equal(await runMaintenanceCommand(['verify', `-dir=${dir}`, '-volumeId=3'], ok.output), 0);
    assert.match(ok.out.join(''), /^volume 3: 12 good, 0 corrupt, 0 orphaned, 0 dangling, 0 deleted/);
    assert.match(ok.err.join(''), /\[#{30}\] 100% .* done, 12 records/);

    const handle = await open(path.join(dir, '3.dat'), 'r+');
    await handle.write(Buffer.from('X'), 0, 1, offsets[4]! + 16 + 4);
    await handle.close();
    const bad = captured();
    assert.equal(await runMaintenanceCommand(['verify', `-dir=${dir}`, '-volumeId=3'], bad.output), 1);
    assert.match(bad.out.join(''), /1 corrupt/);
    assert.match(bad.out.join(''), /corrupt +needle 5 +at \d+ +checksum mismatch/);
  });

  it('offline rebuild-index restores a truncated index; -json prints the result', async () => {
    const { dir } = await volumeDir(10, 4, 'pics');
    const idx = path.join(dir, 'pics_4.idx');
    const whole = await readFile(idx);
    await truncate(idx, 4 * 16);
    const c = captured();
    assert.equal(await runMaintenanceCommand(['rebuild-index', '-dir', dir, '-volumeId=4', '-json'], c.output), 0);
    const result = JSON.parse(c.out.join(''));
    assert.deepEqual([result.mode, result.keptRows, result.recordsScanned, result.liveEntries], ['fast', 4, 6, 10]);
    assert.deepEqual(await readFile(idx), whole);
  });

  it('refuses while another agent holds the volume, and on bad usage', async () => {
    const { dir } = await volumeDir(2);
    const lease = await VolumeLease.acquire(
      { dir, collection: '', volumeId: 3 },
      { owner: 'server@x', agent: 'verify' },
    );
    const held = captured();
    assert.equal(await runMaintenanceCommand(['rebuild-index', `-dir=${dir}`, '-volumeId=3'], held.output), 1);
    assert.match(held.err.join(''), /volume 3 is held by verify by server@x/);
    await lease.release();
    for (const args of [
      ['defrag', `-dir=${dir}`, '-volumeId=3'],
      ['verify', '-volumeId=3'],
      ['verify', `-dir=${dir}`],
      ['verify', `-dir=${dir}`, '-server=a:1', '-volumeId=3'],
      ['verify', `-dir=${dir}`, '-volumeId=3', '-nope'],
    ]) {
      const c = captured();
      assert.equal(await runMaintenanceCommand(args, c.output), 2, args.join(' '));
      assert.match(c.err.join(''), /Usage: needlework maintenance/);
    }
    const missing = captured();
    assert.equal(await runMaintenanceCommand(['verify', `-dir=${dir}`, '-volumeId=9'], missing.output), 1);
    assert.match(missing.err.join(''), /no \.dat of volume 9/);
  });

  it('online: the server runs the agent and the command follows its progress', async () => {
    const f = await startFixture();
    try {
      const volume = f.store.findVolume(7)!;
      for (let i = 1; i <= 20; i++) await volume.write(textNeedle(BigInt(i), `online ${i}`));
      const c = captured();
      assert.equal(
        await runMaintenanceCommand(['rebuild-index', `-server=127.0.0.1:${f.admin}`, '-volumeId=7'], c.output),
        0,
      );
      assert.match(c.out.join(''), /^volume 7: index rebuilt \(fast: 20 old rows kept, 0 records scanned after them\)/);
      const v = captured();
      assert.equal(
        await runMaintenanceCommand(['verify', `-server=http://127.0.0.1:${f.admin}/`, '-volumeId=7'], v.output),
        0,
      );
      assert.match(v.out.join(''), /^volume 7: 20 good/);
      const missing = captured();
      assert.equal(
        await runMaintenanceCommand(['verify', `-server=127.0.0.1:${f.admin}`, '-volumeId=8'], missing.output),
        1,
      );
      assert.match(missing.err.join(''), /volume 8 not found/);
    } finally {
      await f.servers.close();
      await f.store.close();
    }
  });

  it('bin/needlework runs the subcommand from the build', async () => {
    const { dir } = await volumeDir(3);
    const { stdout } = await promisify(execFile)(path.join(ROOT, 'bin', 'needlework'), [
      'maintenance',
      'verify',
      `-dir=${dir}`,
      '-volumeId=3',
    ]);
    assert.match(stdout, /^volume 3: 3 good/);
  });
});
