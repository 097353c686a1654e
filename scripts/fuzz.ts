// Long fuzzing runs: `npm run fuzz -- --runs N [--seed S] [--only NAME] [--path P]`.
// --runs is the budget unit: each parser property runs about N inputs, the in-process HTTP and
// gRPC properties fewer (see each property's runsPerUnit). Prints the inputs run in total; a
// failure prints its property, seed and path, and the command that replays it.
import { parseArgs } from 'node:util';
import { FuzzFailure, type NamedProperty, runProperty, runsOf } from '../test/fuzz/fuzz-run.ts';
import { grpcProperties } from '../test/fuzz/grpc-properties.ts';
import { httpServerProperties } from '../test/fuzz/http-server-properties.ts';
import { parserProperties } from '../test/fuzz/parser-properties.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    only: { type: 'string', multiple: true },
    path: { type: 'string' },
  },
});

const units = Number(values.runs);
if (!Number.isFinite(units) || units <= 0) throw new Error(`--runs must be a positive number, not ${values.runs}`);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
if (values.path !== undefined && values.seed === undefined)
  throw new Error('--path replays a case only with its --seed');

const { properties: serverProperties, close } = await httpServerProperties();
const grpc = await grpcProperties();
const all: NamedProperty[] = [...parserProperties(), ...serverProperties, ...grpc.properties];
const chosen = values.only === undefined ? all : all.filter((p) => values.only?.includes(p.name));
if (chosen.length === 0)
  throw new Error(`no property named ${values.only?.join(', ')}; known: ${all.map((p) => p.name).join(', ')}`);

console.log(
  `fuzz: seed ${seed}, ${chosen.length} properties, about ${chosen.reduce((sum, p) => sum + runsOf(p, units), 0)} inputs`,
);
let total = 0;
let failed = 0;
const startedMs = Date.now();
for (const property of chosen) {
  const t0 = Date.now();
  try {
    const result = await runProperty(property, {
      seed,
      units,
      ...(values.path !== undefined ? { path: values.path } : {}),
    });
    total += result.runs;
    console.log(`  ${property.name}: ${result.runs} inputs ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    if (!(err instanceof FuzzFailure)) throw err;
    failed++;
    console.log(`  ${err.message}`);
  }
}
await close();
await grpc.close();
console.log(
  `fuzz: ${total} inputs run, ${failed} properties failed, ${((Date.now() - startedMs) / 1000).toFixed(0)} s`,
);
process.exitCode = failed === 0 ? 0 : 1;
