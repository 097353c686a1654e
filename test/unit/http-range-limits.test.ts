// Range headers with very many ranges: capped, parsed in one pass, and answered with the whole body.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  InvalidRange,
  MAX_RANGE_COUNT,
  TooManyRanges,
  hasTooManyRanges,
  parseRange,
} from '../../src/gocompat/range.ts';
import { type Fixture, send, startFixture } from './http-fixture.ts';

const ATTACK_RANGE_COUNT = 200_000;

function rangesHeader(count: number, spec: (i: number) => string): string {
  return `bytes=${Array.from({ length: count }, (_, i) => spec(i)).join(',')}`;
}

describe('range parser cap', () => {
  it('parses up to MAX_RANGE_COUNT ranges and refuses more', () => {
    const atCap = rangesHeader(MAX_RANGE_COUNT, (i) => `${i}-${i}`);
    assert.equal(parseRange(atCap, 1000).length, MAX_RANGE_COUNT);
    assert.equal(hasTooManyRanges(atCap), false);
    const overCap = rangesHeader(MAX_RANGE_COUNT + 1, (i) => `${i}-${i}`);
    assert.throws(() => parseRange(overCap, 1000), TooManyRanges);
    assert.equal(hasTooManyRanges(overCap), true);
  });

  it('counts only non-blank specs, and never a header without bytes=', () => {
    const blanks = `bytes=${' ,'.repeat(500_000)}0-0, ,`;
    assert.equal(hasTooManyRanges(blanks), false);
    assert.deepEqual(parseRange(blanks, 16), [{ start: 0, length: 1 }]);
    assert.equal(hasTooManyRanges(`items=${'0-0,'.repeat(1000)}`), false);
  });

  it('stops at the cap on a 1 MB header, malformed specs past it included', () => {
    const attack = `${rangesHeader(ATTACK_RANGE_COUNT, () => '0-0')},not-a-range`;
    assert.ok(attack.length > 800_000);
    assert.equal(hasTooManyRanges(attack), true);
    assert.throws(() => parseRange(attack, 16), TooManyRanges);
  });

  it('reads long numbers in linear time: leading zeros are fine, more than int64 is not', () => {
    assert.deepEqual(parseRange(`bytes=${'0'.repeat(500_000)}1-${'0'.repeat(500_000)}2`, 16), [
      { start: 1, length: 2 },
    ]);
    assert.throws(() => parseRange(`bytes=1-${'9'.repeat(500_000)}`, 16), InvalidRange);
    assert.throws(() => parseRange('bytes=0-99999999999999999999', 16), InvalidRange);
    assert.deepEqual(parseRange('bytes=0-9223372036854775807', 16), [{ start: 0, length: 16 }]);
  });
});

describe('http range amplification', () => {
  const FID = '7,01a1b2c3d4';
  // Larger than the attack's range count, so the sum-of-lengths rule alone does not catch it.
  const payload = randomBytes(256 * 1024);
  let f: Fixture;
  before(async () => {
    f = await startFixture();
    const r = await send(f.admin, 'POST', `/${FID}`, { 'Content-Type': 'application/octet-stream' }, payload);
    assert.equal(r.status, 201, r.body.toString());
  });
  after(async () => {
    await f.servers.close();
    await f.store.close();
  });

  it('answers 200,000 ranges with the whole needle', async () => {
    const r = await send(f.admin, 'GET', `/${FID}`, { Range: rangesHeader(ATTACK_RANGE_COUNT, () => '0-0') });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-range'], undefined);
    assert.equal(r.headers['content-length'], String(payload.length));
    assert.equal(r.body.length, payload.length);
    assert.ok(r.body.equals(payload));
  });

  it('serves MAX_RANGE_COUNT ranges as multipart and one more as the whole needle', async () => {
    const atCap = await send(f.admin, 'GET', `/${FID}`, {
      Range: rangesHeader(MAX_RANGE_COUNT, (i) => `${i * 10}-${i * 10}`),
    });
    assert.equal(atCap.status, 206);
    assert.match(String(atCap.headers['content-type']), /^multipart\/byteranges; boundary=/);
    const overCap = await send(f.admin, 'GET', `/${FID}`, {
      Range: rangesHeader(MAX_RANGE_COUNT + 1, (i) => `${i * 10}-${i * 10}`),
    });
    assert.equal(overCap.status, 200);
    assert.ok(overCap.body.equals(payload));
  });
});
