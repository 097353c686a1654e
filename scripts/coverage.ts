// Line coverage of src/ by the unit tests, per folder: runs `node --test` with the built-in
// coverage over test/unit into an lcov report and sums lines found and hit per folder. `npm test`
// runs the unit tests this way, once, and fails when a chosen folder drops below its minimum.
// Run: npm run coverage [-- --min 80 --folders server/grpc,cluster,store --reporter spec --files 10 --only grpc-]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ROOT } from './peer-paths.ts';

const { values: args } = parseArgs({
  options: {
    /** The minimum line coverage, in percent, of each of --folders. */
    min: { type: 'string', default: '0' },
    folders: { type: 'string', default: 'server/grpc,cluster,store' },
    /** The test reporter on stdout: dot (compact) or spec (each test, as `npm test` shows them). */
    reporter: { type: 'string', default: 'dot' },
    /** How many of the least covered files of --folders to list, with their coverage. */
    files: { type: 'string', default: '0' },
    /** Only the test files whose path contains this (a quick look at what some tests cover). */
    only: { type: 'string', default: '' },
  },
});

interface LineCounts {
  found: number;
  hit: number;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Lines found and hit per source file (relative to the repository), from an lcov report. */
function linesPerFile(lcov: string): Map<string, LineCounts> {
  const perFile = new Map<string, LineCounts>();
  let current = '';
  for (const line of lcov.split('\n')) {
    if (line.startsWith('SF:')) current = path.relative(ROOT, line.slice(3));
    else if (line.startsWith('LF:'))
      perFile.set(current, { found: Number(line.slice(3)), hit: perFile.get(current)?.hit ?? 0 });
    else if (line.startsWith('LH:'))
      perFile.set(current, { found: perFile.get(current)?.found ?? 0, hit: Number(line.slice(3)) });
  }
  return perFile;
}

/** `src/server/grpc/x.ts` → `server/grpc`; `src/store/x.ts` → `store`. */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts[1] === 'server' ? parts.slice(1, 3).join('/') : (parts[1] ?? '');
}

const percent = (c: LineCounts) => (c.found === 0 ? 100 : (100 * c.hit) / c.found);
const row = (name: string, c: LineCounts) =>
  `  ${name.padEnd(16)} ${percent(c).toFixed(1).padStart(5)}%  (${c.hit}/${c.found} lines)`;

const reporter = args.reporter ?? 'dot';
if (reporter !== 'dot' && reporter !== 'spec') throw new Error(`--reporter ${reporter}: dot or spec`);
const min = Number(args.min);
const listFiles = Number(args.files);
if (!(min >= 0 && min <= 100)) throw new Error(`--min ${args.min}: a percentage`);
if (!Number.isInteger(listFiles) || listFiles < 0) throw new Error(`--files ${args.files}: a count`);
const folders = (args.folders ?? '').split(',').filter((f) => f !== '');

const outDir = mkdtempSync(path.join(os.tmpdir(), 'needlework-coverage-'));
const lcovPath = path.join(outDir, 'lcov.info');
const files = testFiles(path.join(ROOT, 'test', 'unit'))
  .filter((file) => file.includes(args.only ?? ''))
  .sort();
if (files.length === 0) throw new Error(`no test file under test/unit matches --only ${args.only}`);
const started = Date.now();
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--experimental-test-coverage',
    `--test-reporter=${reporter}`,
    '--test-reporter-destination=stdout',
    '--test-reporter=lcov',
    `--test-reporter-destination=${lcovPath}`,
    ...files,
  ],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
);
const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
// The spec reporter ends with node's own table of every file, tests included; the per-folder
// summary below replaces it, so it is dropped from the output.
let inNodeTable = false;
for await (const line of createInterface({ input: child.stdout })) {
  if (line.includes('start of coverage report')) inNodeTable = true;
  if (!inNodeTable) console.log(line);
  if (line.includes('end of coverage report')) inNodeTable = false;
}
const status = await exited;
let perFile: Map<string, LineCounts>;
try {
  perFile = linesPerFile(readFileSync(lcovPath, 'utf8'));
} catch (err) {
  // No report: the run itself failed before writing one; its status says why.
  console.error(`no coverage report: ${(err as Error).message}`);
  process.exit(status === 0 ? 1 : status);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

const byFolder = new Map<string, LineCounts>();
for (const [file, counts] of perFile) {
  if (!file.startsWith('src/')) continue;
  const sum = byFolder.get(folderOf(file)) ?? { found: 0, hit: 0 };
  sum.found += counts.found;
  sum.hit += counts.hit;
  byFolder.set(folderOf(file), sum);
}
console.log(
  `\nline coverage of src/ by test/unit, per folder (tests ran ${Math.round((Date.now() - started) / 1000)} s)`,
);
for (const [folder, counts] of [...byFolder].sort(([a], [b]) => (a < b ? -1 : 1))) console.log(row(folder, counts));
if (listFiles > 0) {
  console.log(`least covered files of ${folders.join(', ')}`);
  const chosen = [...perFile].filter(([file]) => file.startsWith('src/') && folders.includes(folderOf(file)));
  chosen.sort(([, a], [, b]) => percent(a) - percent(b));
  for (const [file, counts] of chosen.slice(0, listFiles)) console.log(row(file.slice('src/'.length), counts));
}
const short = folders.filter((f) => percent(byFolder.get(f) ?? { found: 1, hit: 0 }) < min);
if (short.length > 0) console.log(`below the ${min}% minimum: ${short.join(', ')}`);
else if (min > 0) console.log(`every one of ${folders.join(', ')} at ${min}% or more`);
process.exit(status !== 0 ? status : short.length > 0 ? 1 : 0);
