// One seed of the storage fault simulator: a volume on a simulated disk runs a random sequence
// of writes, overwrites, deletes, reads, syncs and vacuums while faults are injected; the process
// "crashes" at a random IO call (or at the end); the disk is cut back to what a crash keeps; the
// volume is reloaded on a healthy disk and every key is checked against the model. Several such
// epochs run per seed. Everything random comes from the seed, so a failure replays exactly.
import { linesLogger } from '../unit/lines-logger.ts';
import { isStorageError } from '../../src/storage/errors.ts';
import { inlineIo } from '../../src/storage/inline-io.ts';
import { NeedleFlag, newNeedle } from '../../src/storage/needle/needle.ts';
import { newSuperBlock } from '../../src/storage/super-block.ts';
import { Volume } from '../../src/storage/volume.ts';
import type { VolumeLocation } from '../../src/storage/volume-files.ts';
import { prng } from '../unit/prng.ts';
import { readBackThroughEc } from './ec-encode-check.ts';
import { SimDisk } from './sim-disk.ts';
import { type FaultRates, NO_FAULTS, SimVolumeIo } from './sim-volume-io.ts';
import { ABSENT, type NeedleValue, VolumeModel, describeValue, sameValue } from './volume-model.ts';

export interface SimOptions {
  /** Operations per epoch. */
  ops: number;
  epochs: number;
  keys: number;
  /** Share of operations that are an EC encode (each writes and reads real scratch files, so it is slow). */
  ecRate?: number;
}

export const DEFAULT_EC_RATE = 0.01;
export const DEFAULT_SIM_OPTIONS: Readonly<SimOptions> = { ops: 24, epochs: 3, keys: 12, ecRate: DEFAULT_EC_RATE };

export interface SeedOutcome {
  ioCalls: number;
  faults: number;
  acked: number;
  failed: number;
  crashes: number;
  readOnlyAfterReload: number;
  checkedReads: number;
  /** Times the volume was found quarantined after consecutive EIO, and marked writable. */
  quarantines: number;
  ecEncodes: number;
}

export class SimFailure extends Error {}

const LOCATION: VolumeLocation = { dir: '/sim', collection: '', volumeId: 7 };
/** A stuck operation is a bug too: none of the simulated calls waits on real time. */
const OPERATION_TIMEOUT_MS = 20_000;
/** Larger needles take the vectored path (256 KiB and up) and the thread-pool reads. */
const LARGE_NEEDLE_BYTES = 300 * 1024;

// The inline IO governor times real calls and pauses inline IO after a slow one (a GC pause can
// be one); the simulated disk must follow the same code path every replay, so it never pauses.
function pinInlineIo(): void {
  const governor = inlineIo as unknown as { slowMs: number };
  if (!('slowMs' in governor)) throw new Error('the inline IO governor no longer has slowMs: update the simulator');
  governor.slowMs = Number.POSITIVE_INFINITY;
}

function faultRates(random: () => number): FaultRates {
  // Most seeds fault rarely (long runs of successes between failures); some fault a lot.
  const scale = random() < 0.3 ? 0.15 : 0.02;
  const pick = (): number => (random() < 0.6 ? random() * scale : 0);
  return {
    readEio: pick(),
    writeEio: pick(),
    writeEnospc: pick(),
    shortWrite: pick() * 2,
    syncEio: pick(),
    truncateEio: pick(),
    latency: random() * 0.3,
  };
}

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SimFailure(`${what} did not settle in ${OPERATION_TIMEOUT_MS} ms`)),
      OPERATION_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function openVolume(io: SimVolumeIo, create: boolean, logs: string[]): Promise<Volume> {
  return Volume.open({
    location: LOCATION,
    offsetWidth: 4,
    ...(create ? { create: newSuperBlock({ version: 3 }) } : {}),
    log: linesLogger(logs),
    nowNs: (() => {
      let ns = 1_700_000_000_000_000_000n;
      return () => (ns += 1000n);
    })(),
    // No hold for stragglers: a timer would make batching depend on real time.
    syncBatch: { minBytes: 1, minRequests: 1, waitMs: 0 },
    io,
  });
}

async function readValue(volume: Volume, key: bigint): Promise<NeedleValue> {
  try {
    const n = await volume.read(key);
    return { kind: 'live', cookie: n.cookie, data: Buffer.from(n.data) };
  } catch (err) {
    if (isStorageError(err, 'not_found') || isStorageError(err, 'deleted')) return ABSENT;
    throw err;
  }
}

