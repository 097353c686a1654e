// Turning data shards back into a `.dat`: copy blocks in the order the encoder cut them (uniform:
// each shard whole, in shard order; legacy: row by row), up to the size the live needles need.
// Written to `<dat>.tmp`, synced, then renamed.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { LARGE_BLOCK_SIZE_BYTES, SMALL_BLOCK_SIZE_BYTES, stripeRows } from './ec-layout.ts';

const COPY_CHUNK_BYTES = 4 * 1024 * 1024;

async function copyRange(
  from: FileHandle,
  fromOffset: number,
  to: FileHandle,
  toOffset: number,
  lengthBytes: number,
  buf: Buffer,
): Promise<void> {
  let done = 0;
  while (done < lengthBytes) {
    const want = Math.min(buf.length, lengthBytes - done);
    const { bytesRead } = await from.read(buf, 0, want, fromOffset + done);
    if (bytesRead === 0)
      throw new Error(`ec shard ends at ${fromOffset + done}, wanted ${lengthBytes - done} more bytes`);
    let written = 0;
    while (written < bytesRead) {
      const { bytesWritten } = await to.write(buf, written, bytesRead - written, toOffset + done + written);
      written += bytesWritten;
    }
    done += bytesRead;
  }
}

/**
 * Rebuilds `datPath` (size `datSizeBytes`) from the data shard files. `blockSizeBytes` > 0 is the
 * uniform layout. For the legacy one (0), `encodedDatSizeBytes` is the `.dat` size at encode time
 * (`.vif` datFileSize), which fixes the row layout; 0 means unknown, then it is inferred from the
 * shard size.
 */
export async function writeDatFile(
  datPath: string,
  datSizeBytes: number,
  encodedDatSizeBytes: number,
  dataShardPaths: string[],
  blockSizeBytes = 0,
): Promise<void> {
  const dataShards = dataShardPaths.length;
  const shards: FileHandle[] = [];
  const temporary = `${datPath}.tmp`;
  let out: FileHandle | null = null;
  let complete = false;
  try {
    for (const shardPath of dataShardPaths) shards.push(await fs.open(shardPath, 'r'));
    if (blockSizeBytes > 0) {
      if (datSizeBytes > blockSizeBytes * dataShards)
        throw new Error(`${datPath}: ${datSizeBytes} bytes do not fit ${dataShards} shards of ${blockSizeBytes}`);
      out = await fs.open(temporary, 'w');
      const buf = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
      for (let i = 0, position = 0; position < datSizeBytes; i++) {
        const length = Math.min(blockSizeBytes, datSizeBytes - position);
        await copyRange(shards[i] as FileHandle, 0, out, position, length, buf);
        position += length;
      }
      await out.sync();
      complete = true;
      return;
    }
    let layoutSize = encodedDatSizeBytes;
    if (layoutSize <= 0) {
      const shardSize = (await (shards[0] as FileHandle).stat()).size;
      if (shardSize > 0 && shardSize % LARGE_BLOCK_SIZE_BYTES === 0) {
        throw new Error(
          `cannot infer the ec layout of ${datPath}: shard size ${shardSize} is a multiple of 1 GiB and .vif has no datFileSize`,
        );
      }
      layoutSize = shardSize * dataShards;
    }
    const { largeRows } = stripeRows(layoutSize, dataShards);
    out = await fs.open(temporary, 'w');
    const buf = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
    let position = 0;
    for (let row = 0; row < largeRows && position < datSizeBytes; row++) {
      for (let i = 0; i < dataShards && position < datSizeBytes; i++) {
        const length = Math.min(LARGE_BLOCK_SIZE_BYTES, datSizeBytes - position);
        await copyRange(shards[i] as FileHandle, row * LARGE_BLOCK_SIZE_BYTES, out, position, length, buf);
        position += length;
      }
    }
    for (let row = 0; position < datSizeBytes; row++) {
      for (let i = 0; i < dataShards && position < datSizeBytes; i++) {
        const length = Math.min(SMALL_BLOCK_SIZE_BYTES, datSizeBytes - position);
        await copyRange(
          shards[i] as FileHandle,
          largeRows * LARGE_BLOCK_SIZE_BYTES + row * SMALL_BLOCK_SIZE_BYTES,
          out,
          position,
          length,
          buf,
        );
        position += length;
      }
    }
    await out.sync();
    complete = true;
  } finally {
    for (const shard of shards) await shard.close();
    await out?.close();
    if (complete) await fs.rename(temporary, datPath);
    else await fs.rm(temporary, { force: true });
  }
}
