// An in-memory [storage.backend] store for tiering tests: objects in a map, every ranged read
// recorded, and uploads, downloads, reads and deletes that can be made to fail (a backend that is down).
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { BackendStorage, TierProgress } from '../../src/storage/backend/backend.ts';

export interface RecordedRead {
  key: string;
  offsetBytes: number;
  length: number;
}

export class MemoryBackend implements BackendStorage {
  readonly objects = new Map<string, Buffer>();
  readonly reads: RecordedRead[] = [];
  /** When set, readAt fails with this message. */
  failReadsWith: string | null = null;
  /** When set, deleteFile fails with this message and the object stays. */
  failDeletesWith: string | null = null;
  /** When set, copyFile (the upload) fails with this message and stores nothing. */
  failCopiesWith: string | null = null;
  /** When set, downloadFile fails with this message after writing half the object. */
  failDownloadsWith: string | null = null;

  constructor(
    readonly type = 's3',
    readonly id = 'default',
  ) {}

  toProperties(): Record<string, string> {
    return {};
  }

  async copyFile(filePath: string, progress: TierProgress): Promise<{ key: string; sizeBytes: number }> {
    if (this.failCopiesWith !== null) throw new Error(this.failCopiesWith);
    const bytes = await fs.readFile(filePath);
    const key = randomUUID();
    this.objects.set(key, bytes);
    await progress(bytes.length, 100);
    return { key, sizeBytes: bytes.length };
  }

  async downloadFile(filePath: string, key: string, progress: TierProgress): Promise<number> {
    const bytes = this.object(key);
    if (this.failDownloadsWith !== null) {
      await fs.writeFile(filePath, bytes.subarray(0, bytes.length >> 1));
      throw new Error(this.failDownloadsWith);
    }
    await fs.writeFile(filePath, bytes);
    await progress(bytes.length, 100);
    return bytes.length;
  }

  async deleteFile(key: string): Promise<void> {
    if (this.failDeletesWith !== null) throw new Error(this.failDeletesWith);
    this.objects.delete(key);
  }

  async readAt(key: string, offsetBytes: number, length: number): Promise<Buffer> {
    this.reads.push({ key, offsetBytes, length });
    if (this.failReadsWith !== null) throw new Error(this.failReadsWith);
    // A copy, as a network read would hand back: callers must not see the stored object change.
    return Buffer.from(this.object(key).subarray(offsetBytes, offsetBytes + length));
  }

  private object(key: string): Buffer {
    const bytes = this.objects.get(key);
    if (bytes === undefined) throw new Error(`NoSuchKey: ${key}`);
    return bytes;
  }
}
