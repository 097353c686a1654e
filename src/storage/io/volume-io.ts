// The file operations a volume performs, behind one narrow interface: open, positional reads
// and writes (synchronous ones for the inline path, a vectored append), fsync, truncate, rename,
// remove. Production passes node:fs straight through (node-volume-io.ts); tests substitute an
// in-memory disk that injects faults and crashes, so every storage invariant can be checked
// against a deterministic, replayable failure.

/** An open volume file: the slice of node's FileHandle the storage layer uses. */
export interface VolumeFile {
  /** The descriptor VolumeIo's synchronous calls take (inline IO). */
  readonly fd: number;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  stat(): Promise<{ size: number; mtimeMs: number }>;
  sync(): Promise<void>;
  truncate(lengthBytes: number): Promise<void>;
  close(): Promise<void>;
}

/** How a file is opened: node's flag numbers (fs.constants) or its 'r' / 'w' strings. */
export type OpenFlags = number | 'r' | 'w';

export interface VolumeIo {
  open(path: string, flags: OpenFlags, mode?: number): Promise<VolumeFile>;
  /** pread on a VolumeFile's fd, on the calling thread: returns the bytes read. */
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  /** pwrite on a VolumeFile's fd, on the calling thread: returns the bytes written. */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  /** One pwritev of `pieces` at `position`; may write fewer bytes than given. */
  writev(fd: number, pieces: Uint8Array[], position: number): Promise<{ bytesWritten: number }>;
  /** Whole-file read (a `.vif`); rejects with code ENOENT when the file is missing. */
  readFile(path: string): Promise<Buffer>;
  /** Size and modification time by path; rejects with code ENOENT when the file is missing. */
  stat(path: string): Promise<{ size: number; mtimeMs: number }>;
  exists(path: string): Promise<boolean>;
  rename(fromPath: string, toPath: string): Promise<void>;
  /** Removes a file (or a directory tree, such as a LevelDB index); a missing one is no error. */
  remove(path: string): Promise<void>;
}
