// The service-status contract: the reconcile plan, and every state transition of each service
// that reports through it (heartbeat, metrics push, TLS reload, disk-space monitor, vacuum jobs,
// drain barriers, maintenance runs).
import assert from 'node:assert/strict';
import { copyFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HeartbeatClient } from '../../src/cluster/heartbeat.ts';
import { PemReloader, tlsReloadStatus } from '../../src/security/pem-reloader.ts';
import { startMetricsPush } from '../../src/server/metrics/metrics-push.ts';
import { planReconcile } from '../../src/status/reconcile-plan.ts';
import { ServiceHealth } from '../../src/status/service-health.ts';
import {
  SERVICE_STATES,
  type ServiceSnapshot,
  type ServiceState,
  emptyStatus,
} from '../../src/status/service-status.ts';
import { DiskSpaceMonitor } from '../../src/store/disk-space-monitor.ts';
import { Store } from '../../src/store/store.ts';
import { drainBarriersStatus, vacuumJobsStatus } from '../../src/store/store-status.ts';
import { tempDir, textNeedle } from './helpers.ts';
import { makeTestPki, opensslMissing } from './tls/test-certs.ts';
import { silentLogger } from '../../src/log/logger.ts';

function snapshot(enabled: boolean, current: ServiceState, error?: string): ServiceSnapshot {
  return {
    name: 'x',
    desired: { enabled },
    current,
    status: emptyStatus(error !== undefined ? { lastError: { message: error, atMs: 1 } } : {}),
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

async function storeWithVolume(): Promise<Store> {
  const dir = await tempDir();
  const store = new Store(
    [{ dir, maxVolumeCount: 0, diskType: '', diskId: 0, minFreeSpace: { kind: 'percent', percent: 1, raw: '1' } }],
    4,
    silentLogger,
  );
  await store.load();
  await store.allocateVolume({ volumeId: 3, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });
  return store;
}

describe('reconcile plan', () => {
  it('says what would have to change for every desired/current pair', () => {
    const expected: Record<ServiceState, [string, string]> = {
      NotConfigured: ['start', 'none'],
      Disabled: ['start', 'none'],
      Starting: ['wait', 'wait'],
      Running: ['none', 'stop'],
      Degraded: ['restart', 'stop'],
      Stopping: ['wait', 'wait'],
      Stopped: ['start', 'none'],
      Unknown: ['investigate', 'investigate'],
    };
    for (const state of SERVICE_STATES) {
      assert.equal(planReconcile(snapshot(true, state)).action, expected[state][0], `on, ${state}`);
      assert.equal(planReconcile(snapshot(false, state)).action, expected[state][1], `off, ${state}`);
    }
    assert.equal(planReconcile(snapshot(true, 'Degraded', 'stream closed')).reason, 'degraded: stream closed');
  });

  it('is pure: a frozen snapshot, the same plan every time', () => {
    for (const state of SERVICE_STATES) {
      const s = deepFreeze(snapshot(true, state, 'e'));
      const first = planReconcile(s);
      for (let i = 0; i < 100; i++) assert.deepEqual(planReconcile(s), first);
    }
  });
});

describe('service health', () => {
  it('is failing while its latest outcome is an error', () => {
    let now = 10;
    const h = new ServiceHealth(() => now);
    assert.equal(h.failing, false);
    h.failed(new Error('boom'));
    assert.equal(h.failing, true);
    now = 20;
    h.succeeded();
    assert.equal(h.failing, false);
    assert.deepEqual(h.figures().lastError, { message: 'boom', atMs: 10 });
    assert.equal(h.figures().lastSuccessAtMs, 20);
  });
});

describe('disk-space monitor status', () => {
  it('Stopped, Starting during the first pass, Running, Degraded when statfs fails, Running again, Stopped', async () => {
    const store = await storeWithVolume();
    let release: () => void = () => {};
    let fail = false;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const monitor = new DiskSpaceMonitor(store.locations, {
      intervalMs: 3_600_000,
      statDiskSpace: async () => {
        calls++;
        if (calls === 1) await gate;
        if (fail) throw new Error('EIO');
        return { totalBytes: 1000, freeBytes: 900, availableBytes: 900 };
      },
    });
    assert.equal(monitor.statusSnapshot().current, 'Stopped');
    const started = monitor.start();
    assert.equal(monitor.statusSnapshot().current, 'Starting');
    release();
    await started;
    assert.equal(monitor.statusSnapshot().current, 'Running');
    assert.notEqual(monitor.statusSnapshot().status.lastSuccessAtMs, null);
    fail = true;
    await monitor.checkNow();
    const degraded = monitor.statusSnapshot();
    assert.equal(degraded.current, 'Degraded');
    assert.match(degraded.status.lastError?.message ?? '', /statfs .*: EIO/);
    assert.equal(planReconcile(degraded).action, 'restart');
    fail = false;
    await monitor.checkNow();
    assert.equal(monitor.statusSnapshot().current, 'Running');
    monitor.stop();
    assert.equal(monitor.statusSnapshot().current, 'Stopped');
    assert.equal(monitor.statusSnapshot().status.counters.passes, 3);
    await store.close();
  });

  it('Disabled when no folder has a reserve', async () => {
    const store = new Store([{ dir: await tempDir(), maxVolumeCount: 0, diskType: '', diskId: 0 }], 4, silentLogger);
    await store.load();
    const monitor = new DiskSpaceMonitor(store.locations, {});
    assert.equal(monitor.statusSnapshot().current, 'Disabled');
    assert.equal(planReconcile(monitor.statusSnapshot()).action, 'none');
    await store.close();
  });
});

describe('heartbeat status', () => {
  it('Stopped before start, Starting, Degraded once a master refuses, Stopped after stop', async () => {
    const store = await storeWithVolume();
    // A port nothing listens on.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const heartbeat = new HeartbeatClient(
      store,
      [`127.0.0.1:${port}`],
      { ip: '127.0.0.1', port: 1, grpcPort: 2, publicUrl: '', id: '', dataCenter: '', rack: '' },
      silentLogger,
    );
    assert.equal(heartbeat.statusSnapshot().current, 'Stopped');
    heartbeat.start();
    assert.equal(heartbeat.statusSnapshot().current, 'Starting');
    for (let i = 0; i < 100 && heartbeat.statusSnapshot().current !== 'Degraded'; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const degraded = heartbeat.statusSnapshot();
    assert.equal(degraded.current, 'Degraded');
    assert.match(degraded.status.lastError?.message ?? '', new RegExp(`master 127.0.0.1:${port}`));
    assert.equal(degraded.desired.masters, `127.0.0.1:${port}`);
    await heartbeat.stop();
    assert.equal(heartbeat.statusSnapshot().current, 'Stopped');
    await store.close();
  });
});

describe('metrics push status', () => {
  it('Starting, Running after a push, Degraded when the gateway refuses, Stopped after stop', async () => {
    let status = 200;
    const gateway = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(status).end());
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    const source = { scrape: async () => ({ contentType: 'text/plain', body: 'm 1\n' }) };
    const pusher = startMetricsPush(source, { address, intervalSeconds: 3600, instance: 'a:1' }, silentLogger)!;
    assert.equal(pusher.statusSnapshot().current, 'Starting');
    await pusher.firstPush;
    assert.equal(pusher.statusSnapshot().current, 'Running');
    pusher.stop();
    assert.equal(pusher.statusSnapshot().current, 'Stopped');
    status = 500;
    const failing = startMetricsPush(source, { address, intervalSeconds: 3600, instance: 'a:1' }, silentLogger)!;
    await failing.firstPush;
    assert.equal(failing.statusSnapshot().current, 'Degraded');
    assert.equal(failing.statusSnapshot().status.lastError?.message, 'status 500');
    failing.stop();
    await new Promise<void>((resolve) => gateway.close(() => resolve()));
  });
});

describe('TLS reload status', { skip: opensslMissing() }, () => {
  it('Running while it watches, Degraded when a reload fails, Running again, gone once closed', async () => {
    const pki = await makeTestPki();
    const dir = await tempDir();
    const files = { certFile: path.join(dir, 'c.pem'), keyFile: path.join(dir, 'k.pem'), caFile: '' };
    await copyFile(pki.server.cert, files.certFile);
    await copyFile(pki.server.key, files.keyFile);
    const reloader = new PemReloader(files, 3_600_000, silentLogger);
    const mine = () => tlsReloadStatus.snapshots().find((s) => s.desired.certFile === files.certFile);
    assert.equal(reloader.statusSnapshot().current, 'Stopped');
    const unsubscribe = reloader.onChange(() => {});
    assert.equal(mine()?.current, 'Running');
    await writeFile(files.certFile, 'half a certificate');
    reloader.reload();
    assert.equal(mine()?.current, 'Degraded');
    await copyFile(pki.renewedServer.cert, files.certFile);
    await copyFile(pki.renewedServer.key, files.keyFile);
    assert.equal(reloader.reload(), true);
    assert.equal(mine()?.current, 'Running');
    assert.deepEqual(mine()?.status.counters, { failures: 1, reads: 1, changes: 1 });
    unsubscribe();
    assert.equal(mine(), undefined);
    assert.equal(reloader.statusSnapshot().current, 'Stopped');
  });
});

describe('store job status', () => {
  it('a vacuum is a job with progress from its copy until its commit', async () => {
    const store = await storeWithVolume();
    const volume = store.findVolume(3)!;
    for (let i = 1; i <= 20; i++) await volume.write(textNeedle(BigInt(i), `n${i} `.repeat(50)));
    const jobs = vacuumJobsStatus(store);
    assert.deepEqual(jobs.snapshots(), []);
    await volume.compact();
    const [job] = jobs.snapshots();
    assert.equal(job?.name, 'vacuum/volume-3');
    assert.equal(job?.current, 'Running');
    assert.equal(job?.status.detail, 'copied; waiting for the commit');
    assert.equal(job?.status.progress?.doneBytes, job?.status.progress?.totalBytes);
    assert.equal(job?.status.progress?.etaMs, 0);
    await volume.commitCompact();
    assert.deepEqual(jobs.snapshots(), []);
    await store.close();
  });

  it('drain barriers count what each volume held', async () => {
    const store = await storeWithVolume();
    const status = drainBarriersStatus(store);
    assert.equal(status.snapshots()[0]?.status.counters.drains, 0);
    await store.findVolume(3)!.setReadOnly(true, false);
    assert.equal(status.snapshots()[0]?.status.counters.drains, 1);
    assert.equal(status.snapshots()[0]?.status.queueDepth, 0);
    await store.close();
  });

  it('maintenance runs: Running while the agent works, Stopped with its figures after', async () => {
    const store = await storeWithVolume();
    for (let i = 1; i <= 5; i++) await store.findVolume(3)!.write(textNeedle(BigInt(i), `n${i}`));
    const run = await store.maintenance.start('verify', 3);
    const [running] = store.maintenance.statusSnapshots();
    assert.equal(running?.name, `maintenance/verify-volume-3-run-${run.id}`);
    assert.equal(running?.current, 'Running');
    assert.equal(running?.desired.enabled, true);
    await store.maintenance.settled(run.id);
    const [done] = store.maintenance.statusSnapshots();
    assert.equal(done?.current, 'Stopped');
    assert.equal(done?.desired.enabled, false);
    assert.notEqual(done?.status.lastSuccessAtMs, null);
    assert.equal(done?.status.progress?.doneBytes, done?.status.progress?.totalBytes);
    assert.equal(planReconcile(done!).action, 'none');
    await store.close();
  });
});
