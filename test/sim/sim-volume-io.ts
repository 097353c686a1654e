// VolumeIo over a SimDisk, injecting faults from a seeded PRNG: EIO on reads, writes, syncs and
// truncates, ENOSPC on writes that grow a file, short writes (a prefix lands, the count says so),
// latency (the call settles some event-loop turns later), and a crash at the N-th call, after
// which every call fails as if the process were gone. Opens, renames and removes are not
// faulted: the volume treats their failure as fatal to the operation, which the simulator's
// write and read faults exercise already.
import { constants as fsConstants } from 'node:fs';
import type { OpenFlags, VolumeFile, VolumeIo } from '../../src/storage/io/volume-io.ts';
import { assert } from '../../src/storage/types.ts';
import { type SimDisk, SimFile } from './sim-disk.ts';

/** Probabilities per call, each in [0, 1). */
export interface FaultRates {
  readEio: number;
  writeEio: number;
  writeEnospc: number;
  shortWrite: number;
  syncEio: number;
  truncateEio: number;
  /** A call settles after up to MAX_LATENCY_TURNS event-loop turns instead of at once. */
  latency: number;
}

export const NO_FAULTS: Readonly<FaultRates> = {
  readEio: 0,
  writeEio: 0,
  writeEnospc: 0,
  shortWrite: 0,
  syncEio: 0,
  truncateEio: 0,
  latency: 0,
};

const MAX_LATENCY_TURNS = 4;
const FIRST_FD = 1_000_000;
/** Open descriptors at once: a volume holds a handful; more means handles leak. */
const MAX_OPEN_FILES = 256;

export const SIM_CRASH_CODE = 'ESIMCRASH';

