// The drain barrier at a transition that stops writes (issue "maintenance that cannot lose a
// write"): the read-only flag is published first, the transition completes only once every write
// admitted before it has committed, and a barrier past its bound leaves the volume as it was.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { DrainClock } from '../../src/storage/drain-barrier.ts';
import { isStorageError } from '../../src/storage/errors.ts';
import { newSuperBlock } from '../../src/storage/super-block.ts';
import { volumeFilePath } from '../../src/storage/volume-files.ts';
import { Volume, type VolumeIoHooks } from '../../src/storage/volume.ts';
import { tempDir, textNeedle } from './helpers.ts';

/** A clock the test moves by hand: the barrier's bound passes only when the test says so. */
function manualClock(): DrainClock & { advance(ms: number): void; sleepers(): number } {
  let nowMs = 0;
  let waiting: Array<{ atMs: number; resolve(): void; signal: AbortSignal }> = [];
  return {
    nowMs: () => nowMs,
    sleep: (delayMs, signal) => new Promise((resolve) => waiting.push({ atMs: nowMs + delayMs, resolve, signal })),
    advance(ms) {
      nowMs += ms;
      const due = waiting.filter((w) => w.atMs <= nowMs && !w.signal.aborted);
      waiting = waiting.filter((w) => w.atMs > nowMs && !w.signal.aborted);
      for (const w of due) w.resolve();
    },
    sleepers: () => waiting.filter((w) => !w.signal.aborted).length,
  };
}

/** Holds the next `.dat` write until released: a write that is admitted and still committing. */
function datGate(startArmed = true): { hooks: VolumeIoHooks; entered: Promise<void>; release(): void; arm(): void } {
  let armed = startArmed;
  let markEntered: () => void = () => {};
  let open: () => void = () => {};
  const gate = {
    entered: new Promise<void>((resolve) => (markEntered = resolve)),
    release: () => open(),
    arm: () => {
      armed = true;
      gate.entered = new Promise<void>((resolve) => (markEntered = resolve));
    },
    hooks: {
      async beforeWrite(file: string) {
        if (file !== 'dat' || !armed) return;
        armed = false;
        const opened = new Promise<void>((resolve) => (open = resolve));
        markEntered();
        await opened;
      },
    } satisfies VolumeIoHooks,
  };
  return gate;
}

async function openVolume(
  dir: string,
  options: { hooks?: VolumeIoHooks; clock?: DrainClock; timeoutMs?: number } = {},
): Promise<Volume> {
  return Volume.open({
    location: { dir, collection: '', volumeId: 7 },
    offsetWidth: 4,
    create: newSuperBlock({ version: 3 }),
    ...(options.hooks ? { ioHooks: options.hooks } : {}),
    drain: { timeoutMs: options.timeoutMs ?? 1_000, ...(options.clock ? { clock: options.clock } : {}) },
  });
}

