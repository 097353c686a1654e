// Parity runner: runs upstream's test/volume_server/{http,grpc,rust} packages (the SeaweedFS
// version pinned in test/go/go.mod) against our server, with the real Go master. Prints per-test
// results and a closing "N passed, N failed" line, writes the results to a JSON file, and with
// --gate fails when a test in test/parity/must-pass.txt does not pass.
//
// The upstream tests are the binaries scripts/obtain-weed.sh compiles (`go test -c`); the master
// is $WEED_BINARY, else the weed built beside them. Packages run at the same time (each test
// allocates its own ports and directories), at most --parallel of them.
//
// Usage: node --import tsx scripts/parity.ts [--gate] [--packages http,grpc,rust] [--run REGEX]
//        [--must-pass-only] [--out results.json] [--parallel N]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, peerDir, upstreamTestBinary, weedBinary } from './peer-paths.ts';

const MUST_PASS_FILE = path.join(ROOT, 'test', 'parity', 'must-pass.txt');
const PACKAGE_TIMEOUT = '60m';

interface Options {
  gate: boolean;
  packages: string[];
  run: string | null;
  mustPassOnly: boolean;
  out: string;
  parallel: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    gate: false,
    packages: ['http', 'grpc', 'rust'],
    run: null,
    mustPassOnly: false,
    out: path.join(ROOT, 'parity-results.json'),
    parallel: 3,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--gate') options.gate = true;
    else if (arg === '--must-pass-only') options.mustPassOnly = true;
    else if (arg === '--packages') options.packages = value().split(',');
    else if (arg === '--run') options.run = value();
    else if (arg === '--out') options.out = path.resolve(value());
    else if (arg === '--parallel') options.parallel = Math.max(1, Number.parseInt(value(), 10) || 1);
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

/** `Package.TestName` lines; '#' comments explain why a test is not (yet) listed elsewhere. */
function readMustPass(): Map<string, string[]> {
  const byPackage = new Map<string, string[]>();
  if (!existsSync(MUST_PASS_FILE)) return byPackage;
  for (const raw of readFileSync(MUST_PASS_FILE, 'utf8').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [pkg, test] = line.split('.');
    if (pkg === undefined || test === undefined) throw new Error(`bad must-pass line: ${raw}`);
    byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), test]);
  }
  return byPackage;
}

type Outcome = 'pass' | 'fail' | 'skip';

function runPackage(
  pkg: string,
  runPattern: string | null,
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<Map<string, Outcome>> {
  const testBinary = upstreamTestBinary(pkg);
  if (testBinary === null)
    return Promise.reject(new Error(`no upstream test binary for ${pkg} in ${peerDir()} (run scripts/obtain-weed.sh)`));
  const args = [
    '-test.v',
    '-test.count=1',
    `-test.timeout=${PACKAGE_TIMEOUT}`,
    ...(runPattern ? [`-test.run=${runPattern}`] : []),
  ];
  const results = new Map<string, Outcome>();
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn(testBinary, args, { cwd: os.tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    const onData = (chunk: Buffer) => {
      const text = pending + chunk.toString('utf8');
      const lines = text.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        const match = /^\s*--- (PASS|FAIL|SKIP): (Test\w+)/.exec(line);
        if (match === null) continue;
        const outcome = match[1] === 'PASS' ? 'pass' : match[1] === 'FAIL' ? 'fail' : 'skip';
        // Subtests (Test/Sub) are reported under their parent only.
        results.set(match[2] as string, outcome);
        process.stdout.write(`${outcome.toUpperCase().padEnd(4)} ${pkg}.${match[2]}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', () => {
      if (pending !== '') log.push(pending);
      writeFileSync(logFile, log.join('\n'));
      resolve(results);
    });
  });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const mustPass = readMustPass();
  const weed = weedBinary();
  if (weed === null) {
    const message = `no weed binary: set WEED_BINARY or run scripts/obtain-weed.sh (it builds the peers into ${peerDir()})`;
    if (options.gate && process.env.NEEDLEWORK_REQUIRE_PARITY !== '1') {
      console.log(`parity gate SKIPPED: ${message}`);
      return;
    }
    throw new Error(message);
  }
  const logDir = path.join(os.tmpdir(), 'needlework-parity-logs');
  mkdirSync(logDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VOLUME_SERVER_IMPL: 'rust',
    RUST_VOLUME_BINARY: path.join(ROOT, 'bin', 'needlework'),
    WEED_BINARY: weed,
    PATH: `${path.dirname(weed)}:${process.env.PATH ?? ''}`,
  };

  const jobs: Array<{ pkg: string; pattern: string | null }> = [];
  for (const pkg of options.packages) {
    let pattern = options.run;
    if (options.mustPassOnly) {
      const tests = mustPass.get(pkg) ?? [];
      if (tests.length === 0) continue;
      pattern = `^(${tests.join('|')})$`;
    }
    jobs.push({ pkg, pattern });
  }
  const byPackage = new Map<string, Map<string, Outcome>>();
  const workers = Array.from({ length: Math.min(options.parallel, jobs.length) }, async () => {
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
      byPackage.set(job.pkg, await runPackage(job.pkg, job.pattern, env, path.join(logDir, `${job.pkg}.log`)));
    }
  });
  await Promise.all(workers);
  const all: Array<{ pkg: string; test: string; outcome: Outcome }> = [];
  for (const pkg of options.packages) {
    for (const [test, outcome] of byPackage.get(pkg) ?? []) all.push({ pkg, test, outcome });
  }

  const passed = all.filter((r) => r.outcome === 'pass').length;
  const failed = all.filter((r) => r.outcome === 'fail').length;
  const skipped = all.filter((r) => r.outcome === 'skip').length;
  writeFileSync(
    options.out,
    JSON.stringify({ date: new Date().toISOString(), passed, failed, skipped, results: all }, null, 2),
  );

  const regressions: string[] = [];
  if (options.gate) {
    const outcomeOf = new Map(all.map((r) => [`${r.pkg}.${r.test}`, r.outcome]));
    for (const [pkg, tests] of mustPass) {
      if (!options.packages.includes(pkg)) continue;
      for (const test of tests)
        if (outcomeOf.get(`${pkg}.${test}`) !== 'pass')
          regressions.push(`${pkg}.${test}: ${outcomeOf.get(`${pkg}.${test}`) ?? 'not run'}`);
    }
    for (const r of regressions) console.log(`REGRESSION ${r}`);
  }
  console.log(`logs in ${logDir}; results in ${options.out}`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (regressions.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`parity: ${(err as Error).message}`);
  process.exitCode = 1;
});
