// A `.dat` on local disk: the open FileHandle, passed through unchanged so the local path costs
// what it did before the data-file abstraction (no extra awaits or buffers per call).
import type { VolumeFile } from '../io/volume-io.ts';
import type { DataFile, DataFileStat } from './data-file.ts';

export class LocalDataFile implements DataFile {
  readonly fd: number;
  readonly isRemote = false;

  constructor(
    /** The handle itself, for code that needs a real file (vacuum). */
    readonly handle: VolumeFile,
    readonly name: string,
  ) {
    this.fd = handle.fd;
  }

  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    return this.handle.read(buffer, offset, length, position);
  }

  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }> {
    return this.handle.write(buffer, offset, length, position);
  }

  async stat(): Promise<DataFileStat> {
    const stats = await this.handle.stat();
    return { sizeBytes: stats.size, modifiedTimeMs: stats.mtimeMs };
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  truncate(lengthBytes: number): Promise<void> {
    return this.handle.truncate(lengthBytes);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
