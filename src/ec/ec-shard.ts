// One mounted shard file (`<base>.ecNN`): an open read handle and its size.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/** Told the outcome of every read: null on success, the error otherwise. */
export type IoResultListener = (err: unknown) => void;

export class EcShard {
  onIoResult: IoResultListener | null = null;

  private constructor(
    readonly shardId: number,
    readonly path: string,
    readonly sizeBytes: number,
    private handle: FileHandle | null,
  ) {}

  /** Opens the shard; a missing file rejects with code ENOENT. */
  static async open(shardId: number, path: string): Promise<EcShard> {
    const handle = await fs.open(path, 'r');
    try {
      const stat = await handle.stat();
      return new EcShard(shardId, path, stat.size, handle);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Reads up to `length` bytes at `offset`; fewer only at end of file. */
  async readAt(buf: Uint8Array, offsetBytes: number, length = buf.length): Promise<number> {
    if (this.handle === null) throw new Error(`ec shard ${this.path} is closed`);
    let done = 0;
    try {
      while (done < length) {
        const { bytesRead } = await this.handle.read(buf, done, length - done, offsetBytes + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (err) {
      this.onIoResult?.(err);
      throw err;
    }
    this.onIoResult?.(null);
    return done;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}
