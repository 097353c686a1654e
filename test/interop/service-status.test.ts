// The service status of our server in a real cluster: with a Go master the heartbeat is Running;
// when the master goes away it turns Degraded with the stream's error, and the plan says restart;
// `needlework status` shows the same.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { tempDir } from '../unit/helpers.ts';
import { skipReason, startMaster, startOurVolumeServer } from './peers.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

interface Services {
  services: Array<{
    name: string;
    current: string;
    desired: Record<string, unknown>;
    status: { lastError: { message: string } | null };
  }>;
  plans: Array<{ name: string; action: string }>;
}

async function services(port: number): Promise<Services> {
  return (await (await fetch(`http://127.0.0.1:${port}/status/services`)).json()) as Services;
}

async function until(port: number, name: string, state: string): Promise<Services> {
  for (let i = 0; i < 100; i++) {
    const s = await services(port);
    if (s.services.find((x) => x.name === name)?.current === state) return s;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} never became ${state}: ${JSON.stringify(await services(port))}`);
}

describe('service status in a cluster', { skip: skipReason() }, () => {
  it('heartbeat Running with a master, Degraded once it is gone', async () => {
    const root = await tempDir();
    const master = await startMaster(root, undefined, 256);
    const ours = await startOurVolumeServer(root, path.join(root, 'data'), master.address);
    const running = await until(ours.port, 'heartbeat', 'Running');
    const names = running.services.map((s) => s.name);
    for (const expected of ['disk-space-monitor', 'drain-barriers', 'heartbeat', 'metrics-push'])
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    assert.equal(running.services.find((s) => s.name === 'metrics-push')?.current, 'NotConfigured');
    assert.equal(running.plans.find((p) => p.name === 'heartbeat')?.action, 'none');
    const perMaster = running.services.find((s) => s.name === `heartbeat/${master.address}`);
    assert.equal(perMaster?.current, 'Running', 'the one master, streamed to');
    assert.equal(perMaster?.desired.seed, true);
    const { stdout } = await promisify(execFile)(path.join(ROOT, 'bin', 'needlework'), [
      'status',
      `-server=127.0.0.1:${ours.port}`,
    ]);
    assert.match(stdout, /^heartbeat +on +Running/m);

    await master.peer.stop();
    const degraded = await until(ours.port, 'heartbeat', 'Degraded');
    const heartbeat = degraded.services.find((s) => s.name === 'heartbeat')!;
    assert.match(heartbeat.status.lastError?.message ?? '', new RegExp(`master ${master.address}`));
    assert.equal(degraded.plans.find((p) => p.name === 'heartbeat')?.action, 'restart');
    const lost = degraded.services.find((s) => s.name === `heartbeat/${master.address}`);
    assert.equal(lost?.current, 'Degraded');
    assert.notEqual(lost?.status.lastError, null);
  });
});
