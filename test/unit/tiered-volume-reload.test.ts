// A tiered volume after a restart: its `.dat` is only in a [storage.backend] store, its `.idx` and
// `.vif` here. It must load from the remote copy (ranged reads, nothing downloaded whole), serve
// every needle byte for byte, refuse writes, and behave as upstream when the backend is unknown
// or the index and the remote copy disagree. No ports: the store is driven directly.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { setBackendStorageForTest } from '../../src/storage/backend/backend.ts';
import { RemoteDataFile } from '../../src/storage/backend/remote-data-file.ts';
import { clearRemoteSuperBlockStallsForTest } from '../../src/storage/backend/remote-super-block.ts';
import { isStorageError } from '../../src/storage/errors.ts';
import { newNeedle } from '../../src/storage/needle/needle.ts';
import { actualSize } from '../../src/storage/needle/version.ts';
import { SUPER_BLOCK_SIZE_BYTES } from '../../src/storage/super-block.ts';
import type { Volume } from '../../src/storage/volume.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir, textNeedle } from './helpers.ts';
import { MemoryBackend } from './memory-backend.ts';
import { prng } from './prng.ts';
import { linesLogger } from './lines-logger.ts';

const VOLUME_ID = 5;
/** Sizes around the interesting edges: tiny, the inline IO limit (256 KiB), several stream chunks. */
const NEEDLE_SIZES_BYTES = [1, 100, 4093, 256 * 1024 + 3, 700 * 1024];

function randomBytes(sizeBytes: number, seed: number): Buffer {
  const next = prng(seed);
  const out = Buffer.allocUnsafe(sizeBytes);
  for (let i = 0; i < sizeBytes; i++) out[i] = Math.floor(next() * 256);
  return out;
}

function openStore(dir: string, logs: string[] = []): Promise<Store> {
  const store = new Store([{ dir, maxVolumeCount: 8, diskType: '', diskId: 0 }], 4, linesLogger(logs));
  return store.load().then(() => store);
}

interface Written {
  id: bigint;
  data: Buffer;
  offsetBytes: number;
  size: number;
}

/** A volume with needles of NEEDLE_SIZES_BYTES (ids 1..n) and one deleted needle (id 99). */
async function fillVolume(store: Store): Promise<{ volume: Volume; written: Written[] }> {
  const volume = await store.allocateVolume({
    volumeId: VOLUME_ID,
    collection: '',
    replication: '000',
    ttl: '',
    diskType: '',
    version: 3,
  });
  const written: Written[] = [];
  for (const [i, sizeBytes] of NEEDLE_SIZES_BYTES.entries()) {
    const id = BigInt(i + 1);
    const data = randomBytes(sizeBytes, i + 17);
    const result = await volume.write(newNeedle({ id, cookie: 0x1000 + i, data }));
    written.push({ id, data, offsetBytes: result.offsetBytes, size: result.size });
  }
  await volume.write(textNeedle(99n, 'soon gone'));
  await volume.delete(99n, 0x1234_5678);
  return { volume, written };
}

interface Tiered {
  key: string;
  datBytes: Buffer;
}

/**
 * What VolumeTierMoveDatToRemote leaves behind: the `.dat` uploaded, a RemoteFile in the `.vif`,
 * the local `.dat` removed unless kept. `afterCopy` runs between the upload and the record, where
 * a write the copy missed would land.
 */
async function tierVolume(
  volume: Volume,
  backend: MemoryBackend,
  options: { keepLocalDat?: boolean; afterCopy?: () => Promise<void> } = {},
): Promise<Tiered> {
  const datPath = volumeFilePath(volume.location, 'dat');
  await volume.sync();
  const copied = await backend.copyFile(datPath, async () => {});
  await options.afterCopy?.();
  volume.volumeInfo = {
    ...volume.volumeInfo,
    files: [
      {
        backendType: backend.type,
        backendId: backend.id,
        key: copied.key,
        offset: 0n,
        fileSize: BigInt(copied.sizeBytes),
        modifiedTime: BigInt(Math.floor(Date.now() / 1000)),
        extension: '.dat',
      },
    ],
  };
  await volume.saveVolumeInfo();
  if (options.keepLocalDat !== true) await fs.rm(datPath);
  return { key: copied.key, datBytes: backend.objects.get(copied.key)! };
}

