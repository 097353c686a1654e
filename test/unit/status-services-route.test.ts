// GET /status/services and `needlework status`: every registered service with its plan, behind
// the white list; and collecting snapshots has no side effects: thousands of them, over HTTP and
// direct, leave every observable as it was (disk checks, pushes, files, volume figures, the
// snapshots themselves).
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatServicesTable, runStatusCommand } from '../../src/cli/status-command.ts';
import { listenHttpServers } from '../../src/server/http/listen.ts';
import { whiteListGuard } from '../../src/server/http/white-list.ts';
import { startMetricsPush } from '../../src/server/metrics/metrics-push.ts';
import { ServiceRegistry } from '../../src/status/service-registry.ts';
import { DiskSpaceMonitor } from '../../src/store/disk-space-monitor.ts';
import { Store } from '../../src/store/store.ts';
import { drainBarriersStatus, vacuumJobsStatus } from '../../src/store/store-status.ts';
import { send } from './http-fixture.ts';
import { tempDir, textNeedle } from './helpers.ts';
import { silentLogger } from '../../src/log/logger.ts';

async function world(whiteList: string[] = []) {
  const dir = await tempDir();
  const store = new Store(
    [{ dir, maxVolumeCount: 0, diskType: '', diskId: 0, minFreeSpace: { kind: 'percent', percent: 1, raw: '1' } }],
    4,
    silentLogger,
  );
  await store.load();
  await store.allocateVolume({ volumeId: 5, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });
  for (let i = 1; i <= 10; i++) await store.findVolume(5)!.write(textNeedle(BigInt(i), `needle ${i}`));
  let statCalls = 0;
  const monitor = new DiskSpaceMonitor(store.locations, {
    intervalMs: 3_600_000,
    statDiskSpace: async () => {
      statCalls++;
      return { totalBytes: 1000, freeBytes: 900 };
    },
  });
  await monitor.start();
  let pushes = 0;
  const gateway = createServer((req, res) => {
    pushes++;
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const pusher = startMetricsPush(
    { scrape: async () => ({ contentType: 'text/plain', body: 'm 1\n' }) },
    { address: `127.0.0.1:${(gateway.address() as AddressInfo).port}`, intervalSeconds: 3600, instance: 'a:1' },
    silentLogger,
  )!;
  await pusher.firstPush;
  const run = await store.maintenance.start('verify', 5);
  await store.maintenance.settled(run.id);
  // A vacuum copied and waiting for its commit: a job with progress.
  await store.findVolume(5)!.compact();

  const services = new ServiceRegistry();
  services.register('disk-space-monitor', { snapshots: () => [monitor.statusSnapshot()] });
  services.register('metrics-push', { snapshots: () => [pusher.statusSnapshot()] });
  services.register(
    'vacuum',
    vacuumJobsStatus(store, () => 1_000_000),
  );
  services.register('drain-barriers', drainBarriersStatus(store));
  services.register('maintenance', { snapshots: () => store.maintenance.statusSnapshots() });
  const servers = await listenHttpServers(
    {
      store,
      serverVersion: '30GB 4.53',
      fileSizeLimitBytes: 1 << 20,
      isHealthy: () => true,
      log: silentLogger,
      services,
      hooks: { guardWrite: whiteListGuard(whiteList) },
    },
    { host: '127.0.0.1', port: 0, closeGraceMs: 100 },
  );
  const observables = async () => {
    const files = await readdir(dir);
    const sizes = await Promise.all(
      files
        .sort()
        .map(async (f) => `${f}:${(await stat(path.join(dir, f))).size}:${(await stat(path.join(dir, f))).mtimeMs}`),
    );
    return {
      statCalls,
      pushes,
      sizes,
      stats: store.findVolume(5)!.stats(),
      compacting: store.findVolume(5)!.isCompacting,
      runs: store.maintenance.list().length,
    };
  };
  return {
    store,
    services,
    port: servers.adminPort,
    observables,
    async close() {
      pusher.stop();
      monitor.stop();
      await servers.close();
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
      await store.findVolume(5)?.cleanupCompact();
      await store.close();
    },
  };
}

describe('GET /status/services', () => {
  it('lists every service with its plan, and thousands of snapshots change nothing', async () => {
    const w = await world();
    try {
      const before = await w.observables();
      const first = await send(w.port, 'GET', '/status/services');
      assert.equal(first.status, 200);
      const body = JSON.parse(first.body.toString());
      assert.deepEqual(
        body.services.map((s: { name: string; current: string }) => [s.name, s.current]),
        [
          ['disk-space-monitor', 'Running'],
          ['drain-barriers', 'Running'],
          [`maintenance/verify-volume-5-run-1`, 'Stopped'],
          ['metrics-push', 'Running'],
          ['vacuum/volume-5', 'Running'],
        ],
      );
      assert.deepEqual(
        body.plans.map((p: { action: string }) => p.action),
        ['none', 'none', 'none', 'none', 'none'],
      );
      const vacuum = body.services.find((s: { name: string }) => s.name === 'vacuum/volume-5');
      assert.equal(vacuum.status.progress.doneBytes, vacuum.status.progress.totalBytes);

      for (let i = 0; i < 5000; i++) w.services.snapshots();
      for (let i = 0; i < 500; i++)
        assert.equal((await send(w.port, 'GET', '/status/services')).body.toString(), first.body.toString());
      assert.deepEqual(await w.observables(), before);
    } finally {
      await w.close();
    }
  });

  it('is behind the white list', async () => {
    const w = await world(['10.0.0.1']);
    try {
      assert.equal((await send(w.port, 'GET', '/status/services')).status, 401);
    } finally {
      await w.close();
    }
  });
});

describe('needlework status', () => {
  it('prints the services as a table, and the answer with -json', async () => {
    const w = await world();
    try {
      const out: string[] = [];
      const output = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) };
      assert.equal(await runStatusCommand([`-server=127.0.0.1:${w.port}`], output), 0);
      const lines = out.join('').trimEnd().split('\n');
      assert.match(lines[0]!, /^SERVICE +DESIRED +CURRENT +LAST SUCCESS +LAST ERROR +PROGRESS +PLAN$/);
      assert.equal(lines.length, 6);
      assert.match(lines.find((l) => l.startsWith('vacuum/volume-5'))!, /on +Running .* 100% of /);
      out.length = 0;
      assert.equal(await runStatusCommand([`-server=http://127.0.0.1:${w.port}`, '-json'], output), 0);
      assert.equal(JSON.parse(out.join('')).services.length, 5);
      out.length = 0;
      assert.equal(await runStatusCommand([], output), 2);
      assert.equal(await runStatusCommand(['-server=127.0.0.1:1'], output), 1);
    } finally {
      await w.close();
    }
  });

  it('shows a degraded service with its error and the plan to restart it', () => {
    const text = formatServicesTable(
      [
        {
          name: 'heartbeat',
          desired: { enabled: true },
          current: 'Degraded',
          status: {
            counters: {},
            queueDepth: null,
            queueLimit: null,
            workers: null,
            lastSuccessAtMs: 1_000,
            lastError: { message: 'stream closed by master', atMs: 61_000 },
            cancelledBy: [],
            hasShutdownHandle: true,
            progress: null,
            detail: '',
          },
        },
      ],
      [
        {
          name: 'heartbeat',
          desiredRunning: true,
          current: 'Degraded',
          action: 'restart',
          reason: 'degraded: stream closed by master',
        },
      ],
      100_000,
    );
    assert.match(
      text,
      /heartbeat +on +Degraded +99s ago +stream closed by master \(39s ago\) +- +restart: degraded: stream closed by master/,
    );
  });
});
