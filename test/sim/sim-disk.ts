// An in-memory disk for the storage fault simulator. Each file keeps the bytes that are durable
// (as of its last successful fsync) and the writes and truncates made since, in order. A crash
// image keeps, per file, the durable bytes plus a prefix of those unsynced operations, the last
// kept write possibly torn (only a prefix of its bytes). Names (create, rename, unlink) are
// durable at once: the model is a journaling file system that orders metadata, and the volume
// code never relies on a directory fsync. A file unlinked or renamed over stays readable and
// writable through handles opened before, as on POSIX, but is gone from every crash image.
import { assert } from '../../src/storage/types.ts';

/** Files grow in steps of this much, so appends do not copy the whole file each time. */
const MIN_CAPACITY_BYTES = 4096;
/** A file may not grow past this: the simulator runs short sequences of small needles. */
export const MAX_SIM_FILE_BYTES = 256 * 1024 * 1024;

type Unsynced = { kind: 'write'; position: number; bytes: Buffer } | { kind: 'truncate'; lengthBytes: number };

export class SimFile {
  private bytes: Buffer;
  private sizeBytes: number;
  /** The content as of the last successful sync. */
  private durable: Buffer;
  private unsynced: Unsynced[] = [];
  mtimeMs: number;

  constructor(initial: Buffer, nowMs: number) {
    this.bytes = Buffer.alloc(Math.max(MIN_CAPACITY_BYTES, initial.length));
    initial.copy(this.bytes);
    this.sizeBytes = initial.length;
    this.durable = Buffer.from(initial);
    this.mtimeMs = nowMs;
  }

  get size(): number {
    return this.sizeBytes;
  }

  /** Unsynced operations waiting for an fsync. */
  get unsyncedCount(): number {
    return this.unsynced.length;
  }

  read(target: Uint8Array, offset: number, length: number, position: number): number {
    if (position >= this.sizeBytes) return 0;
    const n = Math.min(length, this.sizeBytes - position);
    target.set(this.bytes.subarray(position, position + n), offset);
    return n;
  }

  write(source: Uint8Array, offset: number, length: number, position: number, nowMs: number): number {
    const piece = Buffer.from(source.subarray(offset, offset + length));
    applyWrite(this, piece, position);
    this.unsynced.push({ kind: 'write', position, bytes: piece });
    this.mtimeMs = nowMs;
    return length;
  }

  truncate(lengthBytes: number, nowMs: number): void {
    this.resize(lengthBytes);
    this.unsynced.push({ kind: 'truncate', lengthBytes });
    this.mtimeMs = nowMs;
  }

  sync(): void {
    this.durable = Buffer.from(this.bytes.subarray(0, this.sizeBytes));
    this.unsynced = [];
  }

  /** The file after a crash: the durable bytes, then `keep` unsynced operations, the next one torn to `tornBytes`. */
  crashImage(keep: number, tornBytes: number): Buffer {
    assert(keep >= 0 && keep <= this.unsynced.length, 'kept operations within the unsynced ones');
    const image = new SimFile(this.durable, this.mtimeMs);
    for (const op of this.unsynced.slice(0, keep)) replay(image, op);
    const torn = this.unsynced[keep];
    if (torn !== undefined && torn.kind === 'write' && tornBytes > 0)
      applyWrite(image, torn.bytes.subarray(0, Math.min(tornBytes, torn.bytes.length)), torn.position);
    return Buffer.from(image.bytes.subarray(0, image.sizeBytes));
  }

  /** The unsynced operation at `index`: its kind and, for a write, its length. */
  unsyncedAt(index: number): { kind: 'write' | 'truncate'; lengthBytes: number } | undefined {
    const op = this.unsynced[index];
    if (op === undefined) return undefined;
    return op.kind === 'write' ? { kind: 'write', lengthBytes: op.bytes.length } : op;
  }

  resize(lengthBytes: number): void {
    assert(
      lengthBytes >= 0 && lengthBytes <= MAX_SIM_FILE_BYTES,
      `file size ${lengthBytes} within the simulator's bound`,
    );
    if (lengthBytes > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(lengthBytes, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.sizeBytes);
      this.bytes = grown;
    } else if (lengthBytes < this.sizeBytes) {
      // Bytes past the end read as zeros if the file grows again, as after a real truncate.
      this.bytes.fill(0, lengthBytes, this.sizeBytes);
    }
    this.sizeBytes = lengthBytes;
  }

  /** The current bytes (a copy), for tests. */
  contents(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.sizeBytes));
  }

  /** @internal for applyWrite */
  get buffer(): Buffer {
    return this.bytes;
  }
}

function applyWrite(file: SimFile, piece: Buffer, position: number): void {
  const end = position + piece.length;
  if (end > file.size) file.resize(end);
  piece.copy(file.buffer, position);
}

function replay(file: SimFile, op: Unsynced): void {
  if (op.kind === 'write') applyWrite(file, op.bytes, op.position);
  else file.resize(op.lengthBytes);
}

/** Chooses how much of a file's unsynced tail a crash keeps. */
export type CrashChoice = (file: SimFile, path: string) => { keep: number; tornBytes: number };

export class SimDisk {
  readonly files = new Map<string, SimFile>();
  /** Milliseconds of the simulated clock: advanced by each modification, so mtimes are deterministic. */
  private clockMs = 1_700_000_000_000;

  now(): number {
    this.clockMs += 1;
    return this.clockMs;
  }

  /** The disk as a crash leaves it: every file cut back to its durable bytes plus what `choose` keeps. */
  crash(choose: CrashChoice): SimDisk {
    const after = new SimDisk();
    after.clockMs = this.clockMs;
    for (const [path, file] of this.files) {
      const { keep, tornBytes } = choose(file, path);
      after.files.set(path, new SimFile(file.crashImage(keep, tornBytes), file.mtimeMs));
    }
    return after;
  }
}