function errno(code: string, call: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated ${call} '${path}'`), { code, syscall: call, path });
}

interface OpenFile {
  file: SimFile;
  path: string;
  writable: boolean;
}

export interface SimCounts {
  calls: number;
  faults: number;
}

export class SimVolumeIo implements VolumeIo {
  faults: FaultRates = { ...NO_FAULTS };
  /** The call (counting from 1) at which the simulated process dies; 0 for never. */
  crashAtCall = 0;
  crashed = false;
  readonly counts: SimCounts = { calls: 0, faults: 0 };
  /** Every fault injected, for a failing seed's report. */
  readonly faultLog: string[] = [];
  private readonly open_ = new Map<number, OpenFile>();
  private nextFd = FIRST_FD;

  constructor(
    readonly disk: SimDisk,
    private readonly random: () => number,
  ) {}

  private enter(call: string, path: string): void {
    if (this.crashed) throw errno(SIM_CRASH_CODE, call, path);
    this.counts.calls++;
    if (this.crashAtCall > 0 && this.counts.calls >= this.crashAtCall) {
      this.crashed = true;
      throw errno(SIM_CRASH_CODE, call, path);
    }
  }

  private fault(rate: number, code: string, call: string, path: string): NodeJS.ErrnoException | null {
    if (rate <= 0 || this.random() >= rate) return null;
    this.counts.faults++;
    this.faultLog.push(`#${this.counts.calls} ${call} ${path}: ${code}`);
    return errno(code, call, path);
  }

  private async settle(): Promise<void> {
    if (this.faults.latency <= 0 || this.random() >= this.faults.latency) return;
    const turns = 1 + Math.floor(this.random() * MAX_LATENCY_TURNS);
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private byFd(fd: number, call: string): OpenFile {
    const open = this.open_.get(fd);
    if (open === undefined) throw errno('EBADF', call, `fd ${fd}`);
    return open;
  }

  private doRead(open: OpenFile, buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.enter('read', open.path);
    const failure = this.fault(this.faults.readEio, 'EIO', 'read', open.path);
    if (failure !== null) throw failure;
    return open.file.read(buffer, offset, length, position);
  }

  private doWrite(open: OpenFile, buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.enter('write', open.path);
    if (!open.writable) throw errno('EBADF', 'write', open.path);
    const eio = this.fault(this.faults.writeEio, 'EIO', 'write', open.path);
    if (eio !== null) throw eio;
    if (position + length > open.file.size) {
      const full = this.fault(this.faults.writeEnospc, 'ENOSPC', 'write', open.path);
      if (full !== null) throw full;
    }
    let n = length;
    if (length > 1 && this.faults.shortWrite > 0 && this.random() < this.faults.shortWrite) {
      n = 1 + Math.floor(this.random() * (length - 1));
      this.counts.faults++;
      this.faultLog.push(`#${this.counts.calls} write ${open.path}: short, ${n} of ${length} bytes`);
    }
    return open.file.write(buffer, offset, n, position, this.disk.now());
  }

  async open(path: string, flags: OpenFlags, _mode?: number): Promise<VolumeFile> {
    this.enter('open', path);
    await this.settle();
    const bits =
      flags === 'r'
        ? fsConstants.O_RDONLY
        : flags === 'w'
          ? fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC
          : flags;
    let file = this.disk.files.get(path);
    if (file === undefined) {
      if ((bits & fsConstants.O_CREAT) === 0) throw errno('ENOENT', 'open', path);
      file = new SimFile(Buffer.alloc(0), this.disk.now());
      this.disk.files.set(path, file);
    } else if ((bits & fsConstants.O_TRUNC) !== 0 && file.size > 0) {
      file.truncate(0, this.disk.now());
    }
    assert(this.open_.size < MAX_OPEN_FILES, `at most ${MAX_OPEN_FILES} simulated files open`);
    const fd = this.nextFd++;
    const writable = (bits & (fsConstants.O_WRONLY | fsConstants.O_RDWR)) !== 0;
    const open: OpenFile = { file, path, writable };
    this.open_.set(fd, open);
    return this.handle(fd, open);
  }

  private handle(fd: number, open: OpenFile): VolumeFile {
    return {
      fd,
      read: async (buffer, offset, length, position) => {
        const bytesRead = this.doRead(this.byFd(fd, 'read'), buffer, offset, length, position);
        await this.settle();
        return { bytesRead };
      },
      write: async (buffer, offset, length, position) => {
        const bytesWritten = this.doWrite(this.byFd(fd, 'write'), buffer, offset, length, position);
        await this.settle();
        return { bytesWritten };
      },
      stat: async () => {
        this.enter('fstat', open.path);
        await this.settle();
        return { size: open.file.size, mtimeMs: open.file.mtimeMs };
      },
      sync: async () => {
        this.enter('fsync', open.path);
        await this.settle();
        // A failed fsync leaves the data unsynced: what it did not make durable a crash may drop.
        const failure = this.fault(this.faults.syncEio, 'EIO', 'fsync', open.path);
        if (failure !== null) throw failure;
        open.file.sync();
      },
      truncate: async (lengthBytes) => {
        this.enter('ftruncate', open.path);
        await this.settle();
        const failure = this.fault(this.faults.truncateEio, 'EIO', 'ftruncate', open.path);
        if (failure !== null) throw failure;
        open.file.truncate(lengthBytes, this.disk.now());
      },
      close: async () => {
        // Closing works even after the crash: the harness drops the dead volume's handles.
        this.open_.delete(fd);
      },
    };
  }

  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    return this.doRead(this.byFd(fd, 'read'), buffer, offset, length, position);
  }

  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    return this.doWrite(this.byFd(fd, 'write'), buffer, offset, length, position);
  }

  async writev(fd: number, pieces: Uint8Array[], position: number): Promise<{ bytesWritten: number }> {
    const open = this.byFd(fd, 'writev');
    const joined = Buffer.concat(pieces);
    const bytesWritten = this.doWrite(open, joined, 0, joined.length, position);
    await this.settle();
    return { bytesWritten };
  }

  async readFile(path: string): Promise<Buffer> {
    this.enter('readFile', path);
    await this.settle();
    const file = this.disk.files.get(path);
    if (file === undefined) throw errno('ENOENT', 'open', path);
    const failure = this.fault(this.faults.readEio, 'EIO', 'read', path);
    if (failure !== null) throw failure;
    return file.contents();
  }

  async stat(path: string): Promise<{ size: number; mtimeMs: number }> {
    this.enter('stat', path);
    await this.settle();
    const file = this.disk.files.get(path);
    if (file === undefined) throw errno('ENOENT', 'stat', path);
    return { size: file.size, mtimeMs: file.mtimeMs };
  }

  async exists(path: string): Promise<boolean> {
    this.enter('access', path);
    await this.settle();
    return this.disk.files.has(path);
  }

  async rename(fromPath: string, toPath: string): Promise<void> {
    this.enter('rename', fromPath);
    await this.settle();
    const file = this.disk.files.get(fromPath);
    if (file === undefined) throw errno('ENOENT', 'rename', fromPath);
    this.disk.files.delete(fromPath);
    this.disk.files.set(toPath, file);
  }

  async remove(path: string): Promise<void> {
    this.enter('unlink', path);
    await this.settle();
    this.disk.files.delete(path);
  }

  /** Descriptors still open (a dead volume's, until the harness closes them). */
  get openCount(): number {
    return this.open_.size;
  }
}
