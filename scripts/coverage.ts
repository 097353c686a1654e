// Line coverage of src/ by the unit tests, per folder: runs `node --test` with the built-in
// coverage over test/unit into an lcov report and sums lines found and hit per folder.
// Run: npm run coverage [-- --min 80 --folders server/grpc,cluster,store]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './peer-paths.ts';

const { values: args } = parseArgs({
  options: {
    min: { type: 'string', default: '0' },
    folders: { type: 'string', default: 'server/grpc,cluster,store' },
  },
});

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const outDir = mkdtempSync(path.join(os.tmpdir(), 'needlework-coverage-'));
const lcovPath = path.join(outDir, 'lcov.info');
const files = testFiles(path.join(ROOT, 'test', 'unit')).sort();
const run = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--experimental-test-coverage',
    '--test-reporter=dot',
    '--test-reporter-destination=stdout',
    '--test-reporter=lcov',
    `--test-reporter-destination=${lcovPath}`,
    ...files,
  ],
  { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
);

/** Lines found and hit per source file (relative to the repository). */
const perFile = new Map<string, { found: number; hit: number }>();
let current = '';
for (const line of readFileSync(lcovPath, 'utf8').split('\n')) {
  if (line.startsWith('SF:')) current = path.relative(ROOT, line.slice(3));
  else if (line.startsWith('LF:'))
    perFile.set(current, { found: Number(line.slice(3)), hit: perFile.get(current)?.hit ?? 0 });
  else if (line.startsWith('LH:'))
    perFile.set(current, { found: perFile.get(current)?.found ?? 0, hit: Number(line.slice(3)) });
}
rmSync(outDir, { recursive: true, force: true });

const byFolder = new Map<string, { found: number; hit: number }>();
for (const [file, counts] of perFile) {
  if (!file.startsWith('src/')) continue;
  const parts = file.split('/');
  const folder = parts[1] === 'server' ? parts.slice(1, 3).join('/') : (parts[1] ?? '');
  const sum = byFolder.get(folder) ?? { found: 0, hit: 0 };
  sum.found += counts.found;
  sum.hit += counts.hit;
  byFolder.set(folder, sum);
}
const percent = (c: { found: number; hit: number }) => (c.found === 0 ? 100 : (100 * c.hit) / c.found);
console.log('\nline coverage of src/ by test/unit, per folder');
for (const [folder, counts] of [...byFolder].sort(([a], [b]) => (a < b ? -1 : 1))) {
  console.log(
    `  ${folder.padEnd(16)} ${percent(counts).toFixed(1).padStart(5)}%  (${counts.hit}/${counts.found} lines)`,
  );
}
const min = Number(args.min);
const short = (args.folders ?? '')
  .split(',')
  .filter((f) => f !== '' && percent(byFolder.get(f) ?? { found: 1, hit: 0 }) < min);
if (short.length > 0) console.log(`below ${min}%: ${short.join(', ')}`);
process.exit(run.status !== 0 ? (run.status ?? 1) : short.length > 0 ? 1 : 0);
