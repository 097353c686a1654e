// Prometheus metrics of the HTTP surface, scraped from the real -metricsPort listener after real
// requests: request counters and histograms move per method and status, derived failure
// counters follow the statuses, store gauges equal what the store holds, and the admin port
// does not serve /metrics (an upstream test checks that).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { startMetricsServer } from '../../../src/server/metrics/metrics-server.ts';
import { VolumeServerMetrics } from '../../../src/server/metrics/registry.ts';
import { registerStoreGauges } from '../../../src/server/metrics/store-gauges.ts';
import { startHttpServers } from '../../../src/server/http/start.ts';
import type { HttpServers } from '../../../src/server/http/index.ts';
import { Store } from '../../../src/store/store.ts';
import { send } from '../http-fixture.ts';
import { suiteScope } from '../suite-scope.ts';
import { sample } from './prom-text.ts';
import { silentLogger } from '../../../src/log/logger.ts';

const P = 'SeaweedFS_volumeServer_';
const BOUNDARY = 'metrics-test-boundary';

function multipart(text: string): { body: string; headers: Record<string, string> } {
  const body = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n${text}\r\n--${BOUNDARY}--\r\n`;
  return { body, headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

describe('HTTP metrics on -metricsPort', () => {
  const scope = suiteScope();
  let store: Store;
  let dir: string;
  let http: HttpServers;
  let metricsPort: number;

  const scrape = async (): Promise<string> => {
    const reply = await send(metricsPort, 'GET', '/metrics');
    assert.equal(reply.status, 200);
    assert.match(String(reply.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    return reply.body.toString();
  };

  before(async () => {
    dir = await scope.tempDir('needlework-metrics-');
    store = new Store(
      [{ dir, maxVolumeCount: 9, diskType: '', diskId: 0, minFreeSpace: { kind: 'percent', percent: 1, raw: '1' } }],
      4,
      silentLogger,
    );
    await store.load();
    await store.allocateVolume({ volumeId: 7, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });
    await store.allocateVolume({
      volumeId: 8,
      collection: 'pics',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    const metrics = new VolumeServerMetrics({
      concurrentDownloadLimitBytes: 64 << 20,
      concurrentUploadLimitBytes: 32 << 20,
      processMetrics: false,
    });
    registerStoreGauges(metrics.registry, { locations: store.locations });
    http = await startHttpServers({
      store,
      config: {
        bindIp: '127.0.0.1',
        httpPort: 0,
        publicPort: 0,
        fileSizeLimitBytes: 1 << 20,
        idleTimeoutSeconds: 30,
        concurrentUploadLimitBytes: 32 << 20,
        concurrentDownloadLimitBytes: 64 << 20,
      },
      serverVersion: '30GB 4.44',
      isHealthy: () => true,
      log: silentLogger,
      metrics,
    });
    const server = await startMetricsServer(metrics, '127.0.0.1', 0, silentLogger);
    metricsPort = server.port;
    scope.defer(async () => {
      await server.close();
      await http.close();
      await store.close();
    });
  });

  it('counts store requests by method and status, and times them', async () => {
    const upload = multipart('hello metrics');
    assert.equal((await send(http.adminPort, 'POST', '/7,01637037d6', upload.headers, upload.body)).status, 201);
    assert.equal((await send(http.adminPort, 'GET', '/7,01637037d6')).status, 200);
    assert.equal((await send(http.adminPort, 'GET', '/7,01637037d6')).status, 200);
    assert.equal((await send(http.adminPort, 'GET', '/7,02637037d7')).status, 404);
    assert.equal((await send(http.adminPort, 'PATCH', '/7,01637037d6')).status, 400);
    assert.equal((await send(http.adminPort, 'GET', '/status')).status, 200, 'not a store request: not counted');

    const text = await scrape();
    assert.equal(sample(text, `${P}request_total`, { type: 'POST', code: '201' }), 1);
    assert.equal(sample(text, `${P}request_total`, { type: 'GET', code: '200' }), 2);
    assert.equal(sample(text, `${P}request_total`, { type: 'GET', code: '404' }), 1);
    assert.equal(
      sample(text, `${P}request_total`, { type: 'INVALID', code: '400' }),
      1,
      'unsupported methods are INVALID on the admin port',
    );
    assert.equal(sample(text, `${P}request_seconds_count`, { type: 'GET' }), 3);
    assert.equal(sample(text, `${P}request_seconds_bucket`, { type: 'GET', le: '+Inf' }), 3);
    assert.equal(
      sample(text, `${P}request_seconds_bucket`, { type: 'GET', le: '0.0001' }) !== undefined,
      true,
      'upstream bucket bounds',
    );
    assert.equal(sample(text, `${P}in_flight_requests`, { type: 'GET' }), 0);
    assert.equal(sample(text, `${P}handler_total`, { type: 'errorGetNotFound' }), 1);
    assert.equal(sample(text, `${P}file_read_failures`), 1);
    assert.equal(sample(text, `${P}file_write_failures`), 0);
  });

  it('counts a failed write', async () => {
    const before = sample(await scrape(), `${P}file_write_failures`) ?? 0;
    const upload = multipart('nowhere to go');
    assert.equal(
      (await send(http.adminPort, 'POST', '/77,03637037d8', upload.headers, upload.body)).status,
      500,
      'no such volume here',
    );
    assert.equal(sample(await scrape(), `${P}file_write_failures`), before + 1);
  });

  it('reports the store as it is at scrape time', async () => {
    let text = await scrape();
    const v7 = store.findVolume(7)!.stats();
    assert.equal(sample(text, `${P}volumes`, { collection: '', type: 'volume' }), 1);
    assert.equal(sample(text, `${P}volumes`, { collection: 'pics', type: 'volume' }), 1);
    assert.equal(sample(text, `${P}total_disk_size`, { collection: '', type: 'normal' }), v7.datSizeBytes);
    assert.equal(sample(text, `${P}total_disk_size`, { collection: '', type: 'deleted_bytes' }), v7.deletedBytes);
    assert.equal(sample(text, `${P}max_volumes`), 9);
    assert.equal(sample(text, `${P}read_only_volumes`, { collection: 'pics', type: 'IsReadOnly' }), 0);
    assert.equal(sample(text, `${P}concurrent_upload_limit`), 32 << 20);
    assert.equal(sample(text, `${P}concurrent_download_limit`), 64 << 20);
    assert.ok((sample(text, `${P}resource`, { name: store.locations[0]!.dir, type: 'all' }) ?? 0) > 0);
    assert.equal(sample(text, `${P}disk_error_status`, { name: store.locations[0]!.dir, type: 'error' }), 0);
    assert.ok((sample(text, `${P}start_time_seconds`) ?? 0) > 1.7e9);

    await store.findVolume(8)!.setReadOnly(true, false, true);
    await store.allocateVolume({
      volumeId: 9,
      collection: 'pics',
      replication: '000',
      ttl: '',
      diskType: '',
      version: 3,
    });
    text = await scrape();
    assert.equal(sample(text, `${P}volumes`, { collection: 'pics', type: 'volume' }), 2);
    assert.equal(sample(text, `${P}read_only_volumes`, { collection: 'pics', type: 'IsReadOnly' }), 1);
    assert.equal(sample(text, `${P}read_only_volumes`, { collection: 'pics', type: 'noWriteCanDelete' }), 1);
    assert.equal(sample(text, `${P}read_only_volumes`, { collection: 'pics', type: 'noWriteOrDelete' }), 0);

    await store.deleteVolume(9, false);
    await store.deleteVolume(8, false);
    text = await scrape();
    assert.equal(
      sample(text, `${P}volumes`, { collection: 'pics', type: 'volume' }),
      undefined,
      'a departed collection leaves no series',
    );
  });

  it('is not served on the admin port, and only /metrics on the metrics port', async () => {
    const admin = await send(http.adminPort, 'GET', '/metrics');
    assert.equal(admin.status, 400, 'upstream: the store handler refuses the path');
    assert.doesNotMatch(admin.body.toString(), /SeaweedFS_volumeServer_/);
    assert.equal((await send(metricsPort, 'GET', '/other')).status, 404);
  });

  it('gzips the exposition when asked', async () => {
    const reply = await send(metricsPort, 'GET', '/metrics', { 'Accept-Encoding': 'gzip' });
    assert.equal(reply.headers['content-encoding'], 'gzip');
  });
});
