// Append and read throughput of one volume for 1 KB, 64 KB and 1 MB needles (no fsync, as
// upstream's default write path). Prints numbers; asserts nothing.
// Run: npm run bench:storage [-- totalMegabytesPerSize]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { newNeedle } from '../src/storage/needle/needle.ts';
import { newSuperBlock } from '../src/storage/super-block.ts';
import { Volume } from '../src/storage/volume.ts';

const totalBytesPerSize = Number(process.argv[2] ?? 256) * 1024 * 1024;
const CONCURRENCY = 16;
const sizes: Array<[string, number]> = [
  ['1 KB', 1024],
  ['64 KB', 64 * 1024],
  ['1 MB', 1024 * 1024],
];

async function runConcurrent(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await task(next++);
  });
  await Promise.all(workers);
}

function report(label: string, op: string, count: number, bytes: number, ms: number): void {
  const seconds = ms / 1000;
  const ops = Math.round(count / seconds)
    .toLocaleString('en-US')
    .padStart(9);
  console.log(
    `${label.padEnd(6)} ${op.padEnd(6)} ${ops} ops/s  ${(bytes / seconds / 1024 / 1024).toFixed(1).padStart(8)} MB/s`,
  );
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'needlework-bench-'));
try {
  let volumeId = 1;
  for (const [label, sizeBytes] of sizes) {
    const count = Math.max(64, Math.floor(totalBytesPerSize / sizeBytes));
    const volume = await Volume.open({
      location: { dir, collection: '', volumeId: volumeId++ },
      offsetWidth: 4,
      create: newSuperBlock({ version: 3 }),
    });
    const payload = Buffer.alloc(sizeBytes);
    for (let i = 0; i < sizeBytes; i++) payload[i] = (i * 31) & 0xff;

    let started = performance.now();
    await runConcurrent(count, async (i) => {
      // The checksum is computed per needle, as an upload does.
      await volume.write(newNeedle({ cookie: 0x1234, id: BigInt(i + 1), data: payload }));
    });
    report(label, 'append', count, count * sizeBytes, performance.now() - started);

    started = performance.now();
    let seed = 7;
    await runConcurrent(count, async () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const n = await volume.read(BigInt((seed % count) + 1));
      if (n.data.length !== sizeBytes) throw new Error('short read');
    });
    report(label, 'read', count, count * sizeBytes, performance.now() - started);
    await volume.destroy();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
