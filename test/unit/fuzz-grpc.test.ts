// Seeded fuzzing of every VolumeServer RPC on an in-process server (a small fixed run; `npm run
// fuzz` runs more).
import { after, before, describe, it } from 'node:test';
import { type NamedProperty, runProperty } from '../fuzz/fuzz-run.ts';
import { grpcProperties } from '../fuzz/grpc-properties.ts';

/** Budget unit for the default suite: four calls per RPC. */
const UNITS = 1000;
const SEED = 15_004;

describe('fuzzing: every gRPC method of an in-process server', async () => {
  let close: () => Promise<void> = async () => {};
  let properties: NamedProperty[] = [];
  before(async () => {
    ({ properties, close } = await grpcProperties());
  });
  after(() => close());

  it('answers random and mutated messages with a status by the deadline, data intact', async () => {
    const failures: string[] = [];
    for (const property of properties) {
      try {
        await runProperty(property, { seed: SEED, units: UNITS });
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
    if (failures.length > 0) throw new Error(failures.join('\n\n'));
  });
});
