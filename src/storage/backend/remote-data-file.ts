// A tiered volume's `.dat`, kept in a [storage.backend] store (upstream's S3BackendStorageFile):
// every read is a ranged read of the object, bounded by the size the `.vif` recorded when the file
// was uploaded, and anything that would change the object is refused. The object is what the
// `.idx` indexes; writing to it would split the two.
import { StorageError } from '../errors.ts';
import type { BackendStorage } from './backend.ts';
import type { DataFile, DataFileStat } from './data-file.ts';

export interface RemoteDataFileOptions {
  backend: BackendStorage;
  /** "type.id", as the `.vif` names it. */
  backendName: string;
  key: string;
  /** The RemoteFile's file_size: upstream's GetStat answers it without asking the store. */
  sizeBytes: number;
  modifiedTimeMs: number;
}

export class RemoteDataFile implements DataFile {
  readonly fd = -1;
  readonly isRemote = true;
  readonly name: string;
  readonly backendName: string;
  readonly key: string;
  readonly sizeBytes: number;
  private readonly backend: BackendStorage;
  private readonly modifiedTimeMs: number;

  constructor(options: RemoteDataFileOptions) {
    if (!Number.isSafeInteger(options.sizeBytes) || options.sizeBytes < 0) {
      throw new StorageError(
        'invalid_volume_info',
        `remote file ${options.key} has an invalid size ${options.sizeBytes}`,
      );
    }
    this.backend = options.backend;
    this.backendName = options.backendName;
    // Upstream's NewStorageFile drops a leading '/' from the key.
    this.key = options.key.startsWith('/') ? options.key.slice(1) : options.key;
    this.sizeBytes = options.sizeBytes;
    this.modifiedTimeMs = options.modifiedTimeMs;
    this.name = `${this.backendName}/${this.key}`;
  }

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    if (position < 0) throw new StorageError('io', `read ${this.name}: negative offset ${position}`);
    if (offset < 0 || length < 0 || offset + length > buffer.length) {
      throw new StorageError(
        'io',
        `read ${this.name}: ${length} bytes at ${offset} do not fit a buffer of ${buffer.length}`,
      );
    }
    // At or past the recorded end is end of file, as a local read would say.
    const wantBytes = Math.min(length, this.sizeBytes - position);
    if (wantBytes <= 0) return { bytesRead: 0 };
    let bytes: Buffer;
    try {
      bytes = await this.backend.readAt(this.key, position, wantBytes);
    } catch (err) {
      throw new StorageError(
        'io',
        `read ${wantBytes} bytes of ${this.name} at ${position}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const bytesRead = Math.min(bytes.length, wantBytes);
    bytes.copy(buffer, offset, 0, bytesRead);
    return { bytesRead };
  }

  write(_buffer: Buffer, _offset: number, _length: number, _position: number): Promise<{ bytesWritten: number }> {
    return Promise.reject(this.readOnly('write'));
  }

  truncate(_lengthBytes: number): Promise<void> {
    return Promise.reject(this.readOnly('truncate'));
  }

  async stat(): Promise<DataFileStat> {
    return { sizeBytes: this.sizeBytes, modifiedTimeMs: this.modifiedTimeMs };
  }

  /** Nothing is buffered here: upstream's Sync is a no-op too. */
  async sync(): Promise<void> {}

  /** No connection is held per file. */
  async close(): Promise<void> {}

  private readOnly(operation: string): StorageError {
    return new StorageError(
      'read_only',
      `cannot ${operation} ${this.name}: the .dat is in remote storage ${this.backendName} and read only`,
    );
  }
}
