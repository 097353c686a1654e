// A maintenance lease on one volume: a file `<base>.lease` next to its `.dat`, naming an owner,
// the agent, a random token and an expiry. At most one holder at a time, across processes: the
// file is created with link(2), which fails when it exists. A lease past its expiry may be taken
// over (its holder died or stalled). The holder renews it well before expiry; a holder that
// finds its token gone, or its expiry passed, has lost the lease and must stop without changing
// the volume.
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { StorageError } from '../errors.ts';
import { type VolumeLocation, volumeFilePath } from '../volume-files.ts';
import { assert } from '../types.ts';

export const DEFAULT_LEASE_TTL_MS = 30_000;
/** Taking over a stale lease races with other takers: a few attempts, then give up. */
const ACQUIRE_ATTEMPTS = 3;
/** A lease file larger than this is not one of ours: treat it as unreadable (stale). */
const MAX_LEASE_FILE_BYTES = 4096;

export interface LeaseRecord {
  /** Who asked for it: `cli@host`, `server@ip:port`. */
  owner: string;
  /** What runs under it: `rebuild-index`, `verify`, `vacuum`. */
  agent: string;
  token: string;
  pid: number;
  hostname: string;
  acquiredAtMs: number;
  expiresAtMs: number;
}

export interface LeaseOptions {
  ttlMs?: number;
  nowMs?: () => number;
}

export function leaseFilePath(loc: VolumeLocation): string {
  return volumeFilePath(loc, 'lease');
}

function parseLease(text: string): LeaseRecord | null {
  if (text.length > MAX_LEASE_FILE_BYTES) return null;
  try {
    const value = JSON.parse(text) as Partial<LeaseRecord>;
    if (typeof value.token !== 'string' || typeof value.expiresAtMs !== 'number') return null;
    return value as LeaseRecord;
  } catch {
    // A torn or foreign file: it protects nothing, so it counts as stale.
    return null;
  }
}

async function readLeaseText(loc: VolumeLocation): Promise<string | null> {
  try {
    return await readFile(leaseFilePath(loc), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The lease on the volume if one is held and not expired; null otherwise. */
export async function liveLease(loc: VolumeLocation, nowMs: number = Date.now()): Promise<LeaseRecord | null> {
  const text = await readLeaseText(loc);
  if (text === null) return null;
  const lease = parseLease(text);
  return lease !== null && lease.expiresAtMs > nowMs ? lease : null;
}

export function describeLease(lease: LeaseRecord, nowMs: number): string {
  const leftMs = Math.max(0, lease.expiresAtMs - nowMs);
  return `${lease.agent} by ${lease.owner} (pid ${lease.pid} on ${lease.hostname}, ${Math.ceil(leftMs / 1000)} s left)`;
}

export class VolumeLease {
  private lost: StorageError | null = null;
  private released = false;
  private readonly controller = new AbortController();
  private renewTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly location: VolumeLocation,
    private record: LeaseRecord,
    private readonly ttlMs: number,
    private readonly nowMs: () => number,
  ) {}

  /** Takes the volume's lease, or throws `lease_held` naming the holder. */
  static async acquire(
    loc: VolumeLocation,
    who: { owner: string; agent: string },
    options: LeaseOptions = {},
  ): Promise<VolumeLease> {
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const nowMs = options.nowMs ?? Date.now;
    assert(ttlMs > 0, 'a lease has a positive TTL');
    const path = leaseFilePath(loc);
    const token = randomBytes(12).toString('hex');
    const tmp = `${path}.${token}.tmp`;
    for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
      const now = nowMs();
      const record: LeaseRecord = {
        ...who,
        token,
        pid: process.pid,
        hostname: os.hostname(),
        acquiredAtMs: now,
        expiresAtMs: now + ttlMs,
      };
      await writeFile(tmp, JSON.stringify(record));
      try {
        await link(tmp, path);
        return new VolumeLease(loc, record, ttlMs, nowMs);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        await unlink(tmp).catch(() => {
          // Already gone: nothing to clean.
        });
      }
      const text = await readLeaseText(loc);
      if (text === null) continue;
      const held = parseLease(text);
      if (held !== null && held.expiresAtMs > nowMs()) {
        throw new StorageError('lease_held', `volume ${loc.volumeId} is held by ${describeLease(held, nowMs())}`);
      }
      // Stale: remove it only if it is still the file we judged (another taker may have won).
      // Already gone means another taker removed it: the next attempt sees who holds it now.
      if ((await readLeaseText(loc)) === text) await unlink(path).catch(() => {});
    }
    throw new StorageError('lease_held', `volume ${loc.volumeId}: could not take over its stale lease`);
  }

  get token(): string {
    return this.record.token;
  }

  get expiresAtMs(): number {
    return this.record.expiresAtMs;
  }

  /** Aborted (with the `lease_lost` error as reason) once the lease is lost. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Throws `lease_lost` unless the lease is still this holder's and unexpired. */
  async check(): Promise<void> {
    if (this.lost !== null) throw this.lost;
    assert(!this.released, 'a released lease is not checked');
    const text = await readLeaseText(this.location);
    const current = text === null ? null : parseLease(text);
    if (current?.token !== this.record.token) this.markLost('was taken over or removed');
    else if (this.nowMs() >= this.record.expiresAtMs) this.markLost('expired before it was renewed');
    if (this.lost !== null) throw this.lost;
  }

  /** Pushes the expiry a TTL ahead; throws `lease_lost` if it was already lost. */
  async renew(): Promise<void> {
    await this.check();
    const now = this.nowMs();
    const next: LeaseRecord = { ...this.record, expiresAtMs: now + this.ttlMs };
    const tmp = `${leaseFilePath(this.location)}.${this.record.token}.tmp`;
    await writeFile(tmp, JSON.stringify(next));
    await rename(tmp, leaseFilePath(this.location));
    this.record = next;
  }

  /** Renews every third of the TTL until released; a failed renewal loses the lease. */
  keepRenewed(): void {
    assert(this.renewTimer === null, 'a lease is renewed by one timer');
    this.renewTimer = setInterval(
      () => {
        this.renew().catch((err: unknown) => {
          if (this.lost === null) this.markLost(`could not be renewed: ${(err as Error).message}`);
        });
      },
      Math.max(1, Math.floor(this.ttlMs / 3)),
    );
    this.renewTimer.unref();
  }

  /** Gives the lease up; the file goes only while it is still this holder's. */
  async release(): Promise<void> {
    if (this.renewTimer !== null) clearInterval(this.renewTimer);
    this.renewTimer = null;
    if (this.released) return;
    this.released = true;
    const text = await readLeaseText(this.location);
    // Already gone or unremovable: a lease left behind expires on its own.
    if (text !== null && parseLease(text)?.token === this.record.token)
      await unlink(leaseFilePath(this.location)).catch(() => {});
  }

  private markLost(why: string): void {
    this.lost = new StorageError(
      'lease_lost',
      `volume ${this.location.volumeId}: the ${this.record.agent} lease ${why}`,
    );
    if (this.renewTimer !== null) clearInterval(this.renewTimer);
    this.renewTimer = null;
    this.controller.abort(this.lost);
  }
}
