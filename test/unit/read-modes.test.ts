import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { readNonLocalHandler } from '../../src/server/http/read-modes.ts';
import type { AppEnv } from '../../src/server/http/request-info.ts';

function appWith(mode: 'local' | 'proxy' | 'redirect', urls: string[]) {
  const handler = readNonLocalHandler({
    mode,
    selfAddress: '127.0.0.1:8080',
    lookup: async () => urls.map((url) => ({ url, publicUrl: url })),
  });
  const app = new Hono<AppEnv>();
  app.get('*', (c) => {
    const url = new URL(c.req.url);
    c.set('info', { path: url.pathname, rawQuery: url.search.slice(1), isHead: false, pretty: false } as never);
    return handler(c, { vidText: '3', fidText: '01637037d6', volumeId: 3, needleId: 1n, cookie: 0x637037d6 });
  });
  return app;
}

describe('reads of volumes held elsewhere', () => {
  it('redirect keeps only the collection, drops filename and other parameters', async () => {
    const res = await appWith('redirect', ['127.0.0.1:9090']).request(
      '/3/01637037d6/name.txt?readDeleted=true&collection=c1&jwt=x',
    );
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), 'http://127.0.0.1:9090/3,01637037d6?collection=c1&proxied=true');
  });

  it('local mode, an already proxied request, or only ourselves as holder: 404', async () => {
    assert.equal((await appWith('local', ['127.0.0.1:9090']).request('/3,01637037d6')).status, 404);
    assert.equal((await appWith('redirect', ['127.0.0.1:9090']).request('/3,01637037d6?proxied=true')).status, 404);
    assert.equal((await appWith('proxy', ['127.0.0.1:8080']).request('/3,01637037d6')).status, 404);
    assert.equal((await appWith('proxy', []).request('/3,01637037d6')).status, 404);
  });
});
