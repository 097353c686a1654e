// The start-up wait for the master's configuration (upstream's checkWithMaster): every master in
// turn, passes repeated after a pause until one answers, each failure logged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkWithMaster } from '../../src/cluster/check-with-master.ts';
import type { MasterConfiguration } from '../../src/cluster/master-client.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { linesLogger } from './lines-logger.ts';

const ANSWER: MasterConfiguration = { metricsAddress: 'gw:9091', metricsIntervalSeconds: 15 };

describe('checkWithMaster', () => {
  it('asks each master in turn and keeps passing over them until one answers', async () => {
    const asked: string[] = [];
    const logs: string[] = [];
    let failuresLeft = 3;
    const got = await checkWithMaster(['m1:9333', 'm2:9333'], linesLogger(logs), {
      retryMs: 1,
      ask: async (master) => {
        asked.push(master);
        if (failuresLeft-- > 0) throw new Error('connection refused');
        return ANSWER;
      },
    });
    assert.deepEqual(got, ANSWER);
    assert.deepEqual(asked, ['m1:9333', 'm2:9333', 'm1:9333', 'm2:9333']);
    assert.deepEqual(logs, [
      'checkWithMaster m1:9333: connection refused',
      'checkWithMaster m2:9333: connection refused',
      'checkWithMaster m1:9333: connection refused',
    ]);
  });

  it('pauses between passes, not between masters', async () => {
    const askedAtMs: number[] = [];
    let calls = 0;
    await checkWithMaster(['a:1', 'b:1'], silentLogger, {
      retryMs: 80,
      ask: async () => {
        askedAtMs.push(Date.now());
        if (++calls < 3) throw new Error('down');
        return ANSWER;
      },
    });
    assert.equal(askedAtMs.length, 3);
    assert.ok(askedAtMs[1]! - askedAtMs[0]! < 60, 'the second master is asked at once');
    assert.ok(askedAtMs[2]! - askedAtMs[1]! >= 75, 'a new pass waits for the pause');
  });

  it('stops waiting when aborted', async () => {
    const abort = new AbortController();
    const waiting = checkWithMaster(['a:1'], silentLogger, {
      retryMs: 60_000,
      signal: abort.signal,
      ask: async () => {
        throw new Error('down');
      },
    });
    setTimeout(() => abort.abort(new Error('stopping')), 10);
    await assert.rejects(waiting, /stopping/);
  });

  it('needs a master', async () => {
    await assert.rejects(checkWithMaster([], silentLogger), /at least one master/);
  });
});
