// The background services on /ui/index.html, read by headless Chromium: it loads the page from
// our server in a real cluster and the test reads the services table out of the DOM it renders,
// progress bar included. Chromium comes from the distribution (.ci/run installs it); without it
// the test is skipped with the reason, except in CI where that is a failure.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { tempDir } from '../support/helpers.ts';
import { assignFids, skipReason, startMaster, startOurVolumeServer } from '../support/peers.ts';
import { PEER_PATIENCE, eventually } from '../support/eventually.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

function chromiumMissing(): string | false {
  const peers = skipReason();
  if (peers !== false) return peers;
  if (existsSync(CHROMIUM)) return false;
  const reason = `no Chromium at ${CHROMIUM} (set CHROMIUM, or install the chromium package)`;
  if (process.env.NEEDLEWORK_REQUIRE_PARITY === '1') throw new Error(reason);
  return reason;
}

/** The page as headless Chromium renders it. */
async function renderedDom(url: string): Promise<string> {
  const profile = await tempDir('needlework-chromium-');
  const { stdout } = await promisify(execFile)(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--dump-dom',
      url,
    ],
    { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

/** Rows of the services table: the cells' text, and the progress bar's value and max. */
function servicesTable(dom: string): Array<{ cells: string[]; progress: { value: number; max: number } | null }> {
  const table = /<table id="services">([\s\S]*?)<\/table>/.exec(dom)?.[1];
  assert.ok(table !== undefined, 'the page has a services table');
  return [...table.matchAll(/<tr data-service="[^"]*">([\s\S]*?)<\/tr>/g)].map((row) => {
    const cells = [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim());
    const bar = /<progress value="(\d+)" max="(\d+)">/.exec(row[1]!);
    return { cells, progress: bar === null ? null : { value: Number(bar[1]), max: Number(bar[2]) } };
  });
}

describe('background services on the UI page', { skip: chromiumMissing() }, () => {
  it('headless Chromium shows every service, with a progress bar for a maintenance run', async () => {
    const root = await tempDir();
    const master = await startMaster(root, undefined, 256);
    const ours = await startOurVolumeServer(root, path.join(root, 'data'), master.address);
    const base = `http://127.0.0.1:${ours.port}`;
    // A volume with data, then a verify run on it.
    // The master may still be growing volumes right after the heartbeat: assignFids waits for one.
    const [fid] = await assignFids(master.address, 1);
    const assigned = { fid: fid as string };
    const form = new FormData();
    form.append('file', new Blob(['x'.repeat(4096)]), 'a.bin');
    assert.equal((await fetch(`${base}/${assigned.fid}`, { method: 'POST', body: form })).status, 201);
    const volumeId = Number(assigned.fid.split(',')[0]);
    const run = (await (await fetch(`${base}/maintenance/verify?volumeId=${volumeId}`, { method: 'POST' })).json()) as {
      id: number;
    };
    await eventually(
      'the verify run ends',
      async () =>
        ((await (await fetch(`${base}/maintenance/runs/${run.id}`)).json()) as { state: string }).state !== 'running',
      PEER_PATIENCE,
    );
    await eventually(
      'the heartbeat runs',
      async () => {
        const body = (await (await fetch(`${base}/status/services`)).json()) as {
          services: Array<{ name: string; current: string }>;
        };
        return body.services.find((s) => s.name === 'heartbeat')?.current === 'Running';
      },
      PEER_PATIENCE,
    );

    const rows = servicesTable(await renderedDom(`${base}/ui/index.html`));
    const byName = new Map(rows.map((r) => [r.cells[0], r]));
    const shown = JSON.stringify(rows.map((r) => r.cells.slice(0, 3)));
    assert.deepEqual(byName.get('heartbeat')?.cells.slice(1, 3), ['on', 'Running'], shown);
    assert.deepEqual(byName.get('metrics-push')?.cells.slice(1, 3), ['off', 'NotConfigured'], shown);
    assert.equal(byName.get('disk-space-monitor')?.cells[2], 'Running', shown);
    const verify = byName.get(`maintenance/verify-volume-${volumeId}-run-${run.id}`);
    assert.equal(verify?.cells[2], 'Stopped', shown);
    assert.ok(
      verify?.progress !== null &&
        verify?.progress !== undefined &&
        verify.progress.value === verify.progress.max &&
        verify.progress.max > 0,
      JSON.stringify(verify),
    );
    assert.match(verify.cells[6] ?? '', /100%/);
  });
});
