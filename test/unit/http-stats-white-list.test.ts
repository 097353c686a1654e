// /stats/* sit behind the same white list as writes (upstream's guard.WhiteList): 401, empty body.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { whiteListGuard } from '../../src/server/http/white-list.ts';
import { send, startFixture } from '../support/http-fixture.ts';

const STATS_ROUTES = ['/stats/counter', '/stats/disk', '/stats/memory'];

async function statsReplies(whiteList: string[]) {
  const f = await startFixture(8 * 1024 * 1024, () => ({ guardWrite: whiteListGuard(whiteList) }));
  try {
    return await Promise.all(STATS_ROUTES.map(async (route) => ({ route, reply: await send(f.admin, 'GET', route) })));
  } finally {
    await f.servers.close();
    await f.store.close();
  }
}

describe('stats endpoints and the white list', () => {
  it('refuses an address not on the white list', async () => {
    for (const { route, reply } of await statsReplies(['10.9.8.7', '192.168.0.0/16'])) {
      assert.equal(reply.status, 401, route);
      assert.equal(reply.body.length, 0, route);
    }
  });

  it('answers a listed address, by IP or CIDR', async () => {
    for (const whiteList of [['127.0.0.1'], ['10.9.8.7', '127.0.0.0/8']]) {
      for (const { route, reply } of await statsReplies(whiteList)) {
        assert.equal(reply.status, 200, `${route} ${whiteList.join(',')}`);
        assert.equal(typeof JSON.parse(reply.body.toString()).Version, 'string', route);
      }
    }
  });

  it('answers everyone when the white list is empty', async () => {
    for (const { route, reply } of await statsReplies([])) assert.equal(reply.status, 200, route);
  });
});
