// Needle map memory and load time for a large `.idx` (default 10 million entries).
// Prints numbers; asserts nothing. Run: npm run bench:needle-map [-- entries [pattern]]
// pattern: "gaps" (default: increasing keys with random gaps, as a master's sequencer shared by
// many volumes produces), "sequential" (best case) or "random" (uniform 64-bit keys, worst case).
// Builds a sparse `.dat` whose only written record is the last one, so the full load path
// (index walk, tail check) runs without writing gigabytes.
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { encodeIndexEntry } from '../src/storage/idx/entry.ts';
import { encodeNeedle, newNeedle } from '../src/storage/needle/needle.ts';
import { actualSize } from '../src/storage/needle/version.ts';
import { encodeSuperBlock, newSuperBlock } from '../src/storage/super-block.ts';
import { Volume } from '../src/storage/volume.ts';

const entries = Number(process.argv[2] ?? 10_000_000);
const pattern = process.argv[3] ?? 'gaps';
const dataSizeBytes = 1000;
let seed = 12345;
function nextRandom(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed;
}
let previousKey = 0n;
function nextKey(): bigint {
  if (pattern === 'sequential') return ++previousKey;
  if (pattern === 'gaps') return (previousKey += BigInt(1 + (nextRandom() % 16)));
  if (pattern === 'random') return (BigInt(nextRandom()) << 32n) | BigInt((nextRandom() | 1) >>> 0);
  throw new Error(`unknown pattern ${pattern}`);
}
const keys: bigint[] = [];
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function usedBytes(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'needlework-bench-'));
try {
  const sample = newNeedle({ cookie: 7, id: 1n, data: Buffer.alloc(dataSizeBytes, 1), appendAtNs: 1n });
  encodeNeedle(sample, 3);
  const recordBytes = actualSize(sample.size, 3);

  const idx = await open(path.join(dir, '1.idx'), 'w');
  const batchRows = 65_536;
  const batch = Buffer.alloc(batchRows * 16);
  let written = 0;
  const started = performance.now();
  while (written < entries) {
    const rows = Math.min(batchRows, entries - written);
    for (let r = 0; r < rows; r++) {
      const i = written + r;
      const key = nextKey();
      keys.push(key);
      encodeIndexEntry({ key, offset: 8 + i * recordBytes, size: sample.size }, 4, batch, r * 16);
    }
    await idx.write(batch, 0, rows * 16);
    written += rows;
  }
  await idx.close();
  const dat = await open(path.join(dir, '1.dat'), 'w');
  await dat.write(encodeSuperBlock(newSuperBlock({ version: 3 })), 0, 8, 0);
  const last = newNeedle({ cookie: 7, id: keys[entries - 1] as bigint, data: Buffer.alloc(dataSizeBytes, 1), appendAtNs: 1n });
  const lastRecord = encodeNeedle(last, 3);
  await dat.write(lastRecord, 0, lastRecord.length, 8 + (entries - 1) * recordBytes);
  await dat.close();
  console.log(`generated ${entries} index rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const before = usedBytes();
  const loadStarted = performance.now();
  const volume = await Volume.open({ location: { dir, collection: '', volumeId: 1 }, offsetWidth: 4 });
  const loadMs = performance.now() - loadStarted;
  const after = usedBytes();
  const check = volume.lookup(keys[Math.floor(entries / 2)] as bigint);
  if (check === undefined || volume.needleCount !== entries || volume.isReadOnly) throw new Error('load did not produce the expected map');

  console.log(`entries:                ${entries.toLocaleString('en-US')} (${pattern} keys)`);
  console.log(`load time:              ${(loadMs / 1000).toFixed(2)} s  (target < 5 s)`);
  console.log(`memory per entry:       ${((after - before) / entries).toFixed(1)} bytes  (heap + array buffers; target <= 24)`);
  console.log(`lookups/s (1M random):  ${lookupRate(volume, entries).toLocaleString('en-US')}`);
  await volume.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

function lookupRate(volume: Volume, count: number): number {
  let seed = 1;
  const started = performance.now();
  for (let i = 0; i < 1_000_000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    if (volume.lookup(keys[seed % count] as bigint) === undefined) throw new Error('missing key');
  }
  return Math.round(1_000_000 / ((performance.now() - started) / 1000));
}
