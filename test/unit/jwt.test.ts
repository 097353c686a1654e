import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { expectedFid, jwtAuthorizer, tokenFromRequest, verifyFidToken } from '../../src/server/http/jwt.ts';
import { parseWhiteList } from '../../src/server/http/white-list.ts';

function sign(claims: object, key: string, alg = 'HS256'): string {
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  const head = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${head}.${body}.${createHmac(hash, key).update(`${head}.${body}`).digest('base64url')}`;
}

const now = 1_800_000_000;

describe('volume JWTs', () => {
  it('accepts a token for this fid, signed with the key, not expired', () => {
    assert.equal(verifyFidToken(sign({ fid: '3,01637037d6', exp: now + 60 }, 'k'), 'k', '3,01637037d6', now), true);
    assert.equal(
      verifyFidToken(sign({ fid: '3,01637037d6' }, 'k', 'HS512'), 'k', '3,01637037d6', now),
      true,
      'no exp never expires',
    );
  });

  it('refuses wrong key, other fid or cookie, expiry, not-before, alg none and garbage', () => {
    assert.equal(verifyFidToken(sign({ fid: '3,01637037d6' }, 'other'), 'k', '3,01637037d6', now), false);
    assert.equal(verifyFidToken(sign({ fid: '3,01637037d7' }, 'k'), 'k', '3,01637037d6', now), false);
    assert.equal(verifyFidToken(sign({ fid: '3,01637037d6', exp: now - 60 }, 'k'), 'k', '3,01637037d6', now), false);
    assert.equal(verifyFidToken(sign({ fid: '3,01637037d6', nbf: now + 60 }, 'k'), 'k', '3,01637037d6', now), false);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"fid":"3,01637037d6"}').toString('base64url')}.`;
    assert.equal(verifyFidToken(none, 'k', '3,01637037d6', now), false);
    for (const bad of ['', 'invalid', 'a.b.c', '..'])
      assert.equal(verifyFidToken(bad, 'k', '3,01637037d6', now), false, bad);
  });

  it('expects the URL fid without a _n suffix', () => {
    assert.equal(expectedFid('3', '01637037d6_2'), '3,01637037d6');
    assert.equal(expectedFid('3', '01637037d6'), '3,01637037d6');
  });

  it('takes the token from query, then bearer header, then cookie; the first non-empty one wins', async () => {
    const app = new Hono();
    app.get('/t', (c) => c.text(tokenFromRequest(c)));
    const get = async (url: string, headers: Record<string, string> = {}) =>
      (await app.request(url, { headers })).text();
    assert.equal(await get('/t?jwt=q', { authorization: 'Bearer h', cookie: 'AT=c' }), 'q');
    assert.equal(await get('/t', { authorization: 'bearer h', cookie: 'x=1; AT=c' }), 'h');
    assert.equal(await get('/t', { cookie: 'x=1; AT=c' }), 'c');
    assert.equal(await get('/t'), '');
  });

  it('checks writes with the write key and reads with the read key; an empty key means no check', async () => {
    const authorize = jwtAuthorizer({ writeKey: 'w', readKey: '' });
    const app = new Hono();
    app.get('/:mode', (c) =>
      c.text(String(authorize(c, { vidText: '3', fidText: '01637037d6', isWrite: c.req.param('mode') === 'write' }))),
    );
    const token = sign({ fid: '3,01637037d6', exp: Date.now() / 1000 + 60 }, 'w');
    assert.equal(await (await app.request('/write')).text(), 'false');
    assert.equal(await (await app.request(`/write?jwt=${token}`)).text(), 'true');
    assert.equal(await (await app.request('/read')).text(), 'true');
  });
});

describe('write white list', () => {
  it('matches addresses and CIDRs, and rejects garbage entries', () => {
    const list = parseWhiteList(['127.0.0.1', '10.1.0.0/16', ' ']);
    assert.equal(list.check('127.0.0.1', 'ipv4'), true);
    assert.equal(list.check('10.1.200.3', 'ipv4'), true);
    assert.equal(list.check('10.2.0.1', 'ipv4'), false);
    assert.throws(() => parseWhiteList(['not-an-ip']));
  });
});
