import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InflightLimiter } from '../../src/server/http/inflight-limiter.ts';

describe('in-flight byte limiter', () => {
  it('admits while at or under the limit, even a request bigger than the limit', async () => {
    const limiter = new InflightLimiter(100, 50);
    assert.equal(await limiter.admit(500), 'admitted');
    assert.equal(limiter.currentBytes, 500);
    assert.equal(await limiter.admit(1), 'timeout', 'over the limit: waits, then times out');
    limiter.release(500);
    assert.equal(await limiter.admit(1), 'admitted');
  });

  it('wakes a waiter when bytes are released, and notices a client that went away', async () => {
    const limiter = new InflightLimiter(10, 5_000);
    await limiter.admit(20);
    const waiting = limiter.admit(5);
    setTimeout(() => limiter.release(20), 20);
    assert.equal(await waiting, 'admitted');
    await limiter.admit(20);
    const controller = new AbortController();
    const abandoned = limiter.admit(5, controller.signal);
    controller.abort();
    assert.equal(await abandoned, 'gone');
  });
});
