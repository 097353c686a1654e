// A volume's `.dat` as the volume uses it (upstream's BackendStorageFile): positional reads and
// writes, size and time, sync, truncate, close. A local `.dat` is a file handle whose descriptor
// the inline IO path uses directly; a tiered `.dat` lives in a [storage.backend] store and is
// only read, with ranged reads.

/** What a sequential scan needs: a node FileHandle is one too. */
export interface PositionalReader {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

export interface DataFileStat {
  sizeBytes: number;
  modifiedTimeMs: number;
}

export interface DataFile extends PositionalReader {
  /** The descriptor for synchronous inline IO; -1 when there is none (a remote `.dat`). */
  readonly fd: number;
  /** True when reads leave the machine: the volume is tiered and takes no writes. */
  readonly isRemote: boolean;
  /** Where the bytes are, for messages: a path, or `<backend>/<key>`. */
  readonly name: string;
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  stat(): Promise<DataFileStat>;
  sync(): Promise<void>;
  truncate(lengthBytes: number): Promise<void>;
  close(): Promise<void>;
}
