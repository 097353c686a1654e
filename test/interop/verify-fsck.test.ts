// Our verify agent agrees with upstream's `weed shell volume.fsck -verifyNeedles` on a local
// volume: files go in through a real Go filer and master onto our server, two of their needles
// get a flipped byte on disk, and both tools name exactly those two (fsck through the
// VolumeNeedleStatus RPC, which must fail on a bad checksum as Go's does).
import assert from 'node:assert/strict';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runMaintenanceCommand } from '../../src/cli/maintenance-command.ts';
import { decodeIndexEntry } from '../../src/storage/idx/entry.ts';
import { tempDir } from '../support/helpers.ts';
import { runShell, skipReason, startFiler, startMaster, startOurVolumeServer } from '../support/peers.ts';

const FILES = 12;

interface Chunk {
  volumeId: number;
  needleIdHex: string;
}

function parseFid(fid: string): Chunk {
  const [vid, rest] = fid.split(',') as [string, string];
  return { volumeId: Number(vid), needleIdHex: BigInt(`0x${rest.slice(0, -8)}`).toString(16) };
}

async function chunkOf(filer: string, name: string): Promise<Chunk> {
  const meta = (await (await fetch(`http://${filer}/docs/${name}?metadata=true`)).json()) as {
    chunks?: Array<{ file_id?: string }>;
  };
  const fid = meta.chunks?.[0]?.file_id;
  assert.ok(fid !== undefined, `${name} has a chunk: ${JSON.stringify(meta)}`);
  return parseFid(fid);
}

/** The `.dat` offset of a needle's last index row. */
async function offsetOf(dataDir: string, chunk: Chunk): Promise<number> {
  const idx = await readFile(path.join(dataDir, `${chunk.volumeId}.idx`));
  let offset = -1;
  for (let at = 0; at + 16 <= idx.length; at += 16) {
    const row = decodeIndexEntry(idx, 4, at);
    if (row.key.toString(16) === chunk.needleIdHex) offset = row.offset;
  }
  assert.ok(offset > 0, `needle ${chunk.needleIdHex} is indexed`);
  return offset;
}

describe('verify against volume.fsck -verifyNeedles', { skip: skipReason() }, () => {
  it('both name the same damaged needles', async () => {
    const root = await tempDir();
    const dataDir = path.join(root, 'data');
    await mkdir(dataDir, { recursive: true });
    await mkdir(path.join(root, 'filer'), { recursive: true });
    const master = await startMaster(root, undefined, 256);
    const ours = await startOurVolumeServer(root, dataDir, master.address);
    const filer = await startFiler(root, master.address);

    for (let i = 0; i < FILES; i++) {
      const form = new FormData();
      form.append('file', new Blob([`file number ${i} `.repeat(40)]), `f${i}.txt`);
      let status = 0;
      for (let attempt = 0; attempt < 40 && status !== 201; attempt++) {
        status = (await fetch(`http://${filer.address}/docs/f${i}.txt`, { method: 'POST', body: form })).status;
        if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.equal(status, 201, `upload f${i}.txt`);
    }
    const damaged = [await chunkOf(filer.address, 'f3.txt'), await chunkOf(filer.address, 'f8.txt')];
    for (const chunk of damaged) {
      const handle = await open(path.join(dataDir, `${chunk.volumeId}.dat`), 'r+');
      await handle.write(Buffer.from('#'), 0, 1, (await offsetOf(dataDir, chunk)) + 16 + 4 + 3);
      await handle.close();
    }
    const damagedIds = damaged.map((c) => `${c.volumeId}:${c.needleIdHex}`).sort();

    const fsck = await runShell(master.address, 'lock\nvolume.fsck -verifyNeedles -cutoffTimeAgo=0s\nunlock', [
      `-filer=${filer.shellAddress}`,
    ]);
    const fsckIds = [...fsck.matchAll(/failed to read (\d+):([0-9a-f]+) needle status/g)]
      .map((m) => `${m[1]}:${m[2]}`)
      .sort();
    assert.deepEqual(fsckIds, damagedIds, fsck);

    const volumeIds = [...new Set(damaged.map((c) => c.volumeId))];
    const ourIds: string[] = [];
    for (const volumeId of volumeIds) {
      const out: string[] = [];
      const code = await runMaintenanceCommand(
        ['verify', `-server=127.0.0.1:${ours.port}`, `-volumeId=${volumeId}`, '-json'],
        {
          out: (t) => void out.push(t),
          err: () => {},
          isTty: false,
        },
      );
      assert.equal(code, 1, 'verify exits 1 on damage');
      const report = JSON.parse(out.join('')) as {
        findings: Array<{ kind: string; needleId: string }>;
        orphaned: number;
        dangling: number;
      };
      assert.equal(report.orphaned + report.dangling, 0);
      for (const f of report.findings) ourIds.push(`${volumeId}:${f.needleId}`);
    }
    assert.deepEqual(ourIds.sort(), damagedIds);
  });
});
