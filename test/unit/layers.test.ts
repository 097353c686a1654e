// The layering rules of src/ live in .dependency-cruiser.cjs; this runs them, so an import
// against the layers fails `npm test`. None is tolerated: a knownViolations list in the config
// (dependency-cruiser's way to let some through) fails the test by itself.
//
// dependency-cruiser reads .ts only through a TypeScript compiler API older than 7, which this
// project (on TypeScript 7) does not have; without one it silently skips every .ts file and
// would report "no violations" over nothing. So when .ts is unreadable the test cruises a
// transpiled mirror of src/ instead: each module as JavaScript that keeps every import
// (`import type` and `export type ... from` become plain ones, because they tie layers too),
// at the same path with .js for .ts. Either way it checks that every module of src/ was read.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { allExtensions, cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { transform } from 'esbuild';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(REPO, '.dependency-cruiser.cjs');

async function listSources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listSources(full)));
    else if (entry.name.endsWith('.ts')) out.push(path.relative(REPO, full).split(path.sep).join('/'));
  }
  return out.sort();
}

const toJs = (name: string): string => (name.startsWith('src/') ? name.replace(/\.ts$/, '.js') : name);
const toTs = (name: string): string => (name.startsWith('src/') ? name.replace(/\.js$/, '.ts') : name);

/** One module as JavaScript with all of its imports, type-only ones included. */
async function mirrorModule(source: string): Promise<string> {
  const valueImports = source
    .replace(/\bimport\s+type\s+(?=[\w*{])/g, 'import ')
    .replace(/\bexport\s+type\s+(?=[*{])/g, 'export ');
  // verbatimModuleSyntax: keep imports whose bindings are unused (they were types).
  const { code } = await transform(valueImports, {
    loader: 'ts',
    format: 'esm',
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
  });
  // `typeof import('./x.ts')` in a type position is a dependency too, but vanishes with the types.
  const typeQueries = [...source.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map(
    (m) => `import ${JSON.stringify(m[1])};`,
  );
  return [code, ...typeQueries].join('\n').replace(/(["'])(\.\.?\/[^"'\n]*)\.ts\1/g, '$1$2.js$1');
}

async function writeMirror(root: string, sources: string[]): Promise<void> {
  await Promise.all(
    sources.map(async (file) => {
      const target = path.join(root, toJs(file));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, await mirrorModule(await readFile(path.join(REPO, file), 'utf8')));
    }),
  );
  // Lets package imports resolve to the same node_modules/... names as in the real tree.
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
}

interface Outcome {
  result: ICruiseResult;
  display: (name: string) => string;
}

async function runRules(mirrorRoot: () => Promise<string>): Promise<Outcome> {
  const options: ICruiseOptions = await extractDepcruiseOptions(CONFIG);
  assert.deepEqual(
    options.knownViolations ?? [],
    [],
    'knownViolations would let imports against the layers through: fix them instead',
  );
  const sources = await listSources(path.join(REPO, 'src'));
  let outcome: Outcome;
  if (allExtensions.some(({ extension, available }) => extension === '.ts' && available)) {
    const tsConfig = extractTSConfig(path.join(REPO, options.tsConfig?.fileName ?? 'tsconfig.json'));
    const { output } = await cruise(['src'], { ...options, baseDir: REPO }, undefined, { tsConfig });
    outcome = { result: output as ICruiseResult, display: (name) => name };
  } else {
    const root = await mirrorRoot();
    await writeMirror(root, sources);
    const { tsConfig: _unusedForJavaScript, ...rest } = options;
    const mirrored = { ...rest, baseDir: root, preserveSymlinks: true };
    const { output } = await cruise(['src'], mirrored);
    outcome = { result: output as ICruiseResult, display: toTs };
  }
  const read = outcome.result.modules.map((m) => outcome.display(m.source)).filter((name) => name.startsWith('src/'));
  assert.deepEqual(
    read.sort(),
    sources,
    'dependency-cruiser did not read every module of src/, so its verdict would mean nothing',
  );
  return outcome;
}

function describeViolation(v: IViolation, display: (name: string) => string, comments: Map<string, string>): string {
  const cycle = v.cycle ? `\n      cycle: ${[v.from, ...v.cycle.map((m) => m.name)].map(display).join(' → ')}` : '';
  return `  ${display(v.from)} → ${display(v.to)}  [${v.rule.name}]${cycle}\n      ${comments.get(v.rule.name) ?? ''}`;
}

describe('layering of src/ (.dependency-cruiser.cjs)', () => {
  let scratch: string | undefined;
  after(() => (scratch ? rm(scratch, { recursive: true, force: true }) : undefined));

  it('has no import against the layers', async () => {
    const { result, display } = await runRules(
      async () => (scratch = await mkdtemp(path.join(os.tmpdir(), 'needlework-layers-'))),
    );
    const comments = new Map<string, string>();
    for (const rule of result.summary.ruleSetUsed?.forbidden ?? [])
      if (rule.name && rule.comment) comments.set(rule.name, rule.comment);

    const broken = result.summary.violations;
    if (broken.length > 0) {
      assert.fail(
        `\n${broken.length} import(s) against the layers:\n${broken.map((v) => describeViolation(v, display, comments)).join('\n')}`,
      );
    }
  });
});
