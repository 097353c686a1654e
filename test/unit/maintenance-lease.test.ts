// The per-volume maintenance lease: one holder at a time, takeover only after expiry, and a
// holder that lost it stops without changing the volume.
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isStorageError } from '../../src/storage/errors.ts';
import { rebuildIndex } from '../../src/storage/maintenance/index-rebuild.ts';
import { VolumeLease, leaseFilePath, liveLease } from '../../src/storage/maintenance/volume-lease.ts';
import { openTestVolume, tempDir, textNeedle } from '../support/helpers.ts';

function clock(startMs = 1_000_000) {
  let now = startMs;
  return { nowMs: () => now, advance: (ms: number) => (now += ms) };
}

describe('volume lease', () => {
  it('a second agent is refused while the first holds it, and may take it once released', async () => {
    const loc = { dir: await tempDir(), collection: '', volumeId: 4 };
    const t = clock();
    const first = await VolumeLease.acquire(
      loc,
      { owner: 'cli@a', agent: 'verify' },
      { ttlMs: 10_000, nowMs: t.nowMs },
    );
    await assert.rejects(
      VolumeLease.acquire(loc, { owner: 'cli@b', agent: 'rebuild-index' }, { ttlMs: 10_000, nowMs: t.nowMs }),
      (err) => isStorageError(err, 'lease_held') && /verify by cli@a .* 10 s left/.test(err.message),
    );
    assert.equal((await liveLease(loc, t.nowMs()))?.token, first.token);
    await first.release();
    assert.equal(await liveLease(loc, t.nowMs()), null);
    const second = await VolumeLease.acquire(
      loc,
      { owner: 'cli@b', agent: 'rebuild-index' },
      { ttlMs: 10_000, nowMs: t.nowMs },
    );
    await second.release();
    assert.deepEqual(await readdir(loc.dir), [], 'no lease or temporary file is left behind');
  });

  it('renewing keeps it; past its expiry another takes it over and the first has lost it', async () => {
    const loc = { dir: await tempDir(), collection: 'c', volumeId: 5 };
    const t = clock();
    const first = await VolumeLease.acquire(
      loc,
      { owner: 'server@x', agent: 'verify' },
      { ttlMs: 10_000, nowMs: t.nowMs },
    );
    t.advance(8_000);
    await first.renew();
    t.advance(8_000);
    await assert.rejects(
      VolumeLease.acquire(loc, { owner: 'cli@b', agent: 'verify' }, { ttlMs: 10_000, nowMs: t.nowMs }),
      (err) => isStorageError(err, 'lease_held'),
    );
    t.advance(3_000);
    const second = await VolumeLease.acquire(
      loc,
      { owner: 'cli@b', agent: 'verify' },
      { ttlMs: 10_000, nowMs: t.nowMs },
    );
    await assert.rejects(first.check(), (err) => isStorageError(err, 'lease_lost') && /taken over/.test(err.message));
    assert.ok(first.signal.aborted);
    await first.release();
    assert.equal(
      (await liveLease(loc, t.nowMs()))?.token,
      second.token,
      "a lost holder's release leaves the new holder's lease",
    );
    await second.release();
  });

  it('an expired lease that nobody took is lost to its holder too', async () => {
    const loc = { dir: await tempDir(), collection: '', volumeId: 6 };
    const t = clock();
    const lease = await VolumeLease.acquire(loc, { owner: 'cli@a', agent: 'verify' }, { ttlMs: 1_000, nowMs: t.nowMs });
    t.advance(1_000);
    await assert.rejects(lease.renew(), (err) => isStorageError(err, 'lease_lost') && /expired/.test(err.message));
    await lease.release();
  });

  it('a torn or foreign lease file protects nothing', async () => {
    const loc = { dir: await tempDir(), collection: '', volumeId: 7 };
    await writeFile(leaseFilePath(loc), '{"owner": "half a rec');
    const lease = await VolumeLease.acquire(loc, { owner: 'cli@a', agent: 'verify' });
    assert.equal(JSON.parse(await readFile(leaseFilePath(loc), 'utf8')).token, lease.token);
    await lease.release();
  });

  it('a rebuild whose lease is lost before the swap leaves the old index exactly as it was', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir });
    for (let i = 1; i <= 5; i++) await v.write(textNeedle(BigInt(i), `n${i}`));
    await v.write(textNeedle(1n, 'again'));
    await v.close();
    const loc = { dir, collection: '', volumeId: 1 };
    const before = await readFile(path.join(dir, '1.idx'));
    const t = clock();
    const lease = await VolumeLease.acquire(
      loc,
      { owner: 'cli@a', agent: 'rebuild-index' },
      { ttlMs: 1_000, nowMs: t.nowMs },
    );
    t.advance(2_000);
    await assert.rejects(rebuildIndex(loc, { offsetWidth: 4, full: true, lease }), (err) =>
      isStorageError(err, 'lease_lost'),
    );
    assert.deepEqual(await readFile(path.join(dir, '1.idx')), before);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith('.rebuild')),
      [],
      'the unfinished index is removed',
    );
    await lease.release();
  });
});
