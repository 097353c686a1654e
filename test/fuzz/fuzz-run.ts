// Running named fast-check properties with a seed, a run count and (to replay) a path; a failure
// names the property, its seed and path, and the command that replays exactly that case.
import fc from 'fast-check';

export interface NamedProperty {
  name: string;
  /** Inputs this property runs per unit of the run budget (server properties cost more). */
  runsPerUnit: number;
  property: fc.IProperty<any> | fc.IAsyncProperty<any>;
  /**
   * Inputs share state (a running server): the first failure is reported as it is, since
   * shrinking would replay smaller inputs against state the failing one already changed.
   */
  stateful?: boolean;
}

export interface FuzzRunOptions {
  seed: number;
  /** Budget unit: a property runs max(1, round(units * runsPerUnit)) inputs. */
  units: number;
  /** Replays one shrunk case (from a failure report); only with `seed`. */
  path?: string;
  /** Stops a property's run after this long (the inputs run are still counted). */
  timeoutMs?: number;
}

export interface FuzzRunResult {
  name: string;
  runs: number;
}

export class FuzzFailure extends Error {}

/** A counterexample holding large bodies is cut in the report (the replay line rebuilds it whole). */
const MAX_COUNTEREXAMPLE_CHARS = 4000;

export function runsOf(property: NamedProperty, units: number): number {
  return Math.max(1, Math.round(units * property.runsPerUnit));
}

/** Runs one property; resolves with the inputs run, throws FuzzFailure with its replay line. */
export async function runProperty(property: NamedProperty, options: FuzzRunOptions): Promise<FuzzRunResult> {
  const numRuns = runsOf(property, options.units);
  const parameters: fc.Parameters<unknown> = {
    seed: options.seed,
    numRuns,
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(property.stateful === true ? { endOnFailure: true } : {}),
    ...(options.timeoutMs !== undefined
      ? { interruptAfterTimeLimit: options.timeoutMs, markInterruptAsFailure: false }
      : {}),
  };
  const details = await fc.check(property.property as fc.IAsyncProperty<unknown>, parameters);
  if (details.failed) {
    const path = details.counterexamplePath ?? '';
    const reason =
      details.errorInstance instanceof Error
        ? (details.errorInstance.stack ?? details.errorInstance.message)
        : String(details.errorInstance);
    throw new FuzzFailure(
      [
        `fuzz property ${property.name} failed (seed ${details.seed}, path ${JSON.stringify(path)}) after ${details.numRuns} runs`,
        `counterexample: ${fc.stringify(details.counterexample).slice(0, MAX_COUNTEREXAMPLE_CHARS)}`,
        `replay: npm run fuzz -- --only ${property.name} --seed ${details.seed} --path ${JSON.stringify(path)}`,
        reason,
      ].join('\n'),
    );
  }
  return { name: property.name, runs: details.numRuns };
}
