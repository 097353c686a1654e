// The storage fault simulator over many seeds (test/sim/): prints the counts, and for a failing
// seed its report and the command that replays it.
// Run: npm run simulate -- --seeds N [--seed S] [--ops K] [--epochs E] [--keys K] [--ec RATE]
import { parseArgs } from 'node:util';
import { DEFAULT_EC_RATE, DEFAULT_SIM_OPTIONS, SimFailure, runSeed } from '../test/sim/run-seed.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    ops: { type: 'string', default: String(DEFAULT_SIM_OPTIONS.ops) },
    epochs: { type: 'string', default: String(DEFAULT_SIM_OPTIONS.epochs) },
    keys: { type: 'string', default: String(DEFAULT_SIM_OPTIONS.keys) },
    ec: { type: 'string', default: String(DEFAULT_EC_RATE) },
    'keep-going': { type: 'boolean', default: false },
  },
});
const seeds = Number(values.seeds);
const first = Number(values.seed);
const options = {
  ops: Number(values.ops),
  epochs: Number(values.epochs),
  keys: Number(values.keys),
  ecRate: Number(values.ec),
};
const optionArgs = `--ops ${options.ops} --epochs ${options.epochs} --keys ${options.keys} --ec ${options.ecRate}`;
const totals = {
  ecEncodes: 0,
  seeds: 0,
  failures: 0,
  ioCalls: 0,
  faults: 0,
  acked: 0,
  failed: 0,
  crashes: 0,
  readOnly: 0,
  reads: 0,
  quarantines: 0,
};
const startedMs = Date.now();
let lastReportMs = startedMs;

for (let seed = first; seed < first + seeds; seed++) {
  try {
    const o = await runSeed(seed, options);
    totals.ioCalls += o.ioCalls;
    totals.faults += o.faults;
    totals.acked += o.acked;
    totals.failed += o.failed;
    totals.crashes += o.crashes;
    totals.readOnly += o.readOnlyAfterReload;
    totals.reads += o.checkedReads;
    totals.quarantines += o.quarantines;
    totals.ecEncodes += o.ecEncodes;
  } catch (err) {
    totals.failures++;
    console.log(err instanceof SimFailure ? err.message : `seed=${seed}: ${(err as Error).stack}`);
    console.log(`replay: npm run simulate -- --seeds 1 --seed ${seed} ${optionArgs}`);
    if (!values['keep-going']) {
      totals.seeds++;
      break;
    }
  }
  totals.seeds++;
  if (Date.now() - lastReportMs > 30_000) {
    lastReportMs = Date.now();
    console.log(
      `... ${totals.seeds} seeds, ${totals.failures} failing, ${Math.round((Date.now() - startedMs) / 1000)} s`,
    );
  }
}
console.log(
  `${totals.seeds} seeds (from ${first}), ${totals.failures} failing; ${totals.crashes} crashes and reloads, ` +
    `${totals.readOnly} read-only after reload with a reason; ${totals.ioCalls} IO calls, ${totals.faults} faults injected; ` +
    `${totals.acked} operations acknowledged, ${totals.failed} failed; ${totals.reads} reads checked; ` +
    `${totals.quarantines} IO quarantines lifted; ${totals.ecEncodes} EC encodes read back; ` +
    `${Math.round((Date.now() - startedMs) / 1000)} s`,
);
process.exitCode = totals.failures > 0 ? 1 : 0;
