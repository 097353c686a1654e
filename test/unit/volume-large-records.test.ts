// Large needles are appended as head, data and tail in one vectored write, and large reads can
// land in pooled buffers; both must leave exactly the bytes the one-buffer paths would.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BufferPool } from '../../src/storage/buffer-pool.ts';
import { isStorageError } from '../../src/storage/errors.ts';
import { NeedleFlag, encodeNeedle, encodeNeedleParts, newNeedle } from '../../src/storage/needle/needle.ts';
import { writevFully } from '../../src/storage/vectored-write.ts';
import { nodeVolumeIo } from '../../src/storage/io/node-volume-io.ts';
import { openTestVolume, tempDir } from './helpers.ts';

const KiB = 1024;

function bigNeedle(id: bigint, sizeBytes: number) {
  return newNeedle({
    id,
    cookie: 0x0bad_cafe,
    data: randomBytes(sizeBytes),
    flags: NeedleFlag.HasName | NeedleFlag.HasMime | NeedleFlag.HasLastModified,
    name: Buffer.from(`file-${id}.bin`),
    mime: Buffer.from('application/x-test'),
    lastModified: 1_700_000_000,
  });
}

describe('large records', () => {
  it('encodes the same bytes in parts as in one buffer, for every version', () => {
    for (const version of [1, 2, 3] as const) {
      for (const sizeBytes of [0, 1, 7, 300 * KiB + 3]) {
        const n = bigNeedle(5n, sizeBytes);
        n.appendAtNs = 123_456_789n;
        const whole = encodeNeedle({ ...n }, version);
        const parts = encodeNeedleParts({ ...n }, version);
        assert.equal(parts.sizeBytes, whole.length);
        assert.ok(Buffer.concat([parts.head, parts.data, parts.tail]).equals(whole), `v${version}, ${sizeBytes} bytes`);
      }
    }
  });

  it('appends large needles, alone and batched with small ones, with the bytes of the one-buffer encoding', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir, nowNs: () => 1_000n });
    const needles = [
      bigNeedle(1n, 300 * KiB),
      bigNeedle(2n, 10),
      bigNeedle(3n, 1024 * KiB + 3),
      bigNeedle(4n, 256 * KiB),
    ];
    const written = await Promise.all(needles.map((n) => v.write(n)));
    for (const [i, n] of needles.entries()) {
      const back = await v.read(n.id);
      assert.ok(Buffer.from(back.data).equals(Buffer.from(n.data)), `needle ${n.id} reads back`);
      // The record on disk is what the one-buffer encoder gives for the same needle.
      const expected = encodeNeedle({ ...n, appendAtNs: back.appendAtNs }, 3);
      const dat = await readFile(path.join(dir, '1.dat'));
      const offsetBytes = (written[i] as { offsetBytes: number }).offsetBytes;
      assert.ok(dat.subarray(offsetBytes, offsetBytes + expected.length).equals(expected), `record of needle ${n.id}`);
    }
    await v.close();
    const again = await openTestVolume({ dir });
    for (const n of needles) assert.ok(Buffer.from((await again.read(n.id)).data).equals(Buffer.from(n.data)));
    assert.deepEqual(again.loadReport.notes, []);
    await again.close();
  });

  it('writes every piece after short writes resume', async () => {
    const dir = await tempDir();
    const pieces = Array.from({ length: 40 }, (_, i) => randomBytes(1 + i * 997));
    const total = pieces.reduce((sum, p) => sum + p.length, 0);
    const handle = await open(path.join(dir, 'f'), 'w+');
    try {
      await handle.write(Buffer.from('x'), 0, 1, 0);
      await writevFully(nodeVolumeIo, handle.fd, pieces, total, 1);
    } finally {
      await handle.close();
    }
    const bytes = await readFile(path.join(dir, 'f'));
    assert.ok(bytes.subarray(1).equals(Buffer.concat(pieces)));
  });

  it('reads into pooled buffers, and gives them back when a read fails', async () => {
    const dir = await tempDir();
    const v = await openTestVolume({ dir });
    const n = bigNeedle(7n, 512 * KiB);
    await v.write(n);
    const pool = new BufferPool(8 * 1024 * KiB);
    const first = await v.read(7n, { buffers: pool });
    assert.ok(Buffer.from(first.data).equals(Buffer.from(n.data)));
    pool.give(first.data);
    const held = pool.freeBytes;
    assert.ok(held > 512 * KiB);
    const second = await v.read(7n, { buffers: pool });
    assert.equal(second.data.buffer, first.data.buffer, 'the given-back buffer is reused');
    assert.equal(pool.freeBytes, 0);
    pool.give(second.data);
    // A wrong cookie fails after the read: the buffer must come back.
    await assert.rejects(v.read(7n, { buffers: pool, cookie: 1 }), (err) => isStorageError(err, 'cookie_mismatch'));
    assert.equal(pool.freeBytes, held);
    await v.close();
  });
});