export async function runSeed(seed: number, options: SimOptions = DEFAULT_SIM_OPTIONS): Promise<SeedOutcome> {
  pinInlineIo();
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const outcome: SeedOutcome = {
    ioCalls: 0,
    faults: 0,
    acked: 0,
    failed: 0,
    crashes: 0,
    readOnlyAfterReload: 0,
    checkedReads: 0,
    quarantines: 0,
    ecEncodes: 0,
  };
  const model = new VolumeModel();
  const logs: string[] = [];
  const trace: string[] = [];
  let disk = new SimDisk();
  let io = new SimVolumeIo(disk, random);
  const fail = (message: string): never => {
    throw new SimFailure(
      [
        message,
        '--- operations:',
        ...trace.slice(-200),
        '--- faults:',
        ...io.faultLog.slice(-40),
        '--- volume log:',
        ...logs.slice(-40),
      ].join('\n'),
    );
  };
  let volume = await openVolume(io, true, logs);
  const cookies = new Map<bigint, number>();
  const cookieOf = (key: bigint): number => {
    let c = cookies.get(key);
    if (c === undefined) {
      c = (1 + int(0xfffffffe)) >>> 0;
      cookies.set(key, c);
    }
    return c;
  };
  const dataFor = (): Buffer => {
    // At least one byte: a needle without data has Size 0 in `.dat`, which a scan at load takes
    // for a tombstone, as upstream's does (the format cannot tell them apart).
    const size = 1 + (random() < 0.04 ? LARGE_NEEDLE_BYTES + int(64 * 1024) : int(random() < 0.2 ? 40_000 : 3000));
    const data = Buffer.alloc(size);
    let i = 0;
    for (; i + 4 <= size; i += 4) data.writeUInt32LE((random() * 2 ** 32) >>> 0, i);
    for (; i < size; i++) data[i] = int(256);
    return data;
  };

  const write = async (key: bigint, fsync: boolean): Promise<void> => {
    const data = dataFor();
    const cookie = cookieOf(key);
    const op = model.begin(key, { kind: 'live', cookie, data }, `w${fsync ? 'f' : ''}`);
    trace.push(`write ${key} ${data.length}B${fsync ? ' fsync' : ''}`);
    try {
      await within(
        volume.write(
          newNeedle({ cookie, id: key, data, lastModified: 1_700_000_000, flags: NeedleFlag.HasLastModified }),
          { fsync },
        ),
        `write ${key}`,
      );
      if (fsync) model.ackDurable(op);
      else model.ack(op);
      outcome.acked++;
    } catch (err) {
      if (err instanceof SimFailure) throw err;
      model.fail(op);
      outcome.failed++;
      trace.push(`  failed: ${(err as Error).message}`);
    }
  };

  const remove = async (key: bigint): Promise<void> => {
    const op = model.begin(key, ABSENT, 'd');
    trace.push(`delete ${key}`);
    try {
      await within(volume.delete(key, cookieOf(key)), `delete ${key}`);
      model.ack(op);
      outcome.acked++;
    } catch (err) {
      if (err instanceof SimFailure) throw err;
      model.fail(op);
      outcome.failed++;
      trace.push(`  failed: ${(err as Error).message}`);
    }
  };

  const checkRead = async (key: bigint, allowed: NeedleValue[], when: string): Promise<NeedleValue | null> => {
    let got: NeedleValue;
    try {
      got = await within(readValue(volume, key), `read ${key}`);
    } catch (err) {
      if (err instanceof SimFailure) throw err;
      // An injected fault or the crash: an error is never wrong bytes. After a reload, a volume
      // read-only for damage it found may fail reads of what the damage covers, nothing else may.
      if (when === 'running' || volume.damage.length > 0) return null;
      return fail(
        `seed=${seed}: ${when}: read of key ${key} failed: ${(err as Error).message}\n  history: ${model.describe(key)}`,
      );
    }
    outcome.checkedReads++;
    if (!allowed.some((v) => sameValue(v, got)))
      fail(
        `seed=${seed}: ${when}: key ${key} reads ${describeValue(got)}, allowed ${allowed.map(describeValue).join(' | ')}\n  history: ${model.describe(key)}`,
      );
    return got;
  };

  // VolumeEcShardsGenerate's order: sync, then encode the files; every key must read back
  // through the shards (some reconstructed) as the volume serves it.
  const ecEncode = async (): Promise<void> => {
    const began = model.now();
    const missing = new Set<number>();
    for (let n = int(5); missing.size < n; ) missing.add(int(14));
    trace.push(`ec encode without shards ${[...missing].join(',') || '-'}`);
    try {
      await within(volume.sync(), 'sync before ec encode');
    } catch (err) {
      if (err instanceof SimFailure) throw err;
      trace.push(`  failed: ${(err as Error).message}`);
      return;
    }
    model.syncPoint(began);
    const { datSizeBytes, idxSizeBytes } = volume.stats();
    const fileBytes = (ext: string, sizeBytes: number): Buffer =>
      (disk.files.get(`${LOCATION.dir}/${LOCATION.volumeId}.${ext}`)?.contents() ?? Buffer.alloc(0)).subarray(
        0,
        sizeBytes,
      );
    const keys = model.keys();
    const values = await readBackThroughEc(
      fileBytes('dat', datSizeBytes),
      fileBytes('idx', idxSizeBytes),
      keys,
      missing,
    );
    outcome.ecEncodes++;
    for (const key of keys) {
      const got = values.get(key) ?? ABSENT;
      const allowed = model.allowedNow(key);
      outcome.checkedReads++;
      if (!allowed.some((v) => sameValue(v, got)))
        fail(
          `seed=${seed}: ec encode: key ${key} reads ${describeValue(got)} through the shards, allowed ${allowed.map(describeValue).join(' | ')}\n  history: ${model.describe(key)}`,
        );
    }
  };

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    io.faults = faultRates(random);
    // The crash falls at a random IO call of the epoch, or after its last operation.
    io.crashAtCall = io.counts.calls + 1 + int(options.ops * 6);
    trace.push(`-- epoch ${epoch}: crash at IO call ${io.crashAtCall}`);
    let compacting = false;
    for (let i = 0; i < options.ops && !io.crashed; i++) {
      if (volume.isIoQuarantined && random() < 0.5) {
        // Three EIO in a row quarantined it; an operator marks it writable again (VolumeMarkWritable).
        outcome.quarantines++;
        trace.push('mark writable after the IO quarantine');
        await within(volume.setReadOnly(false, false), 'mark writable').catch((err: Error) => {
          if (err instanceof SimFailure) throw err;
          trace.push(`  failed: ${err.message}`);
        });
      }
      const key = BigInt(1 + int(options.keys));
      const roll = random();
      if (roll < 0.4) await write(key, random() < 0.3);
      else if (roll < 0.55) await remove(key);
      else if (roll < 0.72) {
        trace.push(`read ${key}`);
        await checkRead(key, model.allowedNow(key), 'running');
      } else if (roll < 0.8) {
        // A group of writes and deletes on distinct keys, batched together by the append queue.
        const group = new Set<bigint>();
        const size = 2 + int(4);
        while (group.size < size) group.add(BigInt(1 + int(options.keys)));
        trace.push(`group of ${group.size}`);
        await Promise.all([...group].map((k) => (random() < 0.75 ? write(k, random() < 0.3) : remove(k))));
      } else if (roll < 0.86) {
        const began = model.now();
        trace.push('sync');
        try {
          await within(volume.sync(), 'sync');
          model.syncPoint(began);
        } catch (err) {
          if (err instanceof SimFailure) throw err;
          trace.push(`  failed: ${(err as Error).message}`);
        }
      } else if (roll < 0.86 + (options.ecRate ?? DEFAULT_EC_RATE) && !compacting) {
        await ecEncode();
      } else if (!compacting) {
        trace.push('compact');
        try {
          await within(volume.compact(), 'compact');
          compacting = true;
        } catch (err) {
          if (err instanceof SimFailure) throw err;
          trace.push(`  failed: ${(err as Error).message}`);
        }
      } else {
        const began = model.now();
        const commit = random() < 0.85;
        trace.push(commit ? 'commit compact' : 'cleanup compact');
        compacting = false;
        try {
          if (commit) {
            await within(volume.commitCompact(), 'commit compact');
            model.syncPoint(began);
          } else await within(volume.cleanupCompact(), 'cleanup compact');
        } catch (err) {
          if (err instanceof SimFailure) throw err;
          trace.push(`  failed: ${(err as Error).message}`);
        }
      }
    }
    if (!io.crashed) trace.push('crash after the last operation');
    else trace.push(`crashed at IO call ${io.counts.calls}`);

    // The process is gone: its volume object is dropped, the disk keeps what a crash keeps.
    outcome.ioCalls += io.counts.calls;
    outcome.faults += io.counts.faults;
    outcome.crashes++;
    io.crashed = true;
    await volume.close().catch(() => {});
    disk = disk.crash((file) => {
      const keep = int(file.unsyncedCount + 1);
      const next = file.unsyncedAt(keep);
      const tornBytes = next !== undefined && next.kind === 'write' && random() < 0.5 ? int(next.lengthBytes) : 0;
      return { keep, tornBytes };
    });
    io = new SimVolumeIo(disk, random);
    io.faults = { ...NO_FAULTS, latency: random() * 0.3 };
    try {
      volume = await within(openVolume(io, false, logs), 'reload');
    } catch (err) {
      if (err instanceof SimFailure) throw err;
      return fail(`seed=${seed}: epoch ${epoch}: the volume does not load after the crash: ${(err as Error).stack}`);
    }
    if (volume.isReadOnly) {
      if (volume.damage.length === 0) fail(`seed=${seed}: epoch ${epoch}: read-only after reload without a reason`);
      outcome.readOnlyAfterReload++;
      trace.push(`read-only after reload: ${volume.damage.join('; ')}`);
    }
    const observed = new Map<bigint, NeedleValue>();
    for (const key of model.keys()) {
      const got = await checkRead(key, model.allowedAfterCrash(key), `epoch ${epoch} after reload`);
      if (got !== null) observed.set(key, got);
    }
    model.rebase(observed);
    if (volume.isReadOnly) break;
  }
  await volume.close();
  return outcome;
}
