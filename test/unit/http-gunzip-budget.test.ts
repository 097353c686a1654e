// The server-wide cap on gunzipped bytes held for reads by clients that do not accept gzip.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createAdaptorServer } from '@hono/node-server';
import { createAdminApp } from '../../src/server/http/app.ts';
import type { ServerContext } from '../../src/server/http/deps.ts';
import { GunzipBudget, GunzipBudgetExceeded, gunzipWithinBudget } from '../../src/server/http/gunzip-budget.ts';
import { createServerContext } from '../../src/server/http/server-context.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir } from './helpers.ts';
import { send } from './http-fixture.ts';
import { silentLogger } from '../../src/log/logger.ts';

const MIB = 1024 * 1024;

/** Text that gzips well but not to nothing, so the trailer's size is honest and the output is checkable. */
function sampleText(sizeBytes: number, seed: string): Buffer {
  const line = Buffer.from(`${seed} the quick brown fox jumps over the lazy dog\n`);
  const out = Buffer.alloc(sizeBytes);
  for (let at = 0; at < sizeBytes; at += line.length) line.copy(out, at);
  return out;
}

describe('gunzipWithinBudget', () => {
  it('charges the buffer until released, with no copy when the trailer is honest', async () => {
    const plain = sampleText(MIB, 'a');
    const budget = new GunzipBudget(2 * MIB);
    const inflated = await gunzipWithinBudget(gzipSync(plain), 4 * MIB, budget);
    assert.deepEqual(inflated.data, plain);
    assert.equal(budget.inUseBytes, MIB);
    inflated.release();
    inflated.release();
    assert.equal(budget.inUseBytes, 0);
  });

  it('grows past an understated trailer (two gzip members) within the budget', async () => {
    const first = sampleText(MIB, 'first');
    const second = sampleText(1000, 'second');
    const budget = new GunzipBudget(4 * MIB);
    const inflated = await gunzipWithinBudget(Buffer.concat([gzipSync(first), gzipSync(second)]), 4 * MIB, budget);
    assert.deepEqual(inflated.data, Buffer.concat([first, second]));
    assert.ok(budget.inUseBytes >= MIB + 1000 && budget.inUseBytes <= 4 * MIB, `${budget.inUseBytes}`);
    inflated.release();
    assert.equal(budget.inUseBytes, 0);
  });

  it('refuses what the budget cannot hold, and gives back what it took', async () => {
    const budget = new GunzipBudget(MIB);
    await assert.rejects(gunzipWithinBudget(gzipSync(sampleText(2 * MIB, 'b')), 4 * MIB, budget), GunzipBudgetExceeded);
    // The trailer (last member) fits; growing for the first member does not.
    const understated = Buffer.concat([gzipSync(sampleText(2 * MIB, 'c')), gzipSync(Buffer.from('tail'))]);
    await assert.rejects(gunzipWithinBudget(understated, 4 * MIB, budget), GunzipBudgetExceeded);
    assert.equal(budget.inUseBytes, 0);
    assert.ok(budget.peakBytes <= MIB);
  });

  it('waits for bytes given back, up to its wait limit', async () => {
    const budget = new GunzipBudget(MIB, 5_000);
    assert.ok(budget.tryTake(MIB));
    const waiting = budget.take(MIB);
    budget.give(MIB);
    assert.equal(await waiting, true);
    const impatient = new GunzipBudget(MIB, 0);
    assert.ok(impatient.tryTake(1));
    assert.equal(await impatient.take(MIB), false);
  });
});

describe('reads of a gzip needle by clients that do not accept gzip', () => {
  const budgetBytes = 2.5 * MIB;
  let server: ServerContext;
  let http: Server;
  let port: number;
  const plain = sampleText(MIB, 'needle');
  const big = sampleText(3 * MIB, 'big');

  before(async () => {
    const dir = await tempDir('needlework-gunzip-budget-');
    const store = new Store([{ dir, maxVolumeCount: 0, diskType: '', diskId: 0 }], 4, silentLogger);
    await store.load();
    await store.allocateVolume({ volumeId: 7, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });
    const deps = {
      store,
      serverVersion: '30GB 4.44',
      fileSizeLimitBytes: 8 * MIB,
      gunzipBudgetBytes: budgetBytes,
      isHealthy: () => true,
      log: silentLogger,
    };
    server = createServerContext(deps);
    http = createAdaptorServer({ fetch: createAdminApp(deps, server).fetch }) as Server;
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    port = (http.address() as AddressInfo).port;
    for (const [fid, data] of [
      ['7,0100000001', plain],
      ['7,0200000002', big],
    ] as const) {
      const res = await send(
        port,
        'POST',
        `/${fid}`,
        { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip' },
        gzipSync(data),
      );
      assert.equal(res.status, 201, res.body.toString());
    }
  });
  after(() => {
    http.closeAllConnections();
    http.close();
  });

  async function settled(): Promise<void> {
    // Bytes come back on each response's close event, just after the client has the body.
    for (let i = 0; i < 100 && server.gunzipBudget.inUseBytes > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it('never hold more than the budget at once; each read is served whole or refused with 429', async () => {
    const replies = await Promise.all(Array.from({ length: 8 }, () => send(port, 'GET', '/7,0100000001')));
    for (const reply of replies) {
      if (reply.status === 429) {
        assert.match(JSON.parse(reply.body.toString()).error, /gunzip budget/);
        continue;
      }
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['content-encoding'], undefined);
      assert.deepEqual(reply.body, plain);
    }
    assert.ok(replies.some((reply) => reply.status === 200));
    assert.ok(server.gunzipBudget.peakBytes >= MIB, `peak ${server.gunzipBudget.peakBytes}`);
    assert.ok(
      server.gunzipBudget.peakBytes <= budgetBytes,
      `peak ${server.gunzipBudget.peakBytes} over ${budgetBytes}`,
    );
    await settled();
    assert.equal(server.gunzipBudget.inUseBytes, 0);
  });

  it('refuses a needle bigger than the whole budget with 429, and still serves it gzipped', async () => {
    const refused = await send(port, 'GET', '/7,0200000002');
    assert.equal(refused.status, 429);
    const gzipped = await send(port, 'GET', '/7,0200000002', { 'Accept-Encoding': 'gzip' });
    assert.equal(gzipped.status, 200);
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    await settled();
    assert.equal(server.gunzipBudget.inUseBytes, 0);
  });

  it('serves ranges of the inflated bytes', async () => {
    const res = await send(port, 'GET', '/7,0100000001', { Range: 'bytes=10-19' });
    assert.equal(res.status, 206);
    assert.deepEqual(res.body, plain.subarray(10, 20));
    await settled();
    assert.equal(server.gunzipBudget.inUseBytes, 0);
  });
});
