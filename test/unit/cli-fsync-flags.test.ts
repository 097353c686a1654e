// -fsyncMinBatchBytes, -fsyncMinBatchRequests and -fsyncBatchWait (SeaweedFS 4.53 weed volume).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlagError, parseVolumeFlags, usage, type FlagDeps, type VolumeConfig } from '../../src/cli/flags.ts';

const deps: FlagDeps = {
  detectHostAddress: () => '10.1.2.3',
  tempDir: () => '/tmp-default',
  homeDir: () => '/home/weed',
  readTextFile: () => {
    throw new Error('no files');
  },
};

const parse = (argv: string[]): VolumeConfig => parseVolumeFlags(argv, {}, deps);

describe('fsync batching flags', () => {
  it('default to upstream DefaultSyncBatchOption: 1 MiB, 128 requests, 500µs', () => {
    const config = parse([]);
    assert.equal(config.fsyncMinBatchBytes, 1024 * 1024);
    assert.equal(config.fsyncMinBatchRequests, 128);
    assert.equal(config.fsyncBatchWaitMs, 0.5);
  });

  it('take Go int64/int values (plain bytes, no size suffix) and Go durations', () => {
    const config = parse(['-fsyncMinBatchBytes=0x10000', '-fsyncMinBatchRequests', '16', '--fsyncBatchWait=2ms']);
    assert.equal(config.fsyncMinBatchBytes, 65536);
    assert.equal(config.fsyncMinBatchRequests, 16);
    assert.equal(config.fsyncBatchWaitMs, 2);
    assert.equal(parse(['-fsyncBatchWait=0']).fsyncBatchWaitMs, 0);
    assert.equal(parse(['-fsyncBatchWait=250us']).fsyncBatchWaitMs, 0.25);
    assert.equal(parse(['-fsyncBatchWait=1.5s']).fsyncBatchWaitMs, 1500);
    assert.throws(
      () => parse(['-fsyncMinBatchBytes=1MiB']),
      (err) => err instanceof FlagError && err.flagName === 'fsyncMinBatchBytes',
    );
    assert.throws(
      () => parse(['-fsyncBatchWait=5']),
      (err) => err instanceof FlagError && /missing unit/.test(err.message),
    );
  });

  it('accept values <= 0 as Go does (a drained batch then syncs at once)', () => {
    const config = parse(['-fsyncMinBatchBytes=-1', '-fsyncMinBatchRequests=0', '-fsyncBatchWait=-1ms']);
    assert.deepEqual([config.fsyncMinBatchBytes, config.fsyncMinBatchRequests, config.fsyncBatchWaitMs], [-1, 0, -1]);
  });

  it('print upstream help text and defaults', () => {
    const text = usage();
    assert.match(
      text,
      /\n {2}-fsyncMinBatchBytes int\n {4}\tminimum bytes an fsync batch gathers before a drained queue flushes without waiting \(default 1048576\)\n/,
    );
    assert.match(
      text,
      /\n {2}-fsyncMinBatchRequests int\n {4}\tminimum requests an fsync batch gathers before a drained queue flushes without waiting \(default 128\)\n/,
    );
    assert.match(
      text,
      /\n {2}-fsyncBatchWait duration\n {4}\thow long a below-minimum fsync batch waits for more requests once the queue drains; 0 flushes immediately \(default 500µs\)\n/,
    );
  });
});
