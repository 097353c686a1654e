// The one-off master calls against an in-process master: address forms, Ping, the configuration
// asked at start (through checkWithMaster's default ask, past a dead master), and a refused
// read-only notice; and where a volume is, asked over HTTP and cached until forgotten.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { checkWithMaster } from '../../src/cluster/check-with-master.ts';
import {
  getMasterConfiguration,
  markReadonlyOnMaster,
  pingMaster,
  toGrpcAddress,
} from '../../src/cluster/master-client.ts';
import { VolumeLookup } from '../../src/cluster/volume-lookup.ts';
import { startFakeMaster } from '../support/fake-master.ts';
import { suiteScope } from '../support/suite-scope.ts';
import { linesLogger } from '../support/lines-logger.ts';

/** Port 1 on loopback: nobody listens, connections are refused at once. */
const DEAD_MASTER = '127.0.0.1:1.1';

const NOTICE = {
  ip: '10.0.0.5',
  port: 8080,
  volume_id: 9,
  collection: 'c',
  replica_placement: 1,
  version: 3,
  ttl: 0,
  disk_type: '',
  is_readonly: true,
};

describe('master client calls', () => {
  const scope = suiteScope();

  it('turns SeaweedFS addresses into gRPC ones', () => {
    assert.equal(toGrpcAddress('10.0.0.1:9333'), '10.0.0.1:19333', 'the HTTP port plus 10000');
    assert.equal(toGrpcAddress('master.example:9333.19444'), 'master.example:19444', 'an explicit gRPC port');
    assert.equal(toGrpcAddress('[::1]:9333'), '[::1]:19333');
    assert.throws(() => toGrpcAddress('master.example'), /has no port/);
    assert.throws(() => toGrpcAddress('master.example:http'), /has a bad port/);
  });

  it('pings a master for its start time, and fails for one that is down', async () => {
    const master = await startFakeMaster(scope, { startTimeNs: '987654321' });
    assert.equal(await pingMaster(master.address), '987654321');
    await assert.rejects(pingMaster(DEAD_MASTER));
  });

  it('takes the configuration from the first master that answers', async () => {
    const master = await startFakeMaster(scope, {
      configuration: { metrics_address: 'push.example:9091', metrics_interval_seconds: 15 },
    });
    const logs: string[] = [];
    const configuration = await checkWithMaster([DEAD_MASTER, master.address], linesLogger(logs), { retryMs: 10 });
    assert.deepEqual(configuration, { metricsAddress: 'push.example:9091', metricsIntervalSeconds: 15 });
    assert.equal(logs.length, 1, logs.join('\n'));
    assert.match(logs[0]!, new RegExp(`^checkWithMaster ${DEAD_MASTER}: get master ${DEAD_MASTER} configuration: `));
    await assert.rejects(getMasterConfiguration(DEAD_MASTER), /configuration: /);
  });

  it('sends a read-only notice, and says which master refused one', async () => {
    const master = await startFakeMaster(scope);
    await markReadonlyOnMaster(master.address, NOTICE);
    assert.deepEqual(
      master.readonlyNotices.map((n) => [n.ip, n.port, n.volume_id, n.collection, n.replica_placement, n.is_readonly]),
      [['10.0.0.5', 8080, 9, 'c', 1, true]],
    );
    const refusing = await startFakeMaster(scope, { refuseReadonly: 'volume 9 is not here' });
    await assert.rejects(
      markReadonlyOnMaster(refusing.address, NOTICE),
      new RegExp(
        `^Error: grpc VolumeMarkReadonly with master ${refusing.address.replaceAll('.', '\\.')}: .*volume 9 is not here`,
      ),
    );
  });

  it('looks a volume up over HTTP, caches the answer, and asks again once it is forgotten', async () => {
    const asked: string[] = [];
    const http = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      const volumeId = new URL(req.url ?? '/', 'http://x').searchParams.get('volumeId');
      res.end(
        volumeId === '3'
          ? JSON.stringify({ locations: [{ url: '10.0.0.7:8080', publicUrl: 'pub:8080' }, { url: '' }] })
          : JSON.stringify({ error: `volume ${volumeId} not found` }),
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    scope.defer(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const { port } = http.address() as { port: number };
    const lookup = new VolumeLookup(() => [`127.0.0.1:${port}`]);

    assert.deepEqual(await lookup.lookup(3), [{ url: '10.0.0.7:8080', publicUrl: 'pub:8080' }], 'empty urls dropped');
    await lookup.lookup(3);
    assert.deepEqual(asked, ['/dir/lookup?volumeId=3'], 'the second answer came from the cache');
    lookup.forget(3);
    await lookup.lookup(3);
    assert.equal(asked.length, 2, 'asked again after forget');

    assert.deepEqual(await lookup.lookup(4), [], 'a miss is an empty list');
    await lookup.lookup(4);
    assert.equal(asked.length, 4, 'misses are not cached');
    await assert.rejects(new VolumeLookup(() => []).lookup(3), /no master to ask/);
  });
});
