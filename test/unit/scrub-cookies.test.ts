import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CookieChain } from '../../src/store/scrub-cookies.ts';

describe('scrub cookie chain', () => {
  it('names the earlier cookie when the live version differs, and nothing when it matches', () => {
    const chain = new CookieChain(8);
    chain.superseded(1n, 0xaa);
    chain.superseded(2n, 0xbb);
    assert.equal(chain.mismatchOfLive(1n, 0xab), 0xaa);
    assert.equal(chain.mismatchOfLive(2n, 0xbb), undefined);
    assert.equal(chain.size, 0, 'a live version ends the key for the pass');
    assert.equal(chain.mismatchOfLive(3n, 0xcc), undefined, 'no earlier version: nothing to hold it to');
  });

  it('a deletion forgets the key, and the newest superseded version is the one kept', () => {
    const chain = new CookieChain(8);
    chain.superseded(1n, 0xaa);
    chain.forget(1n);
    assert.equal(chain.mismatchOfLive(1n, 0xdd), undefined);
    chain.superseded(5n, 0x01);
    chain.superseded(5n, 0x02);
    assert.equal(chain.mismatchOfLive(5n, 0x01), 0x02);
  });

  it('is bounded: past its limit new keys are counted as skipped, known keys still update', () => {
    const chain = new CookieChain(2);
    chain.superseded(1n, 1);
    chain.superseded(2n, 2);
    chain.superseded(3n, 3);
    chain.superseded(1n, 9);
    assert.equal(chain.size, 2);
    assert.equal(chain.skippedFull, 1);
    assert.equal(chain.mismatchOfLive(3n, 4), undefined);
    assert.equal(chain.mismatchOfLive(1n, 1), 9);
    assert.throws(() => new CookieChain(0));
  });
});
