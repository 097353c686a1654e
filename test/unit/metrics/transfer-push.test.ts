// Bytes in flight and limit conditions around the throttling hooks, and the push-gateway loop.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { Context } from 'hono';
import { pushUrl, startMetricsPush } from '../../../src/server/metrics/metrics-push.ts';
import { VolumeServerMetrics } from '../../../src/server/metrics/registry.ts';
import { type TransferHooks, meterTransfers } from '../../../src/server/metrics/transfer-meter.ts';
import { sample } from './prom-text.ts';
import { silentLogger } from '../../../src/log/logger.ts';

const P = 'SeaweedFS_volumeServer_';

class FakeOutgoing extends EventEmitter {
  closed = false;
  destroyed = false;
}

function fakeContext(url: string, headers: Record<string, string>, outgoing = new FakeOutgoing()): Context {
  return { req: { url, raw: { headers: new Headers(headers) } }, env: { outgoing } } as unknown as Context;
}

const passThrough: TransferHooks = { aroundUpload: (_c, run) => run(), aroundDownload: (_c, run) => run() };

describe('transfer meter', () => {
  it('counts an upload while it runs and a download until its response closes', async () => {
    const metrics = new VolumeServerMetrics({
      concurrentDownloadLimitBytes: 0,
      concurrentUploadLimitBytes: 0,
      processMetrics: false,
    });
    const hooks = meterTransfers(passThrough, metrics, { uploadLimitBytes: 0, downloadLimitBytes: 0 });

    await hooks.aroundUpload(fakeContext('http://x/3,01', { 'content-length': '1000' }), async () => {
      assert.equal(metrics.inFlightUploadBytes, 1000);
      assert.equal(sample((await metrics.scrape()).body, `${P}in_flight_upload_size`), 1000);
      return new Response(null, { status: 201 });
    });
    assert.equal(metrics.inFlightUploadBytes, 0);

    const outgoing = new FakeOutgoing();
    await hooks.aroundDownload(
      fakeContext('http://x/3,01', {}, outgoing),
      async () => new Response('x'.repeat(500), { headers: { 'content-length': '500' } }),
    );
    assert.equal(sample((await metrics.scrape()).body, `${P}in_flight_download_size`), 500, 'still being sent');
    outgoing.emit('close');
    assert.equal(metrics.inFlightDownloadBytes, 0);
  });

  it('counts a limit condition when bytes in flight exceed the limit (replica copies exempt)', async () => {
    const metrics = new VolumeServerMetrics({
      concurrentDownloadLimitBytes: 100,
      concurrentUploadLimitBytes: 100,
      processMetrics: false,
    });
    const hooks = meterTransfers(passThrough, metrics, { uploadLimitBytes: 100, downloadLimitBytes: 100 });
    metrics.inFlightUploadBytes = 150;
    metrics.inFlightDownloadBytes = 150;
    await hooks.aroundUpload(fakeContext('http://x/3,01', {}), async () => new Response(null));
    await hooks.aroundUpload(fakeContext('http://x/3,01?type=replicate', {}), async () => new Response(null));
    await hooks.aroundDownload(fakeContext('http://x/3,01', {}), async () => new Response(null));
    const text = (await metrics.scrape()).body;
    assert.equal(sample(text, `${P}handler_total`, { type: 'uploadLimitCondition' }), 1);
    assert.equal(sample(text, `${P}handler_total`, { type: 'downloadLimitCondition' }), 1);
  });
});

describe('push gateway', () => {
  it('builds upstream push URLs', () => {
    assert.equal(
      pushUrl({ address: 'gw:9091', intervalSeconds: 15, instance: '10.0.0.1:8080' }),
      'http://gw:9091/metrics/job/volumeServer/instance/10.0.0.1%3A8080',
    );
    assert.equal(
      pushUrl({ address: 'https://gw/', intervalSeconds: 15, instance: 'a:1' }),
      'https://gw/metrics/job/volumeServer/instance/a%3A1',
    );
  });

  it('does nothing without an address or interval, else PUTs the registry', async () => {
    const metrics = new VolumeServerMetrics({
      concurrentDownloadLimitBytes: 0,
      concurrentUploadLimitBytes: 0,
      processMetrics: false,
    });
    assert.equal(startMetricsPush(metrics, { address: '', intervalSeconds: 15, instance: 'a:1' }, silentLogger), null);
    assert.equal(
      startMetricsPush(metrics, { address: 'gw:1', intervalSeconds: 0, instance: 'a:1' }, silentLogger),
      null,
    );

    const received: Array<{ method: string; url: string; body: string }> = [];
    const gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    after(() => new Promise<void>((resolve) => gateway.close(() => resolve())));
    const pusher = startMetricsPush(
      metrics,
      {
        address: `127.0.0.1:${(gateway.address() as AddressInfo).port}`,
        intervalSeconds: 60,
        instance: '127.0.0.1:8080',
      },
      silentLogger,
    );
    assert.notEqual(pusher, null);
    await pusher!.firstPush;
    pusher!.stop();
    assert.equal(received.length, 1);
    assert.equal(received[0]!.method, 'PUT');
    assert.equal(received[0]!.url, '/metrics/job/volumeServer/instance/127.0.0.1%3A8080');
    assert.match(received[0]!.body, /SeaweedFS_volumeServer_start_time_seconds/);
  });
});
