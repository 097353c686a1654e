// Seeded fuzzing of the HTTP request parsers (a small fixed run; `npm run fuzz` runs more).
import { describe, it } from 'node:test';
import { runProperty } from '../fuzz/fuzz-run.ts';
import { parserProperties } from '../fuzz/parser-properties.ts';

/** Budget unit for the default suite: about 13,000 parser inputs in all. */
const UNITS = 1000;
const SEED = 15_004;

describe('fuzzing: HTTP parsers', () => {
  for (const property of parserProperties()) {
    it(`${property.name} holds for seeded inputs`, async () => {
      await runProperty(property, { seed: SEED, units: UNITS });
    });
  }
});