/** Fills, tiers and closes a store, then opens a fresh one on the same directory. */
async function tieredAndReloaded(backend: MemoryBackend, options: { keepLocalDat?: boolean } = {}) {
  const dir = await tempDir('needlework-tier-reload-');
  const first = await openStore(dir);
  const { volume, written } = await fillVolume(first);
  const statsBefore = volume.stats();
  const tiered = await tierVolume(volume, backend, options);
  await first.close();
  backend.reads.length = 0;
  const logs: string[] = [];
  const store = await openStore(dir, logs);
  return { dir, store, written, statsBefore, tiered, logs };
}

async function streamed(volume: Volume, id: bigint): Promise<Buffer> {
  const location = await volume.locate(id);
  const chunks: Buffer[] = [];
  for await (const chunk of volume.createDataStream(location)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('a tiered volume reloaded without its local .dat', () => {
  afterEach(() => {
    setBackendStorageForTest(undefined);
    clearRemoteSuperBlockStallsForTest();
  });

  it('loads from the remote copy and reads every needle back byte-identical', async () => {
    const backend = new MemoryBackend();
    setBackendStorageForTest('s3.default', backend);
    const { store, written, statsBefore, tiered } = await tieredAndReloaded(backend);
    try {
      const volume = store.findVolume(VOLUME_ID);
      assert.ok(volume !== undefined, 'the tiered volume is loaded');
      assert.equal(volume.readsRemoteDat, true);
      assert.equal(volume.isReadOnly, true);
      assert.equal(volume.stats().datSizeBytes, tiered.datBytes.length);
      assert.equal(volume.stats().fileCount, statsBefore.fileCount);
      assert.equal(volume.stats().deletedCount, statsBefore.deletedCount);
      assert.equal(volume.stats().idxSizeBytes, statsBefore.idxSizeBytes);
      // Loading read the super block and nothing else of the object.
      assert.ok(
        backend.reads.length > 0 &&
          backend.reads.every((r) => r.key === tiered.key && r.offsetBytes + r.length <= SUPER_BLOCK_SIZE_BYTES),
        JSON.stringify(backend.reads),
      );

      for (const w of written) {
        assert.ok(Buffer.from((await volume.read(w.id)).data).equals(w.data), `read ${w.id}`);
        assert.ok((await streamed(volume, w.id)).equals(w.data), `stream ${w.id}`);
        // The raw record (ReadNeedleBlob) is the uploaded bytes at the indexed offset.
        const recordBytes = actualSize(w.size, volume.version);
        assert.ok(
          (await volume.readBytes(w.offsetBytes, recordBytes)).equals(
            tiered.datBytes.subarray(w.offsetBytes, w.offsetBytes + recordBytes),
          ),
          `blob ${w.id}`,
        );
        assert.equal((await volume.readMetaAt(w.offsetBytes, w.size)).id, w.id);
      }
      await assert.rejects(volume.read(99n), (err) => isStorageError(err, 'deleted'));
      // ReadAllNeedles and tails scan the remote copy: every live needle, in .dat order.
      const live: bigint[] = [];
      for await (const { needle } of volume.liveRecords()) live.push(needle.id);
      assert.deepEqual(
        live,
        written.map((w) => w.id),
      );
      // Every read was ranged: no single read fetched the whole object.
      assert.ok(backend.reads.every((r) => r.length < tiered.datBytes.length));
    } finally {
      await store.close();
    }
  });

  it('refuses writes and vacuum with a read-only error (deletes are index-only: see tiered-volume-delete)', async () => {
    const backend = new MemoryBackend();
    setBackendStorageForTest('s3.default', backend);
    const { store, tiered } = await tieredAndReloaded(backend);
    try {
      const volume = store.findVolume(VOLUME_ID)!;
      await assert.rejects(volume.write(textNeedle(50n, 'new')), (err) => isStorageError(err, 'read_only'));
      await assert.rejects(volume.writeBlob(1n, 1, Buffer.alloc(64)), (err) => isStorageError(err, 'read_only'));
      assert.equal(volume.canDelete, true);
      await assert.rejects(volume.compact(), /volume 5 is tiered to remote storage, cannot compact/);
      // Marking it writable does not make the remote copy writable.
      await volume.setReadOnly(false, false);
      assert.equal(volume.isReadOnly, true);
      await assert.rejects(volume.write(textNeedle(51n, 'new')), (err) => isStorageError(err, 'read_only'));
      assert.ok(backend.objects.get(tiered.key)!.equals(tiered.datBytes), 'the remote object is unchanged');
    } finally {
      await store.close();
    }
  });

  it('a remote data file refuses write and truncate, and reads stop at the recorded size', async () => {
    const backend = new MemoryBackend();
    backend.objects.set('k', Buffer.from('0123456789'));
    const file = new RemoteDataFile({ backend, backendName: 's3.default', key: '/k', sizeBytes: 6, modifiedTimeMs: 0 });
    assert.equal(file.key, 'k');
    await assert.rejects(
      file.write(Buffer.alloc(1), 0, 1, 0),
      (err) => isStorageError(err, 'read_only') && /read only/.test(err.message),
    );
    await assert.rejects(file.truncate(0), (err) => isStorageError(err, 'read_only'));
    const buf = Buffer.alloc(10);
    assert.equal((await file.read(buf, 0, 10, 2)).bytesRead, 4);
    assert.equal(buf.subarray(0, 4).toString(), '2345');
    assert.equal((await file.read(buf, 0, 10, 6)).bytesRead, 0);
    assert.deepEqual(await file.stat(), { sizeBytes: 6, modifiedTimeMs: 0 });
    backend.failReadsWith = 'connection refused';
    await assert.rejects(
      file.read(buf, 0, 1, 0),
      (err) => isStorageError(err, 'io') && /s3\.default\/k.*connection refused/.test(err.message),
    );
  });

  it('an unknown backend leaves the volume unloaded, its files untouched, until the backend exists', async () => {
    const backend = new MemoryBackend();
    setBackendStorageForTest('s3.default', backend);
    const dir = await tempDir('needlework-tier-unknown-');
    const first = await openStore(dir);
    const { volume, written } = await fillVolume(first);
    await tierVolume(volume, backend);
    await first.close();
    const idxBefore = await fs.readFile(volumeFilePath(volume.location, 'idx'));
    const vifBefore = await fs.readFile(volumeFilePath(volume.location, 'vif'));

    setBackendStorageForTest(undefined);
    const logs: string[] = [];
    const store = await openStore(dir, logs);
    try {
      assert.equal(store.findVolume(VOLUME_ID), undefined);
      const failure = store.locations[0]!.loadFailures.find((f) => f.volumeId === VOLUME_ID);
      assert.match(failure?.error ?? '', /backend storage s3\.default not found/);
      assert.ok((await fs.readFile(volumeFilePath(volume.location, 'idx'))).equals(idxBefore));
      assert.ok((await fs.readFile(volumeFilePath(volume.location, 'vif'))).equals(vifBefore));
      assert.equal(backend.reads.length, 0);

      // Once the master names the backend, the volume mounts.
      setBackendStorageForTest('s3.default', backend);
      const mounted = await store.mountVolume(VOLUME_ID);
      assert.ok(Buffer.from((await mounted.read(written[2]!.id)).data).equals(written[2]!.data));
    } finally {
      await store.close();
    }
  });

  it('index rows past the recorded size are reported, kept, and fail to read; the rest reads', async () => {
    const backend = new MemoryBackend();
    setBackendStorageForTest('s3.default', backend);
    const dir = await tempDir('needlework-tier-ahead-');
    const first = await openStore(dir);
    const { volume, written } = await fillVolume(first);
    // A write the upload missed: indexed locally, absent from the remote copy.
    await tierVolume(volume, backend, {
      afterCopy: async () => void (await volume.write(textNeedle(77n, 'after the copy'))),
    });
    await first.close();
    const idxPath = volumeFilePath(volume.location, 'idx');
    const idxBefore = await fs.readFile(idxPath);

    const store = await openStore(dir);
    try {
      const reloaded = store.findVolume(VOLUME_ID)!;
      assert.deepEqual(reloaded.damage, [
        `1 .idx rows point past the end of the remote .dat (${backend.objects.values().next().value!.length} bytes); those needles cannot be read`,
      ]);
      assert.equal(reloaded.isReadOnly, true);
      assert.ok((await fs.readFile(idxPath)).equals(idxBefore), 'a tiered volume load changes no file');
      await assert.rejects(reloaded.read(77n), (err) => isStorageError(err, 'corrupted'));
      for (const w of written) assert.ok(Buffer.from((await reloaded.read(w.id)).data).equals(w.data));
    } finally {
      await store.close();
    }
  });

  it('a kept local .dat is read instead, and the volume stays read-only (deletes allowed, as upstream)', async () => {
    const backend = new MemoryBackend();
    setBackendStorageForTest('s3.default', backend);
    const { store, written } = await tieredAndReloaded(backend, { keepLocalDat: true });
    try {
      const volume = store.findVolume(VOLUME_ID)!;
      assert.equal(volume.readsRemoteDat, false);
      assert.equal(volume.hasRemoteFile, true);
      assert.equal(volume.isReadOnly, true);
      assert.equal(volume.canDelete, true);
      for (const w of written) assert.ok(Buffer.from((await volume.read(w.id)).data).equals(w.data));
      await assert.rejects(volume.write(textNeedle(50n, 'new')), (err) => isStorageError(err, 'read_only'));
      assert.equal(backend.reads.length, 0);
    } finally {
      await store.close();
    }
  });

  it('loads with the .vif version when the backend cannot serve the super block, and reads once it can', async () => {
    const backend = new MemoryBackend();
    setBackendStorageForTest('s3.default', backend);
    const dir = await tempDir('needlework-tier-down-');
    const first = await openStore(dir);
    const { volume, written } = await fillVolume(first);
    await tierVolume(volume, backend);
    await first.close();

    backend.failReadsWith = 'service unavailable';
    const store = await openStore(dir);
    try {
      const reloaded = store.findVolume(VOLUME_ID);
      assert.ok(reloaded !== undefined);
      assert.equal(reloaded.version, 3);
      assert.ok(
        reloaded.loadReport.notes.some((n) => /remote super block unreadable .*service unavailable/.test(n)),
        reloaded.loadReport.notes.join('\n'),
      );
      await assert.rejects(reloaded.read(written[0]!.id), /service unavailable/);
      backend.failReadsWith = null;
      assert.ok(Buffer.from((await reloaded.read(written[0]!.id)).data).equals(written[0]!.data));
    } finally {
      await store.close();
    }
  });

  it('a tiered volume without its .idx is skipped, not rebuilt from the remote copy', async () => {
    const backend = new MemoryBackend();
    setBackendStorageForTest('s3.default', backend);
    const dir = await tempDir('needlework-tier-noidx-');
    const first = await openStore(dir);
    const { volume } = await fillVolume(first);
    await tierVolume(volume, backend);
    await first.close();
    await fs.rm(volumeFilePath(volume.location, 'idx'));
    backend.reads.length = 0;

    const store = await openStore(dir);
    try {
      assert.equal(store.findVolume(VOLUME_ID), undefined);
      assert.match(
        store.locations[0]!.loadFailures.find((f) => f.volumeId === VOLUME_ID)?.error ?? '',
        /check volume idx file .*does not exist/,
      );
      assert.equal(backend.reads.length, 0, 'the object is not read for a volume that cannot load');
      assert.equal(
        await fs.access(volumeFilePath(volume.location, 'idx')).then(
          () => true,
          () => false,
        ),
        false,
        'no .idx was created',
      );
    } finally {
      await store.close();
    }
  });
});
