// Seeded fuzzing of an in-process server's HTTP API (a small fixed run; `npm run fuzz` runs more).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type NamedProperty, runProperty } from '../fuzz/fuzz-run.ts';
import { httpServerProperties } from '../fuzz/http-server-properties.ts';

/** Budget unit for the default suite: a few hundred requests in all. */
const UNITS = 1000;
const SEED = 15_004;

describe('fuzzing: HTTP requests against an in-process server', () => {
  let properties: NamedProperty[] = [];
  let fastServed = { reads: 0, writes: 0 };
  let close: () => Promise<void> = async () => {};
  before(async () => {
    ({ properties, fastServed, close } = await httpServerProperties());
  });
  after(() => close());

  for (const name of ['http-requests', 'http-jwt-requests']) {
    it(`${name}: clear statuses, no upstream-less 5xx, known needles intact`, async () => {
      const property = properties.find((p) => p.name === name);
      if (property === undefined) throw new Error(`no property ${name}`);
      await runProperty(property, { seed: SEED, units: UNITS });
    });
  }

  it('reached the fast path for reads and writes too', () => {
    assert.ok(fastServed.reads > 0 && fastServed.writes > 0, JSON.stringify(fastServed));
  });
});
