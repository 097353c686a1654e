// Needle map memory and `.idx` load time, ours next to SeaweedFS's Go CompactMap on the same files.
// Prints numbers; asserts nothing. Run: npm run bench:needle-map [-- entries [runs [patterns]]]
//   entries  rows per .idx (default 10,000,000); runs per side (default 3, medians quoted)
//   patterns comma-separated: sequential (1, 2, 3, ...), random (uniform 56-bit ids, as Go's own
//            measurement used), random64 (uniform 64-bit ids), gaps (increasing with random gaps
//            of 1..16); default sequential,random,random64
// Ours: a fresh `node --expose-gc` child per run opens the volume (full load path: .idx walk,
// metrics, tail check) and reports heap + array-buffer growth. Go: test/go/needlemap, built once
// with `go build` in test/go (as `go run` would, minus compile time) and run per run on the same
// .idx. Each volume's .dat is sparse: only its last record is written.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNeedle, newNeedle } from '../src/storage/needle/needle.ts';
import { actualSize } from '../src/storage/needle/version.ts';
import { encodeSuperBlock, newSuperBlock } from '../src/storage/super-block.ts';
import { Volume } from '../src/storage/volume.ts';

const DATA_SIZE_BYTES = 1000;
const SAMPLE_KEYS = 65_536;
const LOOKUPS = 1_000_000;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Pattern = 'sequential' | 'random' | 'random64' | 'gaps';

/** Key generator shared with test/go/needlemap (xorshift64, seed 12345; `random` keeps 56 bits). */
function keyGenerator(pattern: Pattern): () => [number, number] {
  let hi = 0;
  let lo = 12345;
  let previous = 0;
  let gapSeed = 12345;
  return () => {
    if (pattern === 'sequential') return [0, ++previous];
    if (pattern === 'gaps') {
      gapSeed = (Math.imul(gapSeed, 1103515245) + 12345) >>> 0;
      previous += 1 + (gapSeed % 16);
      return [Math.floor(previous / 2 ** 32), previous % 2 ** 32];
    }
    // x ^= x << 13; x ^= x >> 7; x ^= x << 17, on 32-bit halves.
    let h = (hi ^ ((hi << 13) | (lo >>> 19))) >>> 0;
    let l = (lo ^ (lo << 13)) >>> 0;
    l = (l ^ ((l >>> 7) | (h << 25))) >>> 0;
    h = (h ^ (h >>> 7)) >>> 0;
    hi = (h ^ ((h << 17) | (l >>> 15))) >>> 0;
    lo = (l ^ (l << 17)) >>> 0;
    return [pattern === 'random64' ? hi : hi & 0xff_ffff, lo];
  };
}

async function writeVolume(dir: string, entries: number, pattern: Pattern): Promise<void> {
  const sample = newNeedle({ cookie: 7, id: 1n, data: Buffer.alloc(DATA_SIZE_BYTES, 1), appendAtNs: 1n });
  encodeNeedle(sample, 3);
  const recordBytes = actualSize(sample.size, 3);
  const next = keyGenerator(pattern);
  const idx = await open(path.join(dir, '1.idx'), 'w');
  const batchRows = 65_536;
  const batch = Buffer.alloc(batchRows * 16);
  const samples = Buffer.alloc(SAMPLE_KEYS * 8);
  const sampleEvery = Math.max(1, Math.floor(entries / SAMPLE_KEYS));
  let lastKey = 0n;
  for (let written = 0; written < entries; ) {
    const rows = Math.min(batchRows, entries - written);
    for (let r = 0; r < rows; r++) {
      const i = written + r;
      const [hi, lo] = next();
      const at = r * 16;
      batch.writeUInt32BE(hi, at);
      batch.writeUInt32BE(lo, at + 4);
      batch.writeUInt32BE((8 + i * recordBytes) / 8, at + 8);
      batch.writeInt32BE(sample.size, at + 12);
      const s = i / sampleEvery;
      if (i % sampleEvery === 0 && s < SAMPLE_KEYS) {
        samples.writeUInt32BE(hi, s * 8);
        samples.writeUInt32BE(lo, s * 8 + 4);
      }
      if (i === entries - 1) lastKey = (BigInt(hi) << 32n) | BigInt(lo);
    }
    await idx.write(batch, 0, rows * 16);
    written += rows;
  }
  await idx.close();
  await writeFile(path.join(dir, 'keys.bin'), samples.subarray(0, Math.min(entries, SAMPLE_KEYS) * 8));
  const dat = await open(path.join(dir, '1.dat'), 'w');
  await dat.write(encodeSuperBlock(newSuperBlock({ version: 3 })), 0, 8, 0);
  const last = encodeNeedle(
    newNeedle({ cookie: 7, id: lastKey, data: Buffer.alloc(DATA_SIZE_BYTES, 1), appendAtNs: 1n }),
    3,
  );
  await dat.write(last, 0, last.length, 8 + (entries - 1) * recordBytes);
  await dat.close();
}

interface Measurement {
  loadMs: number;
  bytesPerEntry: number;
  lookupsPerSecond?: number;
}

