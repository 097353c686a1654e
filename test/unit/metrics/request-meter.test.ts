// The request meter keeps its own numbers on the hot path; what a scrape prints must be exactly
// what prom-client's own Counter, Histogram and Gauge print after the same requests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SECONDS_BUCKETS } from '../../../src/server/metrics/registry.ts';
import { RequestMeter } from '../../../src/server/metrics/request-meter.ts';

const P = 'SeaweedFS_volumeServer_';
const NAMES = { total: `${P}request_total`, seconds: `${P}request_seconds`, inFlight: `${P}in_flight_requests` };

function promClientReference(): {
  registry: Registry;
  begin(type: string): void;
  end(type: string): void;
  record(type: string, status: number, seconds: number): void;
} {
  const registry = new Registry();
  const registers = [registry];
  const total = new Counter({
    name: NAMES.total,
    help: 'Counter of volume server requests.',
    labelNames: ['type', 'code'],
    registers,
  });
  const seconds = new Histogram({
    name: NAMES.seconds,
    help: 'Bucketed histogram of volume server request processing time.',
    labelNames: ['type'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const inFlight = new Gauge({
    name: NAMES.inFlight,
    help: 'Current number of in-flight requests being handled by volume server.',
    labelNames: ['type'],
    registers,
  });
  return {
    registry,
    begin: (type) => inFlight.inc({ type }),
    end: (type) => inFlight.dec({ type }),
    record: (type, status, s) => {
      total.inc({ type, code: String(status) });
      seconds.observe({ type }, s);
    },
  };
}

describe('request meter', () => {
  it('prints what prom-client prints, across scrapes', async () => {
    const reference = promClientReference();
    const registry = new Registry();
    const meter = new RequestMeter(registry, NAMES, SECONDS_BUCKETS);
    const both = {
      begin: (t: string) => {
        reference.begin(t);
        meter.begin(t);
      },
      end: (t: string) => {
        reference.end(t);
        meter.end(t);
      },
    };
    // A seeded walk over types, codes and times from below the first bucket to past the last.
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const types = ['GET', 'POST', 'DELETE', 'HEAD', 'INVALID'];
    const codes = [200, 201, 204, 206, 304, 400, 404, 409, 500];
    for (let scrape = 0; scrape < 5; scrape++) {
      for (let i = 0; i < 300; i++) {
        const type = types[next(types.length)] as string;
        const status = codes[next(codes.length)] as number;
        const seconds =
          next(2) === 0 ? (SECONDS_BUCKETS[next(SECONDS_BUCKETS.length)] as number) : 10 ** (next(100) / 10 - 6);
        both.begin(type);
        if (next(7) !== 0) {
          reference.record(type, status, seconds);
          meter.record(type, status, seconds);
          both.end(type);
        }
      }
      assert.equal(await registry.metrics(), await reference.registry.metrics(), `scrape ${scrape}`);
    }
    assert.ok(meter.inFlightOf('GET') > 0, 'some requests are still in flight');
  });

  it('refuses a time that is not a number', () => {
    const meter = new RequestMeter(new Registry(), NAMES, SECONDS_BUCKETS);
    assert.throws(() => meter.record('GET', 200, Number.NaN));
  });
});
