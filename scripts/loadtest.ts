// Runs upstream's test/volume_server/loadtest package (the compiled test binary that
// scripts/obtain-weed.sh builds) against the Go volume server and against ours, alternating, and
// prints upstream's RESULT lines side by side with ours/Go ratios of ops/s. Not part of CI.
//
// Usage: npm run loadtest -- [--rounds N] [--run REGEX] [--duration 30s]
//   --run defaults to TestBenchmarkVolumeServer|TestLatencyPercentiles; TestSustainedP99 runs for
//   LOADTEST_DURATION (--duration) and is left out unless named.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ROOT, upstreamTestBinary, weedBinary } from './peer-paths.ts';

type Impl = 'go' | 'ours';

interface Options {
  rounds: number;
  run: string;
  duration: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    rounds: 2,
    run: '^(TestBenchmarkVolumeServer|TestLatencyPercentiles)$',
    duration: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--rounds') options.rounds = Math.max(1, Number.parseInt(value(), 10) || 1);
    else if (arg === '--run') options.run = value();
    else if (arg === '--duration') options.duration = value();
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

/** `test=<name> ... ops/s=<n>` from upstream's RESULT lines; other RESULT lines are kept as text. */
interface Result {
  test: string;
  opsPerSecond: number | undefined;
  line: string;
}

function runOnce(binary: string, weed: string, impl: Impl, options: Options): Promise<Result[]> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WEED_BINARY: weed,
    PATH: `${path.dirname(weed)}:${process.env.PATH ?? ''}`,
    ...(impl === 'ours'
      ? { VOLUME_SERVER_IMPL: 'rust', RUST_VOLUME_BINARY: path.join(ROOT, 'bin', 'needlework') }
      : { VOLUME_SERVER_IMPL: '' }),
    ...(options.duration !== undefined ? { LOADTEST_DURATION: options.duration } : {}),
  };
  const args = ['-test.v', '-test.count=1', '-test.timeout=60m', `-test.run=${options.run}`];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: os.tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    const results: Result[] = [];
    let pending = '';
    const onData = (chunk: Buffer): void => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const at = line.indexOf('RESULT ');
        if (at < 0) continue;
        const text = line.slice(at + 'RESULT '.length).trim();
        const test = /test=(\S+)/.exec(text)?.[1] ?? text;
        const ops = /ops\/s=([\d.]+)/.exec(text)?.[1];
        results.push({ test, opsPerSecond: ops === undefined ? undefined : Number(ops), line: text });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(results) : reject(new Error(`loadtest (${impl}) exited ${code}`)),
    );
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const weed = weedBinary();
  const binary = upstreamTestBinary('loadtest');
  if (weed === null || binary === null) throw new Error('no weed or loadtest binary: run scripts/obtain-weed.sh first');
  const opsByImpl: Record<Impl, Map<string, number[]>> = { go: new Map(), ours: new Map() };
  for (let round = 1; round <= options.rounds; round++) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    const order: Impl[] = round % 2 === 1 ? ['go', 'ours'] : ['ours', 'go'];
    for (const impl of order) {
      console.log(`round ${round}: ${impl}`);
      for (const result of await runOnce(binary, weed, impl, options)) {
        console.log(`  ${result.line}`);
        if (result.opsPerSecond === undefined) continue;
        const series = opsByImpl[impl].get(result.test) ?? [];
        series.push(result.opsPerSecond);
        opsByImpl[impl].set(result.test, series);
      }
    }
  }
  console.log('\nops/s, median [min-max] over rounds');
  console.log(`${'test'.padEnd(24)} ${'go'.padEnd(28)} ${'ours'.padEnd(28)} ours/go`);
  const fmt = (v: number[]): string =>
    `${median(v).toFixed(0)} [${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)}]`;
  for (const [test, goOps] of opsByImpl.go) {
    const ourOps = opsByImpl.ours.get(test);
    if (ourOps === undefined) continue;
    console.log(
      `${test.padEnd(24)} ${fmt(goOps).padEnd(28)} ${fmt(ourOps).padEnd(28)} ${(median(ourOps) / median(goOps)).toFixed(2)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(`loadtest: ${(err as Error).message}`);
  process.exitCode = 1;
});
