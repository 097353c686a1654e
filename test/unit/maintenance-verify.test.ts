// The verify agent: counts good, corrupt, orphaned and dangling entries, and changes nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, open, readFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AgentProgress } from '../../src/storage/maintenance/agent-progress.ts';
import { rebuildIndex } from '../../src/storage/maintenance/index-rebuild.ts';
import { verifyVolumeFiles } from '../../src/storage/maintenance/volume-verify.ts';
import { encodeIndexEntry } from '../../src/storage/idx/entry.ts';
import { flipByte } from '../support/flip-byte.ts';
import { openTestVolume, tempDir, textNeedle } from '../support/helpers.ts';

const COOKIE = 0x1234_5678;

async function volumeWithHistory() {
  const dir = await tempDir();
  const v = await openTestVolume({ dir });
  const offsets = new Map<bigint, number>();
  for (let i = 1; i <= 20; i++)
    offsets.set(BigInt(i), (await v.write(textNeedle(BigInt(i), `needle number ${i} `.repeat(8)))).offsetBytes);
  for (let i = 1; i <= 20; i += 5)
    offsets.set(BigInt(i), (await v.write(textNeedle(BigInt(i), `rewritten ${i}`))).offsetBytes);
  await v.delete(2n, COOKIE);
  await v.delete(3n, COOKIE);
  await v.close();
  const loc = { dir, collection: '', volumeId: 1 };
  return { dir, loc, offsets, dat: path.join(dir, '1.dat'), idx: path.join(dir, '1.idx') };
}

async function digest(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

describe('verify agent', () => {
  it('a healthy volume: every live entry good, deletions counted, nothing else', async () => {
    const { loc } = await volumeWithHistory();
    const progress = new AgentProgress();
    const report = await verifyVolumeFiles(loc, { offsetWidth: 4, progress });
    assert.deepEqual(
      {
        good: report.good,
        corrupt: report.corrupt,
        orphaned: report.orphaned,
        dangling: report.dangling,
        deleted: report.deleted,
      },
      { good: 18, corrupt: 0, orphaned: 0, dangling: 0, deleted: 2 },
    );
    assert.equal(report.recordsScanned, 20 + 4 + 2);
    assert.equal(report.stoppedAt, null);
    const snap = progress.snapshot();
    assert.equal(snap.entriesScanned, 26);
    assert.equal(snap.bytesScanned, snap.totalBytes);
  });

  it('a flipped data byte is one corrupt needle, and the files are left as they were', async () => {
    const { loc, dat, idx, offsets } = await volumeWithHistory();
    await flipByte(dat, offsets.get(7n)! + 16 + 4 + 3, 0xff);
    const before = [await digest(dat), await digest(idx)];
    const report = await verifyVolumeFiles(loc, { offsetWidth: 4 });
    assert.equal(report.corrupt, 1);
    assert.equal(report.good, 17);
    assert.deepEqual(
      report.findings.map((f) => [f.kind, f.needleId, f.detail]),
      [['corrupt', '7', 'checksum mismatch']],
    );
    assert.deepEqual([await digest(dat), await digest(idx)], before);
  });

  it('a record whose body does not decode is corrupt, and the walk goes on past it', async () => {
    const { loc, dat, offsets } = await volumeWithHistory();
    // The v3 DataSize field, made larger than the body: the record no longer decodes.
    const handle = await open(dat, 'r+');
    const big = Buffer.alloc(4);
    big.writeUInt32BE(0x7fff_ffff);
    await handle.write(big, 0, 4, offsets.get(9n)! + 16);
    await handle.close();
    const report = await verifyVolumeFiles(loc, { offsetWidth: 4 });
    assert.equal(report.corrupt, 1);
    assert.equal(report.findings[0]?.needleId, '9');
    assert.equal(report.good, 17);
    assert.equal(report.recordsScanned, 26, 'records after the broken one are still walked');
    assert.equal(report.stoppedAt, null);
  });

  it('records a crash left unindexed are orphaned; superseded versions are not', async () => {
    const { loc, idx } = await volumeWithHistory();
    const rows = (await readFile(idx)).length / 16;
    await truncate(idx, (rows - 3) * 16);
    const report = await verifyVolumeFiles(loc, { offsetWidth: 4 });
    // The last three records: needle 16 rewritten, the deletions of 2 and 3.
    assert.equal(report.orphaned, 3);
    assert.deepEqual(new Set(report.findings.map((f) => f.needleId)), new Set(['10', '2', '3']));
    assert.equal(report.deleted, 0);
    assert.equal(report.good, 20);
  });

  it('entries pointing past the end or at another needle are dangling', async () => {
    const { loc, idx, offsets } = await volumeWithHistory();
    await appendFile(idx, encodeIndexEntry({ key: 50n, offset: 8 * 1024 * 1024, size: 100 }, 4));
    await appendFile(idx, encodeIndexEntry({ key: 51n, offset: offsets.get(4n)!, size: 100 }, 4));
    const report = await verifyVolumeFiles(loc, { offsetWidth: 4 });
    assert.equal(report.dangling, 2);
    assert.deepEqual(report.findings.map((f) => f.needleId).sort(), ['32', '33']);
    assert.equal(report.good, 18);
  });

  it('after an index rebuild (one row per key) old versions are still not orphans', async () => {
    const { loc } = await volumeWithHistory();
    await rebuildIndex(loc, { offsetWidth: 4, full: true });
    const report = await verifyVolumeFiles(loc, { offsetWidth: 4 });
    assert.deepEqual([report.good, report.orphaned, report.corrupt, report.dangling, report.deleted], [18, 0, 0, 0, 2]);
  });

  it('honours the sizes it is given (a mounted volume between batches)', async () => {
    const { loc, dat, idx } = await volumeWithHistory();
    const datSizeBytes = (await readFile(dat)).length;
    const idxSizeBytes = (await readFile(idx)).length;
    // Appended after the snapshot: neither the record nor its row is looked at.
    const v = await openTestVolume({ dir: loc.dir });
    await v.write(textNeedle(99n, 'after the snapshot'));
    await v.close();
    await truncate(idx, idxSizeBytes);
    const report = await verifyVolumeFiles(loc, { offsetWidth: 4, sizes: { datSizeBytes, idxSizeBytes } });
    assert.deepEqual([report.good, report.orphaned], [18, 0]);
  });
});
