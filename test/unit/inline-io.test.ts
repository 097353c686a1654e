// The inline IO governor: small IO runs on the loop while it is fast; slow calls in a row send IO
// to the thread pool for a backoff that doubles while probes stay slow and resets after a fast one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InlineIoGovernor, MAX_INLINE_IO_BYTES } from '../../src/storage/inline-io.ts';

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin: a stand-in for an IO call that reached the disk
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InlineIoGovernor', () => {
  it('never runs large or disabled IO inline', () => {
    assert.equal(new InlineIoGovernor(true).allows(MAX_INLINE_IO_BYTES + 1), false);
    assert.equal(new InlineIoGovernor(true).allows(MAX_INLINE_IO_BYTES), true);
    assert.equal(new InlineIoGovernor(false).allows(1), false);
  });

  it('takes one slow call between fast ones for a preempted loop, not a slow disk', () => {
    const governor = new InlineIoGovernor(true, 2, 40, 160, 2);
    governor.run(() => busyFor(5));
    assert.equal(governor.slowCalls, 1);
    assert.equal(governor.allows(1), true, 'one slow call does not pause');
    governor.run(() => 1);
    governor.run(() => busyFor(5));
    assert.equal(governor.allows(1), true, 'a fast call in between starts the count over');
    governor.run(() => busyFor(5));
    assert.equal(governor.slowCalls, 3);
    assert.equal(governor.allows(1), false, 'two slow calls in a row pause');
  });

  it('backs off after slow calls, doubles while probes are slow, resets after a fast one', async () => {
    const governor = new InlineIoGovernor(true, 2, 40, 160, 1);
    assert.equal(
      governor.run(() => 7),
      7,
    );
    assert.equal(governor.allows(1), true);

    governor.run(() => busyFor(5));
    assert.equal(governor.slowCalls, 1);
    assert.equal(governor.allows(1), false, 'paused after a slow call');
    await sleep(50);
    assert.equal(governor.allows(1), true, 'probes again after the first backoff');

    governor.run(() => busyFor(5)); // a slow probe: the next pause is twice as long
    await sleep(50);
    assert.equal(governor.allows(1), false, 'still paused: the backoff doubled');
    await sleep(50);
    assert.equal(governor.allows(1), true);

    governor.run(() => 1); // fast: back to normal
    assert.equal(governor.allows(1), true);
    governor.run(() => busyFor(5));
    await sleep(50);
    assert.equal(governor.allows(1), true, 'after a fast call the backoff starts short again');
  });

  it('counts a call that throws, and rethrows it', () => {
    const governor = new InlineIoGovernor(true);
    assert.throws(
      () =>
        governor.run(() => {
          throw new Error('EIO');
        }),
      /EIO/,
    );
    assert.equal(governor.inlineCalls, 1);
  });
});
