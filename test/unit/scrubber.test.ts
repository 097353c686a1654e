// The continuous scrubber, on a virtual clock: it finds a flipped byte within one pass, marks
// through onDamage and goes on; it reads at its rate (within 20%); it waits while the foreground
// is busy, counting each wait; it resumes a pass from its checkpoint after a restart; it starts
// over after a vacuum; it leaves a leased volume alone; and its status walks Disabled, Running,
// Stopping, Stopped.
import assert from 'node:assert/strict';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { VolumeLease } from '../../src/storage/maintenance/volume-lease.ts';
import { planReconcile } from '../../src/status/reconcile-plan.ts';
import { ByteRateLimiter, type PacingClock } from '../../src/store/byte-rate-limiter.ts';
import { CHECKPOINT_FILE } from '../../src/store/scrub-checkpoints.ts';
import type { ScrubFinding } from '../../src/store/scrub-span.ts';
import { Scrubber, type ScrubberOptions } from '../../src/store/scrubber.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir, textNeedle } from './helpers.ts';
import { silentLogger } from '../../src/log/logger.ts';

/** Time that passes only when someone sleeps, so pacing is exact and instant. */
function virtualClock(): PacingClock & { sleptMs: number } {
  let now = 1_000_000;
  const clock = {
    sleptMs: 0,
    nowMs: () => now,
    sleep: async (ms: number) => {
      clock.sleptMs += ms;
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}

async function storeWith(volumes: number, needlesEach: number, sizeBytes: number, dir?: string) {
  const root = dir ?? (await tempDir());
  const store = new Store([{ dir: root, maxVolumeCount: 0, diskType: '', diskId: 0 }], 4, silentLogger);
  await store.load();
  const offsets = new Map<string, number>();
  for (let v = 1; v <= volumes; v++) {
    if (store.findVolume(v) === undefined)
      await store.allocateVolume({
        volumeId: v,
        collection: '',
        replication: '000',
        ttl: '',
        diskType: '',
        version: 3,
      });
    const volume = store.findVolume(v)!;
    for (let i = 1; i <= needlesEach; i++)
      offsets.set(
        `${v}:${i}`,
        (await volume.write(textNeedle(BigInt(i), `${v}/${i} `.padEnd(sizeBytes, 'x')))).offsetBytes,
      );
  }
  return { root, store, offsets };
}

async function flip(file: string, at: number): Promise<void> {
  const handle = await open(file, 'r+');
  const one = Buffer.alloc(1);
  await handle.read(one, 0, 1, at);
  one[0] = one[0]! ^ 0x55;
  await handle.write(one, 0, 1, at);
  await handle.close();
}

/** Waits for `check`; bounded by wall time, not turns, since a loaded machine reads slowly. */
async function until(what: string, check: () => boolean, limitMs = 60_000): Promise<void> {
  const deadlineMs = Date.now() + limitMs;
  while (!check() && Date.now() < deadlineMs) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(check(), what);
}

// A scrubber left running by a failed test would spin on its instant clock and keep the process
// alive: every one is stopped after each test.
const started: Scrubber[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

function scrubber(store: Store, clock: PacingClock, extra: Partial<ScrubberOptions> = {}) {
  const damaged: Array<{ volumeId: number; findings: readonly ScrubFinding[] }> = [];
  const s = new Scrubber(store.locations, {
    intervalMs: 3_600_000,
    bytesPerSecond: 1024 * 1024,
    concurrentVolumes: 1,
    clock,
    onDamage: async (volume, findings) => {
      damaged.push({ volumeId: volume.id, findings });
      await volume.setReadOnly(true, true);
    },
    ...extra,
  });
  started.push(s);
  return { s, damaged };
}

describe('scrubber', () => {
  it('finds a flipped byte in a live needle within one pass, marks the volume, and goes on', async () => {
    const { root, store, offsets } = await storeWith(3, 40, 2000);
    await flip(path.join(root, '2.dat'), offsets.get('2:17')! + 16 + 4 + 10);
    const clock = virtualClock();
    const { s, damaged } = scrubber(store, clock);
    await s.start();
    await until('three passes', () => s.stats.passesCompleted === 3);
    await s.stop();
    assert.deepEqual(
      damaged.map((d) => [d.volumeId, d.findings.map((f) => f.needleId)]),
      [[2, ['11']]],
    );
    assert.match(damaged[0]!.findings[0]!.detail, /CRC/);
    assert.equal(store.findVolume(2)!.isReadOnly, true);
    assert.equal(store.findVolume(1)!.isReadOnly, false);
    assert.equal(store.findVolume(3)!.isReadOnly, false);
    assert.equal(s.stats.findings, 1);
    assert.equal(s.stats.recordsChecked, 120);
    assert.match(s.statusSnapshot().status.detail, /volume 2: CRC error/);
    await store.close();
  });

  it('damage in a superseded record is garbage: counted, not a finding', async () => {
    const { root, store, offsets } = await storeWith(1, 10, 500);
    await store.findVolume(1)!.write(textNeedle(4n, 'the new version'));
    await flip(path.join(root, '1.dat'), offsets.get('1:4')! + 16 + 4 + 10);
    const { s, damaged } = scrubber(store, virtualClock());
    await s.start();
    await until('a pass', () => s.stats.passesCompleted === 1);
    await s.stop();
    assert.deepEqual(damaged, []);
    assert.equal(s.stats.garbageDamaged, 1);
    await store.close();
  });

  it("holds a live needle's cookie to the version it overwrote", async () => {
    const { root, store } = await storeWith(1, 10, 500);
    const volume = store.findVolume(1)!;
    const rewritten = await volume.write(textNeedle(4n, 'the new version'));
    await volume.delete(6n, 0x1234_5678);
    await assert.rejects(volume.write(textNeedle(6n, 'another cookie', 0x0bad_cafe)), /mismatching cookie/);
    await volume.write(textNeedle(6n, 'written again after its deletion'));
    // The cookie is the header's first 4 bytes, which no checksum covers.
    await flip(path.join(root, '1.dat'), rewritten.offsetBytes + 1);
    const { s, damaged } = scrubber(store, virtualClock());
    await s.start();
    await until('a pass', () => s.stats.passesCompleted === 1);
    await s.stop();
    assert.deepEqual(
      damaged.map((d) => d.findings.map((f) => [f.needleId, f.offsetBytes])),
      [[['4', rewritten.offsetBytes]]],
    );
    assert.match(damaged[0]!.findings[0]!.detail, /cookie 12615678 differs from 12345678/);
    assert.equal(s.stats.cookieChecksSkipped, 0);
    assert.equal(volume.isReadOnly, true);
    await store.close();
  });

  it('reads at its rate, within 20%', async () => {
    const { store, root } = await storeWith(2, 200, 20_000);
    const datBytes = [...store.allVolumes()].reduce((sum, { volume }) => sum + volume.stats().datSizeBytes - 8, 0);
    const clock = virtualClock();
    const rate = 512 * 1024;
    const { s } = scrubber(store, clock, { bytesPerSecond: rate });
    const startMs = clock.nowMs();
    await s.start();
    await until('both passes', () => s.stats.passesCompleted === 2);
    await s.stop();
    // When the second pass ended, in virtual time (the loop may have gone idle since).
    const saved = JSON.parse(await readFile(path.join(root, CHECKPOINT_FILE), 'utf8')).volumes;
    const elapsedMs = Math.max(saved['1'].lastPassCompletedAtMs, saved['2'].lastPassCompletedAtMs) - startMs;
    const expectedMs = (datBytes * 1000) / rate;
    assert.ok(
      elapsedMs >= expectedMs * 0.8 && elapsedMs <= expectedMs * 1.2,
      `${elapsedMs} ms for ${datBytes} bytes at ${rate} B/s (expected ${expectedMs})`,
    );
    await store.close();
  });

  it('waits while the foreground is busy, counting every wait', async () => {
    const { store } = await storeWith(1, 20, 1000);
    let inFlight = 50;
    const clock = virtualClock();
    const { s } = scrubber(store, clock, { foregroundInFlight: () => inFlight, maxForegroundInFlight: 16 });
    await s.start();
    await until('some waits', () => s.stats.admissionWaits >= 20);
    assert.equal(s.stats.bytesChecked, 0, 'nothing read while the foreground is over the bound');
    inFlight = 3;
    await until('a pass', () => s.stats.passesCompleted === 1);
    await s.stop();
    await store.close();
  });

  it('resumes a pass from its checkpoint after a restart, and starts over after a vacuum', async () => {
    const { root, store } = await storeWith(1, 30, 500_000);
    const clock = virtualClock();
    const first = scrubber(store, clock);
    await first.s.start();
    await until('a slice', () => first.s.stats.bytesChecked >= 8 * 1024 * 1024);
    await first.s.stop();
    const saved = JSON.parse(await readFile(path.join(root, CHECKPOINT_FILE), 'utf8')).volumes['1'];
    assert.ok(saved.offsetBytes > 8, 'the place in the pass was saved');
    await store.close();

    const { store: again } = await storeWith(1, 0, 0, root);
    const second = scrubber(again, clock);
    await second.s.start();
    await until('the pass ends', () => second.s.stats.passesCompleted === 1);
    await second.s.stop();
    const total = again.findVolume(1)!.stats().datSizeBytes - 8;
    assert.ok(
      second.s.stats.bytesChecked <= total - saved.offsetBytes + 8 + 1024 * 1024,
      `resumed: ${second.s.stats.bytesChecked} of ${total}`,
    );

    // A vacuum moves every offset: a checkpoint from before it is not used.
    await again.findVolume(1)!.compact();
    await again.findVolume(1)!.commitCompact();
    const third = scrubber(again, clock, { intervalMs: 1 });
    await third.s.start();
    await until('a fresh pass', () => third.s.stats.passesCompleted >= 1);
    await third.s.stop();
    assert.ok(third.s.stats.bytesChecked >= again.findVolume(1)!.stats().datSizeBytes - 8);
    await again.close();
  });

  it('leaves a volume alone while another holds its lease', async () => {
    const { store } = await storeWith(1, 5, 100);
    const lease = await VolumeLease.acquire(store.findVolume(1)!.location, { owner: 'cli@x', agent: 'rebuild-index' });
    const { s } = scrubber(store, virtualClock(), { intervalMs: 1 });
    await s.start();
    await until('a skip', () => s.stats.leaseSkips >= 1);
    assert.equal(s.stats.bytesChecked, 0);
    await lease.release();
    await until('a pass once it is free', () => s.stats.passesCompleted >= 1);
    await s.stop();
    await store.close();
  });

  it('status: Degraded while a volume cannot be read, Running again once it can', async () => {
    const { store } = await storeWith(1, 5, 100);
    const volume = store.findVolume(1)!;
    const readBytes = volume.readBytes.bind(volume);
    volume.readBytes = async () => {
      throw new Error('EIO: i/o error');
    };
    const { s } = scrubber(store, virtualClock(), { intervalMs: 1 });
    await s.start();
    await until('degraded', () => s.statusSnapshot().current === 'Degraded');
    assert.match(s.statusSnapshot().status.lastError?.message ?? '', /volume 1: EIO/);
    volume.readBytes = readBytes;
    await until('a pass once reads work', () => s.stats.passesCompleted >= 1);
    assert.equal(s.statusSnapshot().current, 'Running');
    await s.stop();
    await store.close();
  });

  it('status: Disabled when off, Running, Stopped after stop', async () => {
    const { store } = await storeWith(1, 1, 10);
    const off = new Scrubber(store.locations, { intervalMs: 0, bytesPerSecond: 1, concurrentVolumes: 1 });
    await off.start();
    assert.equal(off.statusSnapshot().current, 'Disabled');
    const { s } = scrubber(store, virtualClock());
    assert.equal(s.statusSnapshot().current, 'Stopped');
    await s.start();
    assert.equal(s.statusSnapshot().current, 'Running');
    await s.stop();
    assert.equal(s.statusSnapshot().current, 'Stopped');
    await store.close();
  });

  it('status: Stopping while a pass still waits on its rate, Stopped once it has let go', async () => {
    const { store } = await storeWith(1, 20, 100_000);
    // A clock whose sleeps last until released: the pass is held inside its pacing.
    const held: Array<() => void> = [];
    let sleeps = 0;
    let holding = true;
    const clock: PacingClock = {
      nowMs: () => 1_000_000,
      sleep: () =>
        new Promise<void>((resolve) => {
          sleeps++;
          if (holding) held.push(resolve);
          else setImmediate(resolve);
        }),
    };
    const { s } = scrubber(store, clock, { bytesPerSecond: 1024 });
    await s.start();
    await until('the pass waits on its rate', () => sleeps >= 1);
    const stopped = s.stop();
    assert.equal(s.statusSnapshot().current, 'Stopping');
    assert.equal(planReconcile(s.statusSnapshot()).action, 'wait');
    holding = false;
    for (const release of held.splice(0)) release();
    await stopped;
    assert.equal(s.statusSnapshot().current, 'Stopped');
    await store.close();
  });
});

describe('byte rate limiter', () => {
  it('paces bytes to the rate', async () => {
    const clock = virtualClock();
    const limiter = new ByteRateLimiter(1000, clock);
    for (let i = 0; i < 10; i++) await limiter.take(500);
    assert.equal(clock.sleptMs, 5000);
  });
});

describe('scrubber on EC volumes', () => {
  it('reads every needle of a local EC volume each interval and reports a damaged shard', async () => {
    const { unaryCall } = await import('../../src/cluster/peer-client.ts');
    const { startTestGrpcServer } = await import('./grpc-test-context.ts');
    const { suiteScope } = await import('./suite-scope.ts');
    const { volumeFilePath } = await import('../../src/storage/volume-files.ts');
    const scope = suiteScope();
    const server = await startTestGrpcServer(scope, 'nw-scrub-ec-');
    const store = server.ctx.store;
    const volume = await store.allocateVolume({
      volumeId: 11,
      collection: '',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    for (let id = 1; id <= 8; id++) await volume.write(textNeedle(BigInt(id), `ec needle ${id} `.repeat(400)));
    await volume.sync();
    await unaryCall(server.client, 'VolumeEcShardsGenerate', { volume_id: 11, collection: '' });
    await unaryCall(server.client, 'VolumeDelete', { volume_id: 11, only_empty: false });
    await unaryCall(server.client, 'VolumeEcShardsMount', {
      volume_id: 11,
      collection: '',
      shard_ids: Array.from({ length: 14 }, (_, i) => i),
    });
    const clock = virtualClock();
    const { s } = scrubber(store, clock, { intervalMs: 60_000 });
    await s.start();
    await until('an EC pass', () => s.stats.ecPassesCompleted >= 1);
    assert.equal(s.stats.findings, 0);
    await s.stop();

    await flip(volumeFilePath({ dir: server.ctx.dir, collection: '', volumeId: 11 }, 'ec00'), 16 + 4 + 100);
    const second = scrubber(store, clock, { intervalMs: 60_000, coder: () => store.coder() });
    await second.s.start();
    await until('a finding', () => second.s.stats.findings >= 1);
    await second.s.stop();
    const details = second.s.recentFindings().map((f) => f.detail);
    assert.ok(
      details.every((d) => d.startsWith('ec: ')),
      details.join('; '),
    );
    assert.ok(
      details.some((d) => /shard 0 fails its \.ecsum checksum/.test(d)),
      `the sidecar check names the shard: ${details.join('; ')}`,
    );
    assert.equal(second.damaged.length, 0, 'an EC volume is read-only already: nothing to mark');
  });
});