/** Child mode: open the volume in `dir`, print one JSON Measurement. */
async function measureOurs(dir: string, entries: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const used = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const keysBytes = await readFile(path.join(dir, 'keys.bin'));
  const keys: bigint[] = [];
  for (let at = 0; at < keysBytes.length; at += 8) keys.push(keysBytes.readBigUInt64BE(at));
  const before = used();
  const started = performance.now();
  const volume = await Volume.open({ location: { dir, collection: '', volumeId: 1 }, offsetWidth: 4 });
  const loadMs = performance.now() - started;
  const after = used();
  if (volume.needleCount !== entries || volume.isReadOnly)
    throw new Error(`load gave ${volume.needleCount} needles, read-only ${volume.isReadOnly}`);
  let seed = 1;
  const lookupStarted = performance.now();
  for (let i = 0; i < LOOKUPS; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    if (volume.lookup(keys[seed % keys.length] as bigint) === undefined) throw new Error('missing key');
  }
  const lookupsPerSecond = Math.round(LOOKUPS / ((performance.now() - lookupStarted) / 1000));
  await volume.close();
  const out: Measurement = { loadMs, bytesPerEntry: (after - before) / entries, lookupsPerSecond };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runJson(command: string, args: string[], cwd: string): Measurement {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
  const line = result.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Measurement;
}

function buildGo(outDir: string): string | null {
  const goDir = path.join(repoRoot, 'test', 'go');
  if (spawnSync('go', ['version'], { encoding: 'utf8' }).status !== 0) return null;
  const binary = path.join(outDir, 'needlemap-go');
  const built = spawnSync('go', ['build', '-o', binary, './needlemap'], { cwd: goDir, encoding: 'utf8' });
  if (built.status !== 0) {
    console.log(`go build ./needlemap failed, Go side skipped:\n${built.stderr}`);
    return null;
  }
  return binary;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const summary = (values: number[], digits: number): string =>
  `${median(values).toFixed(digits)} [${Math.min(...values).toFixed(digits)}..${Math.max(...values).toFixed(digits)}]`;

async function main(): Promise<void> {
  if (process.argv[2] === '--measure') {
    await measureOurs(process.argv[3] as string, Number(process.argv[4]));
    return;
  }
  const entries = Number(process.argv[2] ?? 10_000_000);
  const runs = Math.max(1, Number(process.argv[3] ?? 3));
  const patterns = (process.argv[4] ?? 'sequential,random,random64').split(',') as Pattern[];
  const work = await mkdtemp(path.join(os.tmpdir(), 'needlework-bench-'));
  try {
    let goBinary = buildGo(work);
    if (goBinary === null) console.log('Go toolchain not available: printing ours alone.');
    const selfArgs = ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--measure'];
    const rows: string[] = [];
    for (const pattern of patterns) {
      const dir = path.join(work, pattern);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir);
      const generated = performance.now();
      await writeVolume(dir, entries, pattern);
      console.log(
        `${pattern}: wrote ${entries.toLocaleString('en-US')} index rows in ${((performance.now() - generated) / 1000).toFixed(1)} s`,
      );
      const ours: Measurement[] = [];
      const go: Measurement[] = [];
      // Alternate sides so drift on a noisy machine hits both alike.
      for (let r = 0; r < runs; r++) {
        ours.push(runJson(process.execPath, [...selfArgs, dir, String(entries)], repoRoot));
        if (goBinary !== null) {
          try {
            go.push(runJson(goBinary, ['-idx', path.join(dir, '1.idx')], work));
          } catch (err) {
            console.log(`Go side failed, skipped from here on: ${(err as Error).message}`);
            goBinary = null;
            go.length = 0;
          }
        }
        const o = ours[r] as Measurement;
        const g = go[r];
        console.log(
          `  run ${r + 1}: ours ${o.bytesPerEntry.toFixed(2)} B/entry, ${o.loadMs.toFixed(0)} ms` +
            (g === undefined ? '' : `; go ${g.bytesPerEntry.toFixed(2)} B/entry, ${g.loadMs.toFixed(0)} ms`),
        );
      }
      await rm(dir, { recursive: true, force: true });
      const oursBytes = ours.map((m) => m.bytesPerEntry);
      const oursMs = ours.map((m) => m.loadMs);
      const lookups = ours.map((m) => m.lookupsPerSecond ?? 0);
      let row = `${pattern.padEnd(10)}  bytes/entry ours ${summary(oursBytes, 2)}`;
      if (go.length > 0) {
        const goBytes = go.map((m) => m.bytesPerEntry);
        const goMs = go.map((m) => m.loadMs);
        row += `  go ${summary(goBytes, 2)}  ours/go ${(median(oursBytes) / median(goBytes)).toFixed(2)}`;
        row += `\n${''.padEnd(10)}  load ms     ours ${summary(oursMs, 0)}  go ${summary(goMs, 0)}  ours/go ${(median(oursMs) / median(goMs)).toFixed(2)}`;
      } else {
        row += `\n${''.padEnd(10)}  load ms     ours ${summary(oursMs, 0)}`;
      }
      row += `\n${''.padEnd(10)}  lookups/s   ours ${summary(lookups, 0)} (1M random hits, through Volume.lookup)`;
      rows.push(row);
    }
    console.log(
      `\n${entries.toLocaleString('en-US')} entries, medians [min..max] over ${runs} runs; ours = Volume.open (heap + array buffers), go = CompactMap via doLoading (HeapAlloc)`,
    );
    for (const row of rows) console.log(row);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
