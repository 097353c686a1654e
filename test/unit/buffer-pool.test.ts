import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool, POOLED_MAX_BYTES, POOLED_MIN_BYTES } from '../../src/storage/buffer-pool.ts';

describe('BufferPool', () => {
  it('serves sizes from classes of 64 KiB steps to 1 MiB, 256 KiB steps above', () => {
    assert.equal(BufferPool.classOf(POOLED_MIN_BYTES - 1), 0);
    assert.equal(BufferPool.classOf(POOLED_MIN_BYTES), 64 * 1024);
    assert.equal(BufferPool.classOf(64 * 1024 + 1), 128 * 1024);
    assert.equal(BufferPool.classOf(1024 * 1024), 1024 * 1024);
    assert.equal(BufferPool.classOf(1024 * 1024 + 64), 1280 * 1024);
    assert.equal(BufferPool.classOf(POOLED_MAX_BYTES), POOLED_MAX_BYTES);
    assert.equal(BufferPool.classOf(POOLED_MAX_BYTES + 1), 0);
  });

  it('reuses a given-back buffer for the next take of its class, and only then', () => {
    const pool = new BufferPool(16 * 1024 * 1024);
    const first = pool.take(1024 * 1024 + 64);
    assert.equal(first.length, 1024 * 1024 + 64);
    const second = pool.take(1024 * 1024 + 100);
    assert.notEqual(second.buffer, first.buffer, 'a taken buffer is not handed out twice');
    pool.give(first);
    assert.equal(pool.freeBytes, 1280 * 1024);
    const third = pool.take(1024 * 1024 + 8);
    assert.equal(third.buffer, first.buffer);
    assert.equal(third.length, 1024 * 1024 + 8);
    assert.equal(pool.freeBytes, 0);
  });

  it('ignores a second give, foreign buffers and unpooled sizes', () => {
    const pool = new BufferPool(16 * 1024 * 1024);
    const taken = pool.take(200 * 1024);
    pool.give(taken);
    pool.give(taken);
    assert.equal(pool.freeBytes, 256 * 1024);
    pool.give(Buffer.allocUnsafeSlow(256 * 1024));
    assert.equal(pool.freeBytes, 256 * 1024);
    const small = pool.take(1000);
    pool.give(small);
    assert.equal(pool.freeBytes, 256 * 1024);
  });

  it('keeps no more free bytes than its limit', () => {
    const pool = new BufferPool(300 * 1024);
    const a = pool.take(256 * 1024);
    const b = pool.take(256 * 1024);
    pool.give(a);
    pool.give(b);
    assert.equal(pool.freeBytes, 256 * 1024);
  });
});