/** Records the order in which promises settle. */
function journal(): { events: string[]; track<T>(name: string, promise: Promise<T>): Promise<T> } {
  const events: string[] = [];
  return {
    events,
    track(name, promise) {
      promise.then(
        () => events.push(`${name} ok`),
        (err: unknown) => events.push(`${name} ${isStorageError(err) ? err.code : 'error'}`),
      );
      return promise;
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('drain barrier: mark read-only', () => {
  it('a write in flight at the flip commits before the mark completes; writes after the flip are refused', async () => {
    const gate = datGate();
    const v = await openVolume(await tempDir(), { hooks: gate.hooks });
    const j = journal();
    const inFlight = j.track('in-flight', v.write(textNeedle(1n, 'admitted before the flip')));
    await gate.entered;
    const mark = j.track('mark', v.setReadOnly(true, false));
    await flush();
    assert.equal(v.isReadOnly, true, 'the new state is published before the barrier');
    const late = j.track('late', v.write(textNeedle(2n, 'after the flip')));
    await assert.rejects(late, (err) => isStorageError(err, 'read_only'));
    assert.deepEqual(j.events, ['late read_only'], 'the mark waits for the write in flight');
    gate.release();
    await mark;
    await inFlight;
    assert.deepEqual(j.events, ['late read_only', 'in-flight ok', 'mark ok']);
    assert.equal(Buffer.from((await v.read(1n)).data).toString(), 'admitted before the flip');
    assert.equal(v.drainStats.drainsTotal, 1);
    assert.equal(v.drainStats.timeoutsTotal, 0);
    assert.equal(v.drainStats.lastReason, 'mark read-only');
    await v.close();
  });

  it('writes queued behind the one in flight but not yet admitted get the read-only error, not a late commit', async () => {
    const gate = datGate();
    const v = await openVolume(await tempDir(), { hooks: gate.hooks });
    const first = v.write(textNeedle(1n, 'first'));
    await gate.entered;
    const queued = Array.from({ length: 5 }, (_, i) =>
      v.write(textNeedle(BigInt(10 + i), `queued ${i}`)).then(
        () => 'ok',
        (err: unknown) => (isStorageError(err) ? err.code : 'error'),
      ),
    );
    const mark = v.setReadOnly(true, false);
    gate.release();
    await mark;
    assert.deepEqual(await Promise.all(queued), ['read_only', 'read_only', 'read_only', 'read_only', 'read_only']);
    await first;
    for (let i = 0; i < 5; i++) await assert.rejects(v.read(BigInt(10 + i)), (err) => isStorageError(err, 'not_found'));
    await v.close();
  });

  it('a slow write past the bound: the mark is refused with drain_timeout and the volume is left exactly as it was', async () => {
    const dir = await tempDir();
    const clock = manualClock();
    const gate = datGate(false);
    const v = await openVolume(dir, { hooks: gate.hooks, clock, timeoutMs: 5_000 });
    await v.write(textNeedle(1n, 'before'));
    const vifBefore = await readFile(volumeFilePath(v.location, 'vif')).catch(() => null);
    gate.arm();
    const slow = v.write(textNeedle(2n, 'slow'));
    await gate.entered;
    const mark = v.setReadOnly(true, true);
    await flush();
    assert.equal(clock.sleepers(), 1, 'the barrier is waiting on its bound');
    clock.advance(4_999);
    await flush();
    assert.equal(v.isReadOnly, true, 'still holding just before the bound');
    clock.advance(1);
    await assert.rejects(mark, (err) => isStorageError(err, 'drain_timeout') && /left as it was/.test(err.message));
    assert.equal(v.isReadOnly, false, 'the flag is put back');
    assert.equal(v.volumeInfo.readOnly, false, 'nothing persisted');
    assert.deepEqual(await readFile(volumeFilePath(v.location, 'vif')).catch(() => null), vifBefore, '.vif untouched');
    assert.equal(v.drainStats.timeoutsTotal, 1);
    gate.release();
    await slow;
    assert.equal(
      Buffer.from((await v.read(2n)).data).toString(),
      'slow',
      'the slow write still commits and reads back',
    );
    await v.write(textNeedle(3n, 'writable again'));
    await v.setReadOnly(true, true);
    assert.equal(v.isReadOnly, true);
    assert.equal(clock.sleepers(), 0, 'a barrier that drained cancels its timer');
    await v.close();
  });

  it('many concurrent writers: nothing lands in .dat once the mark has completed, and every acknowledged write reads back', async () => {
    const dir = await tempDir();
    const v = await openVolume(dir);
    const acknowledged = new Map<bigint, string>();
    let markDone = false;
    let lateAcks = 0;
    let nextId = 1n;
    let refusals = 0;
    // Each writer keeps writing until the volume refuses it (bounded, so a bug cannot hang it).
    const writer = async (): Promise<void> => {
      for (let i = 0; i < 20_000; i++) {
        const id = nextId++;
        const text = `writer payload ${id} `.repeat(1 + Number(id % 7n));
        try {
          await v.write(textNeedle(id, text));
          if (markDone) lateAcks++;
          acknowledged.set(id, text);
          // Writes complete without yielding to the event loop (inline I/O): flip from in here.
          if (acknowledged.size === 200)
            mark = v.setReadOnly(true, false).then(() => {
              markDone = true;
            });
        } catch (err) {
          assert.ok(isStorageError(err, 'read_only'), `only the read-only error: ${String(err)}`);
          refusals++;
          return;
        }
      }
    };
    let mark: Promise<void> | undefined;
    const writers = Array.from({ length: 16 }, writer);
    while (mark === undefined) await flush();
    await mark;
    const datBytesAtMark = (await stat(volumeFilePath(v.location, 'dat'))).size;
    await Promise.all(writers);
    assert.equal(refusals, 16, 'every writer ran until it was refused');
    assert.equal(lateAcks, 0, 'no write is acknowledged after the mark completed');
    assert.equal(
      (await stat(volumeFilePath(v.location, 'dat'))).size,
      datBytesAtMark,
      '.dat did not grow after the mark',
    );
    assert.equal(v.stats().datSizeBytes, datBytesAtMark);
    for (const [id, text] of acknowledged) assert.equal(Buffer.from((await v.read(id)).data).toString(), text);
    await v.close();
  });

  it("a mark refused by the bound does not lift the stop that the slow write's index failure then causes", async () => {
    const clock = manualClock();
    let failing = false;
    let releaseDat: () => void = () => {};
    let markEntered: () => void = () => {};
    const entered = new Promise<void>((resolve) => (markEntered = resolve));
    const v = await openVolume(await tempDir(), {
      clock,
      timeoutMs: 1_000,
      hooks: {
        async beforeWrite(file) {
          if (file === 'dat' && failing) {
            markEntered();
            await new Promise<void>((resolve) => (releaseDat = resolve));
          }
        },
        beforeSync(file) {
          if (file === 'idx' && failing) throw new Error('injected idx sync failure');
        },
      },
    });
    failing = true;
    const write = v.write(textNeedle(1n, 'durable'), { fsync: true });
    await entered;
    const mark = v.setReadOnly(true, false);
    await flush();
    clock.advance(1_000);
    await assert.rejects(mark, (err) => isStorageError(err, 'drain_timeout'));
    assert.equal(v.isReadOnly, false, 'the refused mark put the writable state back');
    releaseDat();
    await assert.rejects(write, (err) => isStorageError(err, 'io'));
    assert.equal(v.isReadOnly, true, 'the index failure stops writes on its own');
    await assert.rejects(v.write(textNeedle(2n, 'refused')), (err) => isStorageError(err, 'read_only'));
    await v.close();
  });
});

describe('drain barrier: the other transitions that stop writes', () => {
  it('vacuum commit waits for a write in flight, and the write is in the compacted volume', async () => {
    const gate = datGate(false);
    const v = await openVolume(await tempDir(), { hooks: gate.hooks });
    for (let i = 1; i <= 20; i++) await v.write(textNeedle(BigInt(i), `needle ${i}`));
    for (let i = 1; i <= 10; i++) await v.delete(BigInt(i), 0x1234_5678);
    await v.compact();
    gate.arm();
    const inFlight = v.write(textNeedle(100n, 'written while the commit waits'));
    await gate.entered;
    let committed = false;
    const commit = v.commitCompact().then(() => {
      committed = true;
    });
    await flush();
    assert.equal(committed, false, 'the commit waits for the write in flight');
    gate.release();
    await inFlight;
    await commit;
    assert.equal(Buffer.from((await v.read(100n)).data).toString(), 'written while the commit waits');
    for (let i = 11; i <= 20; i++) assert.equal(Buffer.from((await v.read(BigInt(i))).data).toString(), `needle ${i}`);
    await v.close();
  });

  it('unmount (close) waits for a write in flight; the write is there after a reload, and later writes are refused', async () => {
    const dir = await tempDir();
    const gate = datGate();
    const v = await openVolume(dir, { hooks: gate.hooks });
    const inFlight = v.write(textNeedle(1n, 'in flight at unmount'));
    await gate.entered;
    const closing = v.close();
    await assert.rejects(v.write(textNeedle(2n, 'after the unmount began')), (err) =>
      isStorageError(err, 'volume_closed'),
    );
    gate.release();
    await inFlight;
    await closing;
    const reopened = await openVolume(dir);
    assert.equal(Buffer.from((await reopened.read(1n)).data).toString(), 'in flight at unmount');
    await assert.rejects(reopened.read(2n), (err) => isStorageError(err, 'not_found'));
    await reopened.close();
  });
});
