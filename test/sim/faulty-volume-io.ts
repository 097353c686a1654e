// VolumeIo over real files (node:fs) that fails chosen calls with EIO: for server-level tests of
// what sustained media errors do (the quarantine), where the store must find real files.
import { nodeVolumeIo } from '../../src/storage/io/node-volume-io.ts';
import type { OpenFlags, VolumeFile, VolumeIo } from '../../src/storage/io/volume-io.ts';

export type FaultyCall = 'read' | 'write' | 'sync';

function eio(call: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EIO: i/o error, ${call} '${path}'`), { code: 'EIO', syscall: call, path });
}

export class FaultyVolumeIo implements VolumeIo {
  /** How many of the next calls of each kind fail with EIO (on files `matches` accepts). */
  readonly failNext: Record<FaultyCall, number> = { read: 0, write: 0, sync: 0 };
  /** EIO thrown so far. */
  injected = 0;
  private readonly paths = new Map<number, string>();

  constructor(
    private readonly matches: (path: string) => boolean = () => true,
    private readonly inner: VolumeIo = nodeVolumeIo,
  ) {}

  private check(call: FaultyCall, path: string): void {
    if (this.failNext[call] <= 0 || !this.matches(path)) return;
    this.failNext[call]--;
    this.injected++;
    throw eio(call, path);
  }

  async open(path: string, flags: OpenFlags, mode?: number): Promise<VolumeFile> {
    const file = await this.inner.open(path, flags, mode);
    this.paths.set(file.fd, path);
    return {
      fd: file.fd,
      read: async (buffer, offset, length, position) => {
        this.check('read', path);
        return file.read(buffer, offset, length, position);
      },
      write: async (buffer, offset, length, position) => {
        this.check('write', path);
        return file.write(buffer, offset, length, position);
      },
      stat: () => file.stat(),
      sync: async () => {
        this.check('sync', path);
        return file.sync();
      },
      truncate: (lengthBytes) => file.truncate(lengthBytes),
      close: async () => {
        this.paths.delete(file.fd);
        return file.close();
      },
    };
  }

  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.check('read', this.paths.get(fd) ?? `fd ${fd}`);
    return this.inner.readSync(fd, buffer, offset, length, position);
  }

  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.check('write', this.paths.get(fd) ?? `fd ${fd}`);
    return this.inner.writeSync(fd, buffer, offset, length, position);
  }

  async writev(fd: number, pieces: Uint8Array[], position: number): Promise<{ bytesWritten: number }> {
    this.check('write', this.paths.get(fd) ?? `fd ${fd}`);
    return this.inner.writev(fd, pieces, position);
  }

  readFile = (path: string): Promise<Buffer> => this.inner.readFile(path);
  stat = (path: string): Promise<{ size: number; mtimeMs: number }> => this.inner.stat(path);
  exists = (path: string): Promise<boolean> => this.inner.exists(path);
  rename = (fromPath: string, toPath: string): Promise<void> => this.inner.rename(fromPath, toPath);
  remove = (path: string): Promise<void> => this.inner.remove(path);
}
