// glog's log files in -logdir (or the temp dir): one file per severity, created when the first
// line of that severity or above is written, named
//   <program>.<host>.<user>.log.<SEVERITY>.<yyyymmdd-hhmmss>.<pid>
// with a `<program>.<SEVERITY>` symlink to the newest. A file is replaced by a new one past
// -log_max_size_mb or -log_rotate_hours; creating one first removes the oldest of that severity
// beyond -log_max_files (counting gzipped ones). Writes are synchronous: log lines are rare, and
// a line written before a crash or exit is on disk.
import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import { fileHeader } from './glog-line.ts';
import { SEVERITIES, type Severity } from './severity.ts';

export interface LogFileSettings {
  readonly dir: string;
  readonly program: string;
  readonly host: string;
  readonly user: string;
  readonly pid: number;
  /** A file is rotated when a write would take it to this size. */
  readonly maxSizeBytes: number;
  /** Files kept per severity, the new one included. */
  readonly maxFiles: number;
  /** A file older than this is rotated at its next write; 0 never. */
  readonly rotateAfterMs: number;
  /** Gzip rotated files in the background (-log_compress). */
  readonly compressRotated: boolean;
  /** The text header (glog skips it in JSON mode, so files stay NDJSON). */
  readonly writeHeader: boolean;
}

interface OpenFile {
  readonly fd: number;
  readonly filePath: string;
  sizeBytes: number;
  readonly createdAtMs: number;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `20261203-105106`, local time, as glog's logName. */
function fileStamp(date: Date): string {
  return (
    `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-` +
    `${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`
  );
}

/** open(2)'s failure in Go's words: `open <path>: no such file or directory`. */
function describeOpenError(filePath: string, err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const reason = /^[A-Z]+: (.*?), /.exec(text)?.[1] ?? text;
  return `open ${filePath}: ${reason}`;
}

export class LogFiles {
  private readonly open: (OpenFile | null)[] = SEVERITIES.map(() => null);
  /** Rotated files being gzipped; at most one per rotation, each ends on its own. */
  private readonly compressing = new Set<Promise<void>>();

  constructor(private readonly settings: LogFileSettings) {
    if (!(settings.maxFiles >= 1)) throw new Error(`log files: maxFiles ${settings.maxFiles} must be at least 1`);
    if (!(settings.maxSizeBytes > 0))
      throw new Error(`log files: maxSizeBytes ${settings.maxSizeBytes} must be positive`);
  }

  /** The name prefix of one severity's files, as glog's prefix(). */
  prefix(severity: Severity): string {
    const s = this.settings;
    return `${s.program}.${s.host}.${s.user}.log.${severity}.`;
  }

  /** The path of the file a severity writes to now, or null before its first line. */
  currentPath(severity: Severity): string | null {
    return this.open[SEVERITIES.indexOf(severity)]?.filePath ?? null;
  }

  /**
   * Writes `text` to the file of `severity` and of every lower one, creating them as needed.
   * Throws glog's error text when a file cannot be created or written.
   */
  write(severity: Severity, text: string, nowMs: number): void {
    const bytes = Buffer.byteLength(text);
    for (let rank = SEVERITIES.indexOf(severity); rank >= 0; rank--) {
      let file = this.open[rank] ?? null;
      if (file === null || this.due(file, bytes, nowMs)) file = this.rotate(rank, nowMs);
      writeSync(file.fd, text);
      file.sizeBytes += bytes;
    }
  }

  /** Resolves once the rotated files being compressed now are done (for shutdown and tests). */
  async compressed(): Promise<void> {
    await Promise.all([...this.compressing]);
  }

  close(): void {
    for (let rank = 0; rank < this.open.length; rank++) {
      const file = this.open[rank];
      if (file) closeSync(file.fd);
      this.open[rank] = null;
    }
  }

  private due(file: OpenFile, bytes: number, nowMs: number): boolean {
    if (file.sizeBytes + bytes >= this.settings.maxSizeBytes) return true;
    return this.settings.rotateAfterMs > 0 && nowMs - file.createdAtMs >= this.settings.rotateAfterMs;
  }

  private rotate(rank: number, nowMs: number): OpenFile {
    const severity = SEVERITIES[rank]!;
    const previous = this.open[rank];
    if (previous) {
      closeSync(previous.fd);
      this.open[rank] = null;
      if (this.settings.compressRotated) {
        const done = compressInBackground(previous.filePath).finally(() => this.compressing.delete(done));
        this.compressing.add(done);
      }
    }
    this.removeOldest(severity);
    const now = new Date(nowMs);
    const name = `${this.prefix(severity)}${fileStamp(now)}.${this.settings.pid}`;
    const filePath = path.join(this.settings.dir, name);
    let fd: number;
    try {
      fd = openSync(filePath, 'w', 0o666);
    } catch (err) {
      throw new Error(`log: cannot create log: ${describeOpenError(filePath, err)}`);
    }
    const link = path.join(this.settings.dir, `${this.settings.program}.${severity}`);
    try {
      rmSync(link, { force: true });
      symlinkSync(name, link);
    } catch {
      // As glog: the symlink is a convenience; the log file itself is what matters.
    }
    const file: OpenFile = { fd, filePath, sizeBytes: 0, createdAtMs: nowMs };
    if (this.settings.writeHeader) {
      const header = fileHeader(now, this.settings.host);
      writeSync(fd, header);
      file.sizeBytes = Buffer.byteLength(header);
    }
    this.open[rank] = file;
    return file;
  }

  /** Leaves room for the new file: at most maxFiles - 1 older ones of this severity stay. */
  private removeOldest(severity: Severity): void {
    const prefix = this.prefix(severity);
    let names: string[];
    try {
      names = readdirSync(this.settings.dir);
    } catch {
      return; // creating the file will report the directory's problem
    }
    const byBareName = new Map<string, string[]>();
    for (const name of names) {
      const bare = name.endsWith('.gz') ? name.slice(0, -3) : name;
      if (!bare.startsWith(prefix)) continue;
      const list = byBareName.get(bare) ?? [];
      list.push(name);
      byBareName.set(bare, list);
    }
    const bareNames = [...byBareName.keys()].sort();
    const removeCount = bareNames.length - this.settings.maxFiles + 1;
    for (const bare of bareNames.slice(0, Math.max(0, removeCount))) {
      for (const name of byBareName.get(bare)!) rmSync(path.join(this.settings.dir, name), { force: true });
    }
  }
}

/** glog's compressFile: `<file>.gz` beside it through a temporary name, the original removed; failures keep the original. */
async function compressInBackground(filePath: string): Promise<void> {
  const temporary = `${filePath}.gz.tmp`;
  try {
    await pipeline(
      createReadStream(filePath),
      createGzip({ level: zlibConstants.Z_BEST_SPEED }),
      createWriteStream(temporary),
    );
    await rename(temporary, `${filePath}.gz`);
    await rm(filePath, { force: true });
  } catch {
    // As glog: a rotated file that cannot be compressed stays as it is.
    await rm(temporary, { force: true }).catch(() => {});
  }
}
